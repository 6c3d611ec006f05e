// The paths of a routed completion, with every effect injected (in the style of retry.test.ts):
// a scripted decision, scripted provider outcomes, a recorder, a fake clock and a log sink.
// Each test compares the whole answer (or the whole error), what was recorded and what was tried.
import { deepStrictEqual, match } from "node:assert/strict";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
import type { VerifiedCaller } from "../_shared/auth/verify-caller.ts";
import type { CallRecord, FailOpenDecisionRecord } from "../_shared/db/router-db.ts";
import { RouterHttpError } from "../_shared/http/openai-error.ts";
import type { ProviderBody } from "../_shared/providers/prepare-request.ts";
import type { ProviderFailure } from "../_shared/routing/classify-failure.ts";
import type { AttemptOutcome } from "../_shared/routing/retry.ts";
import type { RoutingDecision } from "../_shared/routing/types.ts";
import type { ChatCompletion } from "../_shared/translate/mod.ts";
import { type CompletionDeps, type CompletionPolicy, routeCompletion } from "./complete.ts";
import type { CompletionRequest } from "./request.ts";
import { AGENT, decision, DECISION, HAIKU, SOL, USER } from "./test-support.ts";

const request: CompletionRequest = { agentId: AGENT, executionId: null, requestedModel: null, body: { messages: [{ role: "user", content: "hello" }] } };
const user: VerifiedCaller = { kind: "user", userId: USER, claims: { role: "authenticated", sub: USER } };
const service: VerifiedCaller = { kind: "service_role", claims: null };
const policy: CompletionPolicy = {
  failOpen: false, totalBudgetMs: 90_000, attemptTimeoutMs: 30_000, retryBaseDelayMs: 100, retryMaxDelayMs: 1_000, anthropicDefaultMaxTokens: 4096, maxOutputTokens: 4096,
  streamStallMs: 30_000,
};
/** The call key is drawn per call: the answers are compared with it in this placeholder's place. */
const KEY = "<call_key>";

const usage = { input_tokens: 10, output_tokens: 5, cached_tokens: 0, cache_write_tokens: 0 };
const NO_TOKENS = { input_tokens: 0, output_tokens: 0, cached_tokens: 0, cache_write_tokens: 0 };
const completion = {
  id: "chatcmpl-1", object: "chat.completion", created: 1, model: "provider-side-name",
  choices: [{ index: 0, message: { role: "assistant", content: "hi", refusal: null }, finish_reason: "stop", logprobs: null }],
} as ChatCompletion;
const ok: AttemptOutcome<ChatCompletion> = { ok: true, value: completion, status: 200, usage };
const fail = (status: number, extra: Partial<ProviderFailure> = {}): AttemptOutcome<ChatCompletion> => ({
  ok: false, failure: { kind: "http", status, providerType: null, providerCode: null, param: null, message: "boom", retryAfterMs: null, ...extra },
});

interface Script {
  body?: CompletionRequest["body"];
  requestedModel?: string;
  decide?: () => Promise<RoutingDecision>;
  outcomes?: AttemptOutcome<ChatCompletion>[];
  /** How long keeping the record takes (the outbox write); 0 by default. */
  keepMs?: number;
  caller?: VerifiedCaller;
  policy?: Partial<CompletionPolicy>;
  /** The HTTP request's signal, handed to every attempt. */
  signal?: AbortSignal;
}

