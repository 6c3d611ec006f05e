// The database work of one route-completion call, per PL/pgSQL function (issue 12):
// route_model then record_completion, each its own statement and transaction as the edge
// function sends them, on a spread of seeded agents, with realistic payloads (an execution id,
// one successful attempt with token counts, a call key). Postgres counts the time of every
// function (track_functions = 'pl', reset with pg_stat_reset); the figures are per call:
// how often each function ran, its self time and its total time (self plus the functions it
// called). Writes bench/results/db-functions.json (or DB_FUNCTIONS_OUT) with part, machine,
// commit and date.
//   deno run -A bench/db-functions.ts        (needs the local database: npm run db:start)
//   BENCH_DB_CALLS=1000 BENCH_DB_AGENTS=50   the calls measured and the agents they spread over
import postgres from "postgres";
import { createUserWithAgent, databaseUrl } from "../tests/function/harness.ts";
import { commit, machine } from "./run-info.ts";

const CALLS = Number(Deno.env.get("BENCH_DB_CALLS") ?? 1000);
const AGENTS = Number(Deno.env.get("BENCH_DB_AGENTS") ?? 50);
const WARMUP = 100;
// 'pl' as issue 12 measured; 'all' also counts the SQL functions that are not inlined.
const TRACK = Deno.env.get("BENCH_TRACK_FUNCTIONS") ?? "pl";
const OUT = Deno.env.get("DB_FUNCTIONS_OUT") ?? new URL("./results/db-functions.json", import.meta.url).pathname;

// One connection, as the function's pool hands one statement to one connection; the superuser
// setting track_functions is a startup parameter, so only this session's functions are counted.
const sql = postgres(await databaseUrl(), {
  max: 1, prepare: true, onnotice: () => {}, connection: { application_name: "bench db-functions", track_functions: TRACK },
});

function progress(label: string, i: number, total: number) {
  if (i % Math.max(1, Math.floor(total / 10)) === 0 || i === total) {
    Deno.stderr.writeSync(new TextEncoder().encode(`\r${label}: ${i}/${total}`));
    if (i === total) Deno.stderr.writeSync(new TextEncoder().encode("\n"));
  }
}

/** Agents across the tiers and histories: new, low, medium, high, failing, with owners spread over users. */
async function seedAgents(n: number): Promise<{ agentId: string; userId: string }[]> {
  const agents: { agentId: string; userId: string }[] = [];
  for (let i = 0; i < n; i++) {
    const score = [1.5, 2.9, 4.2, 5.5, 6.8, 8.1, 9.3][i % 7];
    const executions = [0, 3, 12, 40, 250, 1200][i % 6];
    const successRate = [100, 97, 92, 85][i % 4];
    agents.push(await createUserWithAgent(sql, { score, executions, successRate, name: `bench db-functions ${i}` }));
  }
  return agents;
}

interface Decision {
  decision_id: string;
  model: string;
  provider: string;
}

/** One call as route-completion makes it: the decision, then the record of one successful attempt. */
async function oneCall(agent: { agentId: string; userId: string }, i: number): Promise<void> {
  const [{ decision }] = await sql`select public.route_model(${agent.agentId}::uuid, ${`bench-${crypto.randomUUID()}`}::text,
    ${sql.json({})}::jsonb, ${agent.userId}::uuid, ${null}::text) as decision`;
  const d = decision as Decision;
  const latency = 180 + (i % 50);
  const call = {
    call_key: crypto.randomUUID(), status: "succeeded", model: d.model, provider: d.provider, fallback_used: false,
    latency_ms: latency + 3,
    attempts: [{
      model: d.model, provider: d.provider, status: 200, error_type: null, latency_ms: latency,
      input_tokens: 1200 + (i % 300), output_tokens: 250 + (i % 90), cached_tokens: i % 3 === 0 ? 512 : 0, cache_write_tokens: 0,
      estimated: false,
    }],
    warnings: [],
  };
  await sql`select public.record_completion(${d.decision_id}::uuid, ${sql.json(call)}::jsonb) as recorded`;
}

interface FunctionFigure {
  function: string;
  calls_per_call: number;
  self_ms_per_call: number;
  total_ms_per_call: number;
}

async function functionFigures(calls: number): Promise<FunctionFigure[]> {
  // Pending counts reach the shared statistics at the end of a transaction, at most once a second
  // unless forced; the next statement's snapshot then sees them.
  await sql`select pg_stat_force_next_flush()`;
  await sql`select pg_stat_clear_snapshot()`;
  const rows = await sql<{ fn: string; calls: string; self_ms: number; total_ms: number }[]>`
    select schemaname || '.' || funcname as fn, calls, self_time as self_ms, total_time as total_ms
    from pg_stat_user_functions order by total_time desc`;
  const r = (x: number) => +x.toFixed(4);
  return rows.map((row) => ({
    function: row.fn,
    calls_per_call: r(Number(row.calls) / calls),
    self_ms_per_call: r(row.self_ms / calls),
    total_ms_per_call: r(row.total_ms / calls),
  }));
}

try {
  const agents = await seedAgents(AGENTS);
  progress("seeded agents", AGENTS, AGENTS);
  for (let i = 0; i < WARMUP; i++) await oneCall(agents[i % agents.length], i);
  // The warm-up's pending counts go out first, so the reset leaves none of them behind.
  await sql`select pg_stat_force_next_flush()`;
  await sql`select pg_stat_reset()`;
  const started = performance.now();
  for (let i = 0; i < CALLS; i++) {
    await oneCall(agents[i % agents.length], i);
    progress("route_model + record_completion", i + 1, CALLS);
  }
  const wallMs = (performance.now() - started) / CALLS;
  const functions = await functionFigures(CALLS);
  const top = (name: string) => functions.find((f) => f.function === name)?.total_ms_per_call ?? 0;
  const dbMs = +(top("public.route_model") + top("public.record_completion")).toFixed(4);
  const result = {
    part: "db-functions",
    what: "PL/pgSQL time per route-completion call (route_model + record_completion of one successful attempt, " +
      "no stream), pg_stat_user_functions with track_functions (pl unless BENCH_TRACK_FUNCTIONS), one connection, calls spread over seeded agents",
    date: new Date().toISOString(),
    commit: await commit(),
    machine: await machine(),
    track_functions: TRACK,
    calls: CALLS,
    agents: AGENTS,
    db_ms_per_call: dbMs,
    target_db_ms_per_call: 0.6,
    round_trip_ms_per_call: +wallMs.toFixed(4),
    functions,
  };
  await Deno.writeTextFile(OUT, JSON.stringify(result, null, 2) + "\n");
  console.log(`route_model + record_completion: ${dbMs} ms in the database per call (target 0.6), ${wallMs.toFixed(3)} ms round trips`);
  for (const f of functions.slice(0, 25)) {
    console.log(`${f.function.padEnd(48)} ${String(f.calls_per_call).padStart(7)} calls ${f.self_ms_per_call.toFixed(4).padStart(8)} self ${f.total_ms_per_call.toFixed(4).padStart(8)} total ms`);
  }
  console.log(`wrote ${OUT}`);
} finally {
  await sql.end();
}
