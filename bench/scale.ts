// `npm run bench` part "scale": is the router flat as its history grows? In a database of its own
// (migrations and seed applied, dropped at the end), recorded calls are generated in SQL up to
// each size (default 100k and 1M; `--full` adds 10M), consistently: one decision per call, one
// attempt per call (a second for every 40th, a fallback), an outcome for 4 executions in 5, all
// spread evenly over the 365 days before today, with every index of the migrations in place
// (bulk-loaded with session_replication_role = replica: no triggers, no foreign-key checks, then
// VACUUM ANALYZE, then the closed days' report rollups built as pg_cron would). At each size: route_model p50/p99 (one round trip each, as the function calls
// it, on a spread of agents with fresh execution ids), interleaved call by call with the same calls
// on a second database holding the smallest size (so the flatness ratio, largest / smallest p99,
// comes from one run under one load), and every report view and range function
// for one day (yesterday, UTC) and for 30 days (the 30 days to yesterday), median of 3 runs after
// a warm-up, as the database owner (RLS does not filter, as for the service role). A report over
// its target at the largest size gets a profile: the plan nodes that took the time
// (auto_explain, nested statements, ANALYZE + BUFFERS). Writes bench/results/scale.json.
//   deno run -A bench/scale.ts [--full] [--sizes 100000,1000000] [--route-calls 300] [--keep]
import { parseArgs } from "node:util";
import postgres from "postgres";
import { databaseUrl } from "../tests/function/harness.ts";
import { dropDatabases, freshDatabase, makeTemplate, withDatabase } from "./economics-run.ts";
import { percentiles, say, secondsSince, writeResult } from "./lib/results.ts";

/** `--full` writes its own file, so a later default run (100k and 1M) keeps the 10M figures. */
const PART_DEFAULT = "scale";
const { values } = parseArgs({
  args: Deno.args,
  options: {
    full: { type: "boolean", default: false },
    sizes: { type: "string" },
    "route-calls": { type: "string", default: "300" },
    runs: { type: "string", default: "3" },
    keep: { type: "boolean", default: false },
  },
});
const PART = values.full ? "scale-full" : PART_DEFAULT;
const SIZES = (values.sizes ?? (values.full ? "100000,1000000,10000000" : "100000,1000000")).split(",").map(Number);
const ROUTE_CALLS = Number(values["route-calls"]);
const RUNS = Number(values.runs);
const DATABASE = "bench_scale";
/** The smallest size's own database: route_model there, interleaved with each larger size's calls. */
const BASE_DATABASE = "bench_scale_smallest";
const AGENTS = 1000;
const USERS = 100;
const SPAN_DAYS = 365;
const BATCH = 500_000;
const TARGETS = { one_day_ms: 100, thirty_days_ms: 1000, route_p99_ratio: 1.2 };

// Ids are functions of the row number: sequential, so the bulk load appends to every index.
const id = (prefix: string, n: string) => `('${prefix}' || lpad(to_hex(${n}), 31, '0'))::uuid`;
const agentId = (n: string) => `('00000000-0000-4000-5ca1-' || lpad((${n})::text, 12, '0'))::uuid`;
const userId = (n: string) => `('00000000-0000-4000-5ca2-' || lpad((${n})::text, 12, '0'))::uuid`;

async function seedAgents(sql: postgres.Sql): Promise<void> {
  await sql.unsafe(`
    insert into auth.users (id, aud, role, email)
    select ${userId("u")}, 'authenticated', 'authenticated', 'bench-scale-' || u || '@bench.local' from generate_series(1, ${USERS}) u;
    insert into public.agents (id, user_id, name)
    select ${agentId("n")}, ${userId(`1 + (n - 1) % ${USERS}`)}, 'bench scale ' || n from generate_series(1, ${AGENTS}) n;
    insert into public.agent_intensity_metrics (agent_id, combined_score, total_executions, successful_executions, success_rate)
    select ${agentId("n")}, round((1 + (n * 37 % 89) / 10.0)::numeric, 2), 60, 58, 96.67 from generate_series(1, ${AGENTS}) n;`);
}

/**
 * Rows from+1..to of every audit table; row g's time and agent are functions of g. A size step
 * (stepFrom..stepTo) spreads its rows over the whole span in time order, as a router appends them:
 * a day's rows sit together in the heap (one cluster per step), not one per page.
 */
