// The stream path of a routed completion with every effect injected (as complete.test.ts does):
// scripted streamed attempts (a failure before the first byte, the caller leaving, or a stream
// whose end the test decides), a recorder, keepAlive, a fake clock and a log sink.
import { deepStrictEqual, equal, match, ok } from "node:assert/strict";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
import type { VerifiedCaller } from "../_shared/auth/verify-caller.ts";
import type { CallRecord } from "../_shared/db/router-db.ts";
import { RouterHttpError } from "../_shared/http/openai-error.ts";
import type { StreamAttemptOutcome, StreamedAnswer, StreamSettings } from "../_shared/providers/open-stream.ts";
import type { PreparedRequest } from "../_shared/providers/prepare-request.ts";
import type { ProviderFailure } from "../_shared/routing/classify-failure.ts";
import type { AttemptErrorType } from "../_shared/routing/error-types.ts";
import type { AttemptRecord } from "../_shared/routing/types.ts";
import { SSE_HEADERS } from "../_shared/stream/mod.ts";
import type { ChatCompletion } from "../_shared/translate/mod.ts";
import { type CompletionDeps, type CompletionPolicy, routeCompletion } from "./complete.ts";
import type { CompletionRequest } from "./request.ts";
import { AGENT, decision, DECISION, USER } from "./test-support.ts";
import { STREAM_CLIENT_ABORTED, STREAM_CLIENT_LEFT_EARLY, streamFailedWarning } from "./stream-record.ts";

const body: CompletionRequest["body"] = { messages: [{ role: "user", content: "hello" }], stream: true };
const user: VerifiedCaller = { kind: "user", userId: USER, claims: { role: "authenticated", sub: USER } };
const policy: CompletionPolicy = {
  failOpen: false, totalBudgetMs: 90_000, attemptTimeoutMs: 30_000, retryBaseDelayMs: 100, retryMaxDelayMs: 1_000,
  anthropicDefaultMaxTokens: 4096, maxOutputTokens: 4096, streamStallMs: 5_000,
};
const usage = { input_tokens: 10, output_tokens: 5, cached_tokens: 3, cache_write_tokens: 2 };
const NO_TOKENS = { input_tokens: 0, output_tokens: 0, cached_tokens: 0, cache_write_tokens: 0 };
const failure = (status: number): ProviderFailure => ({
  kind: "http", status, providerType: null, providerCode: null, param: null, message: "boom", retryAfterMs: null,
});
const completion = { id: "", object: "chat.completion", created: 0, model: "", choices: [] } as unknown as ChatCompletion;
const answer = (over: Partial<StreamedAnswer>): StreamedAnswer => ({
  ending: "complete", completed: true, finishReason: "stop", usage, usageFinal: true, failure: null, completion, warnings: [], ...over,
});

/** A scripted streamed attempt: fails before the first byte, the caller left, or opens a stream ending with `answer`. */
type Step = { fail: number } | { left: true } | { opened: StreamedAnswer };

interface Script {
  steps: Step[];
  body?: CompletionRequest["body"];
}

async function run(script: Script) {
  let now = 1_000_000;
  const opened: Array<{ model: string; prepared: PreparedRequest; timeoutMs: number; stream: StreamSettings }> = [];
  const records: Omit<CallRecord, "call_key">[] = [];
  const keys: string[] = [];
  const kept: Promise<unknown>[] = [];
  const logs: string[] = [];
  const ends: Array<() => void> = [];
  const queue = [...script.steps];
  const signal = new AbortController().signal;
  const deps: CompletionDeps = {
    decide: () => Promise.resolve(decision),
    callProvider: () => Promise.reject(new Error("a stream calls no whole answer")),
    openStream: (args) => {
      opened.push({
        model: args.target.model, prepared: structuredClone(args.prepared), timeoutMs: args.timeoutMs, stream: { ...args.stream, signal: undefined },
      });
      now += 100;
      const step = queue.shift() ?? { fail: 500 };
      let outcome: StreamAttemptOutcome;
      if ("fail" in step) outcome = { ok: false, failure: failure(step.fail) };
      else if ("left" in step) outcome = { ok: false, failure: null, usage: { ...NO_TOKENS, input_tokens: 7 } };
      else {
        // The stream ends (500 ms of the clock later) when the test says so.
        const done = new Promise<StreamedAnswer>((resolve) => ends.push(() => (now += 500, resolve(step.opened))));
        outcome = { ok: true, value: { body: new ReadableStream(), done }, status: 200, usage: NO_TOKENS };
      }
      equal(args.stream.signal, signal, "the caller's signal reaches the attempt");
      return Promise.resolve(outcome);
    },
    record: (pending) => {
      // A fresh idempotency key per call; the rest of the record is compared whole.
      const { call_key, ...call } = pending.call;
      match(call_key, UUID);
      keys.push(call_key);
      records.push(structuredClone(call));
      return Promise.resolve();
    },
    keepAlive: (work) => kept.push(work),
    clock: { now: () => now, sleep: (ms) => (now += ms, Promise.resolve()), random: () => 1 },
    log: (level, event) => logs.push(`${level} ${event}`),
  };
  const request: CompletionRequest = { agentId: AGENT, executionId: null, requestedModel: null, body: script.body ?? body };
  const before = structuredClone(request);
  let result: unknown;
  let error: { status: number; body: unknown } | null = null;
  try {
    result = await routeCompletion({ request, caller: user, policy, deps, signal });
  } catch (e) {
    if (!(e instanceof RouterHttpError)) throw e;
    error = { status: e.status, body: e.toBody() };
  }
  deepStrictEqual(request, before, "the request was not mutated");
  const streamed = result as { status: number; headers: Record<string, string>; kept: Promise<string | null> } | undefined;
  return { streamed, error, opened, records, keys, kept, logs, end: () => ends.shift()!() };
}

