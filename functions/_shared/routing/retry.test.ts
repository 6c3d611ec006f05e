import { deepStrictEqual } from "node:assert/strict";
import type { ProviderFailure } from "./classify-failure.ts";
import { attemptWithRetries, type AttemptOutcome, type RetryPolicy } from "./retry.ts";
import type { AttemptRecord } from "./types.ts";

const target = { model: "claude-3-haiku", provider: "anthropic" as const };
const usage = { input_tokens: 10, output_tokens: 5, cached_tokens: 0, cache_write_tokens: 0 };
const ok: AttemptOutcome<string> = { ok: true, value: "answer", status: 200, usage };
const fail = (status: number, extra: Partial<ProviderFailure> = {}): AttemptOutcome<string> => ({
  ok: false, failure: { kind: "http", status, providerType: null, providerCode: null, param: null, message: "m", retryAfterMs: null, ...extra },
});

/** A fake clock: sleeping advances time, so tests are instant and exact. */
function policy(overrides: Partial<RetryPolicy> = {}) {
  let now = 0;
  const sleeps: number[] = [];
  const p: RetryPolicy = {
    maxRetries: 2, attemptTimeoutMs: 1000, baseDelayMs: 100, maxDelayMs: 1000, deadline: 60_000, minAttemptMs: 50, reserveMs: 0,
    fallbackLeft: false,
    now: () => now, sleep: (ms) => { sleeps.push(ms); now += ms; return Promise.resolve(); }, random: () => 1,
    ...overrides,
  };
  return { p, sleeps };
}

async function run(outcomes: AttemptOutcome<string>[], overrides: Partial<RetryPolicy> = {}) {
  const { p, sleeps } = policy(overrides);
  const records: AttemptRecord[] = [];
  const timeouts: number[] = [];
  const queue = [...outcomes];
  const result = await attemptWithRetries(target, (t) => { timeouts.push(t); return Promise.resolve(queue.shift()!); }, p, (a) => records.push(a));
  return { result, records, sleeps, timeouts, left: queue.length };
}

Deno.test("retry: success at once makes one attempt with its tokens", async () => {
  const { result, records, sleeps } = await run([ok]);
  deepStrictEqual(result, { ok: true, value: "answer" });
  deepStrictEqual(records, [{ ...target, status: 200, error_type: null, latency_ms: 0, ...usage }]);
  deepStrictEqual(sleeps, []);
});

Deno.test("retry: 529 twice then success retries with exponential backoff", async () => {
  const { result, records, sleeps } = await run([fail(529), fail(529), ok]);
  deepStrictEqual(result, { ok: true, value: "answer" });
  deepStrictEqual(records.map((r) => r.error_type), ["overloaded", "overloaded", null]);
  deepStrictEqual(sleeps, [100, 200]);
});

Deno.test("retry: three 529s exhaust max_retries = 2 and ask for a fallback", async () => {
  const { result, records, left } = await run([fail(529), fail(529), fail(529), ok]);
  deepStrictEqual(result.ok, false);
  deepStrictEqual(!result.ok && result.action, "fallback");
  deepStrictEqual(records.length, 3);
  deepStrictEqual(left, 1);
});

Deno.test("retry: retry-after from the provider is honoured instead of the backoff", async () => {
  const { sleeps } = await run([fail(429, { retryAfterMs: 1500 }), ok]);
  deepStrictEqual(sleeps, [1500]);
});

Deno.test("retry: a retry-after longer than the longest backoff falls back at once when another model follows", async () => {
  const { result, sleeps, records } = await run([fail(429, { retryAfterMs: 55_000 }), ok], { fallbackLeft: true });
  deepStrictEqual([!result.ok && result.action, sleeps, records.length], ["fallback", [], 1]);
});

Deno.test("retry: a retry-after within the longest backoff is waited out even when another model follows", async () => {
  const { result, sleeps } = await run([fail(429, { retryAfterMs: 800 }), ok], { fallbackLeft: true });
  deepStrictEqual([result.ok, sleeps], [true, [800]]);
});

