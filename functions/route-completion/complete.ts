// A routed completion: decision (one round trip) → provider attempts with retries and
// fallback → the call and its attempts recorded (one round trip) → an OpenAI chat.completion
// with a `routing` object and x-routing-* headers. Every effect (the database, the providers,
// the clock, the log) comes in as a dependency: live-deps.ts wires the real ones.
import type { VerifiedCaller } from "../_shared/auth/verify-caller.ts";
import type { RouterSettings } from "../_shared/config/settings.ts";
import type { CallRecord, RecordedCall } from "../_shared/db/router-db.ts";
import { RouterHttpError } from "../_shared/http/openai-error.ts";
import type { log } from "../_shared/log.ts";
import { redactSecrets } from "../_shared/log.ts";
import { callWithFallback, planTargets, usedFallback } from "../_shared/routing/fallback.ts";
import { type AttemptOutcome, attemptWithRetries, type RetryPolicy, type Target } from "../_shared/routing/retry.ts";
import type { AttemptRecord, RoutingDecision } from "../_shared/routing/types.ts";
import type { ChatCompletion, OpenAIChatRequest } from "../_shared/translate/mod.ts";
import type { CompletionRequest } from "./request.ts";
import { allAttemptsFailed, type Decision, routingHeaders, routingSummary } from "./routing-summary.ts";

export interface CompletionDeps {
  /** route_model; the environment overrides are the wiring's to add. */
  decide: (args: { agentId: string; executionId: string | null; actingUser: string | null }) => Promise<RoutingDecision>;
  /** One attempt at one model; never throws for provider trouble. */
  callProvider: (target: Target, body: OpenAIChatRequest, timeoutMs: number) => Promise<AttemptOutcome<ChatCompletion>>;
  /** record_completion. */
  record: (decisionId: string, call: CallRecord) => Promise<RecordedCall>;
  /** `now` in epoch milliseconds, also for latencies. */
  clock: Pick<RetryPolicy, "now" | "sleep" | "random">;
  log: typeof log;
}

export type CompletionPolicy = Pick<RouterSettings, "failOpen" | "totalBudgetMs" | "attemptTimeoutMs" | "retryBaseDelayMs" | "retryMaxDelayMs">;

export interface CompletionResult {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/** An attempt with less time left than this is not started: it could only time out. */
const MIN_ATTEMPT_MS = 250;

/** The answer, or a RouterHttpError: the provider's refusal of the caller's request, a 502, a 503. */
export async function routeCompletion(
  { request, caller, policy, deps }: { request: CompletionRequest; caller: VerifiedCaller; policy: CompletionPolicy; deps: CompletionDeps },
): Promise<CompletionResult> {
  const started = deps.clock.now();
  const decision = await decideOrFailOpen({ request, caller, policy, deps });
  deps.log("info", "routing_decision", {
    decision_id: decision.decision_id, agent_id: decision.agent_id, model: decision.model, reason: decision.reason,
    cohort: decision.cohort, warnings: decision.warnings,
  });

  const decided: Target = { model: decision.model, provider: decision.provider };
  const targets = planTargets(
    decided,
    decision.fallback_chain.map((model, i) => ({ model, provider: decision.fallback_providers[i] })),
    decision.breakers ?? {},
  );
  const attempts: AttemptRecord[] = [];
  const deadline = deps.clock.now() + policy.totalBudgetMs;
  const policyFor = (target: Target): RetryPolicy => ({
    maxRetries: decision.max_retries,
    attemptTimeoutMs: policy.attemptTimeoutMs,
    baseDelayMs: policy.retryBaseDelayMs,
    maxDelayMs: policy.retryMaxDelayMs,
    deadline,
    minAttemptMs: MIN_ATTEMPT_MS,
    // Keep one full attempt for the next model, unless this is the last one.
    reserveMs: target === targets[targets.length - 1] ? 0 : policy.attemptTimeoutMs,
    ...deps.clock,
  });
  const result = await callWithFallback<ChatCompletion>(targets, (target: Target) =>
    attemptWithRetries(target, (timeoutMs) => deps.callProvider(target, request.body, timeoutMs), policyFor(target), (a) => attempts.push(a))
  );

  const last = result.ok ? result.answeredBy : result.lastTarget;
  const fallbackUsed = usedFallback({ decided, last });
  const call: CallRecord = {
    status: result.ok ? "succeeded" : "failed",
    model: last.model,
    provider: last.provider,
    fallback_used: fallbackUsed,
    latency_ms: Math.round(deps.clock.now() - started),
    attempts,
  };
  const recorded = await recordSafely({ decision, call, deps });

  const routing = routingSummary({ decision, answered: last, attempts: attempts.length, fallbackUsed, recorded });
  const headers = routingHeaders(routing);
  if (result.ok) {
    return { status: 200, body: { ...result.value, model: last.model, routing }, headers };
  }
  if (result.callerError) {
    // The provider refused the request itself (400/413/422): the caller's to fix, returned as is.
    throw new RouterHttpError(result.failure.status ?? 400, result.failure.message, { code: result.failure.providerCode, headers });
  }
  throw allAttemptsFailed({ failure: result.failure, errorType: result.class.errorType, attempts, headers });
}

/**
 * The decision, in one round trip. With ROUTER_FAIL_OPEN=true an unreachable database does not stop
 * the call: it goes to the baseline model, unrecorded (decision_id null), and says so. Off by
 * default, because then nothing checks that the agent is the caller's.
 */
async function decideOrFailOpen(
  { request, caller, policy, deps }: { request: CompletionRequest; caller: VerifiedCaller; policy: CompletionPolicy; deps: CompletionDeps },
): Promise<Decision> {
  try {
    return await deps.decide({
      agentId: request.agentId,
      executionId: request.executionId,
      actingUser: caller.kind === "user" ? caller.userId : null,
    });
  } catch (error) {
    if (!(policy.failOpen && error instanceof RouterHttpError && error.status === 503)) throw error;
    deps.log("warn", "routing_fail_open", { agent_id: request.agentId });
    return {
      decision_id: null, agent_id: request.agentId, execution_id: request.executionId,
      model: "gpt-4o", provider: "openai", tier: null, reason: "fail_open",
      reasoning: "The routing database is unreachable: the baseline model answers, unrecorded.",
      cohort: "fail_open", baseline_model: "gpt-4o", fallback_chain: [], fallback_providers: [], breakers: {},
      max_retries: 2, warnings: ["routing database unreachable: fail-open to gpt-4o"], replayed: false,
    };
  }
}

/**
 * Records the call, or null when it is not recorded: nothing was attempted, or the decision is a
 * fail-open one (no database to record into), or recording failed. The provider has answered (and
 * been paid) by then, so a recording failure must not cost the caller the answer: it is logged,
 * and the answer says `cost_usd: null`.
 */
async function recordSafely(
  { decision, call, deps }: { decision: Decision; call: CallRecord; deps: CompletionDeps },
): Promise<RecordedCall | null> {
  if (call.attempts.length === 0 || decision.decision_id === null) return null;
  try {
    return await deps.record(decision.decision_id, call);
  } catch (error) {
    deps.log("error", "record_completion_failed", {
      decision_id: decision.decision_id,
      status: error instanceof RouterHttpError ? error.status : null,
      message: redactSecrets(error instanceof Error ? error.message : String(error)),
    });
    return null;
  }
}
