// A routed completion: decision (one round trip) → provider attempts with retries and
// fallback → the call and its attempts recorded (one round trip) → an OpenAI chat.completion
// with a `routing` object and x-routing-* headers.
import type { Caller } from "../_shared/auth/verify-caller.ts";
import type { RouterSettings } from "../_shared/config/settings.ts";
import { readRoutingEnv } from "../_shared/config/settings.ts";
import { type CallRecord, recordCompletion, type RecordedCall, routeModel } from "../_shared/db/router-db.ts";
import { RouterHttpError } from "../_shared/http/openai-error.ts";
import { log } from "../_shared/log.ts";
import { callProvider } from "../_shared/providers/call-provider.ts";
import type { ProviderFailure } from "../_shared/routing/classify-failure.ts";
import { callWithFallback, planTargets } from "../_shared/routing/fallback.ts";
import { attemptWithRetries, type RetryPolicy, type Target } from "../_shared/routing/retry.ts";
import type { AttemptRecord, RoutingDecision } from "../_shared/routing/types.ts";
import type { ChatCompletion } from "../_shared/translate/types.ts";
import type { CompletionRequest } from "./request.ts";

export interface CompletionResult {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function routeCompletion(request: CompletionRequest, caller: Caller, settings: RouterSettings): Promise<CompletionResult> {
  const started = performance.now();
  const decision = await decide(request, caller, settings);
  log("info", "routing_decision", {
    decision_id: decision.decision_id, agent_id: decision.agent_id, model: decision.model, reason: decision.reason,
    cohort: decision.cohort, warnings: decision.warnings,
  });

  const targets = planTargets(
    { model: decision.model, provider: decision.provider },
    decision.fallback_chain.map((model, i) => ({ model, provider: decision.fallback_providers[i] })),
    decision.breakers ?? {},
  );
  const attempts: AttemptRecord[] = [];
  const deadline = Date.now() + settings.totalBudgetMs;
  const policyFor = (target: Target): RetryPolicy => ({
    maxRetries: decision.max_retries,
    attemptTimeoutMs: settings.attemptTimeoutMs,
    baseDelayMs: settings.retryBaseDelayMs,
    maxDelayMs: settings.retryMaxDelayMs,
    deadline,
    minAttemptMs: MIN_ATTEMPT_MS,
    // Keep one full attempt for the next model, unless this is the last one.
    reserveMs: target === targets[targets.length - 1] ? 0 : settings.attemptTimeoutMs,
    now: Date.now,
    sleep,
    random: Math.random,
  });
  const result = await callWithFallback<ChatCompletion>(targets, (target: Target) =>
    attemptWithRetries(target, (timeoutMs) => callProvider(target, request.body, settings, timeoutMs), policyFor(target), (a) => attempts.push(a))
  );

  const last = result.ok ? result.answeredBy : result.lastTarget;
  const fallbackUsed = last.model !== decision.model;
  const call = {
    status: result.ok ? "succeeded" as const : "failed" as const,
    model: last.model,
    provider: last.provider,
    fallback_used: fallbackUsed,
    latency_ms: Math.round(performance.now() - started),
    attempts,
  };
  const recorded = attempts.length === 0 ? NOT_RECORDED : await recordSafely(settings, decision, call);