const headers = (over: Record<string, string> = {}) => ({
  ...SSE_HEADERS,
  "x-routing-decision-id": DECISION, "x-routing-model": "claude-haiku-4-5", "x-routing-provider": "anthropic",
  "x-routing-reason": "tier", "x-routing-cohort": "routed", "x-routing-attempts": "1", "x-routing-fallback": "false",
  "x-routing-call-key": KEY, ...over,
});
/** The call key is drawn per call: headers are compared with it in this placeholder's place. */
const KEY = "<call_key>";
const keyed = (headers: Record<string, string> | undefined) =>
  headers && { ...headers, "x-routing-call-key": UUID.test(headers["x-routing-call-key"]) ? KEY : headers["x-routing-call-key"] };
const attempt = (
  model: string, provider: string, status: number | null, error_type: AttemptErrorType | null, latency_ms: number, tokens = NO_TOKENS,
): AttemptRecord => ({ model, provider, status, error_type, latency_ms, ...tokens });
const call = (over: Partial<CallRecord>): Omit<CallRecord, "call_key"> => ({
  status: "succeeded", model: "claude-haiku-4-5", provider: "anthropic", fallback_used: false, latency_ms: 600, attempts: [], warnings: [], ...over,
});

Deno.test("stream: a 529 before the first byte is retried; the headers go with the stream; the call is recorded when it ends", async () => {
  const r = await run({ steps: [{ fail: 529 }, { opened: answer({}) }] });
  equal(r.streamed?.status, 200);
  deepStrictEqual(keyed(r.streamed?.headers), headers({ "x-routing-attempts": "2" }));
  deepStrictEqual(r.kept, [r.streamed?.kept], "the record is handed to keepAlive");
  await new Promise((resolve) => setTimeout(resolve, 0));
  deepStrictEqual(r.records, [], "nothing is recorded before the stream ends");
  r.end();
  const key = await r.streamed?.kept;
  deepStrictEqual([key, r.keys], [r.streamed?.headers["x-routing-call-key"], [key]], "kept under the key the headers named");
  deepStrictEqual(r.records, [call({
    latency_ms: 800,
    attempts: [attempt("claude-haiku-4-5", "anthropic", 529, "overloaded", 100), attempt("claude-haiku-4-5", "anthropic", 200, null, 600, usage)],
  })]);
  deepStrictEqual(r.opened.map((o) => [o.model, o.timeoutMs, o.prepared.wire.kind, o.stream]), [
    ["claude-haiku-4-5", 30_000, "anthropic", { stallMs: 5_000, signal: undefined, includeUsage: false, created: 1_000 }],
    ["claude-haiku-4-5", 30_000, "anthropic", { stallMs: 5_000, signal: undefined, includeUsage: false, created: 1_000 }],
  ]);
});

