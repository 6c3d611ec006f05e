// A routed completion: decision (one round trip) → each target's request prepared for its own
// model → provider attempts with retries and fallback → the answer adapted back → the call, its
// attempts and its warnings recorded (one round trip) → an OpenAI chat.completion with a `routing`
// object and x-routing-* headers. Every effect (the database, the providers, the clock, the log)
// comes in as a dependency: live-deps.ts wires the real ones.
import { adaptResponse } from "../_shared/adapt/mod.ts";
import type { VerifiedCaller } from "../_shared/auth/verify-caller.ts";
import type { RouterSettings } from "../_shared/config/settings.ts";
import type { CallRecord, RecordedCall } from "../_shared/db/router-db.ts";
import { RouterHttpError } from "../_shared/http/openai-error.ts";
import type { log } from "../_shared/log.ts";
import { redactSecrets } from "../_shared/log.ts";
import type { ProviderBody } from "../_shared/providers/prepare-request.ts";
import { callWithFallback, planTargets, usedFallback } from "../_shared/routing/fallback.ts";
import { type AttemptOutcome, attemptWithRetries, type RetryPolicy } from "../_shared/routing/retry.ts";
import type { AttemptRecord, DecisionTarget, RoutingDecision } from "../_shared/routing/types.ts";
import type { ChatCompletion } from "../_shared/translate/mod.ts";
import { failOpenDecision } from "./fail-open.ts";
import { prepareTargets, type ReadyTarget } from "./prepare-targets.ts";
import type { CompletionRequest } from "./request.ts";
import {
  allAttemptsFailed,
  boundedWarnings,
  callerFaultError,
  type Decision,
  routingHeaders,
  routingSummary,
} from "./routing-summary.ts";

export interface CompletionDeps {
  /** route_model; the environment overrides are the wiring's to add. */
  decide: (args: { agentId: string; executionId: string | null; actingUser: string | null; requestedModel: string | null }) => Promise<RoutingDecision>;
  /** One attempt at one target with its prepared body; never throws for provider trouble. */
  callProvider: (target: DecisionTarget, wire: ProviderBody, timeoutMs: number) => Promise<AttemptOutcome<ChatCompletion>>;
  /** record_completion. */
  record: (decisionId: string, call: CallRecord) => Promise<RecordedCall>;
  /** `now` in epoch milliseconds, also for latencies. */
  clock: Pick<RetryPolicy, "now" | "sleep" | "random">;
  log: typeof log;
}

export type CompletionPolicy = Pick<
  RouterSettings,
  "failOpen" | "totalBudgetMs" | "attemptTimeoutMs" | "retryBaseDelayMs" | "retryMaxDelayMs" | "anthropicDefaultMaxTokens"
>;

export interface CompletionResult {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/** An attempt with less time left than this is not started: it could only time out. */
const MIN_ATTEMPT_MS = 250;

/** The answer, or a RouterHttpError: the provider's refusal of the caller's request, a 400, a 502, a 503. */
export async function routeCompletion(
  { request, caller, policy, deps }: { request: CompletionRequest; caller: VerifiedCaller; policy: CompletionPolicy; deps: CompletionDeps },
): Promise<CompletionResult> {
  const started = deps.clock.now();
  const decision = await decideOrFailOpen({ request, caller, policy, deps });
  deps.log("info", "routing_decision", {
    decision_id: decision.decision_id, agent_id: decision.agent_id, model: decision.model, reason: decision.reason,
    cohort: decision.cohort, warnings: decision.warnings,
  });

  // Adapted once per target, before its retry loop: what one model refuses another may take.
  const { ready, skipped } = prepareTargets({
    request: request.body,
    targets: planTargets(decision.targets, decision.breakers ?? {}),
    decidedModel: decision.model,
    anthropicDefaultMaxTokens: policy.anthropicDefaultMaxTokens,
  });
  if (skipped.length > 0) deps.log("info", "targets_skipped", { decision_id: decision.decision_id, skipped });

  const attempts: AttemptRecord[] = [];
  const deadline = deps.clock.now() + policy.totalBudgetMs;
  const policyFor = (target: ReadyTarget): RetryPolicy => ({
    maxRetries: decision.max_retries,
    attemptTimeoutMs: policy.attemptTimeoutMs,
    baseDelayMs: policy.retryBaseDelayMs,
    maxDelayMs: policy.retryMaxDelayMs,
    deadline,
    minAttemptMs: MIN_ATTEMPT_MS,
    // Keep one full attempt for the next model, unless this is the last one.
    reserveMs: target === ready[ready.length - 1] ? 0 : policy.attemptTimeoutMs,
    ...deps.clock,
  });
  const result = await callWithFallback<ChatCompletion, ReadyTarget>(ready, (ready) =>
    attemptWithRetries(
      ready,
      (timeoutMs) => deps.callProvider(ready.target, ready.prepared.wire, timeoutMs),
      policyFor(ready),
      (a) => attempts.push(a),
    ));

  const last = result.ok ? result.answeredBy : result.lastTarget;
  const answer = result.ok ? adaptResponse({ completion: result.value, restore: last.prepared.restore }) : null;
  // What the caller and the audit trail are told: the decision's own warnings, the targets that
  // could not take the request, and what was adapted for the model that answered.
  const warnings = boundedWarnings([
    ...(decision.warnings ?? []),
    ...skipped,
    ...(answer === null ? [] : [...last.prepared.warnings, ...answer.warnings]),
  ]);
  const fallbackUsed = usedFallback({ decided: { model: decision.model, provider: decision.provider }, last });
  const call: CallRecord = {
    status: result.ok ? "succeeded" : "failed",
    model: last.model,
    provider: last.provider,
    fallback_used: fallbackUsed,
    latency_ms: Math.round(deps.clock.now() - started),
    attempts,
    warnings,
  };
  const recorded = await recordSafely({ decision, call, deps });

  const routing = routingSummary({ decision, answered: last, attempts: attempts.length, fallbackUsed, recorded, warnings });
  const headers = routingHeaders(routing);
  if (!result.ok) {
    // The provider refused the request itself (400/413/422): the caller's to fix, in the provider's words.
    if (result.callerError) throw callerFaultError({ failure: result.failure, headers });
    throw allAttemptsFailed({ failure: result.failure, errorType: result.class.errorType, attempts, headers });
  }
  return { status: 200, body: { ...(answer?.completion ?? result.value), model: last.model, routing }, headers };
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
      requestedModel: request.requestedModel,
    });
  } catch (error) {
    if (!(policy.failOpen && error instanceof RouterHttpError && error.status === 503)) throw error;
    deps.log("warn", "routing_fail_open", { agent_id: request.agentId });
    return failOpenDecision({ agentId: request.agentId, executionId: request.executionId });
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
