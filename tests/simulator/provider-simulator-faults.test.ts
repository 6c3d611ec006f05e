// Tests of the PROVIDER SIMULATOR's (a test double's) scripted failures, seen through the real
// SDKs: error presets as the right classes and bodies, retry-after headers, hang → timeout,
// drop → connection error, malformed bodies, and how steps are matched and consumed.
import assert from "node:assert/strict";
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";
import type { ErrorPreset, ProviderSimulator } from "./provider-simulator.ts";
import { anthropicClient, openaiClient, withSimulator } from "./test-helpers.ts";

/** Any error class of an SDK, whatever its constructor's status type. */
type ErrorClass<T> = new (...args: never[]) => T;

const ask = (sim: ProviderSimulator, model = "gpt-4o", timeout?: number) =>
  openaiClient(sim, timeout).chat.completions.create({ model, messages: [{ role: "user", content: "Hi" }] });
const askClaude = (sim: ProviderSimulator, model = "claude-haiku-4-5", timeout?: number) =>
  anthropicClient(sim, timeout).messages.create({ model, max_tokens: 16, messages: [{ role: "user", content: "Hi" }] });

Deno.test("openai presets: real statuses, codes and SDK classes; retry-after visible", () =>
  withSimulator(async (sim) => {
    sim.script({ error: "rate_limit", retryAfterSeconds: 2, retryAfterMs: 1500 }, { error: "insufficient_quota" });
    const limited = await ask(sim).catch((e: unknown) => e);
    assert.ok(limited instanceof OpenAI.RateLimitError);
    assert.equal(limited.code, "rate_limit_exceeded");
    assert.equal(limited.type, "requests");
    assert.equal(limited.headers.get("retry-after"), "2");
    assert.equal(limited.headers.get("retry-after-ms"), "1500");
    assert.match(limited.requestID ?? "", /^req_/);
    const quota = await ask(sim).catch((e: unknown) => e);
    assert.ok(quota instanceof OpenAI.RateLimitError);
    assert.equal(quota.code, "insufficient_quota");
    assert.equal(quota.type, "insufficient_quota");
    assert.equal(quota.headers.get("retry-after"), null);

    const table: [ErrorPreset, number, ErrorClass<InstanceType<typeof OpenAI.APIError>>][] = [
      ["server_error", 500, OpenAI.InternalServerError],
      ["bad_gateway", 502, OpenAI.InternalServerError],
      ["unavailable", 503, OpenAI.InternalServerError],
      ["overloaded", 503, OpenAI.InternalServerError],
      ["unauthorized", 401, OpenAI.AuthenticationError],
      ["forbidden", 403, OpenAI.PermissionDeniedError],
      ["bad_request", 400, OpenAI.BadRequestError],
      ["payload_too_large", 413, OpenAI.APIError],
    ];
    for (const [preset, status, errorClass] of table) {
      sim.script({ error: preset });
      const error = await ask(sim).catch((e: unknown) => e);
      assert.ok(error instanceof errorClass, preset);
      assert.equal(error.status, status, preset);
    }
  }));

Deno.test("anthropic presets: real statuses, error types and SDK classes", () =>
  withSimulator(async (sim) => {
    const table: [ErrorPreset, number, string, ErrorClass<InstanceType<typeof Anthropic.APIError>>][] = [
      ["overloaded", 529, "overloaded_error", Anthropic.OverloadedError],
      ["rate_limit", 429, "rate_limit_error", Anthropic.RateLimitError],
      ["server_error", 500, "api_error", Anthropic.InternalServerError],
      ["bad_gateway", 502, "api_error", Anthropic.InternalServerError],
      ["unavailable", 503, "api_error", Anthropic.InternalServerError],
      ["unauthorized", 401, "authentication_error", Anthropic.AuthenticationError],
      ["forbidden", 403, "permission_error", Anthropic.PermissionDeniedError],
      ["bad_request", 400, "invalid_request_error", Anthropic.BadRequestError],
      ["insufficient_quota", 400, "invalid_request_error", Anthropic.BadRequestError],
      ["payload_too_large", 413, "request_too_large", Anthropic.APIError],
    ];
    for (const [preset, status, type, errorClass] of table) {
      sim.script({ provider: "anthropic", error: preset, retryAfterSeconds: 7 });
      const error = await askClaude(sim).catch((e: unknown) => e);
      assert.ok(error instanceof errorClass, preset);
      assert.equal(error.status, status, preset);
      assert.equal(error.type, type, preset);
      assert.equal(error.headers?.get("retry-after"), "7", preset);
      assert.match(error.requestID ?? "", /^req_/, preset);
    }
    sim.script({ error: "overloaded" });
    const overloaded = await askClaude(sim).catch((e: unknown) => e);
    assert.ok(overloaded instanceof Anthropic.APIError);
    assert.equal(overloaded.apiMessage, "Overloaded");
  }));