Deno.test("stream: the adapted request is streamed; stream fields are the router's, neither sent nor warned about", async () => {
  const r = await run({
    body: { ...body, stream_options: { include_usage: true }, temperature: 0.2, top_p: 0.5 },
    steps: [{ opened: answer({}) }],
  });
  const [first] = r.opened;
  equal(first.stream.includeUsage, true);
  ok(first.prepared.wire.kind === "anthropic");
  const wire = first.prepared.wire.body as unknown as Record<string, unknown>;
  deepStrictEqual([wire.model, "stream" in wire, "stream_options" in wire], ["claude-haiku-4-5-20251001", false, false]);
  r.end();
  await r.streamed?.kept;
  ok(first.prepared.warnings.length > 0, "temperature with top_p was adapted for Haiku");
  deepStrictEqual(r.records[0].warnings, first.prepared.warnings, "the answering target's adaptations, nothing about streaming");
  ok(r.records[0].warnings.every((w) => !/stream/.test(w)));
});

Deno.test("stream: an auth failure falls back to the chain's gpt-5.6-sol, which streams", async () => {
  const r = await run({ steps: [{ fail: 401 }, { opened: answer({}) }] });
  deepStrictEqual(keyed(r.streamed?.headers), headers({
    "x-routing-model": "gpt-5.6-sol", "x-routing-provider": "openai", "x-routing-attempts": "2", "x-routing-fallback": "true",
  }));
  r.end();
  await r.streamed?.kept;
  deepStrictEqual(r.records.map((c) => [c.model, c.fallback_used, c.attempts.map((a) => a.error_type)]), [["gpt-5.6-sol", true, ["auth", null]]]);
});

Deno.test("stream: a provider error after the first byte: the call failed, the attempt has the error type and the tokens so far", async () => {
  const r = await run({ steps: [{ opened: answer({ ending: "provider_error", completed: false, failure: failure(529), usageFinal: false }) }] });
  r.end();
  await r.streamed?.kept;
  deepStrictEqual(r.records, [call({
    status: "failed",
    attempts: [attempt("claude-haiku-4-5", "anthropic", 529, "overloaded", 600, usage)],
    warnings: [streamFailedWarning("overloaded")],
  })]);
});

Deno.test("stream: a client that disconnects mid-stream: the call failed, the attempt 200 without error type, said in a warning", async () => {
  const r = await run({ steps: [{ opened: answer({ ending: "client_aborted", completed: false, usageFinal: false, warnings: ["restored"] }) }] });
  r.end();
  await r.streamed?.kept;
  deepStrictEqual(r.records, [call({
    status: "failed",
    attempts: [attempt("claude-haiku-4-5", "anthropic", 200, null, 600, usage)],
    warnings: ["restored", STREAM_CLIENT_ABORTED],
  })]);
});

Deno.test("stream: the caller leaves before the first byte: no further attempt, the cut attempt recorded, a 499", async () => {
  const r = await run({ steps: [{ fail: 529 }, { left: true }, { opened: answer({}) }] });
  deepStrictEqual(r.error, {
    status: 499,
    body: { error: { message: "The client closed the request before the first byte.", type: "invalid_request_error", param: null, code: "client_closed_request" } },
  });
  equal(r.opened.length, 2);
  deepStrictEqual(r.records, [call({
    status: "failed",
    latency_ms: 300,
    attempts: [
      attempt("claude-haiku-4-5", "anthropic", 529, "overloaded", 100),
      // client_aborted: neutral for the breaker (a half-open trial the client left neither closes nor reopens it).
      attempt("claude-haiku-4-5", "anthropic", null, "client_aborted", 100, { ...NO_TOKENS, input_tokens: 7 }),
    ],
    warnings: [STREAM_CLIENT_LEFT_EARLY],
  })]);
});

Deno.test("stream: every attempt fails before the first byte: the 502 of a whole answer, recorded failed", async () => {
  const r = await run({ steps: [{ fail: 500 }, { fail: 500 }, { fail: 500 }, { fail: 500 }, { fail: 500 }, { fail: 500 }] });
  equal(r.error?.status, 502);
  equal((r.error?.body as { error: { code: string } }).error.code, "all_attempts_failed");
  deepStrictEqual(r.records.map((c) => [c.status, c.model, c.attempts.length]), [["failed", "gpt-5.6-sol", 6]]);
  deepStrictEqual(r.kept, []);
});

Deno.test("stream: the provider refuses the caller's request before the first byte: its 400, not retried", async () => {
  const r = await run({ steps: [{ fail: 400 }] });
  equal(r.error?.status, 400);
  equal(r.opened.length, 1);
  deepStrictEqual(r.records.map((c) => c.attempts.map((a) => a.error_type)), [["invalid_request"]]);
});