/** Runs one completion; every provider attempt takes 100 ms of the fake clock, sleeping advances it. */
async function run(script: Script) {
  let now = 1_000_000;
  const decided: unknown[] = [];
  const tried: Array<{ model: string; timeoutMs: number; wire: ProviderBody; signal?: AbortSignal }> = [];
  const records: Array<{ decisionId: string | null; failOpen?: FailOpenDecisionRecord; call: Omit<CallRecord, "call_key"> }> = [];
  const keys: string[] = [];
  let keptAt: number | null = null;
  const sleeps: number[] = [];
  const logs: Array<{ level: string; event: string; fields: Record<string, unknown> }> = [];
  const queue = [...(script.outcomes ?? [])];
  const deps: CompletionDeps = {
    decide: (args) => {
      decided.push(args);
      return script.decide ? script.decide() : Promise.resolve(decision);
    },
    callProvider: (target, wire, timeoutMs, signal) => {
      tried.push({ model: target.model, timeoutMs, wire: structuredClone(wire), signal });
      now += 100;
      return Promise.resolve(queue.shift() ?? fail(500));
    },
    openStream: () => Promise.reject(new Error("a whole answer opens no stream")),
    record: async (pending) => {
      // A fresh idempotency key per call; the rest of the record is compared whole.
      const { call_key, ...call } = pending.call;
      match(call_key, UUID);
      keys.push(call_key);
      records.push({ ...pending, call: structuredClone(call) });
      await new Promise((resolve) => setTimeout(resolve, script.keepMs ?? 0));
      keptAt = performance.now();
    },
    keepAlive: () => {
      throw new Error("a whole answer's record is kept before it is sent, and stored by the recorder");
    },
    clock: { now: () => now, sleep: (ms) => { sleeps.push(ms); now += ms; return Promise.resolve(); }, random: () => 1 },
    log: (level, event, fields = {}) => { logs.push({ level, event, fields }); },
  };
  const input: CompletionRequest = { ...request, body: script.body ?? request.body, requestedModel: script.requestedModel ?? null };
  const before = structuredClone(input);
  let outcome: unknown;
  try {
    outcome = {
      answer: await routeCompletion({ request: input, caller: script.caller ?? user, policy: { ...policy, ...script.policy }, deps, signal: script.signal }),
    };
  } catch (error) {
    if (!(error instanceof RouterHttpError)) throw error;
    outcome = { error: { status: error.status, body: error.toBody(), headers: error.headers } };
  }
  const answeredAt = performance.now();
  deepStrictEqual(input, before, "the request was not mutated");
  const withKey = JSON.stringify(outcome);
  return {
    outcome: JSON.parse(keys.reduce((text, key) => text.replaceAll(key, KEY), withKey)) as unknown,
    keyShown: keys.length === 1 && withKey.includes(keys[0]),
    keptBeforeAnswer: keptAt !== null && keptAt <= answeredAt,
    decided, tried: tried.map((t) => t.model), timeouts: tried.map((t) => t.timeoutMs), wires: tried.map((t) => t.wire),
    signals: tried.map((t) => t.signal),
    records, sleeps, logs,
  };
}

const headers = (over: Record<string, string>) => ({
  "x-routing-decision-id": DECISION, "x-routing-model": "claude-haiku-4-5", "x-routing-provider": "anthropic",
  "x-routing-reason": "tier", "x-routing-cohort": "routed", "x-routing-attempts": "1", "x-routing-fallback": "false",
  "x-routing-call-key": KEY, ...over,
});
const routing = (over: Record<string, unknown>) => ({
  decision_id: DECISION, model: "claude-haiku-4-5", provider: "anthropic", decided_model: "claude-haiku-4-5", tier: "medium",
  reason: "tier", reasoning: "Medium complexity (5.2) - balanced model", cohort: "routed", attempts: 1, fallback_used: false,
  call_key: KEY, warnings: [], ...over,
});
const attempt = (model: string, provider: string, status: number | null, error_type: string | null, tokens = NO_TOKENS) =>
  ({ model, provider, status, error_type, latency_ms: 100, ...tokens });

Deno.test("complete: the decided model answers: 200 with its model and its record's key, recorded once for the user", async () => {
  const r = await run({ outcomes: [ok] });
  deepStrictEqual(r.outcome, {
    answer: { status: 200, body: { ...completion, model: "claude-haiku-4-5", routing: routing({}) }, headers: headers({}) },
  });
  deepStrictEqual(r.decided, [{ agentId: AGENT, executionId: null, actingUser: USER, requestedModel: null }]);
  deepStrictEqual(r.records, [{
    decisionId: DECISION,
    call: { status: "succeeded", model: "claude-haiku-4-5", provider: "anthropic", fallback_used: false, latency_ms: 100,
      attempts: [attempt("claude-haiku-4-5", "anthropic", 200, null, usage)], warnings: [] },
  }]);
  deepStrictEqual({ tried: r.tried, timeouts: r.timeouts, sleeps: r.sleeps }, { tried: ["claude-haiku-4-5"], timeouts: [30_000], sleeps: [] });
});