Deno.test("quota, billing and model presets: each provider's family, as its SDK classifies it", () =>
  withSimulator(async (sim) => {
    // OpenAI: every billing cause is a 429 of type insufficient_quota; only `code` tells them apart.
    const openai: [ErrorPreset, number, string, string, ErrorClass<InstanceType<typeof OpenAI.APIError>>][] = [
      ["credit_balance_exhausted", 429, "insufficient_quota", "credit_balance_exhausted", OpenAI.RateLimitError],
      ["spend_limit_reached", 429, "insufficient_quota", "organization_spend_limit_exceeded", OpenAI.RateLimitError],
      ["workspace_spend_limit_reached", 429, "insufficient_quota", "project_spend_limit_exceeded", OpenAI.RateLimitError],
      ["usage_tier_limit_reached", 429, "insufficient_quota", "organization_usage_limit_exceeded", OpenAI.RateLimitError],
      ["billing_error", 429, "insufficient_quota", "credit_balance_exhausted", OpenAI.RateLimitError],
      ["model_not_found", 404, "invalid_request_error", "model_not_found", OpenAI.NotFoundError],
    ];
    for (const [preset, status, type, code, errorClass] of openai) {
      sim.script({ provider: "openai", error: preset });
      const error = await ask(sim, "gpt-4o-mini").catch((e: unknown) => e);
      assert.ok(error instanceof errorClass, preset);
      assert.deepEqual([error.status, error.type, error.code], [status, type, code], preset);
      assert.equal(error.headers?.get("retry-after"), null, `${preset}: no retry-after`);
    }
    const missing = await (sim.script({ provider: "openai", error: "model_not_found" }), ask(sim, "gpt-4o-mini")).catch((e: unknown) => e);
    assert.ok(missing instanceof OpenAI.NotFoundError);
    assert.equal(missing.message, "404 The model `gpt-4o-mini` does not exist or you do not have access to it.");

    // Anthropic: credit and self-set spend limits are 400s, the tier cap a coded 429, payment a 402.
    const anthropic: [ErrorPreset, number, string, string | null, RegExp, ErrorClass<InstanceType<typeof Anthropic.APIError>>][] = [
      ["credit_balance_exhausted", 400, "invalid_request_error", null, /^Your credit balance is too low/, Anthropic.BadRequestError],
      ["spend_limit_reached", 400, "invalid_request_error", null, /^You have reached your specified API usage limits\./, Anthropic.BadRequestError],
      ["workspace_spend_limit_reached", 400, "invalid_request_error", null, /^You have reached your specified workspace API usage limits\./, Anthropic.BadRequestError],
      ["usage_tier_limit_reached", 429, "rate_limit_error", "enforced_spend_limit_reached", /usage limit of its usage tier/, Anthropic.EnforcedSpendLimitReachedError],
      ["billing_error", 402, "billing_error", null, /billing/, Anthropic.PaymentRequiredError],
      ["model_not_found", 404, "not_found_error", null, /^model: claude-haiku-4-5$/, Anthropic.NotFoundError],
    ];
    for (const [preset, status, type, errorCode, message, errorClass] of anthropic) {
      sim.script({ provider: "anthropic", error: preset });
      const error = await askClaude(sim).catch((e: unknown) => e);
      assert.ok(error instanceof errorClass, preset);
      assert.deepEqual([error.status, error.type, error.errorCode], [status, type, errorCode], preset);
      assert.match(error.apiMessage ?? "", message, preset);
      assert.equal(error.headers?.get("retry-after"), null, `${preset}: no retry-after`);
    }
  }));

