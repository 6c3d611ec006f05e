// What both paths of a routed completion (complete.ts whole, stream-completion.ts streamed) share:
// their dependencies, the decision with its prepared targets and retry policy, the record of a
// call, and the error of a call no target answered.
import type { VerifiedCaller } from "../_shared/auth/verify-caller.ts";
import type { RouterSettings } from "../_shared/config/settings.ts";
import type { CallRecord } from "../_shared/db/router-db.ts";
import { RouterHttpError } from "../_shared/http/openai-error.ts";
import { withEstimatedTokens } from "../_shared/recording/estimate-tokens.ts";
import type { PendingRecord } from "../_shared/recording/outbox-store.ts";
import type { log } from "../_shared/log.ts";
import type { StreamAttemptOutcome, StreamSettings } from "../_shared/providers/open-stream.ts";
import type { PreparedRequest, ProviderBody } from "../_shared/providers/prepare-request.ts";
import { type FallbackResult, planTargets } from "../_shared/routing/fallback.ts";
import type { AttemptOutcome, RetryPolicy } from "../_shared/routing/retry.ts";
import type { AttemptRecord, DecisionTarget, RoutingDecision } from "../_shared/routing/types.ts";
import type { ChatCompletion } from "../_shared/translate/mod.ts";
import { failOpenDecision } from "./fail-open.ts";
import { prepareTargets, type ReadyTarget } from "./prepare-targets.ts";
import type { CompletionRequest } from "./request.ts";
import { allAttemptsFailed, callerFaultError, type Decision } from "./routing-summary.ts";

export interface CompletionDeps {
  /** route_model; the environment overrides are the wiring's to add. */
  decide: (args: { agentId: string; executionId: string | null; actingUser: string | null; requestedModel: string | null }) => Promise<RoutingDecision>;
  /** One attempt at one target with its prepared body; never throws for provider trouble. `signal`: the caller's request. */
  callProvider: (target: DecisionTarget, wire: ProviderBody, timeoutMs: number, signal?: AbortSignal) => Promise<AttemptOutcome<ChatCompletion>>;
  /** One streamed attempt, read up to its first chunk (providers/open-stream.ts); never throws for provider trouble. */
  openStream: (
    args: { target: DecisionTarget; prepared: PreparedRequest; timeoutMs: number; stream: StreamSettings },
  ) => Promise<StreamAttemptOutcome>;
  /**
   * Keeps the call's record durably (write-ahead: resolves once it is in the outbox, never
   * rejects) and stores it in the background (record_completion, or record_fail_open_completion
   * for a fail-open decision): the answer does not wait for the database.
   */
  record: (pending: PendingRecord) => Promise<void>;
  /**
   * Work that must finish after the answer left (a record's send, a stream's end):
   * EdgeRuntime.waitUntil on Supabase and in the local function server, so the isolate or
   * process is not shut down before it.
   */
  keepAlive: (work: Promise<unknown>) => void;
  /** `now` in epoch milliseconds, also for latencies. */
  clock: Pick<RetryPolicy, "now" | "sleep" | "random">;
  log: typeof log;
}

export type CompletionPolicy = Pick<
  RouterSettings,
  | "failOpen"
  | "totalBudgetMs"
  | "attemptTimeoutMs"
  | "retryBaseDelayMs"
  | "retryMaxDelayMs"
  | "anthropicDefaultMaxTokens"
  | "maxOutputTokens"
  | "streamStallMs"
>;

/** An attempt with less time left than this is not started: it could only time out. */
const MIN_ATTEMPT_MS = 250;

export interface CallPlan {
  decision: Decision;
  /** The targets that can take the request, in the order they are tried. */
  ready: ReadyTarget[];
  /** The warnings of the targets that cannot. */
  skipped: string[];
  policyFor: (target: ReadyTarget) => RetryPolicy;
}

/** The decision (one round trip) and each target's request prepared for its own model. */
export async function planCall(
  { request, caller, policy, deps }: { request: CompletionRequest; caller: VerifiedCaller; policy: CompletionPolicy; deps: CompletionDeps },
): Promise<CallPlan> {
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
    maxOutputTokens: policy.maxOutputTokens,
  });
  if (skipped.length > 0) deps.log("info", "targets_skipped", { decision_id: decision.decision_id, skipped });

  // The budget bounds the attempts; a stream, once its first byte is out, is bounded by its stall timer only.
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
    fallbackLeft: target !== ready[ready.length - 1],
    ...deps.clock,
  });
  return { decision, ready, skipped, policyFor };
}

/**
 * The decision, in one round trip. With ROUTER_FAIL_OPEN=true an unreachable database does not stop
 * the call: it goes to the baseline model (decision_id null until its record writes the decision
 * row), and says so. Off by default, because then nothing checks that the agent is the caller's
 * before the call (its record checks it afterwards).
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
    return failOpenDecision({
      agentId: request.agentId, executionId: request.executionId, actingUser: caller.kind === "user" ? caller.userId : null,
      now: deps.clock.now(),
    });
  }
}

/**
 * Keeps the call's record (deps.record: in the outbox before the answer leaves, stored in the
 * background, once per call.call_key) and returns its key; null when there is nothing to record
 * (no attempt was made). The provider has answered (and been paid) by then, so recording never
 * costs the caller the answer, nor waits for the database. A fail-open call's record carries its
 * decision, written with it once the database is back. Failed attempts the provider may have
 * billed get their input tokens estimated (estimate-tokens.ts).
 */
export async function keepRecord(
  { decision, call, deps, requestChars = 0 }: { decision: Decision; call: CallRecord; deps: CompletionDeps; requestChars?: number },
): Promise<string | null> {
  if (call.attempts.length === 0) return null;
  const record: CallRecord = { ...call, attempts: withEstimatedTokens({ attempts: call.attempts, requestChars }) };
  await deps.record(pendingRecord(decision, record));
  return call.call_key;
}

function pendingRecord(decision: Decision, call: CallRecord): PendingRecord {
  if (decision.decision_id !== null) return { decisionId: decision.decision_id, call };
  const { agent_id, execution_id, acting_user, model, decided_at } = decision;
  return { decisionId: null, failOpen: { agent_id, execution_id, acting_user, model, decided_at }, call };
}

/** The size of what is sent, for the token estimate of a failed attempt. */
export const requestSize = (request: CompletionRequest): number => JSON.stringify(request.body.messages ?? []).length;

/** No target answered: the provider's refusal of the caller's own request (400/413/422), or the 502. */
export function unansweredError(
  { result, attempts, headers }: {
    result: Extract<FallbackResult<unknown, ReadyTarget>, { ok: false }>;
    attempts: ReadonlyArray<AttemptRecord>;
    headers: Record<string, string>;
  },
): RouterHttpError {
  // The provider refused the request itself: the caller's to fix, in the provider's words.
  if (result.callerError) return callerFaultError({ failure: result.failure, headers });
  return allAttemptsFailed({ failure: result.failure, errorType: result.class.errorType, attempts, headers });
}