async function generate(sql: Pick<postgres.Sql, "unsafe">, from: number, to: number, stepFrom: number, stepTo: number): Promise<void> {
  const rows = `
    select g,
           date_trunc('day', now()) - make_interval(secs => ${SPAN_DAYS * 86400} * (1 - (g - ${stepFrom})::float8 / ${stepTo - stepFrom})) as ts,
           1 + g % ${AGENTS} as a,
           1 + (g % ${AGENTS} - 1 + ${AGENTS}) % ${AGENTS} % ${USERS} as u,
           case when g % 10 = 0 then 'control' else 'routed' end as cohort,
           case when g % 10 = 0 then 3 else 1 + g % 3 end as rung
    from generate_series(${from + 1}::bigint, ${to}::bigint) g`;
  // The three rungs, hash-joined by rung (a lateral read of routing.config per row costs 5x more).
  const ladder = `
    join (select v.rung, x.model, m.provider, x.tier, c.baseline_model, x.cost
          from (values (1), (2), (3)) v (rung)
          cross join routing.config c
          cross join lateral (select case v.rung when 1 then c.low_model when 2 then c.medium_model else c.high_model end as model,
                                     case v.rung when 1 then 'low' when 2 then 'medium' else 'high' end as tier,
                                     case v.rung when 1 then 0.0001 when 2 then 0.0006 else 0.002 end as cost) x
          join routing.models m on m.model = x.model) l on l.rung = r.rung`;
  await sql.unsafe(`
    insert into routing.decisions (id, created_at, agent_id, user_id, execution_id, model, provider, tier, reason, reasoning, cohort,
                                   intensity_score, success_rate, total_executions, baseline_model, fallback_chain, routing_enabled)
    select ${id("d", "r.g")}, r.ts, ${agentId("r.a")}, ${userId("r.u")}, 'x' || r.g, l.model, l.provider, l.tier,
           case r.cohort when 'control' then 'rollout_control' else 'tier' end, 'bench scale', r.cohort,
           5.0, 96.67, 60, l.baseline_model, '{}', true
    from (${rows}) r ${ladder}`);
  await sql.unsafe(`
    insert into routing.calls (id, created_at, decision_id, agent_id, user_id, execution_id, status, model, provider, fallback_used,
                               attempt_count, input_tokens, output_tokens, cost_usd, baseline_model, baseline_cost_usd, latency_ms)
    select ${id("c", "r.g")}, r.ts + interval '1 second', ${id("d", "r.g")}, ${agentId("r.a")}, ${userId("r.u")}, 'x' || r.g,
           case when r.g % 50 = 0 then 'failed' else 'succeeded' end, l.model, l.provider, r.g % 40 = 0, 1 + (r.g % 40 = 0)::int,
           200 + r.g % 300, 50 + r.g % 200, l.cost, l.baseline_model, 0.002, 150 + r.g % 900
    from (${rows}) r ${ladder}`);
  await sql.unsafe(`
    insert into routing.attempts (created_at, call_id, user_id, seq, model, provider, http_status, error_type, latency_ms,
                                  input_tokens, output_tokens, cost_usd)
    select r.ts + interval '1 second', ${id("c", "r.g")}, ${userId("r.u")}, s.seq, l.model, l.provider,
           case when s.seq < s.n then 503 else 200 end, case when s.seq < s.n then 'server_error' end, 100 + r.g % 700,
           200 + r.g % 300, 50 + r.g % 200, case when s.seq < s.n then 0 else l.cost end
    from (${rows}) r ${ladder}
    cross join lateral (select q as seq, 1 + (r.g % 40 = 0)::int as n from generate_series(1, 1 + (r.g % 40 = 0)::int) q) s`);
  await sql.unsafe(`
    insert into routing.executions (agent_id, execution_id, user_id, decision_id, succeeded, tokens, duration_ms, recorded_at)
    select ${agentId("r.a")}, 'x' || r.g, ${userId("r.u")}, ${id("d", "r.g")}, r.g % 50 <> 0, 250 + r.g % 500, 300 + r.g % 1500,
           r.ts + interval '2 seconds'
    from (${rows}) r where r.g % 5 <> 0`);
}

