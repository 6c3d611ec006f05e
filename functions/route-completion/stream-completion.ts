// A routed completion with `stream: true` (issue 10). It forks from complete.ts after the decision
// and the targets' preparation, so the adapted request of each target is what is streamed, and it
// runs the same retry and fallback loops, whose attempts here end at the first chunk the caller
// would see (providers/open-stream.ts). Then:
//   - before the first byte, nothing was sent: a failure is retried or falls back, as for a whole
//     answer, and when no target answers the caller gets the same 4xx / 502 as JSON;
//   - the first chunk answers: the headers (text/event-stream, x-routing-*) go with it, and the
//     body is the provider's stream translated (Anthropic) or re-labelled (OpenAI-compatible); a
//     provider error or a stall after it ends the body with OpenAI's streaming error event;
//   - when the body ends (complete, failed, stalled, or cut by the client, whose disconnect aborts
//     the upstream request), the call is recorded, once, with the provider's own token counts
//     (stream-record.ts), kept in the outbox and stored in the background like a whole answer's
//     (keepRecord): `keepAlive` holds the isolate until then; a failure to record is never sent
//     into the stream.
import { RouterHttpError } from "../_shared/http/openai-error.ts";
import { corsHeaders } from "../_shared/http/responses.ts";
import type { OpenedStream, StreamAttemptOutcome, StreamSettings } from "../_shared/providers/open-stream.ts";
import { callWithFallback, usedFallback } from "../_shared/routing/fallback.ts";
import { type AttemptOutcome, attemptWithRetries } from "../_shared/routing/retry.ts";
import type { AttemptRecord } from "../_shared/routing/types.ts";
import { SSE_HEADERS } from "../_shared/stream/mod.ts";
import type { NormalizedUsage } from "../_shared/translate/mod.ts";
import { type CallPlan, type CompletionDeps, type CompletionPolicy, keepRecord, requestSize, unansweredError } from "./call-plan.ts";
import type { ReadyTarget } from "./prepare-targets.ts";
import type { CompletionRequest } from "./request.ts";
import { boundedWarnings, routingHeaders, routingSummary } from "./routing-summary.ts";
import { abandonedCall, streamedCall } from "./stream-record.ts";

/** A streamed answer: the SSE body, its headers, and the call's record once the body has ended. */
export interface StreamedCompletion {
  status: 200;
  stream: ReadableStream<Uint8Array>;
  headers: Record<string, string>;
  /** Settles after the stream ended and the call's record was kept (its key, as the headers say). */
  kept: Promise<string | null>;
}

/** The caller disconnected before the first byte: no more attempts, no answer to send. */
class CallerLeft extends Error {
  constructor(readonly target: ReadyTarget, readonly attempt: AttemptRecord) {
    super("The client closed the request before the first byte.");
  }
}

const callerLeft = (outcome: StreamAttemptOutcome): outcome is { ok: false; failure: null; usage: NormalizedUsage } =>
  !outcome.ok && outcome.failure === null;

export async function streamCompletion(
  { plan, request, policy, deps, signal, started }: {
    plan: CallPlan;
    request: CompletionRequest;
    policy: CompletionPolicy;
    deps: CompletionDeps;
    signal: AbortSignal | undefined;
    /** When the call began (deps.clock), for its latency. */
    started: number;
  },
): Promise<StreamedCompletion> {
  const { decision, ready, skipped, policyFor } = plan;
  const settings: StreamSettings = {
    stallMs: policy.streamStallMs,
    signal,
    includeUsage: request.body.stream_options?.include_usage === true,
    created: Math.floor(deps.clock.now() / 1000),
  };
  // The record's idempotency key, drawn before the first attempt: a retried or drained record is stored once.
  const callKey = crypto.randomUUID();
  const requestChars = requestSize(request);
  const attempts: AttemptRecord[] = [];
  let firstChunkAt = 0;
  const decided = { model: decision.model, provider: decision.provider };
  const baseWarnings = [...(decision.warnings ?? []), ...skipped];

  let result;
  try {
    result = await callWithFallback<OpenedStream, ReadyTarget>(ready, (target) =>
      attemptWithRetries(
        target,
        async (timeoutMs): Promise<AttemptOutcome<OpenedStream>> => {
          const begun = deps.clock.now();
          const outcome = await deps.openStream({ target: target.target, prepared: target.prepared, timeoutMs, stream: settings });
          if (callerLeft(outcome)) {
            const latency = Math.max(0, Math.round(deps.clock.now() - begun));
            // client_aborted: neutral for the breaker, so a half-open trial the client left neither closes nor reopens it.
            throw new CallerLeft(target, {
              model: target.model, provider: target.provider, status: null, error_type: "client_aborted", latency_ms: latency,
              ...outcome.usage,
            });
          }
          if (outcome.ok) firstChunkAt = deps.clock.now();
          return outcome;
        },
        policyFor(target),
        (a) => attempts.push(a),
      ));
  } catch (error) {
    if (!(error instanceof CallerLeft)) throw error;
    const call = abandonedCall({
      callKey,
      attempts: [...attempts, error.attempt],
      answered: error.target,
      fallbackUsed: usedFallback({ decided, last: error.target }),
      latencyMs: deps.clock.now() - started,
      warnings: baseWarnings,
    });
    await keepRecord({ decision, call, deps, requestChars });
    deps.log("info", "stream_client_left", { decision_id: decision.decision_id, attempts: call.attempts.length });
    // Nobody reads it: 499, as proxies log a client that closed the request.
    throw new RouterHttpError(499, error.message, { code: "client_closed_request" });
  }

  const last = result.ok ? result.answeredBy : result.lastTarget;
  const fallbackUsed = usedFallback({ decided, last });
  if (!result.ok) {
    const warnings = boundedWarnings(baseWarnings);
    const kept = await keepRecord({
      decision,
      call: {
        call_key: callKey, status: "failed", model: last.model, provider: last.provider, fallback_used: fallbackUsed,
        latency_ms: Math.round(deps.clock.now() - started), attempts, warnings,
      },
      deps,
      requestChars,
    });
    const routing = routingSummary({ decision, answered: last, attempts: attempts.length, fallbackUsed, callKey: kept, warnings });
    throw unansweredError({ result, attempts, headers: routingHeaders(routing) });
  }

  const warnings = [...baseWarnings, ...last.prepared.warnings];
  // The answering attempt is one, so the record will be kept under this key when the stream ends.
  const routing = routingSummary({
    decision, answered: last, attempts: attempts.length, fallbackUsed, callKey, warnings: boundedWarnings(warnings),
  });
  const kept = result.value.done.then((answer) => {
    const ended = deps.clock.now();
    deps.log("info", "stream_ended", {
      decision_id: decision.decision_id, model: last.model, ending: answer.ending, usage_final: answer.usageFinal,
    });
    const call = streamedCall({
      callKey,
      attempts, answer, answered: last, fallbackUsed, latencyMs: ended - started, streamedMs: ended - firstChunkAt, warnings,
    });
    return keepRecord({ decision, call, deps, requestChars });
  });
  deps.keepAlive(kept);
  return { status: 200, stream: result.value.body, headers: { ...SSE_HEADERS, ...routingHeaders(routing) }, kept };
}

/** The HTTP answer of a stream: its headers leave with the first chunk, already in the body. */
export function streamResponse(result: StreamedCompletion): Response {
  return new Response(result.stream, { status: result.status, headers: { ...corsHeaders, ...result.headers } });
}
