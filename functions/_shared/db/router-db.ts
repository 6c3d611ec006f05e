// The database side of a call: one round trip for the decision, one to record the call.
// Connects with SUPABASE_DB_URL (Supabase gives it to every function) as a trusted caller;
// ownership is checked in SQL against the verified user id (`acting_user`).
import type { AttemptRecord, RoutingDecision } from "../routing/types.ts";
import { runQuery as run, sqlFor as poolFor } from "./pool.ts";

const sqlFor = (url: string | null) => poolFor(url, "route-completion");
/**
 * The records' own small pool: they are sent after the answer, in the background, and must not
 * take the slots the next calls' decisions wait for (a decision is on the answer's path, a record is not).
 */
const recordSqlFor = (url: string | null) => poolFor(url, "route-completion-record", 2);

/** An attempt as recorded: `estimated` when its tokens are the router's estimate, not the provider's count. */
export type RecordedAttempt = AttemptRecord & { estimated?: boolean };

export interface CallRecord {
  /** The call's idempotency key, drawn before its first attempt: record_completion stores a key once. */
  call_key: string;
  status: "succeeded" | "failed";
  model: string;
  provider: string;
  fallback_used: boolean;
  latency_ms: number;
  attempts: RecordedAttempt[];
  /** What was adapted, dropped, clamped or skipped for this call (at most 50, each at most 500 characters). */
  warnings: string[];
}

export interface RecordedCall {
  call_id: string;
  cost_usd: string;
  baseline_cost_usd: string;
  attempts: number;
  breakers: Record<string, string>;
  /** True when this key was recorded before: nothing was changed. */
  repeated?: boolean;
}

/**
 * A decision made without the database (ROUTER_FAIL_OPEN=true while it was unreachable), kept
 * with its call until public.record_fail_open_completion can write both.
 */
export interface FailOpenDecisionRecord {
  agent_id: string;
  execution_id: string | null;
  /** The verified user the call was made for (null: the service role); the agent must be theirs. */
  acting_user: string | null;
  /** The model that answered in the decision's place (the fail-open baseline). */
  model: string;
  /** When the decision was made (ISO 8601): the decision row's created_at. */
  decided_at: string;
}

export async function routeModel(
  url: string | null,
  args: { agentId: string; executionId: string | null; env: Record<string, string>; actingUser: string | null; requestedModel: string | null },
): Promise<RoutingDecision> {
  const sql = sqlFor(url);
  const rows = await run(() =>
    sql`select public.route_model(${args.agentId}::uuid, ${args.executionId}::text, ${sql.json(args.env)}::jsonb, ${args.actingUser}::uuid,
          ${args.requestedModel}::text) as decision`
  );
  return rows[0].decision as RoutingDecision;
}

export async function recordCompletion(url: string | null, decisionId: string, call: CallRecord): Promise<RecordedCall> {
  const sql = recordSqlFor(url);
  // postgres.js serializes jsonb parameters itself; CallRecord is plain JSON data.
  const json = call as unknown as Parameters<typeof sql.json>[0];
  const rows = await run(() => sql`select public.record_completion(${decisionId}::uuid, ${sql.json(json)}::jsonb) as recorded`);
  return rows[0].recorded as RecordedCall;
}

/** The fail-open decision and its call in one transaction, once per call.call_key. */
export async function recordFailOpenCompletion(url: string | null, decision: FailOpenDecisionRecord, call: CallRecord): Promise<RecordedCall> {
  const sql = recordSqlFor(url);
  const json = call as unknown as Parameters<typeof sql.json>[0];
  const rows = await run(() =>
    sql`select public.record_fail_open_completion(${decision.agent_id}::uuid, ${decision.model}::text, ${decision.decided_at}::timestamptz,
          ${sql.json(json)}::jsonb, ${decision.execution_id}::text, ${decision.acting_user}::uuid) as recorded`
  );
  return rows[0].recorded as RecordedCall;
}

/** A stored call as GET …/v1/calls/{call_key} answers it: money as exact decimal strings, as record_completion returns it. */
export interface StoredCall {
  call_key: string;
  decision_id: string;
  status: string;
  model: string;
  provider: string;
  fallback_used: boolean;
  attempt_count: number;
  input_tokens: number;
  output_tokens: number;
  cached_tokens: number;
  cache_write_tokens: number;
  cost_usd: string;
  baseline_model: string;
  baseline_cost_usd: string;
  savings_usd: string;
  recorded_at: string;
}

/** The call stored under `callKey`, null when none is (yet), or when `actingUser` is given and it is not theirs. */
export async function storedCall(url: string | null, callKey: string, actingUser: string | null): Promise<StoredCall | null> {
  const sql = sqlFor(url);
  const rows = await run(() =>
    sql`select c.call_key::text, c.decision_id::text, c.status, c.model, c.provider, c.fallback_used, c.attempt_count,
               c.input_tokens::float8, c.output_tokens::float8, c.cached_tokens::float8, c.cache_write_tokens::float8,
               trim_scale(c.cost_usd)::text as cost_usd, c.baseline_model, trim_scale(c.baseline_cost_usd)::text as baseline_cost_usd,
               trim_scale(c.baseline_cost_usd - c.cost_usd)::text as savings_usd, to_json(c.created_at)#>>'{}' as recorded_at
        from routing.calls c
        where c.call_key = ${callKey}::uuid and (${actingUser}::uuid is null or c.user_id = ${actingUser}::uuid)`
  );
  return rows.length === 0 ? null : ({ ...rows[0] } as StoredCall);
}

export async function recordExecution(
  url: string | null,
  args: { agentId: string; executionId: string; succeeded: boolean; tokens: number | null; durationMs: number | null; actingUser: string | null },
): Promise<Record<string, unknown>> {
  const sql = sqlFor(url);
  const rows = await run(() =>
    sql`select public.record_agent_execution(${args.agentId}::uuid, ${args.executionId}::text, ${args.succeeded}::boolean,
          ${args.tokens}::integer, ${args.durationMs}::integer, ${args.actingUser}::uuid) as result`
  );
  return rows[0].result as Record<string, unknown>;
}