Deno.test("hang: the SDK times out, close() does not wait for the hung request", () =>
  withSimulator(async (sim) => {
    sim.script({ hang: true }, { provider: "anthropic", hang: true });
    await assert.rejects(ask(sim, "gpt-4o", 200), OpenAI.APIConnectionTimeoutError);
    await assert.rejects(askClaude(sim, "claude-haiku-4-5", 200), Anthropic.APIConnectionTimeoutError);
    assert.deepEqual(sim.received().map((r) => [r.outcome, r.status]), [["hung", null], ["hung", null]]);

    // A client without a timeout: closing the simulator must end the request, not wait for it.
    sim.script({ hang: true });
    const pending = ask(sim).catch((e: unknown) => e);
    while (sim.received().length < 3) await new Promise((r) => setTimeout(r, 5));
    await sim.close();
    assert.ok((await pending) instanceof OpenAI.APIConnectionError);
  }));

Deno.test("drop: a closed connection is an APIConnectionError, not a timeout", () =>
  withSimulator(async (sim) => {
    sim.script({ drop: true }, { drop: true, delayMs: 20 });
    const o = await ask(sim).catch((e: unknown) => e);
    assert.ok(o instanceof OpenAI.APIConnectionError && !(o instanceof OpenAI.APIConnectionTimeoutError));
    const a = await askClaude(sim).catch((e: unknown) => e);
    assert.ok(a instanceof Anthropic.APIConnectionError && !(a instanceof Anthropic.APIConnectionTimeoutError));
    assert.deepEqual(sim.received().map((r) => r.outcome), ["dropped", "dropped"]);
  }));

Deno.test("malformed: a 200 with a truncated body fails in the SDK", () =>
  withSimulator(async (sim) => {
    sim.script({ malformed: true, times: 2 });
    await assert.rejects(ask(sim));
    await assert.rejects(askClaude(sim));
    assert.deepEqual(sim.received().map((r) => r.status), [200, 200]);
  }));

Deno.test("steps: consumed in order by matching provider / model; times and always", () =>
  withSimulator(async (sim) => {
    sim.script(
      { provider: "anthropic", text: "for claude" },
      { model: "gpt-4o-mini", text: "for mini" },
      { provider: "openai", error: "server_error", times: 2 },
    );
    // The anthropic step is skipped by OpenAI requests; the model step only by other models.
    await assert.rejects(ask(sim), OpenAI.InternalServerError);
    assert.equal((await ask(sim, "gpt-4o-mini")).choices[0].message.content, "for mini");
    await assert.rejects(ask(sim), OpenAI.InternalServerError);
    assert.equal((await ask(sim)).choices[0].message.content, "Simulated answer from gpt-4o.");
    const claude = await askClaude(sim);
    assert.deepEqual(claude.content, [{ type: "text", text: "for claude" }]);
    assert.equal(sim.pendingSteps(), 0);

    sim.script({ provider: "openai", times: "always", error: "unavailable" });
    for (let i = 0; i < 3; i++) await assert.rejects(ask(sim), OpenAI.InternalServerError);
    assert.equal(sim.pendingSteps(), 1);
    sim.reset();
    assert.equal((await ask(sim)).choices[0].finish_reason, "stop");
    assert.throws(() => sim.script({ times: 0 }), TypeError);
    assert.throws(() => sim.script({ text: "ok" }, { error: "nope" as ErrorPreset }), TypeError);
    assert.equal(sim.pendingSteps(), 0, "a bad script queues nothing");
  }));

