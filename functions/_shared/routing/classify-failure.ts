// What a failed provider attempt means for the router (ROUTING-SPEC §4):
// retry the same model, fall back to the next one at once, or return it to the caller.
import type { AttemptErrorType } from "./types.ts";

export type FailureKind = "http" | "timeout" | "connection" | "malformed";
export type FailureAction = "retry" | "fallback" | "return";

/** A provider failure, independent of which SDK raised it. */
export interface ProviderFailure {
  kind: FailureKind;
  status: number | null;
  /** The provider's own error code or type (`insufficient_quota`, `overloaded_error`, ...). */
  providerCode: string | null;
  message: string;
  retryAfterMs: number | null;
}

export interface FailureClass {
  errorType: AttemptErrorType;
  action: FailureAction;
}

/** Statuses that are the caller's own fault: never retried, never a fallback. */
const CALLER_ERRORS: Record<number, AttemptErrorType> = { 400: "invalid_request", 413: "payload_too_large", 422: "invalid_request" };

/** Statuses worth the same model again after a pause. */
const RETRYABLE: Record<number, AttemptErrorType> = {
  408: "timeout",
  409: "server_error",
  429: "rate_limit",
  500: "server_error",
  502: "server_error",
  503: "server_error",
  529: "overloaded",
};

export function classifyFailure(failure: ProviderFailure): FailureClass {
  switch (failure.kind) {
    case "timeout":
      return { errorType: "timeout", action: "retry" };
    case "connection":
      return { errorType: "connection", action: "retry" };
    case "malformed":
      return { errorType: "malformed_response", action: "retry" };
    case "http":
      return classifyHttp(failure.status ?? 0, failure.providerCode);
    default: {
      const never: never = failure.kind;
      throw new Error(`unhandled failure kind ${never}`);
    }
  }
}

function classifyHttp(status: number, providerCode: string | null): FailureClass {
  // A spent quota is a key problem: another provider may still answer, retrying will not help.
  // (OpenAI says 429 insufficient_quota; Anthropic says 400 about the credit balance.)
  if (providerCode === "insufficient_quota") return { errorType: "insufficient_quota", action: "fallback" };
  if (status === 401 || status === 403) return { errorType: "auth", action: "fallback" };
  if (status in CALLER_ERRORS) return { errorType: CALLER_ERRORS[status], action: "return" };
  if (status in RETRYABLE) return { errorType: RETRYABLE[status], action: "retry" };
  if (status >= 500) return { errorType: "server_error", action: "retry" };
  // Anything else (404 for a model the provider lacks, 402, ...) is not the caller's doing.
  return { errorType: "unknown", action: "fallback" };
}

/** Reads `retry-after-ms` (milliseconds) or `retry-after` (seconds or an HTTP date). */
export function parseRetryAfter(headers: Headers | undefined | null, now: number = Date.now()): number | null {
  if (!headers) return null;
  const ms = Number.parseFloat(headers.get("retry-after-ms") ?? "");
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const raw = headers.get("retry-after");
  if (raw === null) return null;
  const seconds = Number.parseFloat(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
