// What a failed provider attempt means for the router (ROUTING-SPEC §4):
// retry the same model, fall back to the next one at once, or return it to the caller.
// The providers' documented error shapes (catalog research §4) decide it: status first, then
// the error's type and code, and, for the two Anthropic quota errors that have neither, the message.
import { type AttemptErrorType, type FailureAction, failureActionFor } from "./error-types.ts";

/** `aborted`: the caller went away mid-attempt (the provider did nothing wrong). */
export type FailureKind = "http" | "timeout" | "connection" | "malformed" | "aborted";

/** A provider failure, independent of which SDK raised it. */
export interface ProviderFailure {
  kind: FailureKind;
  status: number | null;
  /** The error's broad type: OpenAI `error.type`, Anthropic `error.type` (`rate_limit_error`, ...). */
  providerType: string | null;
  /** The cause: OpenAI `error.code`, Anthropic `error.details.error_code` (the SDK's `errorCode`). */
  providerCode: string | null;
  /** OpenAI's `error.param`: the field the provider refused (Anthropic has none). */
  param: string | null;
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
  402: "insufficient_quota",
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

/**
 * OpenAI's billing family: a 429 like a rate limit, `type: insufficient_quota`, the cause in `code`
 * (help.openai.com 5955604, 6614457). Waiting does not refill a quota: the next model is tried.
 */
export const OPENAI_QUOTA_CODES: ReadonlySet<string> = new Set([
  "insufficient_quota",
  "credit_balance_exhausted",
  "organization_spend_limit_exceeded",
  "project_spend_limit_exceeded",
  "organization_usage_limit_exceeded",
]);

/** Anthropic's 429s that are spend caps, not rates (`error.details.error_code`; no retry-after comes with them). */
export const ANTHROPIC_SPEND_CODES: ReadonlySet<string> = new Set([
  "enforced_spend_limit_reached",
  "contract_spend_limit_reached",
]);

/** Anthropic's quota errors that are plain 400 invalid_request_errors: only the message tells them apart. */
const ANTHROPIC_QUOTA_MESSAGES = [
  /credit balance is too low/i,
  /reached your specified (workspace )?API usage limits/i,
];

/** OpenAI's older wording for a shut-down model, still seen on some ids. */
const DEPRECATED_MODEL = /The model `[^`]*` has been deprecated/;

/**
 * The error type, and with it (error-types.ts) what to do: retry, fall back, or return it. A timeout
 * still counts for the breaker but is not retried on the same model: the same request would most
 * likely run out of time again (a long generation, a hung model) and so spend a whole attempt
 * budget, and the provider's billing, a second time; the next model of the chain is tried at once.
 */
export function classifyFailure(failure: ProviderFailure): FailureClass {
  const errorType = errorTypeOf(failure);
  return { errorType, action: errorType === "timeout" ? "fallback" : failureActionFor(errorType) };
}

function errorTypeOf(failure: ProviderFailure): AttemptErrorType {
  switch (failure.kind) {
    case "timeout":
      return "timeout";
    case "connection":
      return "connection";
    case "malformed":
      return "malformed_response";
    case "aborted":
      return "client_aborted";
    case "http":
      return httpErrorType(failure);
    default: {
      const never: never = failure.kind;
      throw new Error(`unhandled failure kind ${never}`);
    }
  }
}

function httpErrorType(failure: ProviderFailure): AttemptErrorType {
  const status = failure.status ?? 0;
  if (isQuota(failure)) return "insufficient_quota";
  if (isModelUnavailable(failure)) return "model_unavailable";
  if (status in BY_STATUS) return BY_STATUS[status];
  if (status >= 500) return "server_error";
  // Anything else (another 404, ...) is not the caller's doing.
  return "unknown";
}

/** A spent quota or a billing problem: another provider (or key) may still answer, so fall back at once. */
function isQuota({ status, providerType, providerCode, message }: ProviderFailure): boolean {
  if (providerType === "insufficient_quota") return true;
  if (providerCode !== null && OPENAI_QUOTA_CODES.has(providerCode)) return true;
  if (status === 429 && providerCode !== null && ANTHROPIC_SPEND_CODES.has(providerCode)) return true;
  return status === 400 && ANTHROPIC_QUOTA_MESSAGES.some((pattern) => pattern.test(message));
}

/**
 * The provider does not serve this model (unknown, retired, or not this key's): OpenAI 404
 * `model_not_found`, Anthropic 404 `not_found_error` "model: X". A configuration failure: the next
 * model is tried at once, and the database marks this one unavailable.
 */
function isModelUnavailable({ status, providerType, providerCode, message }: ProviderFailure): boolean {
  if (status === 404 && providerCode === "model_not_found") return true;
  if (status === 404 && providerType === "not_found_error" && /^model: /.test(message)) return true;
  return (status === 404 || status === 410) && DEPRECATED_MODEL.test(message);
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