interface Report {
  name: string;
  kind: "view" | "function";
  sql: (from: string, to: string) => string;
}
const view = (name: string): Report => ({
  name, kind: "view", sql: (from, to) => `select * from public.${name} where day between '${from}'::date and '${to}'::date`,
});
const between = (name: string): Report => ({
  name: `${name}_between`, kind: "function", sql: (from, to) => `select * from public.${name}_between('${from}'::date, '${to}'::date)`,
});
const REPORTS: Report[] = [
  ...["routing_model_distribution", "routing_success_rates", "routing_cost_savings", "routing_cohort_comparison", "routing_learning_moves"]
    .flatMap((n) => [view(n), between(n)]),
  // The look-back reports take days, not dates: 1 and 30 days back from now.
  { name: "routing_projection", kind: "function", sql: (from, to) => `select * from public.routing_projection(${days(from, to)})` },
  { name: "advise_routing_thresholds", kind: "function", sql: (from, to) => `select * from public.advise_routing_thresholds(98, ${days(from, to)})` },
];
function days(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1;
}

async function timeQuery(sql: postgres.Sql, text: string): Promise<{ median_ms: number; max_ms: number; rows: number }> {
  const times: number[] = [];
  let rows = 0;
  const warm = performance.now();
  rows = (await sql.unsafe(text)).length; // warm-up: plans cached, pages in the buffer cache
  const warmMs = performance.now() - warm;
  // A query over a second is timed once more, not RUNS times, and one over 10 s is not repeated
  // (its warm-up is the figure): the run has a time budget, and such a query misses its target anyway.
  if (warmMs > 10_000) return { median_ms: +warmMs.toFixed(1), max_ms: +warmMs.toFixed(1), rows };
  const runs = warmMs > 1000 ? 1 : RUNS;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    rows = (await sql.unsafe(text)).length;
    times.push(performance.now() - started);
  }
  const p = percentiles(times);
  return { median_ms: +p.p50.toFixed(1), max_ms: +p.max.toFixed(1), rows };
}

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Alias?: string;
  "Actual Total Time"?: number;
  "Actual Rows"?: number;
  "Actual Loops"?: number;
  "Shared Hit Blocks"?: number;
  "Shared Read Blocks"?: number;
  Plans?: PlanNode[];
}

/**
 * The plan nodes that took the time, each with its own (exclusive) time: total x loops minus its
 * children's, summed over every plan (a function run once per day logs one plan per run).
 */
function hotNodes(plans: PlanNode[]): { node: string; ms: number; rows: number; loops: number; buffers: number }[] {
  const byNode = new Map<string, { node: string; ms: number; rows: number; loops: number; buffers: number }>();
  const walk = (n: PlanNode) => {
    const total = (n["Actual Total Time"] ?? 0) * (n["Actual Loops"] ?? 1);
    const children = (n.Plans ?? []).reduce((s, c) => s + (c["Actual Total Time"] ?? 0) * (c["Actual Loops"] ?? 1), 0);
    // A function scan's time is its nested statement's, profiled on its own: not counted twice.
    if (n["Node Type"] !== "Function Scan") {
      const on = n["Relation Name"] ? ` on ${n["Relation Name"]}${n["Index Name"] ? ` using ${n["Index Name"]}` : ""}` : "";
      const node = `${n["Node Type"]}${on}`;
      const seen = byNode.get(node) ?? { node, ms: 0, rows: 0, loops: 0, buffers: 0 };
      seen.ms += total - children;
      seen.rows += (n["Actual Rows"] ?? 0) * (n["Actual Loops"] ?? 1);
      seen.loops += n["Actual Loops"] ?? 1;
      seen.buffers += (n["Shared Hit Blocks"] ?? 0) + (n["Shared Read Blocks"] ?? 0);
      byNode.set(node, seen);
    }
    for (const c of n.Plans ?? []) walk(c);
  };
  for (const p of plans) walk(p);
  return [...byNode.values()].map((h) => ({ ...h, ms: +h.ms.toFixed(1) })).sort((a, b) => b.ms - a.ms).slice(0, 4);
}