Deno.test("retry: a retry-after beyond the total budget falls back instead of waiting", async () => {
  const { result, sleeps, records } = await run([fail(429, { retryAfterMs: 120_000 }), ok], { deadline: 10_000 });
  deepStrictEqual(!result.ok && result.action, "fallback");
  deepStrictEqual(sleeps, []);
  deepStrictEqual(records.length, 1);
});

Deno.test("retry: insufficient_quota falls back without a retry", async () => {
  const { result, records } = await run([fail(429, { providerCode: "insufficient_quota" }), ok]);
  deepStrictEqual(!result.ok && result.action, "fallback");
  deepStrictEqual(records.map((r) => r.error_type), ["insufficient_quota"]);
});

Deno.test("retry: a model the provider does not serve (404 model_not_found) falls back without a retry", async () => {
  const { result, records } = await run([fail(404, { providerCode: "model_not_found" }), ok]);
  deepStrictEqual(!result.ok && result.action, "fallback");
  deepStrictEqual(records.map((r) => r.error_type), ["model_unavailable"]);
});

Deno.test("retry: an Anthropic spend cap (429 enforced_spend_limit_reached) falls back without a retry", async () => {
  const { result, records } = await run([fail(429, { providerType: "rate_limit_error", providerCode: "enforced_spend_limit_reached" }), ok]);
  deepStrictEqual(!result.ok && result.action, "fallback");
  deepStrictEqual(records.map((r) => r.error_type), ["insufficient_quota"]);
});

Deno.test("retry: a caller error (400) is returned without a retry", async () => {
  const { result, records } = await run([fail(400), ok]);
  deepStrictEqual(!result.ok && result.action, "return");
  deepStrictEqual(records.length, 1);
});

Deno.test("retry: the attempt timeout shrinks to the budget left", async () => {
  const { timeouts } = await run([fail(500), ok], { deadline: 600, attemptTimeoutMs: 1000 });
  deepStrictEqual(timeouts, [600, 500]);
});

/** Attempts that each take their whole timeout and then fail so, on the fake clock. */
async function runSlow(overrides: Partial<RetryPolicy>, outcome: AttemptOutcome<string>) {
  const { p } = policy(overrides);
  let clock = 0;
  const records: AttemptRecord[] = [];
  const timed: RetryPolicy = { ...p, now: () => clock, sleep: (ms) => { clock += ms; return Promise.resolve(); } };
  const result = await attemptWithRetries(target, (t) => {
    clock += t;
    return Promise.resolve(outcome);
  }, timed, (a) => records.push(a));
  return { result, records };
}

const slowBudget = { attemptTimeoutMs: 30_000, deadline: 90_000, reserveMs: 30_000, random: () => 0 };

Deno.test("retry: a hang (timeout) is not retried on the same model: the fallback at once", async () => {
  const { result, records } = await runSlow(slowBudget, fail(0, { kind: "timeout", status: null }));
  deepStrictEqual(!result.ok && [result.action, result.class], ["fallback", { errorType: "timeout", action: "fallback" }]);
  deepStrictEqual(records.map((r) => [r.error_type, r.latency_ms]), [["timeout", 30_000]], "one attempt, then the next model");
});

Deno.test("retry: slow failures stop retrying early enough to leave the fallback one full attempt", async () => {
  const { result, records } = await runSlow(slowBudget, fail(503));
  deepStrictEqual(!result.ok && result.action, "fallback");
  deepStrictEqual(records.map((r) => r.latency_ms), [30_000, 30_000], "a third attempt would leave the fallback nothing");
});

Deno.test("retry: no attempt is started, or recorded, once the budget is spent", async () => {
  const { result, records } = await run([ok], { deadline: 10, minAttemptMs: 50 });
  deepStrictEqual(result.ok === false && result.failure.providerCode, "budget_exhausted");
  deepStrictEqual(records, []);
});
