/**
 * Failures that happen after a stream began, as the router's ProviderFailure
 * (routing/classify-failure.ts) so they are recorded with the same error types
 * as any attempt, and as the OpenAI streaming error the caller receives.
 */
import { classifyFailure, type ProviderFailure } from "../routing/classify-failure.ts";
import type { AnthropicErrorEvent, OpenAIStreamError } from "./types.ts";

/** Anthropic's error types and the HTTP status each has when it is not streamed. */
const ANTHROPIC_STATUS: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/** An Anthropic `event: error` → the failure it would have been as an HTTP answer. */
export function failureFromAnthropicError({ event }: { event: AnthropicErrorEvent }): ProviderFailure {
  const { type, message } = event.error;
  return {
    kind: "http",
    // An unknown type after a 200 is still the provider failing mid-answer.
    status: ANTHROPIC_STATUS[type] ?? 500,
    // As sdk-failure.ts reads the non-streamed answer: the type is the broad class; the event has
    // no `details.error_code`. classify-failure.ts tells an empty balance (a 400) by its message.
    providerType: type,
    providerCode: null,
    param: null,
    message,
    retryAfterMs: null,
  };
}

/** OpenAI's `data: {"error": …}` mid-stream → a failure; its body carries no status. */
export function failureFromOpenAIError({ error }: { error: OpenAIStreamError }): ProviderFailure {
  const quota = error.type === "insufficient_quota" || error.code === "insufficient_quota";
  const status = quota || /rate_limit/.test(error.code ?? error.type) ? 429 : 500;
  return {
    kind: "http",
    status,
    providerType: error.type,
    providerCode: error.code,
    param: error.param,
    message: error.message,
    retryAfterMs: null,
  };
}

/** No event for `stallMs`: an attempt failure of type timeout, not a whole-answer timeout. */
export function stallFailure({ stallMs }: { stallMs: number }): ProviderFailure {
  return {
    kind: "timeout",
    status: null,
    providerType: null,
    providerCode: "stream_stalled",
    param: null,
    message: `The provider sent no stream event for ${stallMs} ms.`,
    retryAfterMs: null,
  };
}

/** Events out of order, or a stream that ended before its last event. */
export function malformedStreamFailure({ message }: { message: string }): ProviderFailure {
  return { kind: "malformed", status: null, providerType: null, providerCode: null, param: null, message, retryAfterMs: null };
}

/**
 * What the caller reads when the provider fails after the first byte: no retry
 * or fallback is possible any more, so it is the 502 of the non-streamed path
 * (`api_error`), with the router's error type as `code`.
 */
export function streamErrorFromFailure({ failure }: { failure: ProviderFailure }): OpenAIStreamError {
  return {
    message: `The provider failed during the stream: ${failure.message}`,
    type: "api_error",
    param: null,
    code: classifyFailure(failure).errorType,
  };
}

/**
 * The error event inside what an SDK throws mid-stream. Both SDKs throw an
 * APIError without a status for it (sdk-failure.ts would call that
 * malformed): Anthropic's keeps the event body in `error`, OpenAI's the
 * `error` object of `data: {"error": …}`. Read structurally, so this folder
 * needs the SDKs for their types only.
 */
export function streamFailureFromThrown({ error }: { error: unknown }): ProviderFailure | null {
  if (!isObject(error) || error.status !== undefined || !isObject(error.error)) return null;
  const body = error.error;
  if (body.type === "error" && isObject(body.error) && typeof body.error.type === "string") {
    return failureFromAnthropicError({
      event: { type: "error", error: { type: body.error.type, message: String(body.error.message ?? "") } },
    });
  }
  if (typeof body.message === "string" && (typeof body.type === "string" || typeof body.code === "string")) {
    return failureFromOpenAIError({
      error: {
        message: body.message,
        type: typeof body.type === "string" ? body.type : "server_error",
        param: typeof body.param === "string" ? body.param : null,
        code: typeof body.code === "string" ? body.code : null,
      },
    });
  }
  return null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
