// The database side of a call: one round trip for the decision, one to record the call.
// Connects with SUPABASE_DB_URL (Supabase gives it to every function) as a trusted caller;
// ownership is checked in SQL against the verified user id (`acting_user`).
import type { AttemptRecord, RoutingDecision } from "../routing/types.ts";
import { runQuery as run, sqlFor as poolFor } from "./pool.ts";

const sqlFor = (url: string | null) => poolFor(url, "route-completion");

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
  const sql = sqlFor(url);
  // postgres.js serializes jsonb parameters itself; CallRecord is plain JSON data.
  const json = call as unknown as Parameters<typeof sql.json>[0];
  const rows = await run(() => sql`select public.record_completion(${decisionId}::uuid, ${sql.json(json)}::jsonb) as recorded`);
  return rows[0].recorded as RecordedCall;
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