Deno.test("complete: a caller who disconnects mid-attempt: no retry, no fallback, the call recorded failed with a client_aborted attempt", async () => {
  const controller = new AbortController();
  const aborted: AttemptOutcome<ChatCompletion> = {
    ok: false,
    failure: { kind: "aborted", status: null, providerType: null, providerCode: null, param: null, message: "The caller closed the request.", retryAfterMs: null },
  };
  // callProvider answers so when the caller's signal fired during the attempt (call-provider.test.ts); more would follow a 529.
  const r = await run({ outcomes: [aborted, ok, ok], signal: controller.signal });
  deepStrictEqual({ tried: r.tried, sleeps: r.sleeps }, { tried: ["claude-haiku-4-5"], sleeps: [] });
  deepStrictEqual(r.signals, [controller.signal], "the attempt got the caller's signal");
  deepStrictEqual(r.records.map((x) => [x.call.status, x.call.attempts]), [
    ["failed", [attempt("claude-haiku-4-5", "anthropic", null, "client_aborted")]],
  ]);
});

Deno.test("complete: the service role decides with no acting user", async () => {
  const r = await run({ outcomes: [ok], caller: service });
  deepStrictEqual(r.decided, [{ agentId: AGENT, executionId: null, actingUser: null, requestedModel: null }]);
});

Deno.test("complete: the caller's model goes to the decision as requested_model (route_model decides what it is worth)", async () => {
  const r = await run({ outcomes: [ok], requestedModel: "gpt-5.6-sol" });
  deepStrictEqual(r.decided, [{ agentId: AGENT, executionId: null, actingUser: USER, requestedModel: "gpt-5.6-sol" }]);
});

Deno.test("complete: three 529s then the chain's gpt-5.6-sol: fallback used, every attempt recorded", async () => {
  const r = await run({ outcomes: [fail(529), fail(529), fail(529), ok] });
  const gpt = { "x-routing-model": "gpt-5.6-sol", "x-routing-provider": "openai", "x-routing-attempts": "4", "x-routing-fallback": "true" };
  deepStrictEqual(r.outcome, {
    answer: {
      status: 200,
      body: { ...completion, model: "gpt-5.6-sol", routing: routing({ model: "gpt-5.6-sol", provider: "openai", attempts: 4, fallback_used: true }) },
      headers: headers(gpt),
    },
  });
  deepStrictEqual(r.records, [{
    decisionId: DECISION,
    call: {
      status: "succeeded", model: "gpt-5.6-sol", provider: "openai", fallback_used: true, latency_ms: 700,
      attempts: [
        attempt("claude-haiku-4-5", "anthropic", 529, "overloaded"),
        attempt("claude-haiku-4-5", "anthropic", 529, "overloaded"),
        attempt("claude-haiku-4-5", "anthropic", 529, "overloaded"),
        attempt("gpt-5.6-sol", "openai", 200, null, usage),
      ],
      warnings: [],
    },
  }]);
  deepStrictEqual(r.sleeps, [100, 200]);
});

Deno.test("complete: the decided model's circuit is open: the chain's model goes first, and its answer is a fallback", async () => {
  const r = await run({ decide: () => Promise.resolve({ ...decision, breakers: { anthropic: "open", openai: "closed" } }), outcomes: [ok] });
  deepStrictEqual(r.tried, ["gpt-5.6-sol"]);
  deepStrictEqual(r.outcome, {
    answer: {
      status: 200,
      body: { ...completion, model: "gpt-5.6-sol", routing: routing({ model: "gpt-5.6-sol", provider: "openai", fallback_used: true }) },
      headers: headers({ "x-routing-model": "gpt-5.6-sol", "x-routing-provider": "openai", "x-routing-fallback": "true" }),
    },
  });
  deepStrictEqual(r.records.map((x) => x.call.fallback_used), [true]);
});

