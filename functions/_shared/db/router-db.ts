// The database side of a call: one round trip for the decision, one to record the call.
// Connects with SUPABASE_DB_URL (Supabase gives it to every function) as a trusted caller;
// ownership is checked in SQL against the verified user id (`acting_user`).
import { postgres } from "../deps.ts";
import { RouterHttpError } from "../http/openai-error.ts";
import type { AttemptRecord, RoutingDecision } from "../routing/types.ts";

type Sql = ReturnType<typeof postgres>;

let pool: { url: string; sql: Sql } | null = null;

/** One pool per isolate, made on first use. */
function sqlFor(url: string | null): Sql {
  if (!url) throw new RouterHttpError(503, "The router has no database configured (SUPABASE_DB_URL).", { code: "database_unavailable" });
  if (pool?.url !== url) {
    pool = {
      url,
      sql: postgres(url, { max: 4, idle_timeout: 30, connect_timeout: 5, prepare: true, onnotice: () => {}, connection: { application_name: "route-completion" } }),
    };
  }
  return pool.sql;
}

export interface CallRecord {
  status: "succeeded" | "failed";
  model: string;
  provider: string;
  fallback_used: boolean;
  latency_ms: number;
  attempts: AttemptRecord[];
}

export interface RecordedCall {
  call_id: string;
  cost_usd: string;
  baseline_cost_usd: string;
  attempts: number;
  breakers: Record<string, string>;
}

export async function routeModel(
  url: string | null,
  args: { agentId: string; executionId: string | null; env: Record<string, string>; actingUser: string | null },
): Promise<RoutingDecision> {
  const sql = sqlFor(url);
  const rows = await run(() =>
    sql`select public.route_model(${args.agentId}::uuid, ${args.executionId}::text, ${sql.json(args.env)}::jsonb, ${args.actingUser}::uuid) as decision`
  );
  return rows[0].decision as RoutingDecision;
}

export async function recordCompletion(url: string | null, decisionId: string, call: CallRecord): Promise<RecordedCall> {
  const sql = sqlFor(url);
  // deno-lint-ignore no-explicit-any
  const rows = await run(() => sql`select public.record_completion(${decisionId}::uuid, ${sql.json(call as any)}::jsonb) as recorded`);
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

/** Maps database errors to HTTP: the SQLSTATEs of docs/architecture.md, and 503 when unreachable. */
async function run<T>(query: () => Promise<T>): Promise<T> {
  try {
    return await query();
  } catch (error) {
    throw toHttpError(error);
  }
}

export function toHttpError(error: unknown): RouterHttpError {
  const err = error as { code?: string; message?: string };
  switch (err.code) {
    case "P0002":
      return new RouterHttpError(404, err.message ?? "not found", { code: "not_found" });
    case "22023":
    case "22P02":
    case "23514":
      return new RouterHttpError(400, err.message ?? "invalid input", { code: "invalid_value" });
    case "42501":
      return new RouterHttpError(403, err.message ?? "forbidden", { type: "permission_error", code: "forbidden" });
    default:
      // Connection refused, DNS, timeouts, a server shutting down: the database is unreachable.
      // Anything else (a bug, an unknown error) is a 500, so fail-open never hides it.
      if (err.code && /^(E[A-Z]+|CONNECT_TIMEOUT|CONNECTION_.*|57P0[1-3]|08...)$/.test(err.code)) {
        return new RouterHttpError(503, "The routing database is unreachable.", { code: "database_unavailable" });
      }
      return new RouterHttpError(500, "The routing database failed.", { code: "database_error" });
  }
}
