import assert from "node:assert/strict";
import {
  failureFromAnthropicError,
  failureFromOpenAIError,
  stallFailure,
  streamErrorFromFailure,
  streamFailureFromThrown,
} from "./stream-failure.ts";
import { deepFreeze } from "./test-support.ts";
import type { ProviderFailure } from "./types.ts";

const http = (status: number, providerType: string, providerCode: string | null, message: string): ProviderFailure => ({
  kind: "http",
  status,
  providerType,
  providerCode,
  param: null,
  message,
  retryAfterMs: null,
});

const anthropicRows: Array<{ type: string; message: string; expected: ProviderFailure }> = [
  { type: "overloaded_error", message: "Overloaded", expected: http(529, "overloaded_error", null, "Overloaded") },
  { type: "api_error", message: "Internal server error", expected: http(500, "api_error", null, "Internal server error") },
  { type: "rate_limit_error", message: "Slow down", expected: http(429, "rate_limit_error", null, "Slow down") },
  {
    type: "invalid_request_error",
    message: "Your credit balance is too low to access the Anthropic API.",
    expected: http(400, "invalid_request_error", null, "Your credit balance is too low to access the Anthropic API."),
  },
  { type: "something_new", message: "?", expected: http(500, "something_new", null, "?") },
];

for (const { type, message, expected } of anthropicRows) {
  Deno.test(`anthropic error event ${type} → the failure its HTTP answer would be`, () => {
    assert.deepStrictEqual(failureFromAnthropicError(deepFreeze({ event: { type: "error" as const, error: { type, message } } })), expected);
  });
}

Deno.test("openai mid-stream errors: rate limits and quota are 429, the rest 500", () => {
  const error = (type: string, code: string | null) => deepFreeze({ error: { message: "m", type, param: null, code } });
  assert.deepStrictEqual(
    [error("server_error", null), error("requests", "rate_limit_exceeded"), error("insufficient_quota", "insufficient_quota")].map(failureFromOpenAIError),
    [http(500, "server_error", null, "m"), http(429, "requests", "rate_limit_exceeded", "m"), http(429, "insufficient_quota", "insufficient_quota", "m")],
  );
});

const errorRows: Array<{ name: string; failure: ProviderFailure; code: string }> = [
  { name: "a stall is a timeout", failure: stallFailure({ stallMs: 250 }), code: "timeout" },
  { name: "overloaded", failure: http(529, "overloaded_error", null, "Overloaded"), code: "overloaded" },
  { name: "quota", failure: http(400, "invalid_request_error", null, "Your credit balance is too low"), code: "insufficient_quota" },
];

for (const { name, failure, code } of errorRows) {
  Deno.test(`the caller's streaming error: ${name} → api_error with the router's error type as code`, () => {
    assert.deepStrictEqual(streamErrorFromFailure(deepFreeze({ failure })), {
      message: `The provider failed during the stream: ${failure.message}`,
      type: "api_error",
      param: null,
      code,
    });
  });
}

Deno.test("stall failure names the silence", () => {
  assert.deepStrictEqual(stallFailure({ stallMs: 250 }), {
    kind: "timeout",
    status: null,
    providerType: null,
    providerCode: "stream_stalled",
    param: null,
    message: "The provider sent no stream event for 250 ms.",
    retryAfterMs: null,
  });
});

Deno.test("streamFailureFromThrown: the error events inside the SDKs' status-less APIErrors; anything else is not one", () => {
  const anthropicThrown = { status: undefined, error: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } } };
  const openaiThrown = { status: undefined, error: { message: "m", type: "server_error", param: null, code: null } };
  assert.deepStrictEqual(
    [anthropicThrown, openaiThrown, { status: 529, error: anthropicThrown.error }, new TypeError("x"), null].map((error) =>
      streamFailureFromThrown(deepFreeze({ error }))
    ),
    [http(529, "overloaded_error", null, "Overloaded"), http(500, "server_error", null, "m"), null, null, null],
  );
});
