// The error-type vocabulary of an attempt (ROUTING-SPEC §4, §5), in one table. The database has
// the same table, routing.error_types; tests/function/vocabulary.test.ts keeps the two equal.
//   callerFault:    the caller's own request was refused: returned as is, never retried or a fallback
//   breakerFailure: the provider was unavailable: worth the same model again, and counts for its breaker
// Neither (a key, a quota, a model the provider lacks, anything unknown): not the caller's doing, so the next model is tried at once.
export const ERROR_TYPES = {
  auth: { callerFault: false, breakerFailure: false },
  // The client closed a stream before its first byte (recorded only, never classified from a
  // provider failure): neutral for the breaker, out of the error rate.
  client_aborted: { callerFault: true, breakerFailure: false },
  connection: { callerFault: false, breakerFailure: true },
  insufficient_quota: { callerFault: false, breakerFailure: false },
  invalid_request: { callerFault: true, breakerFailure: false },
  malformed_response: { callerFault: false, breakerFailure: true },
  // The provider does not serve the model (404): a configuration failure, not an outage; the database
  // marks the model unavailable so that later decisions avoid it.
  model_unavailable: { callerFault: false, breakerFailure: false },
  overloaded: { callerFault: false, breakerFailure: true },
  payload_too_large: { callerFault: true, breakerFailure: false },
  rate_limit: { callerFault: false, breakerFailure: true },
  server_error: { callerFault: false, breakerFailure: true },
  timeout: { callerFault: false, breakerFailure: true },
  unknown: { callerFault: false, breakerFailure: false },
} as const satisfies Record<string, { callerFault: boolean; breakerFailure: boolean }>;

/** Error types recorded per attempt. */
export type AttemptErrorType = keyof typeof ERROR_TYPES;

/** What the router does after a failed attempt. */
export type FailureAction = "retry" | "fallback" | "return";

/** The action an error type calls for: the caller's fault goes back, an outage is retried, the rest falls back. */
export function failureActionFor(errorType: AttemptErrorType): FailureAction {
  const { callerFault, breakerFailure } = ERROR_TYPES[errorType];
  if (callerFault) return "return";
  return breakerFailure ? "retry" : "fallback";
}
