// Turns what either SDK throws into a ProviderFailure (routing/classify-failure.ts decides what
// it means). Both SDKs are Stainless-generated: APIError has status, headers and the parsed error
// body; OpenAI's `error` is the inner `{message, type, param, code}`, Anthropic's is the whole
// `{type: "error", error: {type, message, details?: {error_code}}}` (SDK 1.14 reads the code into
// `errorCode`). Only fields are copied here; no judgement is made.
import { Anthropic, OpenAI } from "../deps.ts";
import { parseRetryAfter, type ProviderFailure } from "../routing/classify-failure.ts";
import { MissingApiKeyError, RefusedVariableError } from "./connection.ts";

const NOTHING = { providerType: null, providerCode: null, param: null, retryAfterMs: null } as const;

/** The attempt ran out of its time (the SDK's timeout, or the deadline on the body read: call-provider.ts). */
export const timedOutFailure = (): ProviderFailure => ({ ...NOTHING, kind: "timeout", status: null, message: "The provider did not answer in time." });

/** The caller closed the request during the attempt. */
export const callerLeftFailure = (): ProviderFailure => ({ ...NOTHING, kind: "aborted", status: null, message: "The caller closed the request." });

export function failureFromSdkError(error: unknown): ProviderFailure {
  if (error instanceof MissingApiKeyError) {
    return { ...NOTHING, kind: "http", status: 401, providerCode: "missing_api_key", message: error.message };
  }
  if (error instanceof RefusedVariableError) {
    return { ...NOTHING, kind: "http", status: 401, providerCode: "refused_key_variable", message: error.message };
  }
  if (error instanceof OpenAI.APIConnectionTimeoutError || error instanceof Anthropic.APIConnectionTimeoutError) {
    return timedOutFailure();
  }
  if (error instanceof OpenAI.APIConnectionError || error instanceof Anthropic.APIConnectionError) {
    return { ...NOTHING, kind: "connection", status: null, message: "Could not reach the provider." };
  }
  if (isBodyReadError(error)) {
    return { ...NOTHING, kind: "connection", status: null, message: "The connection to the provider broke off mid-answer." };
  }
  if (error instanceof OpenAI.APIError) {
    if (typeof error.status !== "number") return { ...NOTHING, kind: "malformed", status: null, message: error.message };
    return {
      kind: "http",
      status: error.status,
      providerType: text(error.type),
      // OpenAI's 502s from its edge carry a numeric code.
      providerCode: error.code === null || error.code === undefined ? null : String(error.code),
      param: text(error.param),
      message: (isObject(error.error) ? text(error.error.message) : null) ?? error.message,
      retryAfterMs: parseRetryAfter(error.headers),
    };
  }
  if (error instanceof Anthropic.APIError) {
    if (typeof error.status !== "number") return { ...NOTHING, kind: "malformed", status: null, message: error.message };
    return {
      kind: "http",
      status: error.status,
      providerType: text(error.type),
      providerCode: text(error.errorCode),
      param: null,
      message: error.apiMessage ?? error.message,
      retryAfterMs: parseRetryAfter(error.headers),
    };
  }
  // A body that is not JSON, or not the shape promised, surfaces as a plain error from the SDK.
  return { ...NOTHING, kind: "malformed", status: null, message: "The provider sent a malformed response." };
}

/**
 * The connection closed while a response body was being read (a stream cut by the network): the
 * runtime's fetch throws a TypeError that neither SDK wraps once the response has begun. A
 * connection failure, not a malformed answer (the fault matrix, tests/function/fault-matrix.test.ts).
 */
function isBodyReadError(error: unknown): boolean {
  return error instanceof TypeError && /error reading a body from connection|connection (reset|closed)/i.test(error.message);
}

function text(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}