Deno.test("steps: content, usage, finish, delay, raw body and headers", () =>
  withSimulator(async (sim) => {
    sim.script(
      { toolCall: { name: "lookup", arguments: { q: "a" } }, text: "Looking.", usage: { inputTokens: 100, outputTokens: 7, cachedTokens: 40 } },
      { provider: "anthropic", toolCall: { name: "lookup", arguments: { q: "b" } }, usage: { inputTokens: 60, cacheCreationTokens: 5, cachedTokens: 40 } },
      { provider: "anthropic", finish: "length", text: "cut" },
      { delayMs: 150, status: 418, body: { custom: true }, headers: { "x-sim": "yes" } },
      { toolCall: { name: "lookup", arguments: "{not json" } },
    );
    const o = await ask(sim);
    assert.equal(o.choices[0].message.content, "Looking.");
    assert.equal(o.choices[0].message.tool_calls?.[0].type === "function" && o.choices[0].message.tool_calls[0].function.arguments, '{"q":"a"}');
    assert.deepEqual([o.usage?.prompt_tokens, o.usage?.completion_tokens, o.usage?.total_tokens, o.usage?.prompt_tokens_details?.cached_tokens], [100, 7, 107, 40]);
    const a = await askClaude(sim);
    assert.equal(a.stop_reason, "tool_use");
    assert.deepEqual(a.content.map((b) => b.type), ["tool_use"]);
    assert.deepEqual([a.usage.input_tokens, a.usage.cache_creation_input_tokens, a.usage.cache_read_input_tokens], [60, 5, 40]);
    assert.equal((await askClaude(sim)).stop_reason, "max_tokens");

    const started = Date.now();
    const raw = await fetch(`${sim.openaiBaseUrl}/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer k", "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "Hi" }] }),
    });
    assert.ok(Date.now() - started >= 140);
    assert.equal(raw.status, 418);
    assert.equal(raw.headers.get("x-sim"), "yes");
    assert.deepEqual(await raw.json(), { custom: true });
    const unparsable = await ask(sim);
    assert.equal(unparsable.choices[0].message.tool_calls?.[0].type === "function" && unparsable.choices[0].message.tool_calls[0].function.arguments, "{not json");
  }));

Deno.test("failureRate: the step's fault hits a seeded share of the requests it takes, the same ones on every run", () =>
  withSimulator(async (sim) => {
    const run = async (seed: number): Promise<boolean[]> => {
      sim.reset();
      sim.script({ error: "server_error", failureRate: 0.25, failureSeed: seed, times: "always" });
      const failed: boolean[] = [];
      for (let i = 0; i < 80; i++) failed.push(await ask(sim).then(() => false, (e: unknown) => e instanceof OpenAI.InternalServerError));
      return failed;
    };
    const first = await run(7);
    const share = first.filter(Boolean).length / first.length;
    assert.ok(share > 0.1 && share < 0.4, `share ${share}`);
    assert.deepEqual(await run(7), first, "the same seed fails the same requests");
    assert.notDeepEqual(await run(8), first, "another seed, other requests");
    const received = sim.received();
    assert.deepEqual(received.map((r) => r.status === 500), received.map((r) => r.usage === null), "only answers report usage");
    assert.equal(received.every((r) => r.scripted === (r.status === 500)), true, "a spared request is the default answer");

    sim.reset();
    sim.script({ error: "overloaded", failureRate: 1, times: 3 }, { drop: true, failureRate: 0, times: 2 });
    const outcomes: number[] = [];
    for (let i = 0; i < 6; i++) outcomes.push(await askClaude(sim).then(() => 200, (e: unknown) => (e as { status?: number }).status ?? 0));
    assert.deepEqual(outcomes, [529, 529, 529, 200, 200, 200], "rate 1 always faults, rate 0 never; both use up their times");
    assert.equal(sim.pendingSteps(), 0);
    assert.throws(() => sim.script({ error: "server_error", failureRate: 1.5 }), TypeError);
    assert.throws(() => sim.script({ error: "server_error", failureRate: 0.5, failureSeed: 1.5 }), TypeError);
  }));

Deno.test("received requests carry the usage the simulator reported, whole and streamed", () =>
  withSimulator(async (sim) => {
    sim.script({ usage: { inputTokens: 100, outputTokens: 7, cachedTokens: 40 } }, { provider: "anthropic", usage: { inputTokens: 60, cacheCreationTokens: 5, cachedTokens: 40 } });
    const o = await ask(sim);
    const a = await askClaude(sim);
    const streamed = await anthropicClient(sim).messages.create({ model: "claude-haiku-4-5", max_tokens: 16, messages: [{ role: "user", content: "Hi" }], stream: true });
    for await (const _ of streamed) { /* read to the end */ }
    sim.script({ malformed: true });
    await ask(sim).catch(() => null);
    const [ro, ra, rs, rm] = sim.received();
    assert.deepEqual(ro.usage, { inputTokens: o.usage?.prompt_tokens, outputTokens: o.usage?.completion_tokens, cachedTokens: 40, cacheCreationTokens: 0 });
    assert.deepEqual(ra.usage, { inputTokens: a.usage.input_tokens, outputTokens: a.usage.output_tokens, cachedTokens: 40, cacheCreationTokens: 5 });
    assert.equal(rs.outcome, "answered");
    assert.ok(rs.usage !== null && rs.usage.inputTokens > 0 && rs.usage.outputTokens > 0, JSON.stringify(rs.usage));
    assert.equal(rm.usage, null, "a truncated body reports nothing");
  }));