/** auto_explain's plans of `text` and of every statement it runs inside functions, read as notices. */
async function profile(url: string, text: string) {
  const notices: string[] = [];
  const sql = postgres(url, { max: 1, onnotice: (n) => notices.push(String(n.message)) });
  try {
    await sql.unsafe(`load 'auto_explain';
      set auto_explain.log_min_duration = 0; set auto_explain.log_analyze = on; set auto_explain.log_buffers = on;
      set auto_explain.log_nested_statements = on; set auto_explain.log_format = 'json'; set auto_explain.log_level = 'notice';
      set auto_explain.log_timing = on`);
    const started = performance.now();
    await sql.unsafe(text);
    const ms = performance.now() - started;
    const plans = notices.flatMap((m) => {
      const at = m.indexOf("{");
      if (at < 0) return [];
      try {
        return [(JSON.parse(m.slice(at)) as { Plan: PlanNode }).Plan];
      } catch {
        return [];
      }
    });
    // The statement's own planning and execution time, beside the client's: the gap is the round
    // trip and the result's transfer; planning counts where a view is planned on every call.
    notices.length = 0;
    const [explained] = await sql.unsafe(`explain (analyze, buffers, format json) ${text}`);
    const top = (explained["QUERY PLAN"] as { "Planning Time": number; "Execution Time": number }[])[0];
    return {
      ms: +ms.toFixed(1), planning_ms: +top["Planning Time"].toFixed(1), execution_ms: +top["Execution Time"].toFixed(1),
      hot: hotNodes(plans),
    };
  } finally {
    await sql.end();
  }
}

/**
 * Rows have+1..size appended to `sql`'s database, then VACUUM ANALYZE and the closed days' rollups
 * as pg_cron builds them off the hot path (rebuilt over the whole span: the history was bulk-loaded).
 */
async function grow(sql: postgres.Sql, have: number, size: number, label: string) {
  const genStarted = performance.now();
  for (let from = have; from < size; from += BATCH) {
    const to = Math.min(size, from + BATCH);
    // Each batch in a transaction of its own with the settings local to it: a session setting is lost
    // when the client replaces its connection (postgres.js retires one after 30-60 min), and a batch
    // loaded with triggers on takes an advisory lock per execution (out of shared memory at 10M).
    await sql.begin(async (tx) => {
      await tx.unsafe("set local session_replication_role = replica; set local synchronous_commit = off");
      await generate(tx, from, to, have, size);
    });
    say(PART, `${label}generated calls ${to.toLocaleString("en")}/${size.toLocaleString("en")} (${secondsSince(genStarted)} s)`);
  }
  await sql.unsafe("set maintenance_work_mem = '256MB'");
  await sql.unsafe("vacuum analyze routing.decisions, routing.calls, routing.attempts, routing.executions");
  const generateSeconds = secondsSince(genStarted);
  const rollupStarted = performance.now();
  await sql.unsafe(`select routing._refresh_report_rollups(${SPAN_DAYS + 1})`);
  await sql.unsafe("analyze routing.report_rollups, routing.latency_rollups");
  const rollupSeconds = secondsSince(rollupStarted);
  say(PART, `${label}${size.toLocaleString("en")}: rollups of ${SPAN_DAYS + 1} closed days rebuilt in ${rollupSeconds} s`);
  return { generateSeconds, rollupSeconds };
}

/**
 * route_model, as route-completion sends it (trusted caller, the agent's user as acting_user), on
 * each database in turn, call by call (the order alternating), so that every database's figures
 * come from the same minutes of the same run: what the flatness ratio needs on a noisy machine.
 */
async function routeModel(databases: postgres.Sql[]) {
  const samples: number[][] = databases.map(() => []);
  for (let i = 0; i < ROUTE_CALLS; i++) {
    const n = 1 + ((i * 7) % AGENTS);
    const order = i % 2 === 0 ? databases.map((_, k) => k) : databases.map((_, k) => databases.length - 1 - k);
    for (const k of order) {
      const t0 = performance.now();
      await databases[k].unsafe(
        `select public.route_model(${agentId("$1::int")}, $2, '{"ENABLE_INTELLIGENT_ROUTING":"true"}'::jsonb, ${userId(`1 + ($1::int - 1) % ${USERS}`)}, null)`,
        [n, crypto.randomUUID()],
      );
      samples[k].push(performance.now() - t0);
    }
  }
  return samples.map((s) => percentiles(s));
}

