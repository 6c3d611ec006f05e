// Error statuses and bodies of the PROVIDER SIMULATOR (a test double), copied from what the real
// APIs send so that the SDKs map them to the same error classes they would in production.
import type { ErrorPreset, Provider } from "./types.ts";

export interface ErrorReply {
  status: number;
  body: unknown;
}

/** OpenAI's error envelope: `{"error": {message, type, param, code}}`. */
export function openaiError(
  status: number,
  message: string,
  type: string,
  param: string | null = null,
  code: string | number | null = null,
): ErrorReply {
  return { status, body: { error: { message, type, param, code } } };
}

/** Anthropic's error envelope, including the `request_id` the API repeats in the body. */
export function anthropicError(status: number, type: string, message: string, requestId: string): ErrorReply {
  return { status, body: { type: "error", error: { type, message }, request_id: requestId } };
}

const OPENAI_PRESETS: Record<ErrorPreset, (model: string) => ErrorReply> = {
  rate_limit: (model) =>
    openaiError(
      429,
      `Rate limit reached for ${model} in organization org-simulator on requests per min (RPM): ` +
        "Limit 500, Used 500, Requested 1. Please try again in 120ms. " +
        "Visit https://platform.openai.com/account/rate-limits to learn more.",
      "requests",
      null,
      "rate_limit_exceeded",
    ),
  insufficient_quota: () =>
    openaiError(
      429,
      "You exceeded your current quota, please check your plan and billing details. For more information " +
        "on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
      "insufficient_quota",
      null,
      "insufficient_quota",
    ),
  server_error: () =>
    openaiError(500, "The server had an error while processing your request. Sorry about that!", "server_error"),
  // OpenAI's 502s come from its Cloudflare edge, with a numeric code.
  bad_gateway: () => openaiError(502, "Bad gateway.", "cf_bad_gateway", null, 502),
  unavailable: () => openaiError(503, "The server is overloaded or not ready yet.", "server_error"),
  // OpenAI has no 529: its "overloaded" is a 503.
  overloaded: () => openaiError(503, "The server is overloaded or not ready yet.", "server_error"),
  unauthorized: () =>
    openaiError(
      401,
      "Incorrect API key provided: test-****. You can find your API key at https://platform.openai.com/account/api-keys.",
      "invalid_request_error",
      null,
      "invalid_api_key",
    ),
  forbidden: (model) =>
    openaiError(
      403,
      `Project \`proj_simulator\` does not have access to model \`${model}\``,
      "invalid_request_error",
      null,
      "model_not_found",
    ),
  bad_request: () =>
    openaiError(
      400,
      "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens. " +
        "Please reduce the length of the messages.",
      "invalid_request_error",
      "messages",
      "context_length_exceeded",
    ),
  payload_too_large: () =>
    openaiError(413, "Request too large: the request body exceeds the maximum size.", "invalid_request_error", null, "request_too_large"),
};

type AnthropicPreset = [status: number, type: string, message: string];
const ANTHROPIC_PRESETS: Record<ErrorPreset, AnthropicPreset> = {
  rate_limit: [
    429,
    "rate_limit_error",
    "This request would exceed the rate limit for your organization of 50 requests per minute. " +
    "For details, refer to: https://docs.claude.com/en/api/rate-limits.",
  ],
  // Anthropic's real "out of credit" is a 400, not a 429: routers must not expect OpenAI's shape.
  insufficient_quota: [
    400,
    "invalid_request_error",
    "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.",
  ],
  server_error: [500, "api_error", "Internal server error"],
  bad_gateway: [502, "api_error", "Bad gateway"],
  unavailable: [503, "api_error", "Service unavailable"],
  overloaded: [529, "overloaded_error", "Overloaded"],
  unauthorized: [401, "authentication_error", "invalid x-api-key"],
  forbidden: [403, "permission_error", "Your API key does not have permission to use the specified resource."],
  bad_request: [400, "invalid_request_error", "prompt is too long: 210000 tokens > 200000 maximum"],
  payload_too_large: [413, "request_too_large", "Request exceeds the maximum allowed number of bytes."],
};

export const ERROR_PRESETS: readonly ErrorPreset[] = Object.keys(ANTHROPIC_PRESETS) as ErrorPreset[];

export function presetError(provider: Provider, preset: ErrorPreset, model: string, requestId: string): ErrorReply {
  if (provider === "openai") return OPENAI_PRESETS[preset](model);
  const [status, type, message] = ANTHROPIC_PRESETS[preset];
  return anthropicError(status, type, message, requestId);
}

/** Anthropic's error type for a status, for scripted statuses without a preset. */
function anthropicTypeFor(status: number): string {
  const known: Record<number, string> = {
    400: "invalid_request_error", 401: "authentication_error", 402: "billing_error", 403: "permission_error",
    404: "not_found_error", 413: "request_too_large", 429: "rate_limit_error", 504: "timeout_error",
    529: "overloaded_error",
  };
  return known[status] ?? (status >= 500 ? "api_error" : "invalid_request_error");
}

/** A plausible error body for a scripted status that has no preset. */
export function statusError(provider: Provider, status: number, requestId: string): ErrorReply {
  const message = `Simulated error with status ${status}.`;
  if (provider === "openai") {
    return openaiError(status, message, status >= 500 ? "server_error" : "invalid_request_error");
  }
  return anthropicError(status, anthropicTypeFor(status), message, requestId);
}

/** The 401 each API sends when no key came with the request. */
export function missingKeyError(provider: Provider, requestId: string): ErrorReply {
  if (provider === "openai") {
    return openaiError(
      401,
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer " +
        "auth (i.e. Authorization: Bearer YOUR_KEY).",
      "invalid_request_error",
    );
  }
  return anthropicError(401, "authentication_error", "x-api-key header is required", requestId);
}

/** A 400 for a request the real API would reject; `param` is OpenAI's offending field. */
export function invalidRequest(provider: Provider, message: string, requestId: string, param: string | null = null): ErrorReply {
  return provider === "openai"
    ? openaiError(400, message, "invalid_request_error", param)
    : anthropicError(400, "invalid_request_error", message, requestId);
}
