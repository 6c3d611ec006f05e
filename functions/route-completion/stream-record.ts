// What a streamed call records when its stream ends: the same record_completion call as its
// non-streamed twin (complete.ts), with the answering attempt completed from the stream's end.
// Pure.
//
// retry.ts recorded the answering attempt when its first chunk came (status 200, no tokens, the
// time to the first chunk); here it gets the provider's own token counts (final usage, or the
// counts reported until the stream was cut), the whole attempt's latency, and how it ended:
//   complete        → call succeeded, attempt 200, no error type
//   provider_error  → call failed, attempt with the failure's status and error type (an error
//   stalled            event after the first byte, or a stall: `timeout`); it counts for the breaker
//   client_aborted  → call failed, attempt 200 with no error type (the provider did answer: a
//                     success for the breaker), and a warning saying the client left
// A stream the client left before its first byte (abandonedCall) ends with an attempt of error type
// client_aborted: neutral for the breaker, so a half-open trial the client left neither closes nor
// reopens the circuit.
// so reports tell a cut stream from an answered one by the call's status and its warnings.
import type { CallRecord } from "../_shared/db/router-db.ts";
import type { StreamedAnswer } from "../_shared/providers/open-stream.ts";
import { classifyFailure } from "../_shared/routing/classify-failure.ts";
import type { AttemptErrorType } from "../_shared/routing/error-types.ts";
import type { AttemptRecord } from "../_shared/routing/types.ts";
import { boundedWarnings } from "./routing-summary.ts";

/** The warnings a cut stream adds to its call: stable words that reports can search for. */
export const STREAM_CLIENT_ABORTED = "stream cut: the client disconnected; tokens are the provider's counts until then";
export const STREAM_CLIENT_LEFT_EARLY = "stream cut: the client disconnected before the first byte";
export const streamFailedWarning = (errorType: AttemptErrorType) =>
  `stream cut: the provider failed after the first byte (${errorType}); tokens are the provider's counts until then`;

export function streamedCall(
  { callKey, attempts, answer, answered, fallbackUsed, latencyMs, streamedMs, warnings }: {
    /** The call's idempotency key (call.call_key). */
    callKey: string;
    /** Every attempt, the answering one last (as retry.ts recorded it at the first chunk). */
    attempts: ReadonlyArray<AttemptRecord>;
    answer: StreamedAnswer;
    answered: { model: string; provider: string };
    fallbackUsed: boolean;
    /** From the call's start to the stream's end. */
    latencyMs: number;
    /** From the first chunk to the stream's end: added to the answering attempt's latency. */
    streamedMs: number;
    /** The decision's, the skipped targets' and the answering target's adaptations. */
    warnings: ReadonlyArray<string>;
  },
): CallRecord {
  const answering = attempts[attempts.length - 1];
  const end = endOf(answer);
  const final: AttemptRecord = {
    ...answering,
    status: end.status,
    error_type: end.errorType,
    latency_ms: Math.round(answering.latency_ms + Math.max(0, streamedMs)),
    ...answer.usage,
  };
  return {
    call_key: callKey,
    status: answer.ending === "complete" ? "succeeded" : "failed",
    model: answered.model,
    provider: answered.provider,
    fallback_used: fallbackUsed,
    latency_ms: Math.round(latencyMs),
    attempts: [...attempts.slice(0, -1), final],
    warnings: boundedWarnings([...warnings, ...answer.warnings, ...(end.warning === null ? [] : [end.warning])]),
  };
}

/** The call of a stream whose caller left before its first byte: the cut attempt last, no tokens billed beyond what was counted. */
export function abandonedCall(
  { callKey, attempts, answered, fallbackUsed, latencyMs, warnings }: {
    callKey: string;
    attempts: ReadonlyArray<AttemptRecord>;
    answered: { model: string; provider: string };
    fallbackUsed: boolean;
    latencyMs: number;
    warnings: ReadonlyArray<string>;
  },
): CallRecord {
  return {
    call_key: callKey,
    status: "failed",
    model: answered.model,
    provider: answered.provider,
    fallback_used: fallbackUsed,
    latency_ms: Math.round(latencyMs),
    attempts: [...attempts],
    warnings: boundedWarnings([...warnings, STREAM_CLIENT_LEFT_EARLY]),
  };
}

function endOf(answer: StreamedAnswer): { status: number | null; errorType: AttemptErrorType | null; warning: string | null } {
  const ending = answer.ending;
  switch (ending) {
    case "complete":
      return { status: 200, errorType: null, warning: null };
    case "client_aborted":
      return { status: 200, errorType: null, warning: STREAM_CLIENT_ABORTED };
    case "provider_error":
    case "stalled": {
      const errorType = answer.failure === null ? "unknown" : classifyFailure(answer.failure).errorType;
      return { status: answer.failure?.status ?? null, errorType, warning: streamFailedWarning(errorType) };
    }
    default: {
      const never: never = ending;
      throw new Error(`unknown stream ending ${JSON.stringify(never)}`);
    }
  }
}
