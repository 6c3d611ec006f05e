// How a function's pool reaches Postgres (issue 12 item 3). On a hosted project the functions go
// through Supavisor in transaction mode (SUPABASE_DB_URL's pooler: port 6543 on
// *.pooler.supabase.com): a server connection serves one transaction and then another client, so a
// statement prepared on it is not there for the next one (postgres.js must not prepare), and every
// isolate holding a few connections adds up across many isolates (a small pool each). Locally, and
// for a direct connection (port 5432 of db.<ref>.supabase.co), prepared statements spare the parse
// and plan of each call.

/** ROUTER_DB_POOL_MODE: `transaction` (a transaction-mode pooler), `direct`, or `auto` (unset: by the URL). */
export type PoolModeSetting = "auto" | "transaction" | "direct";

export interface PoolPlan {
  mode: "transaction" | "direct";
  /** postgres.js `prepare`: named prepared statements, off behind a transaction-mode pooler. */
  prepare: boolean;
  /** Connections of this pool in one isolate. */
  max: number;
  /** Why this mode: the setting, or what in the URL decided. */
  because: string;
}

/** Connections per isolate behind a transaction-mode pooler: isolates are many, the pooler's clients few. */
export const POOLED_MAX = 2;

/** Supavisor's transaction-mode port on hosted projects (5432 on the same host is its session mode). */
const TRANSACTION_POOLER_PORT = "6543";

export function parsePoolMode(value: string | undefined): PoolModeSetting | null {
  const v = (value ?? "").trim().toLowerCase();
  if (v === "" || v === "auto") return "auto";
  if (v === "transaction" || v === "direct") return v;
  return null;
}

/** The plan for a database URL under a ROUTER_DB_POOL_MODE setting; `max` is the function's own cap. */
export function poolPlan(url: string, setting: PoolModeSetting, max: number): PoolPlan {
  const pooled = (because: string): PoolPlan => ({ mode: "transaction", prepare: false, max: Math.min(max, POOLED_MAX), because });
  switch (setting) {
    case "transaction":
      return pooled("ROUTER_DB_POOL_MODE=transaction");
    case "direct":
      return { mode: "direct", prepare: true, max, because: "ROUTER_DB_POOL_MODE=direct" };
    case "auto": {
      const { host, port } = hostAndPort(url);
      if (port === TRANSACTION_POOLER_PORT) return pooled(`port ${TRANSACTION_POOLER_PORT}`);
      // Supavisor's host: not preparing is right in either of its modes (session mode on 5432 only
      // costs a parse per statement); ROUTER_DB_POOL_MODE=direct says otherwise.
      if (host === "pooler.supabase.com" || host.endsWith(".pooler.supabase.com")) return pooled("a pooler.supabase.com host");
      return { mode: "direct", prepare: true, max, because: "a direct connection" };
    }
    default: {
      const unknown: never = setting;
      throw new Error(`unknown pool mode ${String(unknown)}`);
    }
  }
}

/** Host and port of a postgres:// URL; the password (which may hold any character) is never looked at. */
function hostAndPort(url: string): { host: string; port: string } {
  try {
    const parsed = new URL(url.replace(/^postgres(ql)?:/, "http:"));
    return { host: parsed.hostname.toLowerCase(), port: parsed.port };
  } catch {
    return { host: "", port: "" };
  }
}
