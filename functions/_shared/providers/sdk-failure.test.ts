// The SDKs' own error classes, built from the bodies each API documents (catalog research §4),
// through failureFromSdkError and classifyFailure: the whole failure and its class per row.
import { deepStrictEqual } from "node:assert/strict";
import { Anthropic, OpenAI } from "../deps.ts";
import { classifyFailure, type FailureClass, type ProviderFailure } from "../routing/classify-failure.ts";
import { MissingApiKeyError, RefusedVariableError } from "./connection.ts";
import { failureFromSdkError } from "./sdk-failure.ts";

const QUOTA = "You exceeded your current quota, please check your plan and billing details.";
const openai = (status: number, error: Record<string, unknown>, headers: Record<string, string> = {}) =>
  OpenAI.APIError.generate(status, { error }, undefined, new Headers(headers));
const anthropic = (status: number, error: Record<string, unknown>, headers: Record<string, string> = {}) =>
  Anthropic.APIError.generate(status, { type: "error", error, request_id: "req_1" }, undefined, new Headers(headers));
const http = (over: Partial<ProviderFailure>): ProviderFailure => ({
  kind: "http", status: null, providerType: null, providerCode: null, param: null, message: "", retryAfterMs: null, ...over,
});
const quota: FailureClass = { errorType: "insufficient_quota", action: "fallback" };

const cases: Array<[string, unknown, ProviderFailure, FailureClass]> = [
  ["OpenAI 429 credit_balance_exhausted", openai(429, { message: QUOTA, type: "insufficient_quota", param: null, code: "credit_balance_exhausted" }),
    http({ status: 429, providerType: "insufficient_quota", providerCode: "credit_balance_exhausted", message: QUOTA }), quota],
  ["OpenAI 429 project_spend_limit_exceeded", openai(429, { message: QUOTA, type: "insufficient_quota", param: null, code: "project_spend_limit_exceeded" }),
    http({ status: 429, providerType: "insufficient_quota", providerCode: "project_spend_limit_exceeded", message: QUOTA }), quota],
  ["OpenAI 429 rate limit with retry-after-ms", openai(429, { message: "Rate limit reached", type: "requests", param: null, code: "rate_limit_exceeded" }, { "retry-after-ms": "120" }),
    http({ status: 429, providerType: "requests", providerCode: "rate_limit_exceeded", message: "Rate limit reached", retryAfterMs: 120 }),
    { errorType: "rate_limit", action: "retry" }],
  ["OpenAI 404 model_not_found", openai(404, { message: "The model `gpt-4o` does not exist or you do not have access to it.", type: "invalid_request_error", param: null, code: "model_not_found" }),
    http({ status: 404, providerType: "invalid_request_error", providerCode: "model_not_found", message: "The model `gpt-4o` does not exist or you do not have access to it." }),
    { errorType: "model_unavailable", action: "fallback" }],
  ["OpenAI 400 with its param and code", openai(400, { message: "max_tokens is too large: 20000.", type: "invalid_request_error", param: "max_tokens", code: "invalid_value" }),
    http({ status: 400, providerType: "invalid_request_error", providerCode: "invalid_value", param: "max_tokens", message: "max_tokens is too large: 20000." }),
    { errorType: "invalid_request", action: "return" }],
  ["OpenAI 502 with a numeric code", openai(502, { message: "Bad gateway.", type: "cf_bad_gateway", param: null, code: 502 }),
    http({ status: 502, providerType: "cf_bad_gateway", providerCode: "502", message: "Bad gateway." }), { errorType: "server_error", action: "retry" }],
  ["Anthropic 429 enforced_spend_limit_reached (details.error_code)", anthropic(429, { type: "rate_limit_error", message: "Monthly usage limit reached.", details: { error_code: "enforced_spend_limit_reached" } }),
    http({ status: 429, providerType: "rate_limit_error", providerCode: "enforced_spend_limit_reached", message: "Monthly usage limit reached." }), quota],
  ["Anthropic 402 billing_error", anthropic(402, { type: "billing_error", message: "There is an issue with your billing." }),
    http({ status: 402, providerType: "billing_error", message: "There is an issue with your billing." }), quota],
  ["Anthropic 400 credit balance too low", anthropic(400, { type: "invalid_request_error", message: "Your credit balance is too low to access the Anthropic API." }),
    http({ status: 400, providerType: "invalid_request_error", message: "Your credit balance is too low to access the Anthropic API." }), quota],
  ["Anthropic 400 specified API usage limits", anthropic(400, { type: "invalid_request_error", message: "You have reached your specified API usage limits. You will regain access on 2027-01-01 at 00:00 UTC." }),
    http({ status: 400, providerType: "invalid_request_error", message: "You have reached your specified API usage limits. You will regain access on 2027-01-01 at 00:00 UTC." }), quota],
  ["Anthropic 404 not_found_error model", anthropic(404, { type: "not_found_error", message: "model: claude-3-haiku" }),
    http({ status: 404, providerType: "not_found_error", message: "model: claude-3-haiku" }), { errorType: "model_unavailable", action: "fallback" }],
  ["Anthropic 529 overloaded with retry-after", anthropic(529, { type: "overloaded_error", message: "Overloaded" }, { "retry-after": "2" }),
    http({ status: 529, providerType: "overloaded_error", message: "Overloaded", retryAfterMs: 2000 }), { errorType: "overloaded", action: "retry" }],
  ["Anthropic 400 invalid_request_error", anthropic(400, { type: "invalid_request_error", message: "messages.1.content.1: `tool_use` ids must be unique" }),
    http({ status: 400, providerType: "invalid_request_error", message: "messages.1.content.1: `tool_use` ids must be unique" }),
    { errorType: "invalid_request", action: "return" }],
  ["a missing key names its variable", new MissingApiKeyError("LOCAL_LLM_API_KEY"),
    http({ status: 401, providerCode: "missing_api_key", message: "LOCAL_LLM_API_KEY is not set: the router cannot call this provider." }),
    { errorType: "auth", action: "fallback" }],
  ["a refused key variable", new RefusedVariableError("api_key_env", "SUPABASE_SERVICE_ROLE_KEY"),
    http({ status: 401, providerCode: "refused_key_variable", message: new RefusedVariableError("api_key_env", "SUPABASE_SERVICE_ROLE_KEY").message }),
    { errorType: "auth", action: "fallback" }],
  ["an OpenAI timeout", new OpenAI.APIConnectionTimeoutError(), http({ kind: "timeout", message: "The provider did not answer in time." }),
    { errorType: "timeout", action: "fallback" }],
  ["an Anthropic dropped connection", new Anthropic.APIConnectionError({ message: "reset" }), http({ kind: "connection", message: "Could not reach the provider." }),
    { errorType: "connection", action: "retry" }],
  ["a body cut by the network mid-read (Deno's fetch)", new TypeError("error reading a body from connection"),
    http({ kind: "connection", message: "The connection to the provider broke off mid-answer." }), { errorType: "connection", action: "retry" }],
  ["anything else is a malformed response", new SyntaxError("Unexpected token"), http({ kind: "malformed", message: "The provider sent a malformed response." }),
    { errorType: "malformed_response", action: "retry" }],
];

for (const [name, error, failure, failureClass] of cases) {
  Deno.test(`failureFromSdkError + classifyFailure: ${name}`, () => {
    const found = failureFromSdkError(error);
    deepStrictEqual({ failure: found, class: classifyFailure(found) }, { failure, class: failureClass });
  });
}
