// One run of the economics benchmark: a population through the real route-completion (the
// function server, the provider simulator, a database of its own copied from the migrated one),
// every outcome reported to /outcome, then the run's figures read back from the database's
// report functions. The routed run and its all-baseline pair use the same population, the same
// execution -> agent assignment and the same draws (bench/population.mjs).
import postgres from "postgres";
import { post, startStack } from "../tests/function/harness.ts";
import { signUserToken } from "../scripts/local-keys.mjs";
import {
  assignExecutions,
  callsOf,
  executionCapability,
  executionSucceeds,
  oracleModel,
  type Ladder,
  type PopulationParams,
  type SimAgent,
} from "./population.mjs";
import { type Invoke, reportOutcome, runExecution, runInAgentOrder } from "./executor.mjs";
import { readLadder } from "./ladder.mjs";

export type Sql = ReturnType<typeof postgres>;

export interface RunOptions {
  seed: number;
  agents: SimAgent[];
  params: PopulationParams;
  perAgent: number;
  minCalls: number;
  maxCalls: number;
  concurrency: number;
  /** true: routing on; false: routing disabled, every execution on the baseline model. */
  routed: boolean;
  /** The run's database, created from the template (see freshDatabase). */
  databaseUrl: string;
  label: string;
  progress: (line: string, done: boolean) => void;
}

export interface RunFigures {
  executions: number;
  calls: number;
  succeeded: number;
  success_pct: number | null;
  actual_cost_usd: number;
  baseline_price_cost_usd: number;
  /** routing_cost_savings_between: actual vs the same tokens at the baseline model's price. */
  savings_pct: number | null;
  /** The same calls' tokens, each agent at its oracle model's price. */
  oracle_cost_usd: number;
  moved_up_agents: number;
  moved_down_agents: number;
  moves_up: number;
  moves_down: number;
  reasons: Record<string, number>;
  models: Record<string, number>;
  tripped: boolean;
  trip_reason: string | null;
  /** Routed executions recorded up to the trip (null: no trip). */
  routed_executions_before_trip: number | null;
  /**
   * From the simulation's truth, not the database: executions and failures by how many rungs the
   * weakest answering model sat below the agent's need ("0" = at or above it; "none" = no answer).
   */
  by_rungs_below_need: Record<string, { executions: number; failed: number }>;
  wall_seconds: number;
}

/** The database URL with another database name. */
export const withDatabase = (url: string, name: string) => url.replace(/\/[^/?]*(\?|$)/, `/${name}$1`);

const root = new URL("../", import.meta.url).pathname;