  const routing = routingSummary(decision, last, attempts.length, fallbackUsed, recorded);
  const headers = routingHeaders(routing);
  if (result.ok) {
    return { status: 200, body: { ...result.value, model: last.model, routing }, headers };
  }
  if (result.callerError) {
    // The provider refused the request itself (400/413/422): the caller's to fix, returned as is.
    const status = result.failure.status ?? 400;
    throw new RouterHttpError(status, result.failure.message, { code: result.failure.providerCode, headers });
  }
  throw new RouterHttpError(502, `Every provider attempt failed (${attempts.length} attempts); last error: ${result.class.errorType}: ${callerSafeMessage(result.failure)}`, {
    type: "api_error",
    code: "all_attempts_failed",
    headers,
    attempts: attempts.map(({ model, provider, status, error_type, latency_ms }) => ({ model, provider, status, error_type, latency_ms })),
  });
}

/** An attempt with less time left than this is not started: it could only time out. */
const MIN_ATTEMPT_MS = 250;
const FAIL_OPEN_ID = "";
const NOT_RECORDED: RecordedCall = { call_id: "", cost_usd: "", baseline_cost_usd: "", attempts: 0, breakers: {} };

/**
 * The decision, in one round trip. With ROUTER_FAIL_OPEN=true an unreachable database does not stop
 * the call: it goes to the baseline model, unrecorded, and says so. Off by default, because then
 * nothing checks that the agent is the caller's.
 */
async function decide(request: CompletionRequest, caller: Caller, settings: RouterSettings): Promise<RoutingDecision> {
  try {
    return await routeModel(settings.databaseUrl, {
      agentId: request.agentId,
      executionId: request.executionId,
      env: readRoutingEnv(),
      actingUser: caller.kind === "user" ? caller.userId : null,
    });
  } catch (error) {
    if (!(settings.failOpen && error instanceof RouterHttpError && error.status === 503)) throw error;
    log("warn", "routing_fail_open", { agent_id: request.agentId });
    return {
      decision_id: FAIL_OPEN_ID, agent_id: request.agentId, execution_id: request.executionId,
      model: "gpt-4o", provider: "openai", tier: null, reason: "fail_open",
      reasoning: "The routing database is unreachable: the baseline model answers, unrecorded.",
      cohort: "fail_open", baseline_model: "gpt-4o", fallback_chain: [], fallback_providers: [], breakers: {},
      max_retries: 2, warnings: ["routing database unreachable: fail-open to gpt-4o"], replayed: false,
    };
  }
}

/**
 * Records the call. The provider has answered (and been paid) by now, so a recording failure
 * must not cost the caller the answer: it is logged, and the answer says `cost_usd: null`.
 */
async function recordSafely(settings: RouterSettings, decision: RoutingDecision, call: CallRecord): Promise<RecordedCall> {
  // Fail-open decisions have no database to record into.
  if (decision.decision_id === FAIL_OPEN_ID) return NOT_RECORDED;
  try {
    return await recordCompletion(settings.databaseUrl, decision.decision_id, call);
  } catch (error) {
    log("error", "record_completion_failed", {
      decision_id: decision.decision_id, status: (error as RouterHttpError).status, message: (error as Error).message,
    });
    return NOT_RECORDED;
  }
}

/** Provider auth and quota messages can quote (masked) keys: the caller gets a generic line. */
function callerSafeMessage(failure: ProviderFailure): string {
  if (failure.providerCode === "missing_api_key") return failure.message;
  if (failure.status === 401 || failure.status === 403) return "the provider refused the router's credentials.";
  if (failure.providerCode === "insufficient_quota") return "the provider's quota or credit is exhausted.";
  return failure.message;
}

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
  cost_usd: string | null;
  baseline_cost_usd: string | null;
  warnings: string[];
}

function routingSummary(decision: RoutingDecision, answered: Target, attempts: number, fallbackUsed: boolean, recorded: RecordedCall): RoutingSummary {
  return {
    decision_id: decision.decision_id || null,
    model: answered.model,
    provider: answered.provider,
    decided_model: decision.model,
    tier: decision.tier,
    reason: decision.reason,
    reasoning: decision.reasoning,
    cohort: decision.cohort,
    attempts,
    fallback_used: fallbackUsed,
    cost_usd: recorded.cost_usd === "" ? null : String(recorded.cost_usd),
    baseline_cost_usd: recorded.baseline_cost_usd === "" ? null : String(recorded.baseline_cost_usd),
    warnings: decision.warnings ?? [],
  };
}

function routingHeaders(routing: RoutingSummary): Record<string, string> {
  return {
    "x-routing-decision-id": routing.decision_id ?? "none",
    "x-routing-model": routing.model,
    "x-routing-provider": routing.provider,
    "x-routing-reason": routing.reason,
    "x-routing-cohort": routing.cohort,
    "x-routing-attempts": String(routing.attempts),
    "x-routing-fallback": String(routing.fallback_used),
  };
}
