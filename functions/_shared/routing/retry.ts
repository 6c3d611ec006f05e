// Retries of ONE model (ROUTING-SPEC §4). Falling back to another model is fallback.ts's job.
// Exponential backoff with full jitter; a provider's retry-after wins; a total deadline bounds it all.
import { classifyFailure, type FailureClass, type ProviderFailure } from "./classify-failure.ts";
import type { NormalizedUsage } from "../translate/mod.ts";
import type { AttemptRecord, DecisionTarget } from "./types.ts";

export interface RetryPolicy {
  maxRetries: number;
  /** Upper bound of one attempt; the remaining budget may shorten it. */
  attemptTimeoutMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Epoch ms after which no attempt starts and no wait is begun. */
  deadline: number;
  /** An attempt with less time than this is not started: it could only time out. */
  minAttemptMs: number;
  /** Budget kept back for the next model of the chain: retries stop when they would eat into it. */
  reserveMs: number;
  /** Whether another model of the chain follows this one: a long retry-after is then not waited out. */
  fallbackLeft: boolean;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

export type AttemptOutcome<T> =
  | { ok: true; value: T; status: number; usage: NormalizedUsage }
  | { ok: false; failure: ProviderFailure };

/** What the retry and fallback loops need of a target; the decision's targets carry more. */
export type Target = Pick<DecisionTarget, "model" | "provider">;

export type RetryResult<T> =
  | { ok: true; value: T }
  | { ok: false; action: "fallback" | "return"; failure: ProviderFailure; class: FailureClass };

const NO_TOKENS: NormalizedUsage = { input_tokens: 0, output_tokens: 0, cached_tokens: 0, cache_write_tokens: 0 };

/** Calls `attempt` until it succeeds, fails for good, or the retries or the budget run out. */
export async function attemptWithRetries<T>(
  target: Target,
  attempt: (timeoutMs: number) => Promise<AttemptOutcome<T>>,
  policy: RetryPolicy,
  record: (attempt: AttemptRecord) => void,
): Promise<RetryResult<T>> {
  for (let retry = 0; ; retry++) {
    const remaining = policy.deadline - policy.now();
    if (remaining < policy.minAttemptMs) {
      // Nothing was sent, so nothing is recorded and no provider is blamed.
      const failure: ProviderFailure = {
        kind: "timeout", status: null, providerType: null, providerCode: "budget_exhausted", param: null,
        message: "The call's time budget ran out.", retryAfterMs: null,
      };
      return { ok: false, action: "fallback", failure, class: { errorType: "timeout", action: "fallback" } };
    }
    const timeoutMs = Math.min(policy.attemptTimeoutMs, remaining);
    const started = policy.now();
    const outcome = await attempt(timeoutMs);
    const latency = Math.max(0, Math.round(policy.now() - started));
    if (outcome.ok) {
      record({ model: target.model, provider: target.provider, status: outcome.status, error_type: null, latency_ms: latency, ...outcome.usage });
      return { ok: true, value: outcome.value };
    }
    const failureClass = classifyFailure(outcome.failure);
    record({ model: target.model, provider: target.provider, status: outcome.failure.status, error_type: failureClass.errorType, latency_ms: latency, ...NO_TOKENS });
    if (failureClass.action !== "retry") {
      return { ok: false, action: failureClass.action, failure: outcome.failure, class: failureClass };
    }
    const retryAfter = outcome.failure.retryAfterMs;
    if (retryAfter !== null && retryAfter > policy.maxDelayMs && policy.fallbackLeft) {
      // The provider asks for a longer wait than any backoff: the next model answers sooner. The wait
      // is still honoured (this model is not tried again before it); the last model of the chain waits it out.
      return { ok: false, action: "fallback", failure: outcome.failure, class: failureClass };
    }
    const delay = retryAfter ?? backoffDelay(retry, policy);
    const outOfRetries = retry >= policy.maxRetries;
    const outOfBudget = policy.now() + delay + policy.minAttemptMs + policy.reserveMs > policy.deadline;
    if (outOfRetries || outOfBudget) {
      return { ok: false, action: "fallback", failure: outcome.failure, class: failureClass };
    }
    await policy.sleep(delay);
  }
}

/** Full jitter: a random wait between 0 and base x 2^retry, capped. */
function backoffDelay(retry: number, policy: Pick<RetryPolicy, "baseDelayMs" | "maxDelayMs" | "random">): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.round(policy.random() * ceiling);
}
