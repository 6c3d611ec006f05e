// Everything the functions read from the environment, read in one place (who may call: the
// auth settings of ../auth/auth-settings.ts). Secrets (the JWT secret, the keys, the database URL)
// are read here and never logged. Provider endpoints and keys are read per call from the variables
// routing.providers names (providers/connection.ts).
import { type AuthSettings, readAuthSettings } from "../auth/auth-settings.ts";
import { parsePoolMode, type PoolModeSetting } from "../db/pool-plan.ts";

/** ROUTING-SPEC §3: environment overrides of the config row, passed to route_model as they are. */
export const ROUTING_ENV_NAMES = [
  "ENABLE_INTELLIGENT_ROUTING",
  "ROUTING_PERCENTAGE",
  "FORCE_MODEL",
  "FORCE_PROVIDER",
  "ENABLE_ANTHROPIC_PROVIDER",
  "ENABLE_OPENAI_MINI",
  "ROUTING_LOW_THRESHOLD",
  "ROUTING_MEDIUM_THRESHOLD",
  "ROUTING_MIN_EXECUTIONS",
  "ROUTING_MIN_SUCCESS_RATE",
  "ROUTING_LOG_LEVEL",
] as const;

export interface RouterSettings extends AuthSettings {
  databaseUrl: string | null;
  attemptTimeoutMs: number;
  totalBudgetMs: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  maxBodyBytes: number;
  anthropicDefaultMaxTokens: number;
  /** The cap of a non-streamed answer's max_tokens / max_completion_tokens: what fits attemptTimeoutMs. */
  maxOutputTokens: number;
  /** A stream with no event for this long is a failed attempt (`timeout`); its whole length is not bounded. */
  streamStallMs: number;
  failOpen: boolean;
  logLevel: "debug" | "info" | "warn" | "error";
}

type Env = { get(name: string): string | undefined };

function numberFrom(env: Env, name: string, fallback: number): number {
  const value = Number(env.get(name));
  return env.get(name) !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

export function readSettings(env: Env = Deno.env): RouterSettings {
  const level = (env.get("ROUTING_LOG_LEVEL") ?? "info").toLowerCase();
  return {
    // Supabase gives every function SUPABASE_DB_URL; DATABASE_URL is the local stack's name.
    databaseUrl: env.get("SUPABASE_DB_URL") || env.get("DATABASE_URL") || null,
    ...readAuthSettings(env),
    attemptTimeoutMs: numberFrom(env, "ROUTER_ATTEMPT_TIMEOUT_MS", 30_000),
    totalBudgetMs: numberFrom(env, "ROUTER_TOTAL_BUDGET_MS", 90_000),
    retryBaseDelayMs: numberFrom(env, "ROUTER_RETRY_BASE_DELAY_MS", 250),
    retryMaxDelayMs: numberFrom(env, "ROUTER_RETRY_MAX_DELAY_MS", 8_000),
    maxBodyBytes: numberFrom(env, "ROUTER_MAX_BODY_BYTES", 1_048_576),
    anthropicDefaultMaxTokens: numberFrom(env, "ANTHROPIC_DEFAULT_MAX_TOKENS", 4096),
    // 4,096 tokens at the ~150 tokens/s of today's fast models is ~27 s: within the 30 s attempt timeout.
    maxOutputTokens: Math.floor(numberFrom(env, "ROUTER_MAX_OUTPUT_TOKENS", 4096)),
    streamStallMs: numberFrom(env, "ROUTER_STREAM_STALL_MS", 30_000),
    failOpen: /^(1|true|yes|on)$/i.test(env.get("ROUTER_FAIL_OPEN") ?? ""),
    logLevel: (["debug", "info", "warn", "error"].includes(level) ? level : "info") as RouterSettings["logLevel"],
  };
}

/** The §3 overrides that are set, as strings; the database validates them and names bad ones. */
export function readRoutingEnv(env: Env = Deno.env): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const name of ROUTING_ENV_NAMES) {
    const value = env.get(name);
    if (value !== undefined && value !== "") overrides[name] = value;
  }
  return overrides;
}

/**
 * ROUTER_DB_POOL_MODE (db/pool-plan.ts): `transaction`, `direct`, or unset / `auto` (by the URL). A
 * value it cannot read is taken as `transaction`, which works through any pooler and directly alike.
 */
export function readDbPoolMode(env: Env = Deno.env): PoolModeSetting {
  return parsePoolMode(env.get("ROUTER_DB_POOL_MODE")) ?? "transaction";
}