const started = performance.now();
const baseUrl = await databaseUrl();
say(PART, `creating databases ${DATABASE} and ${BASE_DATABASE} (migrations and seed)`);
await makeTemplate(baseUrl, DATABASE);
// The smallest size, kept apart: route_model is measured on it beside each larger size.
await freshDatabase(baseUrl, DATABASE, BASE_DATABASE);
const url = withDatabase(baseUrl, DATABASE);
const sql = postgres(url, { max: 1, onnotice: () => {} });
const base = postgres(withDatabase(baseUrl, BASE_DATABASE), { max: 1, onnotice: () => {} });
const sizes = [];
try {
  await seedAgents(sql);
  await seedAgents(base);
  await grow(base, 0, SIZES[0], `${BASE_DATABASE}: `);
  const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const monthStart = new Date(Date.parse(day) - 29 * 86_400_000).toISOString().slice(0, 10);
  let have = 0;
  for (const size of SIZES) {
    const { generateSeconds, rollupSeconds } = await grow(sql, have, size, "");
    have = size;
    const [counts] = await sql`
      select (select count(*) from routing.calls)::bigint as calls, (select count(*) from routing.decisions)::bigint as decisions,
             (select count(*) from routing.attempts)::bigint as attempts, (select count(*) from routing.executions)::bigint as executions,
             (select count(*) from routing.calls where (timezone('UTC', created_at))::date = ${day}::date)::bigint as calls_one_day`;
    say(PART, `${size.toLocaleString("en")} calls in ${generateSeconds} s: ${JSON.stringify(counts)}`);

    // This size and the smallest, interleaved (at the smallest size itself, the one database).
    const [route, atBase] = await routeModel(size === SIZES[0] ? [sql] : [sql, base]);
    const beside = atBase ? { calls: SIZES[0], ...atBase } : undefined;
    say(PART, `${size.toLocaleString("en")}: route_model p50 ${route.p50} ms, p99 ${route.p99} ms` +
      (beside ? `; interleaved at ${SIZES[0].toLocaleString("en")}: p50 ${beside.p50} ms, p99 ${beside.p99} ms` : ""));

    const reports = [];
    for (const r of REPORTS) {
      const oneDay = await timeQuery(sql, r.sql(day, day));
      const thirty = await timeQuery(sql, r.sql(monthStart, day));
      reports.push({ name: r.name, kind: r.kind, one_day: oneDay, thirty_days: thirty });
      say(PART, `${size.toLocaleString("en")}: ${r.name} 1 day ${oneDay.median_ms} ms, 30 days ${thirty.median_ms} ms`);
    }
    sizes.push({ calls: size, counts, generate_seconds: generateSeconds, rollup_seconds: rollupSeconds, route_model_ms: route,
                 route_model_at_smallest_ms: beside, reports });
  }

  // Profiles of what misses its target at the largest size.
  const last = sizes[sizes.length - 1];
  const profiles = [];
  for (const r of last.reports) {
    const report = REPORTS.find((x) => x.name === r.name)!;
    for (const [range, figures, limit, from] of [["one_day", r.one_day, TARGETS.one_day_ms, day], ["thirty_days", r.thirty_days, TARGETS.thirty_days_ms, monthStart]] as const) {
      if (figures.median_ms <= limit) continue;
      const p = await profile(url, report.sql(from, day));
      profiles.push({ report: r.name, range, calls: last.calls, ...p });
      say(PART, `profile ${r.name} ${range}: ${p.hot.map((h) => `${h.node} ${h.ms} ms`).join("; ")}`);
    }
  }
  const path = await writeResult(PART, {
    what: "route_model (ms per round trip) and report queries (ms, median of runs after a warm-up) at growing recorded history",
    data: { agents: AGENTS, users: USERS, span_days: SPAN_DAYS, one_day: day, thirty_days: [monthStart, day],
            shape: "1 decision and 1 call per execution, 1 attempt (2 for every 40th call), outcomes for 4 in 5, 10% control cohort" },
    runs_per_query: RUNS,
    route_calls: ROUTE_CALLS,
    full: SIZES.includes(10_000_000),
    sizes,
    profiles,
    targets: TARGETS,
    wall_seconds: secondsSince(started),
  });
  say(PART, `wrote ${path} in ${secondsSince(started)} s`);
} finally {
  await sql.end();
  await base.end();
  if (!values.keep) await dropDatabases(baseUrl, [DATABASE, BASE_DATABASE]);
}
