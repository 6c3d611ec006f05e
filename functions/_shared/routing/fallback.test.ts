import { deepStrictEqual } from "node:assert/strict";
import { callWithFallback, planTargets, usedFallback } from "./fallback.ts";
import type { RetryResult, Target } from "./retry.ts";

const haiku: Target = { model: "claude-3-haiku", provider: "anthropic" };
const gpt4o: Target = { model: "gpt-4o", provider: "openai" };
const mini: Target = { model: "gpt-4o-mini", provider: "openai" };
const failure = { kind: "http" as const, status: 529, providerType: "overloaded_error", providerCode: null, param: null, message: "m", retryAfterMs: null };
const giveUp: RetryResult<string> = { ok: false, action: "fallback", failure, class: { errorType: "overloaded", action: "retry" } };

Deno.test("fallback: the next model answers when the first gives up", async () => {
  const tried: string[] = [];
  const result = await callWithFallback<string>([haiku, gpt4o], (t) => {
    tried.push(t.model);
    return Promise.resolve(t === haiku ? giveUp : { ok: true, value: "hi" });
  });
  deepStrictEqual(result, { ok: true, value: "hi", answeredBy: gpt4o });
  deepStrictEqual(tried, ["claude-3-haiku", "gpt-4o"]);
});

Deno.test("fallback: a caller error stops the chain", async () => {
  const tried: string[] = [];
  const result = await callWithFallback<string>([haiku, gpt4o], (t) => {
    tried.push(t.model);
    return Promise.resolve({ ...giveUp, action: "return" });
  });
  deepStrictEqual(result.ok === false && result.callerError, true);
  deepStrictEqual(tried, ["claude-3-haiku"]);
});

Deno.test("fallback: every model failing reports the last one", async () => {
  const result = await callWithFallback<string>([haiku, gpt4o], () => Promise.resolve(giveUp));
  deepStrictEqual(result.ok === false && result.lastTarget, gpt4o);
});

const planCases: Array<[string, Target, Target[], Record<string, string>, Target[]]> = [
  ["keeps the chain in order", mini, [gpt4o], { openai: "closed" }, [mini, gpt4o]],
  ["drops the primary model repeated in the chain", gpt4o, [gpt4o, mini], {}, [gpt4o, mini]],
  ["skips a model whose circuit is open", mini, [haiku, gpt4o], { anthropic: "open" }, [mini, gpt4o]],
  ["keeps open-circuit models when nothing else is left", mini, [haiku], { anthropic: "open" }, [mini, haiku]],
  ["an empty chain is just the primary", gpt4o, [], {}, [gpt4o]],
  ["a replayed decision whose circuit opened tries the chain first", haiku, [gpt4o], { anthropic: "open" }, [gpt4o, haiku]],
];

for (const [name, primary, chain, breakers, expected] of planCases) {
  Deno.test(`planTargets: ${name}`, () => {
    const before = structuredClone(chain);
    deepStrictEqual(planTargets([primary, ...chain], breakers), expected);
    deepStrictEqual(chain, before);
  });
}

const fallbackCases: Array<[string, Target, Target, boolean]> = [
  ["the decided model answered", haiku, haiku, false],
  ["a model of the chain answered", haiku, gpt4o, true],
];

for (const [name, decided, last, expected] of fallbackCases) {
  Deno.test(`usedFallback: ${name}`, () => {
    deepStrictEqual(usedFallback({ decided, last }), expected);
  });
}
