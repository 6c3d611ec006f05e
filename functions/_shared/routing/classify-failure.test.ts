import { deepStrictEqual } from "node:assert/strict";
import { classifyFailure, type FailureClass, parseRetryAfter, type ProviderFailure } from "./classify-failure.ts";

const http = (
  status: number,
  { type = null, code = null, message = "m" }: { type?: string | null; code?: string | null; message?: string } = {},
): ProviderFailure => ({ kind: "http", status, providerType: type, providerCode: code, param: null, message, retryAfterMs: null });

const quota: FailureClass = { errorType: "insufficient_quota", action: "fallback" };
const gone: FailureClass = { errorType: "model_unavailable", action: "fallback" };

const cases: Array<[string, ProviderFailure, FailureClass]> = [
  ["408 is a timeout: the next model at once, not the same one again", http(408), { errorType: "timeout", action: "fallback" }],
  ["409 is retried", http(409), { errorType: "server_error", action: "retry" }],
  ["429 rate limit is retried", http(429, { type: "requests", code: "rate_limit_exceeded" }), { errorType: "rate_limit", action: "retry" }],
  ["Anthropic 429 rate_limit_error is retried", http(429, { type: "rate_limit_error" }), { errorType: "rate_limit", action: "retry" }],
  // OpenAI's billing family: 429, type insufficient_quota, the cause in code.
  ["OpenAI 429 insufficient_quota (legacy code) falls back at once", http(429, { type: "insufficient_quota", code: "insufficient_quota" }), quota],
  ["OpenAI 429 credit_balance_exhausted falls back at once", http(429, { type: "insufficient_quota", code: "credit_balance_exhausted" }), quota],
  ["OpenAI 429 organization_spend_limit_exceeded falls back at once", http(429, { type: "insufficient_quota", code: "organization_spend_limit_exceeded" }), quota],
  ["OpenAI 429 project_spend_limit_exceeded falls back at once", http(429, { type: "insufficient_quota", code: "project_spend_limit_exceeded" }), quota],
  ["OpenAI 429 organization_usage_limit_exceeded falls back at once", http(429, { type: "insufficient_quota", code: "organization_usage_limit_exceeded" }), quota],
  ["a quota code alone (no type) falls back at once", http(429, { code: "credit_balance_exhausted" }), quota],
  ["a quota type alone (no code) falls back at once", http(429, { type: "insufficient_quota" }), quota],
  // Anthropic's: spend caps as 429 with details.error_code, 402 billing, and two 400s told by their words.
  ["Anthropic 429 enforced_spend_limit_reached falls back at once", http(429, { type: "rate_limit_error", code: "enforced_spend_limit_reached" }), quota],
  ["Anthropic 429 contract_spend_limit_reached falls back at once", http(429, { type: "rate_limit_error", code: "contract_spend_limit_reached" }), quota],
  ["Anthropic 429 with another error_code is still a rate limit", http(429, { type: "rate_limit_error", code: "ramp_limit_exceeded" }), { errorType: "rate_limit", action: "retry" }],
  ["Anthropic 402 billing_error falls back at once", http(402, { type: "billing_error" }), quota],
  ["Anthropic 400 credit balance too low falls back at once", http(400, {
    type: "invalid_request_error",
    message: "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.",
  }), quota],
  ["Anthropic 400 API usage limits falls back at once", http(400, {
    type: "invalid_request_error",
    message: "You have reached your specified API usage limits. You will regain access on 2027-01-01 at 00:00 UTC.",
  }), quota],
  ["Anthropic 400 workspace API usage limits falls back at once", http(400, {
    type: "invalid_request_error",
    message: "You have reached your specified workspace API usage limits. You will regain access on 2027-01-01 at 00:00 UTC.",
  }), quota],
  // A model the provider does not serve.
  ["OpenAI 404 model_not_found marks the model unavailable", http(404, {
    type: "invalid_request_error", code: "model_not_found", message: "The model `gpt-4o` does not exist or you do not have access to it.",
  }), gone],
  ["Anthropic 404 not_found_error about the model marks it unavailable", http(404, { type: "not_found_error", message: "model: claude-3-haiku" }), gone],
  ["OpenAI's older deprecated-model wording marks it unavailable", http(404, {
    type: "invalid_request_error", message: "The model `text-davinci-003` has been deprecated, learn more here: https://platform.openai.com/docs/deprecations",
  }), gone],
  ["another Anthropic 404 is unknown (falls back, nothing marked)", http(404, { type: "not_found_error", message: "Not found" }), { errorType: "unknown", action: "fallback" }],
  ["a bare 404 is unknown", http(404), { errorType: "unknown", action: "fallback" }],
  ["OpenAI 403 without access to a model is a key problem", http(403, { type: "invalid_request_error", code: "model_not_found" }), { errorType: "auth", action: "fallback" }],
  ["500 is retried", http(500), { errorType: "server_error", action: "retry" }],
  ["502 is retried", http(502), { errorType: "server_error", action: "retry" }],
  ["503 is retried", http(503), { errorType: "server_error", action: "retry" }],
  ["529 overloaded is retried", http(529, { type: "overloaded_error" }), { errorType: "overloaded", action: "retry" }],
  ["401 falls back at once (a key problem)", http(401), { errorType: "auth", action: "fallback" }],
  ["403 falls back at once", http(403), { errorType: "auth", action: "fallback" }],
  ["400 goes back to the caller", http(400, { type: "invalid_request_error", message: "prompt is too long" }), { errorType: "invalid_request", action: "return" }],
  ["413 goes back to the caller", http(413), { errorType: "payload_too_large", action: "return" }],
  ["422 goes back to the caller", http(422), { errorType: "invalid_request", action: "return" }],
  ["504 is retried", http(504), { errorType: "server_error", action: "retry" }],
  ["a timeout is not retried: the next model at once", { ...http(0), kind: "timeout", status: null }, { errorType: "timeout", action: "fallback" }],
  ["a dropped connection is retried", { ...http(0), kind: "connection", status: null }, { errorType: "connection", action: "retry" }],
  ["a malformed body is retried", { ...http(200), kind: "malformed" }, { errorType: "malformed_response", action: "retry" }],
];

for (const [name, failure, expected] of cases) {
  Deno.test(`classifyFailure: ${name}`, () => {
    const before = structuredClone(failure);
    deepStrictEqual(classifyFailure(failure), expected);
    deepStrictEqual(failure, before);
  });
}

const retryAfterCases: Array<[string, Record<string, string>, number | null]> = [
  ["retry-after-ms wins", { "retry-after-ms": "1500", "retry-after": "9" }, 1500],
  ["retry-after in seconds", { "retry-after": "2" }, 2000],
  ["retry-after as an HTTP date", { "retry-after": new Date(1_000_000 + 3000).toUTCString() }, 3000],
  ["no header", {}, null],
  ["garbage", { "retry-after": "soon" }, null],
];

for (const [name, headers, expected] of retryAfterCases) {
  Deno.test(`parseRetryAfter: ${name}`, () => {
    // HTTP dates have whole seconds; compare against a whole-second clock.
    deepStrictEqual(parseRetryAfter(new Headers(headers), 1_000_000), expected);
  });
}
