import { deepStrictEqual } from "node:assert/strict";
import { classifyFailure, type FailureClass, parseRetryAfter, type ProviderFailure } from "./classify-failure.ts";

const http = (status: number, providerCode: string | null = null): ProviderFailure => ({
  kind: "http", status, providerCode, message: "m", retryAfterMs: null,
});

const cases: Array<[string, ProviderFailure, FailureClass]> = [
  ["408 is retried as a timeout", http(408), { errorType: "timeout", action: "retry" }],
  ["409 is retried", http(409), { errorType: "server_error", action: "retry" }],
  ["429 rate limit is retried", http(429, "rate_limit_exceeded"), { errorType: "rate_limit", action: "retry" }],
  ["429 insufficient_quota falls back at once", http(429, "insufficient_quota"), { errorType: "insufficient_quota", action: "fallback" }],
  ["500 is retried", http(500), { errorType: "server_error", action: "retry" }],
  ["502 is retried", http(502), { errorType: "server_error", action: "retry" }],
  ["503 is retried", http(503), { errorType: "server_error", action: "retry" }],
  ["529 overloaded is retried", http(529, "overloaded_error"), { errorType: "overloaded", action: "retry" }],
  ["400 with a spent credit balance falls back at once", http(400, "insufficient_quota"), { errorType: "insufficient_quota", action: "fallback" }],
  ["401 falls back at once (a key problem)", http(401), { errorType: "auth", action: "fallback" }],
  ["403 falls back at once", http(403), { errorType: "auth", action: "fallback" }],
  ["400 goes back to the caller", http(400), { errorType: "invalid_request", action: "return" }],
  ["413 goes back to the caller", http(413), { errorType: "payload_too_large", action: "return" }],
  ["422 goes back to the caller", http(422), { errorType: "invalid_request", action: "return" }],
  ["404 (model unknown to the provider) falls back", http(404), { errorType: "unknown", action: "fallback" }],
  ["504 is retried", http(504), { errorType: "server_error", action: "retry" }],
  ["a timeout is retried", { ...http(0), kind: "timeout", status: null }, { errorType: "timeout", action: "retry" }],
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
