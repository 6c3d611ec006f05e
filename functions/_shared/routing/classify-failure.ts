// What a failed provider attempt means for the router (ROUTING-SPEC §4):
// retry the same model, fall back to the next one at once, or return it to the caller.
import { type AttemptErrorType, type FailureAction, failureActionFor } from "./error-types.ts";

export type FailureKind = "http" | "timeout" | "connection" | "malformed";

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

/** HTTP statuses with an error type of their own; other 5xx are server errors. */
const BY_STATUS: Record<number, AttemptErrorType> = {
  400: "invalid_request",
  401: "auth",
  403: "auth",
  408: "timeout",
  409: "server_error",
  413: "payload_too_large",
  422: "invalid_request",
  429: "rate_limit",
  500: "server_error",
  502: "server_error",
  503: "server_error",
  529: "overloaded",
};

/** The error type, and with it (error-types.ts) what to do: retry, fall back, or return it. */
export function classifyFailure(failure: ProviderFailure): FailureClass {
  const errorType = errorTypeOf(failure);
  return { errorType, action: failureActionFor(errorType) };
}

function errorTypeOf(failure: ProviderFailure): AttemptErrorType {
  switch (failure.kind) {
    case "timeout":
      return "timeout";
    case "connection":
      return "connection";
    case "malformed":
      return "malformed_response";
    case "http":
      return httpErrorType(failure.status ?? 0, failure.providerCode);
    default: {
      const never: never = failure.kind;
      throw new Error(`unhandled failure kind ${never}`);
    }
  }
}

function httpErrorType(status: number, providerCode: string | null): AttemptErrorType {
  // A spent quota is a key problem, whatever the status: another provider may still answer.
  // (OpenAI says 429 insufficient_quota; Anthropic says 400 about the credit balance.)
  if (providerCode === "insufficient_quota") return "insufficient_quota";
  if (status in BY_STATUS) return BY_STATUS[status];
  if (status >= 500) return "server_error";
  // Anything else (404 for a model the provider lacks, 402, ...) is not the caller's doing.
  return "unknown";
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