Deno.test("complete: the decided model tried last (open circuit, chain failing) and answering is no fallback", async () => {
  const r = await run({
    decide: () => Promise.resolve({ ...decision, breakers: { anthropic: "open", openai: "closed" } }),
    outcomes: [fail(401), ok],
  });
  deepStrictEqual(r.tried, ["gpt-5.6-sol", "claude-haiku-4-5"]);
  deepStrictEqual(r.records.map((x) => [x.call.model, x.call.fallback_used]), [["claude-haiku-4-5", false]]);
});

const unreachable = () => Promise.reject(new RouterHttpError(503, "The routing database is unreachable.", { code: "database_unavailable" }));

Deno.test("complete: fail-open: an unreachable database sends the call to the baseline gpt-5.6-sol; its record carries the decision", async () => {
  const r = await run({ decide: unreachable, outcomes: [ok], policy: { failOpen: true } });
  deepStrictEqual(r.outcome, {
    answer: {
      status: 200,
      body: {
        ...completion, model: "gpt-5.6-sol",
        routing: {
          decision_id: null, model: "gpt-5.6-sol", provider: "openai", decided_model: "gpt-5.6-sol", tier: null, reason: "fail_open",
          reasoning: "The routing database is unreachable: the baseline model answers, recorded once the database is back.",
          cohort: "fail_open", attempts: 1, fallback_used: false, call_key: KEY,
          warnings: ["routing database unreachable: fail-open to gpt-5.6-sol"],
        },
      },
      headers: {
        "x-routing-decision-id": "none", "x-routing-model": "gpt-5.6-sol", "x-routing-provider": "openai", "x-routing-reason": "fail_open",
        "x-routing-cohort": "fail_open", "x-routing-attempts": "1", "x-routing-fallback": "false", "x-routing-call-key": KEY,
      },
    },
  });
  deepStrictEqual(r.records, [{
    decisionId: null,
    failOpen: { agent_id: AGENT, execution_id: null, acting_user: USER, model: "gpt-5.6-sol", decided_at: new Date(1_000_000).toISOString() },
    call: {
      status: "succeeded", model: "gpt-5.6-sol", provider: "openai", fallback_used: false, latency_ms: 100,
      attempts: [attempt("gpt-5.6-sol", "openai", 200, null, usage)], warnings: ["routing database unreachable: fail-open to gpt-5.6-sol"],
    },
  }]);
  deepStrictEqual(r.logs.filter((l) => l.level !== "info"), [{ level: "warn", event: "routing_fail_open", fields: { agent_id: AGENT } }]);
});

Deno.test("complete: without fail-open an unreachable database is the caller's 503, and no provider is called", async () => {
  const r = await run({ decide: unreachable, outcomes: [ok] });
  deepStrictEqual(r.outcome, {
    error: {
      status: 503,
      body: { error: { message: "The routing database is unreachable.", type: "api_error", param: null, code: "database_unavailable" } },
      headers: {},
    },
  });
  deepStrictEqual({ tried: r.tried, records: r.records }, { tried: [], records: [] });
});

Deno.test("complete: fail-open covers an unreachable database only: a 404 still goes to the caller", async () => {
  const missing = () => Promise.reject(new RouterHttpError(404, `agent ${AGENT} not found`, { code: "not_found" }));
  const r = await run({ decide: missing, outcomes: [ok], policy: { failOpen: true } });
  deepStrictEqual(r.outcome, {
    error: {
      status: 404,
      body: { error: { message: `agent ${AGENT} not found`, type: "not_found_error", param: null, code: "not_found" } },
      headers: {},
    },
  });
  deepStrictEqual(r.tried, []);
});

