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

/**
 * Anthropic's error envelope, including the `request_id` the API repeats in the body; `errorCode`
 * goes to `error.details.error_code`, which SDK 1.14 reads into `errorCode` and its typed classes.
 */
export function anthropicError(status: number, type: string, message: string, requestId: string, errorCode?: string): ErrorReply {
  const error: Record<string, unknown> = { type, message };
  if (errorCode !== undefined) error.details = { error_code: errorCode };
  return { status, body: { type: "error", error, request_id: requestId } };
}

// OpenAI's billing family: HTTP 429 like a rate limit, `type: insufficient_quota`, the cause in
// `code` (help.openai.com 5955604 / 6614457). The docs show no verbatim body; this is the message
// every one of them is reported with.
const QUOTA_MESSAGE = "You exceeded your current quota, please check your plan and billing details. For more " +
  "information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.";
const quota = (code: string) => (): ErrorReply => openaiError(429, QUOTA_MESSAGE, "insufficient_quota", null, code);

/** The 404 each API sends for a model it does not serve (unknown or retired). */
export function modelNotFoundError(provider: Provider, model: string, requestId: string): ErrorReply {
  return provider === "openai"
    ? openaiError(404, `The model \`${model}\` does not exist or you do not have access to it.`, "invalid_request_error", null, "model_not_found")
    : anthropicError(404, "not_found_error", `model: ${model}`, requestId);
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
  insufficient_quota: quota("insufficient_quota"),
  credit_balance_exhausted: quota("credit_balance_exhausted"),
  spend_limit_reached: quota("organization_spend_limit_exceeded"),
  workspace_spend_limit_reached: quota("project_spend_limit_exceeded"),
  usage_tier_limit_reached: quota("organization_usage_limit_exceeded"),
  // OpenAI has no 402: a payment problem shows as an exhausted credit balance.
  billing_error: quota("credit_balance_exhausted"),
  model_not_found: (model) => modelNotFoundError("openai", model, ""),
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

type AnthropicPreset = [status: number, type: string, message: string, errorCode?: string];
const CREDIT_TOO_LOW: AnthropicPreset = [
  400,
  "invalid_request_error",
  "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.",
];
const ANTHROPIC_PRESETS: Record<Exclude<ErrorPreset, "model_not_found">, AnthropicPreset> = {
  rate_limit: [
    429,
    "rate_limit_error",
    "This request would exceed the rate limit for your organization of 50 requests per minute. " +
    "For details, refer to: https://docs.claude.com/en/api/rate-limits.",
  ],
  // Anthropic's real "out of credit" is a 400, not a 429: routers must not expect OpenAI's shape.
  insufficient_quota: CREDIT_TOO_LOW,
  credit_balance_exhausted: CREDIT_TOO_LOW,
  // A spend limit the organization set: a 400, with the day access resumes.
  spend_limit_reached: [
    400,
    "invalid_request_error",
    "You have reached your specified API usage limits. You will regain access on 2027-01-01 at 00:00 UTC.",
  ],
  workspace_spend_limit_reached: [
    400,
    "invalid_request_error",
    "You have reached your specified workspace API usage limits. You will regain access on 2027-01-01 at 00:00 UTC.",
  ],
  // The usage tier's monthly cap: a 429 with a code and no retry-after (the SDK's EnforcedSpendLimitReachedError).
  usage_tier_limit_reached: [
    429,
    "rate_limit_error",
    "Your organization has reached the monthly usage limit of its usage tier. Access resumes on 2027-01-01 at 00:00 UTC.",
    "enforced_spend_limit_reached",
  ],
  // Wording not documented; the type and status are.
  billing_error: [402, "billing_error", "There is an issue with your billing or payment information. Check your payment details in the Claude Console."],
  server_error: [500, "api_error", "Internal server error"],
  bad_gateway: [502, "api_error", "Bad gateway"],
  unavailable: [503, "api_error", "Service unavailable"],
  overloaded: [529, "overloaded_error", "Overloaded"],
  unauthorized: [401, "authentication_error", "invalid x-api-key"],
  forbidden: [403, "permission_error", "Your API key does not have permission to use the specified resource."],
  bad_request: [400, "invalid_request_error", "prompt is too long: 210000 tokens > 200000 maximum"],
  payload_too_large: [413, "request_too_large", "Request exceeds the maximum allowed number of bytes."],
};

export const ERROR_PRESETS: readonly ErrorPreset[] = Object.keys(OPENAI_PRESETS) as ErrorPreset[];

export function presetError(provider: Provider, preset: ErrorPreset, model: string, requestId: string): ErrorReply {
  if (provider === "openai") return OPENAI_PRESETS[preset](model);
  if (preset === "model_not_found") return modelNotFoundError(provider, model, requestId);
  const [status, type, message, errorCode] = ANTHROPIC_PRESETS[preset];
  return anthropicError(status, type, message, requestId, errorCode);
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

/** A 400 for a request the real API would reject; `param` and `code` are OpenAI's. */
export function invalidRequest(
  provider: Provider,
  message: string,
  requestId: string,
  param: string | null = null,
  code: string | null = null,
): ErrorReply {
  return provider === "openai"
    ? openaiError(400, message, "invalid_request_error", param, code)
    : anthropicError(400, "invalid_request_error", message, requestId);
}
