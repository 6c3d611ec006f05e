// What a routed completion tells its caller: the `routing` object of the answer, the
// x-routing-* headers, the provider's own refusal of the caller's request, and the 502 when
// every attempt failed.
import { RouterHttpError } from "../_shared/http/openai-error.ts";
import type { ProviderFailure } from "../_shared/routing/classify-failure.ts";
import type { AttemptErrorType } from "../_shared/routing/error-types.ts";
import type { Target } from "../_shared/routing/retry.ts";
import type { AttemptRecord, RoutingDecision } from "../_shared/routing/types.ts";
import type { FailOpenDecision } from "./fail-open.ts";

/** A decision, or the fail-open stand-in, which has no row yet: `decision_id` null. */
export type Decision = RoutingDecision | FailOpenDecision;

export interface RoutingSummary {
  decision_id: string | null;
  model: string;
  provider: string;
  decided_model: string;
  tier: string | null;
  reason: string;
  reasoning: string;
  cohort: string;
  attempts: number;
  fallback_used: boolean;
  /**
   * The key of the call's record (routing.calls.call_key), stored after the answer left; null when
   * nothing is recorded (no attempt was made). Its cost is looked up by it (GET …/v1/calls/{key}).
   */
  call_key: string | null;
  warnings: string[];
}

export function routingSummary(
  { decision, answered, attempts, fallbackUsed, callKey, warnings }: {
    decision: Decision;
    answered: Target;
    attempts: number;
    fallbackUsed: boolean;
    /** The record's key, null when no record is kept. */
    callKey: string | null;
    /** The decision's, the skipped targets', and the adaptations for the model that answered. */
    warnings: string[];
  },
): RoutingSummary {
  return {
    decision_id: decision.decision_id,
    model: answered.model,
    provider: answered.provider,
    decided_model: decision.model,
    tier: decision.tier,
    reason: decision.reason,
    reasoning: decision.reasoning,
    cohort: decision.cohort,
    attempts,
    fallback_used: fallbackUsed,
    call_key: callKey,
    warnings,
  };
}

/** record_completion takes at most 50 warnings of at most 500 characters: the rest is said to be cut. */
export const MAX_WARNINGS = 50;
export const MAX_WARNING_LENGTH = 500;

export function boundedWarnings(warnings: ReadonlyArray<string>): string[] {
  const cut = (text: string) => text.length <= MAX_WARNING_LENGTH ? text : `${text.slice(0, MAX_WARNING_LENGTH - 1)}…`;
  if (warnings.length <= MAX_WARNINGS) return warnings.map(cut);
  const kept = warnings.slice(0, MAX_WARNINGS - 1).map(cut);
  return [...kept, `${warnings.length - kept.length} further warnings omitted`];
}

export function routingHeaders(routing: RoutingSummary): Record<string, string> {
  return {
    "x-routing-decision-id": routing.decision_id ?? "none",
    "x-routing-model": routing.model,
    "x-routing-provider": routing.provider,
    "x-routing-reason": routing.reason,
    "x-routing-cohort": routing.cohort,
    "x-routing-attempts": String(routing.attempts),
    "x-routing-fallback": String(routing.fallback_used),
    "x-routing-call-key": routing.call_key ?? "none",
  };
}

/**
 * The provider refused the caller's own request (400/413/422): its status and message as the
 * provider said them, in OpenAI's error shape, with OpenAI's `code` and `param` where the provider
 * gave them (Anthropic gives neither: its `invalid_request_error` is OpenAI's type, param null).
 */
export function callerFaultError(
  { failure, headers }: { failure: ProviderFailure; headers: Record<string, string> },
): RouterHttpError {
  return new RouterHttpError(failure.status ?? 400, failure.message, {
    type: "invalid_request_error",
    code: failure.providerCode,
    param: failure.param,
    headers,
  });
}

/** The 502: every attempt failed; the caller sees each attempt, without tokens. */
export function allAttemptsFailed(
  { failure, errorType, attempts, headers }: {
    failure: ProviderFailure;
    errorType: AttemptErrorType;
    attempts: ReadonlyArray<AttemptRecord>;
    headers: Record<string, string>;
  },
): RouterHttpError {
  return new RouterHttpError(502, `Every provider attempt failed (${attempts.length} attempts); last error: ${errorType}: ${callerSafeMessage({ failure, errorType })}`, {
    type: "api_error",
    code: "all_attempts_failed",
    headers,
    attempts: attempts.map(({ model, provider, status, error_type, latency_ms }) => ({ model, provider, status, error_type, latency_ms })),
  });
}

/**
 * The provider's words are the operator's account's, not the caller's: auth and quota messages can
 * quote (masked) keys, rate-limit and server messages name the organization and its live usage
 * ("... in organization org-... Limit 200000, Used 199000"). Every tenant shares that account, so the
 * caller gets a generic line per error type; the attempts' types and statuses still say what happened.
 */
function callerSafeMessage({ failure, errorType }: { failure: ProviderFailure; errorType: AttemptErrorType }): string {
  // The router's own words about its configuration (a variable name, never a value).
  if (failure.providerCode === "missing_api_key" || failure.providerCode === "refused_key_variable") return failure.message;
  if (failure.status === 401 || failure.status === 403) return "the provider refused the router's credentials.";
  switch (errorType) {
    case "insufficient_quota":
      return "the provider's quota or credit is exhausted.";
    case "rate_limit":
      return "the provider's rate limit was reached.";
    case "server_error":
    case "overloaded":
      return "the provider had an error or was overloaded.";
    default:
      // The router's own descriptions (timeouts, connections, malformed answers) and the rest.
      return failure.kind === "http" ? "the provider refused the request." : failure.message;
  }
}