Deno.test("complete: answer first, record after: the answer leaves once its record is kept, and names its key", async () => {
  const r = await run({ outcomes: [ok], keepMs: 30 });
  deepStrictEqual(
    { kept: r.keptBeforeAnswer, shown: r.keyShown, records: r.records.length },
    { kept: true, shown: true, records: 1 },
    "the record is in the outbox (write-ahead) before the answer; the database stores it afterwards",
  );
});

Deno.test("complete: Anthropic's 400 is the caller's: its message, OpenAI's type, no code or param, recorded as failed", async () => {
  const r = await run({
    outcomes: [fail(400, { providerType: "invalid_request_error", message: "messages.0: bad" }), ok],
  });
  deepStrictEqual(r.outcome, {
    error: {
      status: 400,
      body: { error: { message: "messages.0: bad", type: "invalid_request_error", param: null, code: null } },
      headers: headers({}),
    },
  });
  deepStrictEqual(r.tried, ["claude-haiku-4-5"]);
  deepStrictEqual(r.records, [{
    decisionId: DECISION,
    call: { status: "failed", model: "claude-haiku-4-5", provider: "anthropic", fallback_used: false, latency_ms: 100,
      attempts: [attempt("claude-haiku-4-5", "anthropic", 400, "invalid_request")], warnings: [] },
  }]);
});

Deno.test("complete: OpenAI's 400 is passed through with its own code and param", async () => {
  const r = await run({
    decide: () => Promise.resolve({ ...decision, model: "gpt-5.6-sol", provider: "openai", targets: [SOL] }),
    outcomes: [fail(400, {
      providerType: "invalid_request_error", providerCode: "context_length_exceeded", param: "messages",
      message: "This model's maximum context length is 1050000 tokens.",
    })],
  });
  deepStrictEqual((r.outcome as { error: { status: number; body: unknown } }).error.status, 400);
  deepStrictEqual((r.outcome as { error: { body: unknown } }).error.body, {
    error: {
      message: "This model's maximum context length is 1050000 tokens.", type: "invalid_request_error", param: "messages",
      code: "context_length_exceeded",
    },
  });
});

Deno.test("complete: a 429 asking to wait 55 s (past the longest backoff) goes to the chain's next model at once", async () => {
  const r = await run({ outcomes: [fail(429, { retryAfterMs: 55_000 }), ok] });
  deepStrictEqual({ tried: r.tried, sleeps: r.sleeps }, { tried: ["claude-haiku-4-5", "gpt-5.6-sol"], sleeps: [] });
});

Deno.test("complete: a 404 model_not_found costs one attempt, no retry, and the chain answers", async () => {
  const r = await run({ outcomes: [fail(404, { providerType: "not_found_error", message: "model: claude-haiku-4-5-20251001" }), ok] });
  deepStrictEqual(r.tried, ["claude-haiku-4-5", "gpt-5.6-sol"]);
  deepStrictEqual(r.records[0].call.attempts.map((a) => [a.model, a.status, a.error_type]), [
    ["claude-haiku-4-5", 404, "model_unavailable"],
    ["gpt-5.6-sol", 200, null],
  ]);
  deepStrictEqual(r.sleeps, []);
});

Deno.test("complete: an Anthropic spend cap and an OpenAI spend limit each fall back at once, without retries", async () => {
  const r = await run({
    decide: () => Promise.resolve({ ...decision, targets: [HAIKU, SOL, { ...HAIKU, model: "claude-opus-4-6", wire_id: "claude-opus-4-6" }] }),
    outcomes: [
      fail(429, { providerType: "rate_limit_error", providerCode: "enforced_spend_limit_reached" }),
      fail(429, { providerType: "insufficient_quota", providerCode: "organization_spend_limit_exceeded" }),
      ok,
    ],
  });
  deepStrictEqual(r.tried, ["claude-haiku-4-5", "gpt-5.6-sol", "claude-opus-4-6"]);
  deepStrictEqual(r.records[0].call.attempts.map((a) => a.error_type), ["insufficient_quota", "insufficient_quota", null]);
  deepStrictEqual(r.sleeps, []);
});

