import { deepStrictEqual } from "node:assert/strict";
import { type AttemptErrorType, ERROR_TYPES, failureActionFor } from "./error-types.ts";

// The actions of ROUTING-SPEC §4 for every error type, whole.
Deno.test("error types: each type's action follows from the table", () => {
  const actions = Object.fromEntries(Object.keys(ERROR_TYPES).map((t) => [t, failureActionFor(t as AttemptErrorType)]));
  deepStrictEqual(actions, {
    auth: "fallback",
    client_aborted: "return",
    connection: "retry",
    insufficient_quota: "fallback",
    invalid_request: "return",
    malformed_response: "retry",
    model_unavailable: "fallback",
    overloaded: "retry",
    payload_too_large: "return",
    rate_limit: "retry",
    server_error: "retry",
    timeout: "retry",
    unknown: "fallback",
  });
});

Deno.test("error types: no type is both the caller's fault and a provider outage", () => {
  deepStrictEqual(Object.entries(ERROR_TYPES).filter(([, t]) => t.callerFault && t.breakerFailure), []);
});
