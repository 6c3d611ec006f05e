// The real path for function tests: the provider simulator (a test double of OpenAI and
// Anthropic on loopback), the local function server running route-completion unchanged, and
// the real Postgres with the migrations applied (npm test starts it; DATABASE_URL or .env.local).
import postgres from "postgres";
import { startProviderSimulator, type ProviderSimulator } from "../simulator/provider-simulator.ts";
import { localKeys, signUserToken } from "../../scripts/local-keys.mjs";
import { type PendingRecord, pendingInLog } from "../../functions/_shared/recording/outbox-store.ts";

export const OPENAI_TEST_KEY = "test-openai-key";
export const ANTHROPIC_TEST_KEY = "test-anthropic-key";

const root = new URL("../../", import.meta.url);

export type Sql = ReturnType<typeof postgres>;

export interface Stack {
  /** http://127.0.0.1:PORT — what SUPABASE_URL is for a client. */
  supabaseUrl: string;
  /** The route-completion endpoint. */
  endpoint: string;
  sim: ProviderSimulator;
  sql: Sql;
  anonKey: string;
  serviceKey: string;
  jwtSecret: string;
  /** Everything the function server printed (to check that no secret is ever logged). */
  logs: () => string;
  /** The function server's process id (the memory benchmark reads its /proc status). */
  pid: number;
  close: () => Promise<void>;
  /** Kills the function server at once (SIGKILL: no shutdown, no waiting for work after the responses), then closes the rest. */
  crash: () => Promise<void>;
}

export async function databaseUrl(): Promise<string> {
  const fromEnv = Deno.env.get("DATABASE_URL");
  if (fromEnv) return fromEnv;
  try {
    const text = await Deno.readTextFile(Deno.env.get("ROUTER_ENV_FILE") || new URL(".env.local", root));
    const match = /^DATABASE_URL=(.+)$/m.exec(text);
    if (match) return match[1].trim();
  } catch { /* fall through */ }
  throw new Error("No DATABASE_URL: run `npm run db:start` first (npm test does it for you).");
}

export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/**
 * The database of each running stack's function server, by its origin: `post` finds there where to
 * wait for a call's record.
 */
const stackDatabases = new Map<string, Sql>();

/** The records an outbox directory holds not yet stored, as a new function server would read them (its logs, outbox-store.ts). */
export function outboxRecords(dir: string): PendingRecord[] {
  return outboxSegments(dir).flatMap((name) => pendingInLog(Deno.readTextFileSync(`${dir}/${name}`)));
}

/** The outbox's log segments (outbox-<created>-<uuid>.jsonl), sorted. */
export const outboxSegments = (dir: string): string[] =>
  [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".jsonl")).sort();