Deno.test("complete: the decision's and the adaptation's warnings reach the answer and the record; the wire gets the adapted body", async () => {
  const r = await run({
    decide: () => Promise.resolve({ ...decision, warnings: ["claude-3-haiku retired on 2026-04-19: claude-haiku-4-5 answers"] }),
    body: { messages: [{ role: "user", content: "hello" }], temperature: 0.4, top_p: 0.9, logprobs: true },
    outcomes: [ok],
  });
  const warnings = [
    "claude-3-haiku retired on 2026-04-19: claude-haiku-4-5 answers",
    "logprobs dropped: not supported by anthropic models",
    "top_p dropped: claude-haiku-4-5 accepts temperature or top_p, not both",
  ];
  deepStrictEqual(r.outcome, {
    answer: { status: 200, body: { ...completion, model: "claude-haiku-4-5", routing: routing({ warnings }) }, headers: headers({}) },
  });
  deepStrictEqual(r.records.map((x) => x.call.warnings), [warnings]);
  deepStrictEqual(r.wires, [{
    kind: "anthropic",
    body: {
      model: "claude-haiku-4-5-20251001", max_tokens: 4096, temperature: 0.4,
      messages: [{ role: "user", content: [{ type: "text", text: "hello" }] }],
    },
    toolIds: { toAnthropic: new Map(), toCaller: new Map() },
  }]);
});

const pdfById = { messages: [{ role: "user" as const, content: [{ type: "file" as const, file: { file_id: "file-abc" } }] }] };

Deno.test("complete: a target that cannot take the request is skipped, said in the warnings, and the next one answers", async () => {
  const r = await run({ body: pdfById, outcomes: [ok] });
  const skipped = "claude-haiku-4-5 skipped: messages[0].content[0].file needs file_data for claude-haiku-4-5: " +
    "anthropic models cannot read an OpenAI file_id";
  deepStrictEqual(r.tried, ["gpt-5.6-sol"]);
  deepStrictEqual(r.outcome, {
    answer: {
      status: 200,
      body: { ...completion, model: "gpt-5.6-sol", routing: routing({ model: "gpt-5.6-sol", provider: "openai", fallback_used: true, warnings: [skipped] }) },
      headers: headers({ "x-routing-model": "gpt-5.6-sol", "x-routing-provider": "openai", "x-routing-fallback": "true" }),
    },
  });
  deepStrictEqual(r.records.map((x) => x.call.warnings), [[skipped]]);
  deepStrictEqual(r.wires.map((w) => w.body), [{ model: "gpt-5.6-sol", messages: pdfById.messages }]);
});

Deno.test("complete: no target can take the request: the decided model's refusal is a 400, nothing called or recorded", async () => {
  const r = await run({ body: pdfById, decide: () => Promise.resolve({ ...decision, targets: [HAIKU] }), outcomes: [ok] });
  deepStrictEqual(r.outcome, {
    error: {
      status: 400,
      body: {
        error: {
          message: "messages[0].content[0].file needs file_data for claude-haiku-4-5: anthropic models cannot read an OpenAI file_id",
          type: "invalid_request_error", param: "messages[0].content[0].file.file_data", code: "unsupported_value",
        },
      },
      headers: {},
    },
  });
  deepStrictEqual({ tried: r.tried, records: r.records }, { tried: [], records: [] });
});

Deno.test("complete: legacy functions go out as tools and the tool call comes back as function_call", async () => {
  const toolAnswer = {
    ...completion,
    choices: [{
      index: 0, finish_reason: "tool_calls", logprobs: null,
      message: { role: "assistant", content: null, refusal: null, tool_calls: [{ id: "toolu_1", type: "function", function: { name: "lookup", arguments: "{\"q\":\"x\"}" } }] },
    }],
  } as ChatCompletion;
  const r = await run({
    body: { messages: [{ role: "user", content: "find x" }], functions: [{ name: "lookup", parameters: { type: "object", properties: { q: { type: "string" } } } }] },
    outcomes: [{ ok: true, value: toolAnswer, status: 200, usage }],
  });
  const body = (r.outcome as { answer: { body: ChatCompletion } }).answer.body;
  deepStrictEqual(body.choices, [{
    index: 0, finish_reason: "function_call", logprobs: null,
    message: { role: "assistant", content: null, refusal: null, function_call: { name: "lookup", arguments: "{\"q\":\"x\"}" } },
  }]);
  const wire = r.wires[0];
  deepStrictEqual(wire.kind === "anthropic" && [wire.body.tools, wire.body.tool_choice], [
    [{ name: "lookup", input_schema: { type: "object", properties: { q: { type: "string" } } } }],
    { type: "auto", disable_parallel_tool_use: true },
  ]);
});

