// Prepared statements or not (issue 12 item 3, functions/_shared/db/pool-plan.ts): the same
// route_model + record_completion calls (db-call.ts) through postgres.js with `prepare: true` (a
// direct connection, the local stack) and `prepare: false` (what the functions use behind
// Supavisor's transaction mode), in the same run, alternating blocks so that the machine's load
// falls on both alike. Writes bench/results/db-prepare.json (or DB_PREPARE_OUT).
//   deno run -A bench/db-prepare.ts           (needs the local database: npm run db:start)
//   BENCH_PREPARE_CALLS=1000 BENCH_PREPARE_BLOCKS=10 BENCH_PREPARE_URL=<a pooler's URL, e.g. PgBouncer>
import postgres from "postgres";
import { databaseUrl } from "../tests/function/harness.ts";
import { oneCall, progress, seedAgents } from "./db-call.ts";
import { commit, machine } from "./run-info.ts";

const CALLS = Number(Deno.env.get("BENCH_PREPARE_CALLS") ?? 1000);
const BLOCKS = Number(Deno.env.get("BENCH_PREPARE_BLOCKS") ?? 10);
const AGENTS = 30;
const URL_MEASURED = Deno.env.get("BENCH_PREPARE_URL") ?? await databaseUrl();
const OUT = Deno.env.get("DB_PREPARE_OUT") ?? new URL("./results/db-prepare.json", import.meta.url).pathname;

const pool = (prepare: boolean) =>
  postgres(URL_MEASURED, { max: 1, prepare, onnotice: () => {}, connection: { application_name: `bench db-prepare ${prepare}` } });
const pools = { prepared: pool(true), unprepared: pool(false) };

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const mean = samples.reduce((s, x) => s + x, 0) / samples.length;
  return { n: samples.length, mean_ms: +mean.toFixed(3), p50_ms: +at(0.5).toFixed(3), p99_ms: +at(0.99).toFixed(3) };
}

try {
  const agents = await seedAgents(pools.prepared, AGENTS);
  const samples: Record<keyof typeof pools, number[]> = { prepared: [], unprepared: [] };
  for (const sql of Object.values(pools)) for (let i = 0; i < 50; i++) await oneCall(sql, agents[i % AGENTS], i); // warm-up
  const perBlock = Math.max(1, Math.floor(CALLS / BLOCKS));
  let done = 0;
  for (let b = 0; b < BLOCKS; b++) {
    // ABBA order: neither setting always runs first.
    const order: (keyof typeof pools)[] = b % 2 === 0 ? ["prepared", "unprepared"] : ["unprepared", "prepared"];
    for (const name of order) {
      for (let i = 0; i < perBlock; i++) {
        const started = performance.now();
        await oneCall(pools[name], agents[(b * perBlock + i) % AGENTS], i);
        samples[name].push(performance.now() - started);
        progress("route_model + record_completion, prepare true / false", ++done, 2 * perBlock * BLOCKS);
      }
    }
  }
  const prepared = stats(samples.prepared);
  const unprepared = stats(samples.unprepared);
  const result = {
    part: "db-prepare",
    what: "round trip of route_model + record_completion (one successful attempt) through postgres.js, one connection each, " +
      "prepare: true vs prepare: false, alternating blocks in one run",
    date: new Date().toISOString(),
    commit: await commit(),
    machine: await machine(),
    through: Deno.env.get("BENCH_PREPARE_URL") ? "BENCH_PREPARE_URL" : "the local database, directly",
    prepared,
    unprepared,
    ratio_unprepared_over_prepared: { mean: +(unprepared.mean_ms / prepared.mean_ms).toFixed(3), p50: +(unprepared.p50_ms / prepared.p50_ms).toFixed(3) },
  };
  await Deno.writeTextFile(OUT, JSON.stringify(result, null, 2) + "\n");
  console.log(`prepare true:  mean ${prepared.mean_ms} ms, p50 ${prepared.p50_ms} ms, p99 ${prepared.p99_ms} ms`);
  console.log(`prepare false: mean ${unprepared.mean_ms} ms, p50 ${unprepared.p50_ms} ms, p99 ${unprepared.p99_ms} ms`);
  console.log(`false / true: mean ${result.ratio_unprepared_over_prepared.mean}, p50 ${result.ratio_unprepared_over_prepared.p50}`);
  console.log(`wrote ${OUT}`);
} finally {
  await Promise.all(Object.values(pools).map((sql) => sql.end()));
}