async function runTool(cmd: string, args: string[]): Promise<void> {
  const out = await new Deno.Command(cmd, {
    args, cwd: root, stdout: "piped", stderr: "piped",
    env: { SUPABASE_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" },
  }).output();
  if (!out.success) {
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    throw new Error(`${cmd} ${args[0]} failed:\n${text}`);
  }
}

/**
 * Builds the template every run starts from, the way scripts/db.mjs builds the local database
 * (the shim, then the migrations and the seed with the Supabase CLI) but in an empty database of
 * its own: each run then starts clean in about a second, and whatever the `postgres` database
 * holds (a demo's data) is neither read nor touched.
 */
export async function makeTemplate(baseUrl: string, template: string): Promise<void> {
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists "${template}" with (force)`);
    await admin.unsafe(`create database "${template}" template template0`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(baseUrl, template);
  await runTool("psql", [url, "-v", "ON_ERROR_STOP=1", "-X", "-q", "-f", "sql/bootstrap/supabase-shim.sql"]);
  const sslOff = url + (url.includes("?") ? "&" : "?") + "sslmode=disable";
  await runTool(`${root}node_modules/.bin/supabase`, ["db", "push", "--db-url", sslOff, "--include-all", "--include-seed", "--yes"]);
}

/** Drops the databases a run made. */
export async function dropDatabases(baseUrl: string, names: string[]): Promise<void> {
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  try {
    for (const name of names) await admin.unsafe(`drop database if exists "${name}" with (force)`);
  } finally {
    await admin.end();
  }
}

/** A fresh database `name` from the template; returns its URL. */
export async function freshDatabase(baseUrl: string, template: string, name: string): Promise<string> {
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.unsafe(`create database "${name}" template "${template}"`);
  } finally {
    await admin.end();
  }
  return withDatabase(baseUrl, name);
}

export const tenantId = (t: number) => `00000000-0000-4000-a000-0000000e${String(t + 1).padStart(4, "0")}`;
export const agentId = (i: number) => `00000000-0000-4000-e000-${String(i + 1).padStart(12, "0")}`;

async function seedAgents(sql: Sql, agents: SimAgent[], tenants: number): Promise<void> {
  for (let t = 0; t < tenants; t++) {
    await sql`insert into auth.users (id, aud, role, email) values (${tenantId(t)}, 'authenticated', 'authenticated', ${`tenant-${t + 1}@bench.local`})`;
  }
  for (const a of agents) {
    await sql`insert into public.agents (id, user_id, name) values (${agentId(a.index)}, ${tenantId(a.tenant)}, ${`bench agent ${a.index + 1}`})`;
    await sql`insert into public.agent_intensity_metrics (agent_id, combined_score, total_executions, successful_executions, success_rate)
              values (${agentId(a.index)}, ${a.score}, ${a.history}, ${a.history}, 100)`;
  }
}

/** The figures of the run, from the report functions (and the oracle's price of the same tokens). */
async function readFigures(sql: Sql, agents: SimAgent[], ladder: Ladder): Promise<Omit<RunFigures, "wall_seconds" | "by_rungs_below_need">> {
  // Two UTC days: a run that crosses midnight is still whole (the database holds this run only).
  const range = sql`(timezone('UTC', now()))::date - 1, (timezone('UTC', now()))::date`;
  const [cost] = await sql`
    select calls::int, executions::int, actual_cost_usd::float8 as actual, baseline_cost_usd::float8 as baseline, savings_pct::float8
    from public.routing_cost_savings_between(${range})`;
  const [overall] = await sql`
    select executions::int, succeeded::int, success_rate::float8 as rate
    from public.routing_success_rates_between(${range}) where model is null`;
  const [moves] = await sql`
    select agents_moved_up::int as up, agents_moved_down::int as down, moves_up::int, moves_down::int
    from public.routing_learning_moves_between(${range})`;
  const oracle = agents.map((a) => ({ agent_id: agentId(a.index), model: oracleModel(a, ladder) }));
  const [oracleCost] = await sql`
    select coalesce(sum(routing.cost_usd(routing.price_in_force(o.model, c.created_at),
                                         c.input_tokens, c.output_tokens, c.cached_tokens, c.cache_write_tokens)), 0)::float8 as cost
    from routing.calls c
    join jsonb_to_recordset(${sql.json(oracle)}::jsonb) as o(agent_id uuid, model text) on o.agent_id = c.agent_id`;
  const reasons = await sql`select reason, count(*)::int as n from routing.decisions group by reason order by reason`;
  const models = await sql`select model, count(*)::int as n from routing.calls group by model order by model`;
  const [status] = await sql`select rollback_tripped_at, rollback_reason from public.routing_status`;
  const [before] = status.rollback_tripped_at === null ? [{ n: null }] : await sql`
    select count(*)::int as n from routing.executions e join routing.decisions d on d.id = e.decision_id
    where d.cohort = 'routed' and e.recorded_at <= ${status.rollback_tripped_at}`;
  return {
    executions: overall?.executions ?? 0,
    calls: cost.calls,
    succeeded: overall?.succeeded ?? 0,
    success_pct: overall?.rate ?? null,
    actual_cost_usd: cost.actual,
    baseline_price_cost_usd: cost.baseline,
    savings_pct: cost.savings_pct,
    oracle_cost_usd: oracleCost.cost,
    moved_up_agents: moves.up,
    moved_down_agents: moves.down,
    moves_up: moves.moves_up,
    moves_down: moves.moves_down,
    reasons: Object.fromEntries(reasons.map((r) => [r.reason, r.n])),
    models: Object.fromEntries(models.map((r) => [r.model, r.n])),
    tripped: status.rollback_tripped_at !== null,
    trip_reason: status.rollback_reason,
    routed_executions_before_trip: before.n,
  };
}

/** Runs the population once through the function and returns the run's figures and the ladder. */
export async function runPopulation(o: RunOptions): Promise<{ figures: RunFigures; ladder: Ladder }> {
  const started = performance.now();
  // startStack serves the database DATABASE_URL names: this run's, for the time it starts.
  const previous = Deno.env.get("DATABASE_URL");
  Deno.env.set("DATABASE_URL", o.databaseUrl);
  const stack = await startStack({ ROUTING_LOG_LEVEL: "warn", ENABLE_INTELLIGENT_ROUTING: o.routed ? "true" : "false" })
    .finally(() => previous === undefined ? Deno.env.delete("DATABASE_URL") : Deno.env.set("DATABASE_URL", previous));
  try {
    const ladder = await readLadder(stack.sql);
    await seedAgents(stack.sql, o.agents, o.params.tenants);
    const invokers = new Map<number, Invoke>();
    for (let t = 0; t < o.params.tenants; t++) {
      const token = await signUserToken(tenantId(t), stack.jwtSecret, { expiresIn: "2h" });
      invokers.set(t, async (path, body) => {
        const res = await post(`${stack.supabaseUrl}/functions/v1/${path}`, token, body);
        return { status: res.status, body: res.body };
      });
    }
    const assignment = assignExecutions({ seed: o.seed, agents: o.agents.length, perAgent: o.perAgent });
    let done = 0;
    let failed = 0;
    const byGap: RunFigures["by_rungs_below_need"] = {};
    const tick = Math.max(1, Math.floor(assignment.length / 20));
    const report = () => {
      const rate = done / Math.max(0.001, (performance.now() - started) / 1000);
      o.progress(`${o.label}: ${done}/${assignment.length} executions · ${failed} failed · ${rate.toFixed(1)} exec/s`, done === assignment.length);
    };
    await runInAgentOrder({
      assignment,
      concurrency: o.concurrency,
      run: async (index) => {
        const agent = o.agents[assignment[index]];
        const invoke = invokers.get(agent.tenant)!;
        const executionId = `econ-${o.seed}-${index}`;
        const t0 = performance.now();
        const result = await runExecution({
          invoke, agentId: agentId(agent.index), executionId, label: `bench agent ${agent.index + 1}`,
          calls: callsOf({ seed: o.seed, executionIndex: index, min: o.minCalls, max: o.maxCalls }),
        });
        const capability = result.answered ? executionCapability(result.models, ladder) : null;
        const succeeded = executionSucceeds({ seed: o.seed, agent, executionIndex: index, capability, params: o.params });
        await reportOutcome({ invoke, agentId: agentId(agent.index), executionId, succeeded, tokens: result.tokens, durationMs: performance.now() - t0 });
        done++;
        if (!succeeded) failed++;
        const gap = capability === null ? "none" : String(Math.max(0, agent.need - capability));
        byGap[gap] ??= { executions: 0, failed: 0 };
        byGap[gap].executions++;
        if (!succeeded) byGap[gap].failed++;
        if (done % tick === 0 || done === assignment.length) report();
      },
    });
    const figures = await readFigures(stack.sql, o.agents, ladder);
    const by_rungs_below_need = Object.fromEntries(Object.entries(byGap).sort(([a], [b]) => a.localeCompare(b)));
    return { figures: { ...figures, by_rungs_below_need, wall_seconds: +((performance.now() - started) / 1000).toFixed(1) }, ladder };
  } finally {
    await stack.close();
  }
}

/**
 * The oracle's success on the same draws: every execution on a model that meets its agent's need.
 * Pure (no run): the oracle is a hypothetical router.
 */
export function oracleSuccess(o: { seed: number; agents: SimAgent[]; params: PopulationParams; perAgent: number }): number {
  const assignment = assignExecutions({ seed: o.seed, agents: o.agents.length, perAgent: o.perAgent });
  const ok = assignment.filter((a, index) =>
    executionSucceeds({ seed: o.seed, agent: o.agents[a], executionIndex: index, capability: o.agents[a].need, params: o.params })
  ).length;
  return +(100 * ok / Math.max(1, assignment.length)).toFixed(2);
}
