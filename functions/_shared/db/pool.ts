// One postgres.js pool per function and isolate, made on first use, and the mapping of database
// errors to HTTP (the SQLSTATEs of docs/architecture.md; 503 when the database is unreachable).
import { readDbPoolMode } from "../config/settings.ts";
import { postgres } from "../deps.ts";
import { modelNotFound, RouterHttpError } from "../http/openai-error.ts";
import { poolPlan } from "./pool-plan.ts";

export type Sql = ReturnType<typeof postgres>;

/** Pools by function name: the local server runs several functions in one isolate. */
const pools = new Map<string, { url: string; sql: Sql }>();

/**
 * Seconds before a pool slot reconnects after a failed connection: postgres.js's default grows
 * with every failure the pool has seen (3^n / 100 s, up to 20 s), so after an outage with traffic
 * the queries queued on a slot would wait up to 20 s although the database is back. Here: 50 ms
 * doubling, at most 1 s (issue 11, "no restart of the function needed").
 */
export const reconnectBackoff = (retries: number): number => Math.min(0.05 * 2 ** Math.max(0, retries - 1), 1);

/**
 * The pool for SUPABASE_DB_URL; `applicationName` shows in pg_stat_activity. Behind Supavisor's
 * transaction mode (hosted projects) it does not prepare statements and keeps a small pool; directly
 * (locally) it prepares them (pool-plan.ts, ROUTER_DB_POOL_MODE).
 */
export function sqlFor(url: string | null, applicationName: string, max = 4): Sql {
  if (!url) throw new RouterHttpError(503, "No database is configured (SUPABASE_DB_URL).", { code: "database_unavailable" });
  let pool = pools.get(applicationName);
  if (pool?.url !== url) {
    const plan = poolPlan(url, readDbPoolMode(), max);
    pool = {
      url,
      sql: postgres(url, {
        max: plan.max, idle_timeout: 30, connect_timeout: 5, prepare: plan.prepare, backoff: reconnectBackoff, onnotice: () => {},
        connection: { application_name: applicationName },
      }),
    };
    pools.set(applicationName, pool);
  }
  return pool.sql;
}

/** Runs a query, turning database errors into RouterHttpErrors. */
export async function runQuery<T>(query: () => Promise<T>): Promise<T> {
  try {
    return await query();
  } catch (error) {
    if (error instanceof RouterHttpError) throw error;
    throw toHttpError(error);
  }
}

export function toHttpError(error: unknown): RouterHttpError {
  const err = error as { code?: string; message?: string; column_name?: string; detail?: string };
  // route_model's requested_model is not an active catalog model: OpenAI's answer for a model it does not serve.
  if (err.code === "22023" && err.column_name === "requested_model") {
    return modelNotFound('The model is not an active model of the router\'s catalog: send "auto" (the router decides) or a model of GET /v1/models.');
  }
  switch (err.code) {
    case "RL429":
      return tenantLimitReached(err);
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

/**
 * route_model's per-tenant limits (SQLSTATE RL429, COLUMN the config setting, DETAIL
 * `retry_after_seconds=N`): OpenAI's 429 body, so the unmodified SDK raises RateLimitError, with a
 * retry-after header. OpenAI's `type` says which limit: `requests` for the rate, `tokens` for the
 * daily spend (what tokens cost).
 */
function tenantLimitReached(err: { message?: string; column_name?: string; detail?: string }): RouterHttpError {
  const seconds = Number(/^retry_after_seconds=(\d+)$/.exec(err.detail ?? "")?.[1] ?? "60");
  const spend = err.column_name === "tenant_daily_spend_usd";
  const message = spend
    ? `This tenant's daily spend limit is reached (routing.config.tenant_daily_spend_usd). Try again in ${seconds} s, after UTC midnight.`
    : `This tenant's request rate limit is reached (routing.config.tenant_requests_per_minute). Try again in ${seconds} s.`;
  return new RouterHttpError(429, message, {
    type: spend ? "tokens" : "requests", code: "rate_limit_exceeded", headers: { "retry-after": String(seconds) },
  });
}
