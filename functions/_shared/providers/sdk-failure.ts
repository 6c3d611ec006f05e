// Turns what either SDK throws into a ProviderFailure (routing/classify-failure.ts).
// Both SDKs are Stainless-generated: APIError has status, headers and the parsed error body.
import { Anthropic, OpenAI } from "../deps.ts";
import { parseRetryAfter, type ProviderFailure } from "../routing/classify-failure.ts";
import { MissingApiKeyError } from "./clients.ts";

const CREDIT_BALANCE = /credit balance is too low/i;

export function failureFromSdkError(error: unknown): ProviderFailure {
  if (error instanceof MissingApiKeyError) {
    return { kind: "http", status: 401, providerCode: "missing_api_key", message: error.message, retryAfterMs: null };
  }
  if (error instanceof OpenAI.APIConnectionTimeoutError || error instanceof Anthropic.APIConnectionTimeoutError) {
    return { kind: "timeout", status: null, providerCode: null, message: "The provider did not answer in time.", retryAfterMs: null };
  }
  if (error instanceof OpenAI.APIConnectionError || error instanceof Anthropic.APIConnectionError) {
    return { kind: "connection", status: null, providerCode: null, message: "Could not reach the provider.", retryAfterMs: null };
  }
  if (error instanceof OpenAI.APIError || error instanceof Anthropic.APIError) {
    if (typeof error.status !== "number") {
      return { kind: "malformed", status: null, providerCode: null, message: error.message, retryAfterMs: null };
    }
    const message = providerMessage(error.error) ?? error.message;
    return {
      kind: "http",
      status: error.status,
      // Anthropic reports an empty balance as a 400 invalid_request_error; it is a quota problem.
      providerCode: CREDIT_BALANCE.test(message) ? "insufficient_quota" : providerCode(error.error),
      message,
      retryAfterMs: parseRetryAfter(error.headers),
    };
  }
  // A body that is not JSON, or not the shape promised, surfaces as a plain error from the SDK.
  return { kind: "malformed", status: null, providerCode: null, message: "The provider sent a malformed response.", retryAfterMs: null };
}

/** OpenAI: {code, type} at the top of `error`; Anthropic: {type: "error", error: {type}}. */
function providerCode(body: unknown): string | null {
  if (!isObject(body)) return null;
  if (isObject(body.error) && typeof body.error.type === "string") return body.error.type;
  if (typeof body.code === "string") return body.code;
  if (typeof body.type === "string") return body.type;
  return null;
}

function providerMessage(body: unknown): string | null {
  if (!isObject(body)) return null;
  if (isObject(body.error) && typeof body.error.message === "string") return body.error.message;
  return typeof body.message === "string" ? body.message : null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}