Deno.test("complete: every attempt failing is a 502 listing the attempts without tokens, recorded as failed", async () => {
  const r = await run({ outcomes: [] }); // every attempt: 500
  const tried = [...Array(3).fill(["claude-haiku-4-5", "anthropic"]), ...Array(3).fill(["gpt-5.6-sol", "openai"])];
  deepStrictEqual(r.outcome, {
    error: {
      status: 502,
      body: {
        error: {
          message: "Every provider attempt failed (6 attempts); last error: server_error: the provider had an error or was overloaded.",
          type: "api_error", param: null,
          code: "all_attempts_failed",
          attempts: tried.map(([model, provider]) => ({ model, provider, status: 500, error_type: "server_error", latency_ms: 100 })),
        },
      },
      headers: headers({ "x-routing-model": "gpt-5.6-sol", "x-routing-provider": "openai", "x-routing-attempts": "6", "x-routing-fallback": "true" }),
    },
  });
  deepStrictEqual(r.records.map((x) => [x.call.status, x.call.model, x.call.fallback_used, x.call.attempts.length]), [["failed", "gpt-5.6-sol", true, 6]]);
});

Deno.test("complete: a 502 after rate limits does not echo the provider's words (the operator's organization and usage)", async () => {
  const words = "Rate limit reached for gpt-5.6-sol in organization org-AbCdEf123 on tokens per min (TPM): Limit 200000, Used 199000.";
  const r = await run({ outcomes: Array(6).fill(fail(429, { message: words })) });
  const error = (r.outcome as { error: { body: { error: { message: string } } } }).error.body.error;
  deepStrictEqual(error.message, "Every provider attempt failed (6 attempts); last error: rate_limit: the provider's rate limit was reached.");
  deepStrictEqual(JSON.stringify(r.outcome).includes("org-AbCdEf123"), false, "the organization id is nowhere in the answer");
});

Deno.test("complete: a 502 after refused credentials does not echo the provider's message", async () => {
  const r = await run({ outcomes: [fail(401, { message: "Incorrect API key provided: sk-abc***xyz" }), fail(403, { message: "key sk-abc***xyz" })] });
  const error = (r.outcome as { error: { body: { error: { message: string } } } }).error.body.error;
  deepStrictEqual(error.message, "Every provider attempt failed (2 attempts); last error: auth: the provider refused the router's credentials.");
  deepStrictEqual(r.tried, ["claude-haiku-4-5", "gpt-5.6-sol"], "a key problem falls back at once, without a retry");
});

Deno.test("complete: no attempt fits the time budget: a 502 with no attempts, and nothing recorded", async () => {
  const r = await run({ outcomes: [ok], policy: { totalBudgetMs: 100 } });
  deepStrictEqual(r.outcome, {
    error: {
      status: 502,
      body: {
        error: {
          message: "Every provider attempt failed (0 attempts); last error: timeout: The call's time budget ran out.", type: "api_error",
          param: null, code: "all_attempts_failed", attempts: [],
        },
      },
      headers: headers({
        "x-routing-model": "gpt-5.6-sol", "x-routing-provider": "openai", "x-routing-attempts": "0", "x-routing-fallback": "true",
        "x-routing-call-key": "none",
      }),
    },
  });
  deepStrictEqual({ tried: r.tried, records: r.records }, { tried: [], records: [] });
});
