// A routed completion: decision (one round trip) → each target's request prepared for its own
// model → provider attempts with retries and fallback → the answer adapted back → the call, its
// attempts and its warnings kept in the outbox (write-ahead, no database round trip) → an OpenAI
// chat.completion with a `routing` object (the record's call_key) and x-routing-* headers; the
// record is stored in the background after the answer left. `stream: true` forks after the preparation into
// stream-completion.ts (the same retries and fallback, before the first byte). Every effect (the
// database, the providers, the clock, the log) comes in as a dependency: live-deps.ts wires the real ones.
import { adaptResponse } from "../_shared/adapt/mod.ts";
import type { VerifiedCaller } from "../_shared/auth/verify-caller.ts";
import type { CallRecord } from "../_shared/db/router-db.ts";
import { callWithFallback, usedFallback } from "../_shared/routing/fallback.ts";
import { attemptWithRetries } from "../_shared/routing/retry.ts";
import type { AttemptRecord } from "../_shared/routing/types.ts";
import type { ChatCompletion } from "../_shared/translate/mod.ts";
import { type CompletionDeps, type CompletionPolicy, keepRecord, planCall, requestSize, unansweredError } from "./call-plan.ts";
import type { ReadyTarget } from "./prepare-targets.ts";
import type { CompletionRequest } from "./request.ts";
import { boundedWarnings, routingHeaders, routingSummary } from "./routing-summary.ts";
import { streamCompletion, type StreamedCompletion } from "./stream-completion.ts";

export type { CompletionDeps, CompletionPolicy } from "./call-plan.ts";
export type { StreamedCompletion } from "./stream-completion.ts";

export interface CompletionResult {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/**
 * The answer (whole, or a stream when the body asks for one), or a RouterHttpError: the provider's
 * refusal of the caller's request, a 400, a 502, a 503. `signal` is the HTTP request's: a caller
 * who disconnects aborts the upstream request (a stream's, or a whole answer's attempt: then no
 * retry or fallback follows, and the call is recorded failed with a client_aborted attempt).
 */
export async function routeCompletion(
  { request, caller, policy, deps, signal }: {
    request: CompletionRequest;
    caller: VerifiedCaller;
    policy: CompletionPolicy;
    deps: CompletionDeps;
    signal?: AbortSignal;
  },
): Promise<CompletionResult | StreamedCompletion> {
  const started = deps.clock.now();
  const plan = await planCall({ request, caller, policy, deps });
  if (request.body.stream === true) return await streamCompletion({ plan, request, policy, deps, signal, started });
  const { decision, ready, skipped, policyFor } = plan;
  // The record's idempotency key, drawn before the first attempt: a retried or drained record is stored once.
  const callKey = crypto.randomUUID();

  const attempts: AttemptRecord[] = [];
  const result = await callWithFallback<ChatCompletion, ReadyTarget>(ready, (ready) =>
    attemptWithRetries(
      ready,
      (timeoutMs) => deps.callProvider(ready.target, ready.prepared.wire, timeoutMs, signal),
      policyFor(ready),
      (a) => attempts.push(a),
    ));

  const last = result.ok ? result.answeredBy : result.lastTarget;
  const answer = result.ok ? adaptResponse({ completion: result.value, restore: last.prepared.restore }) : null;
  // What the caller and the audit trail are told: the decision's own warnings, the targets that
  // could not take the request, and what was adapted for the model that answered.
  const warnings = boundedWarnings([
    ...(decision.warnings ?? []),
    ...skipped,
    ...(answer === null ? [] : [...last.prepared.warnings, ...answer.warnings]),
  ]);
  const fallbackUsed = usedFallback({ decided: { model: decision.model, provider: decision.provider }, last });
  const call: CallRecord = {
    call_key: callKey,
    status: result.ok ? "succeeded" : "failed",
    model: last.model,
    provider: last.provider,
    fallback_used: fallbackUsed,
    latency_ms: Math.round(deps.clock.now() - started),
    attempts,
    warnings,
  };
  const kept = await keepRecord({ decision, call, deps, requestChars: requestSize(request) });

  const routing = routingSummary({ decision, answered: last, attempts: attempts.length, fallbackUsed, callKey: kept, warnings });
  const headers = routingHeaders(routing);
  if (!result.ok) throw unansweredError({ result, attempts, headers });
  return { status: 200, body: { ...(answer?.completion ?? result.value), model: last.model, routing }, headers };
}
