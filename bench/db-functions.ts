// The database work of one route-completion call, per PL/pgSQL function (issue 12):
// route_model then record_completion, each its own statement and transaction as the edge
// function sends them, on a spread of seeded agents, with realistic payloads (db-call.ts). Postgres counts the time of every
// function (track_functions = 'pl', reset with pg_stat_reset); the figures are per call:
// how often each function ran, its self time and its total time (self plus the functions it
// called). Also the WAL each call writes (pg_stat_wal: records and bytes): unlike the times, a count
// that does not drift with the machine, so two commits compare exactly. Writes
// bench/results/db-functions.json (or DB_FUNCTIONS_OUT) with part, machine, commit and date.
//   deno run -A bench/db-functions.ts        (needs the local database: npm run db:start)
//   BENCH_DB_CALLS=1000 BENCH_DB_AGENTS=50   the calls measured and the agents they spread over
import postgres from "postgres";
import { databaseUrl } from "../tests/function/harness.ts";
import { oneCall, progress, seedAgents } from "./db-call.ts";
import { writeResult } from "./lib/results.ts";

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

/** The cluster's WAL so far, this session's counts flushed first (the bench database is otherwise idle). */
async function walSoFar(): Promise<{ records: number; bytes: number }> {
  await sql`select pg_stat_force_next_flush()`;
  await sql`select pg_stat_clear_snapshot()`;
  const [w] = await sql<{ records: string; bytes: string }[]>`select wal_records::text as records, wal_bytes::text as bytes from pg_stat_wal`;
  return { records: Number(w.records), bytes: Number(w.bytes) };
}

try {
  const agents = await seedAgents(sql, AGENTS);
  progress("seeded agents", AGENTS, AGENTS);
  for (let i = 0; i < WARMUP; i++) await oneCall(sql, agents[i % agents.length], i);
  // The warm-up's pending counts go out first, so the reset leaves none of them behind.
  await sql`select pg_stat_force_next_flush()`;
  await sql`select pg_stat_reset()`;
  const walBefore = await walSoFar();
  const started = performance.now();
  for (let i = 0; i < CALLS; i++) {
    await oneCall(sql, agents[i % agents.length], i);
    progress("route_model + record_completion", i + 1, CALLS);
  }
  const wallMs = (performance.now() - started) / CALLS;
  const walAfter = await walSoFar();
  const wal = {
    records_per_call: +((walAfter.records - walBefore.records) / CALLS).toFixed(2),
    bytes_per_call: Math.round((walAfter.bytes - walBefore.bytes) / CALLS),
  };
  const functions = await functionFigures(CALLS);
  const top = (name: string) => functions.find((f) => f.function === name)?.total_ms_per_call ?? 0;
  const dbMs = +(top("public.route_model") + top("public.record_completion")).toFixed(4);
  const result = {
    what: "PL/pgSQL time per route-completion call (route_model + record_completion of one successful attempt, " +
      "no stream), pg_stat_user_functions with track_functions (pl unless BENCH_TRACK_FUNCTIONS), one connection, calls spread over seeded agents",
    track_functions: TRACK,
    calls: CALLS,
    agents: AGENTS,
    db_ms_per_call: dbMs,
    target_db_ms_per_call: 0.6,
    round_trip_ms_per_call: +wallMs.toFixed(4),
    wal_per_call: wal,
    functions,
  };
  await writeResult("db-functions", result, OUT);
  console.log(`route_model + record_completion: ${dbMs} ms in the database per call (target 0.6), ${wallMs.toFixed(3)} ms round trips, ` +
    `${wal.records_per_call} WAL records (${wal.bytes_per_call} bytes)`);
  for (const f of functions.slice(0, 25)) {
    console.log(`${f.function.padEnd(48)} ${String(f.calls_per_call).padStart(7)} calls ${f.self_ms_per_call.toFixed(4).padStart(8)} self ${f.total_ms_per_call.toFixed(4).padStart(8)} total ms`);
  }
  console.log(`wrote ${OUT}`);
} finally {
  await sql.end();
}
