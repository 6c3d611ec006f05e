// Prepared statements or not (issue 12 item 3, functions/_shared/db/pool-plan.ts): the same
// route_model + record_completion calls (db-call.ts) through postgres.js with `prepare: true` (a
// direct connection, the local stack) and `prepare: false` (what the functions use behind
// Supavisor's transaction mode), in the same run, alternating blocks so that the machine's load
// falls on both alike. Writes bench/results/db-prepare.json (or DB_PREPARE_OUT).
//   deno run -A bench/db-prepare.ts           (needs the local database: npm run db:start)
//   BENCH_PREPARE_CALLS=1000 BENCH_PREPARE_BLOCKS=10
//   BENCH_PREPARE_URL=<a pooler's URL, e.g. PgBouncer in transaction mode> BENCH_PREPARE_THROUGH=<its name in the results>
import postgres from "postgres";
import { databaseUrl } from "../tests/function/harness.ts";
import { oneCall, progress, seedAgents } from "./db-call.ts";
import { writeResult } from "./lib/results.ts";

const CALLS = Number(Deno.env.get("BENCH_PREPARE_CALLS") ?? 1000);
const BLOCKS = Number(Deno.env.get("BENCH_PREPARE_BLOCKS") ?? 10);
const AGENTS = 30;
const URL_MEASURED = Deno.env.get("BENCH_PREPARE_URL") ?? await databaseUrl();
const OUT = Deno.env.get("DB_PREPARE_OUT") ?? new URL("./results/db-prepare.json", import.meta.url).pathname;

const pool = (prepare: boolean) =>
  postgres(URL_MEASURED, { max: 1, prepare, onnotice: () => {}, connection: { application_name: `bench db-prepare ${prepare}` } });
const pools = { prepared: pool(true), unprepared: pool(false) };

function stats(samples: number[]) {
  if (samples.length === 0) return { n: 0, mean_ms: null, p50_ms: null, p99_ms: null };
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const mean = samples.reduce((s, x) => s + x, 0) / samples.length;
  return { n: samples.length, mean_ms: +mean.toFixed(3), p50_ms: +at(0.5).toFixed(3), p99_ms: +at(0.99).toFixed(3) };
}

try {
  const agents = await seedAgents(pools.prepared, AGENTS);
  const samples: Record<keyof typeof pools, number[]> = { prepared: [], unprepared: [] };
  // Behind a transaction-mode pooler a prepared statement may be gone on the next server
  // connection: such a call fails, and is counted, not timed.
  const failures: Record<keyof typeof pools, { count: number; first: string | null }> = {
    prepared: { count: 0, first: null }, unprepared: { count: 0, first: null },
  };
  const attempt = async (name: keyof typeof pools, i: number): Promise<void> => {
    const started = performance.now();
    try {
      await oneCall(pools[name], agents[i % AGENTS], i);
      samples[name].push(performance.now() - started);
    } catch (error) {
      failures[name].count++;
      failures[name].first ??= error instanceof Error ? error.message : String(error);
    }
  };
  for (const name of ["prepared", "unprepared"] as const) for (let i = 0; i < 50; i++) await attempt(name, i); // warm-up
  for (const name of ["prepared", "unprepared"] as const) { samples[name] = []; failures[name] = { count: 0, first: null }; }
  const perBlock = Math.max(1, Math.floor(CALLS / BLOCKS));
  let done = 0;
  for (let b = 0; b < BLOCKS; b++) {
    // ABBA order: neither setting always runs first.
    const order: (keyof typeof pools)[] = b % 2 === 0 ? ["prepared", "unprepared"] : ["unprepared", "prepared"];
    for (const name of order) {
      for (let i = 0; i < perBlock; i++) {
        await attempt(name, b * perBlock + i);
        progress("route_model + record_completion, prepare true / false", ++done, 2 * perBlock * BLOCKS);
      }
    }
  }
  const prepared = stats(samples.prepared);
  const unprepared = stats(samples.unprepared);
  const result = {
    what: "round trip of route_model + record_completion (one successful attempt) through postgres.js, one connection each, " +
      "prepare: true vs prepare: false, alternating blocks in one run",
    through: Deno.env.get("BENCH_PREPARE_THROUGH") ?? (Deno.env.get("BENCH_PREPARE_URL") ? "BENCH_PREPARE_URL" : "the local database, directly"),
    prepared: { ...prepared, failed_calls: failures.prepared.count, first_failure: failures.prepared.first },
    unprepared: { ...unprepared, failed_calls: failures.unprepared.count, first_failure: failures.unprepared.first },
    ratio_unprepared_over_prepared: prepared.mean_ms && unprepared.mean_ms && prepared.p50_ms && unprepared.p50_ms
      ? { mean: +(unprepared.mean_ms / prepared.mean_ms).toFixed(3), p50: +(unprepared.p50_ms / prepared.p50_ms).toFixed(3) }
      : null,
  };
  await writeResult("db-prepare", result, OUT);
  for (const [name, s] of [["prepare true ", prepared], ["prepare false", unprepared]] as const) {
    const failed = failures[name === "prepare true " ? "prepared" : "unprepared"];
    console.log(`${name}: mean ${s.mean_ms} ms, p50 ${s.p50_ms} ms, p99 ${s.p99_ms} ms, ${failed.count} failed${failed.first ? ` (${failed.first})` : ""}`);
  }
  const ratio = result.ratio_unprepared_over_prepared;
  console.log(ratio ? `false / true: mean ${ratio.mean}, p50 ${ratio.p50}` : "false / true: no ratio (a setting had no successful call)");
  console.log(`wrote ${OUT}`);
} finally {
  await Promise.all(Object.values(pools).map((sql) => sql.end()));
}