/** Starts the simulator and a function server with the given extra environment. */
export async function startStack(env: Record<string, string> = {}): Promise<Stack> {
  const dbUrl = await databaseUrl();
  // Each server its own outbox, so no stack drains another's records (unless the test shares one).
  const ownOutbox = env.ROUTER_OUTBOX_DIR ? null : await Deno.makeTempDir({ prefix: "router-outbox-" });
  const sim = await startProviderSimulator({ port: 0 });
  const keys = await localKeys();
  const port = freePort();
  const supabaseUrl = `http://127.0.0.1:${port}`;
  const child = new Deno.Command(new URL("node_modules/.bin/deno", root).pathname, {
    // FUNCTIONS_SERVER_FLAGS: extra deno flags for the server (profiling: `--inspect=127.0.0.1:9229`).
    args: ["run", "-A", "--no-prompt", ...(Deno.env.get("FUNCTIONS_SERVER_FLAGS") ?? "").split(" ").filter(Boolean), new URL("scripts/functions-server.ts", root).pathname],
    cwd: root.pathname,
    clearEnv: true,
    env: {
      PATH: Deno.env.get("PATH") ?? "",
      HOME: Deno.env.get("HOME") ?? "/tmp",
      DENO_DIR: Deno.env.get("DENO_DIR") ?? "",
      FUNCTIONS_PORT: String(port),
      SUPABASE_URL: supabaseUrl,
      SUPABASE_DB_URL: dbUrl,
      ...keys,
      OPENAI_BASE_URL: sim.openaiBaseUrl,
      ANTHROPIC_BASE_URL: sim.anthropicBaseUrl,
      OPENAI_API_KEY: OPENAI_TEST_KEY,
      ANTHROPIC_API_KEY: ANTHROPIC_TEST_KEY,
      ENABLE_INTELLIGENT_ROUTING: "true",
      ROUTER_RETRY_BASE_DELAY_MS: "5",
      ROUTER_RETRY_MAX_DELAY_MS: "20",
      ROUTER_ATTEMPT_TIMEOUT_MS: "3000",
      ...(ownOutbox === null ? {} : { ROUTER_OUTBOX_DIR: ownOutbox }),
      ...env,
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();

  let output = "";
  const decoder = new TextDecoder();
  let ready: () => void;
  const listening = new Promise<void>((resolve) => (ready = resolve));
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) {
      output += decoder.decode(chunk);
      if (output.includes("serving")) ready();
    }
  };
  const pumps = [pump(child.stdout), pump(child.stderr)];
  const exited = child.status.then((s) => { throw new Error(`function server exited (${s.code}):\n${output}`); });
  await Promise.race([listening, exited]);

  const sql = postgres(dbUrl, { max: 2, onnotice: () => {} });
  stackDatabases.set(supabaseUrl, sql);
  const stop = async (signal: "SIGTERM" | "SIGKILL") => {
    child.kill(signal);
    await child.status;
    await Promise.allSettled(pumps);
    stackDatabases.delete(supabaseUrl);
    await sql.end();
    await sim.close();
    if (ownOutbox !== null) await Deno.remove(ownOutbox, { recursive: true });
  };
  return {
    supabaseUrl,
    endpoint: `${supabaseUrl}/functions/v1/route-completion`,
    sim,
    sql,
    anonKey: keys.SUPABASE_ANON_KEY,
    serviceKey: keys.SUPABASE_SERVICE_ROLE_KEY,
    jwtSecret: keys.SUPABASE_JWT_SECRET,
    logs: () => output,
    pid: child.pid,
    close: () => stop("SIGTERM"),
    crash: () => stop("SIGKILL"),
  };
}

export interface AgentSpec {
  name?: string;
  score?: number | null;
  executions?: number;
  successRate?: number;
  consecutiveFailures?: number;
  lastFailureMinutesAgo?: number;
  preference?: string | null;
  /** false = no metrics row at all. */
  metrics?: boolean;
}

/** A fresh user (in auth.users) with one agent, both with random ids. */
export async function createUserWithAgent(sql: Sql, spec: AgentSpec = {}): Promise<{ userId: string; agentId: string }> {
  const userId = crypto.randomUUID();
  const agentId = crypto.randomUUID();
  await sql`insert into auth.users (id, aud, role, email) values (${userId}, 'authenticated', 'authenticated', ${`${userId}@test.local`})`;
  await addAgent(sql, userId, spec, agentId);
  return { userId, agentId };
}

export async function addAgent(sql: Sql, userId: string, spec: AgentSpec = {}, agentId = crypto.randomUUID()): Promise<string> {
  await sql`insert into public.agents (id, user_id, name, model_preference)
            values (${agentId}, ${userId}, ${spec.name ?? "test agent"}, ${spec.preference ?? null})`;
  if (spec.metrics !== false) {
    const total = spec.executions ?? 20;
    const rate = spec.successRate ?? 100;
    await sql`insert into public.agent_intensity_metrics
                (agent_id, combined_score, total_executions, successful_executions, success_rate, consecutive_failures, last_failure_at)
              values (${agentId}, ${spec.score ?? null}, ${total}, ${Math.round((total * rate) / 100)}, ${rate},
                      ${spec.consecutiveFailures ?? 0},
                      ${spec.lastFailureMinutesAgo === undefined ? null : new Date(Date.now() - spec.lastFailureMinutesAgo * 60_000)})`;
  }
  return agentId;
}

export function userToken(stack: Stack, userId: string): Promise<string> {
  return signUserToken(userId, stack.jwtSecret);
}

/** Reads until `done` holds (polling from 5 ms up to every 100 ms); throws, naming `what`, after `ms`. */
export async function waitFor<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (let pause = 5;; pause = Math.min(pause * 2, 100)) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

/**
 * Waits until the call's record is stored: the function answers first and stores the record
 * after (routing.calls.call_key). Resolves with the call row's id.
 */
export async function recordedCall(sql: Sql, callKey: string, ms = 15_000): Promise<string> {
  const read = async () => ((await sql`select id::text from routing.calls where call_key = ${callKey}`)[0]?.id as string | undefined) ?? null;
  return (await waitFor(`the record of call ${callKey}`, read, (id) => id !== null, ms))!;
}

/** The record's key an answer names (x-routing-call-key), null when nothing is recorded. */
export function callKeyOf(headers: Headers): string | null {
  const key = headers.get("x-routing-call-key");
  return key === null || key === "none" ? null : key;
}

/** Waits for the record of an answer from a stack of this harness (see `post`). */
export async function settled(url: string, headers: Headers): Promise<void> {
  const key = callKeyOf(headers);
  const sql = stackDatabases.get(new URL(url).origin);
  if (key !== null && sql !== undefined) await recordedCall(sql, key);
}

/**
 * fetch for an SDK client pointed at a stack (the OpenAI SDK's `fetch`, supabase-js's
 * `global.fetch`): like `post`, a non-streamed answer resolves once its record is stored, so no
 * record lands after the test moved on (a breaker it would open, a count it would change). A
 * stream's record follows its end: its tests wait for it themselves.
 */
export const fetchAwaitingRecords: typeof fetch = async (input, init) => {
  const res = await fetch(input, init);
  if (!(res.headers.get("content-type") ?? "").includes("text/event-stream")) {
    await settled(typeof input === "string" ? input : input instanceof URL ? input.href : input.url, res.headers);
  }
  return res;
};

/**
 * POSTs JSON to the function with a bearer token; returns status, headers and parsed body. When
 * the answer names a record (x-routing-call-key) it waits until the record is stored, so a test
 * reads the database as it is after the call (`awaitRecord: false`: a test of what happens
 * before, or of a record that cannot be stored yet).
 */
export async function post(
  url: string,
  token: string | null,
  body: unknown,
  headers: Record<string, string> = {},
  { awaitRecord = true }: { awaitRecord?: boolean } = {},
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  if (awaitRecord) await settled(url, res.headers);
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = { raw: text };
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** Counts the audit rows an agent has: decisions, calls, attempts. */
export async function auditCounts(sql: Sql, agentId: string): Promise<{ decisions: number; calls: number; attempts: number }> {
  const [row] = await sql`
    select (select count(*) from routing.decisions where agent_id = ${agentId})::int as decisions,
           (select count(*) from routing.calls where agent_id = ${agentId})::int as calls,
           (select count(*) from routing.attempts a join routing.calls c on c.id = a.call_id where c.agent_id = ${agentId})::int as attempts`;
  return row as { decisions: number; calls: number; attempts: number };
}

/** Every base table of every schema that is not PostgreSQL's own (auth, public, routing, ...), qualified and quoted. */
export async function nonSystemTables(sql: Sql): Promise<string[]> {
  const rows = await sql<{ name: string }[]>`
    select format('%I.%I', n.nspname, c.relname) as name
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema')
      and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%'
    order by 1`;
  return rows.map((r) => r.name);
}

/** Puts both provider circuits back to closed (the breaker is global state). */
export async function resetBreakers(sql: Sql): Promise<void> {
  await sql`update routing.provider_breakers set state = 'closed', consecutive_failures = 0, opened_at = null, trial_started_at = null`;
}

export const e2e = { sanitizeOps: false, sanitizeResources: false };

export interface ConfiguredModel {
  model: string;
  provider: string;
  /** The id the provider's API is sent. */
  wireId: string;
}

export type ConfiguredRole = "low" | "medium" | "high" | "baseline" | "premium" | "new_agent";

/**
 * The models routing.config names for each role right now, with their provider and wire id, so
 * that tests follow the catalog instead of repeating it.
 */
export async function configuredModels(sql: Sql): Promise<Record<ConfiguredRole, ConfiguredModel>> {
  const rows = await sql`
    select r.role, m.model, m.provider, m.wire_id
    from routing.config c
    cross join lateral (values ('low', c.low_model), ('medium', c.medium_model), ('high', c.high_model),
                               ('baseline', c.baseline_model), ('premium', c.premium_model),
                               ('new_agent', c.new_agent_model)) as r (role, model)
    join routing.models m on m.model = r.model`;
  return Object.fromEntries(rows.map((r) => [r.role, { model: r.model, provider: r.provider, wireId: r.wire_id }])) as Record<
    ConfiguredRole,
    ConfiguredModel
  >;
}

/** The warnings record_completion kept for the agent's latest call. */
export async function recordedWarnings(sql: Sql, agentId: string): Promise<string[]> {
  const [call] = await sql`select warnings from routing.calls where agent_id = ${agentId} order by created_at desc limit 1`;
  return call.warnings as string[];
}
