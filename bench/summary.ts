// bench/results/SUMMARY.md from whatever bench/results/<part>.json files are there: the targets
// (met / MISSED, with a profile line where missed), then one table per part. Parts that did not
// run are named as such. `deno run -A bench/summary.ts` rewrites it; `--readme` also copies the
// targets table into README.md between the bench:summary markers (npm run bench:readme).
import { type Percentiles, RESULTS_DIR, type ResultHeader } from "./lib/results.ts";

// What the summary reads of each part's file (the parts write more).
type Lat = Pick<Percentiles, "p50" | "p95" | "p99">;
interface DecisionCost {
  pgbench: { seconds_per_run: number; rounds?: number; protocol: string; agents: number };
  runs: { clients: number; route: { tps: number; latency_ms: Lat }; reference: { tps: number; latency_ms: Lat }; round_ratios?: number[]; tps_ratio: number }[];
  target: { tps_ratio_at_least: number };
}
interface Load {
  throughput_rps: number;
  latency_ms: Lat;
}
interface Overhead {
  load: string;
  levels: { concurrency: number; requests: number; direct: Load; router: Load; portkey: Load; router_added_ms: Lat; portkey_added_ms: Lat }[];
}
interface Hot {
  node: string;
  ms: number;
  rows: number;
  loops: number;
  buffers: number;
}
interface ScaleReport {
  name: string;
  one_day: { median_ms: number };
  thirty_days: { median_ms: number };
}
interface Scale {
  full: boolean;
  data: { span_days: number; agents: number; shape: string };
  runs_per_query: number;
  sizes: {
    calls: number;
    generate_seconds: number;
    route_model_ms: Lat;
    /** The smallest size's route_model, measured interleaved with this size's calls (same run, same load). */
    route_model_at_smallest_ms?: Lat & { calls: number };
    reports: ScaleReport[];
  }[];
  profiles: { report: string; range: string; calls: number; ms: number; planning_ms?: number; execution_ms?: number; hot: Hot[] }[];
  targets: { one_day_ms: number; thirty_days_ms: number; route_p99_ratio: number };
}
interface Rss {
  rss_mib: number;
  peak_mib: number;
}
interface Stretch {
  from_calls: number;
  to_calls: number;
  mib: number;
  kib_per_call: number;
}
interface Memory {
  load: string;
  at_start: Rss;
  readings?: (Rss & { calls: number })[];
  early: Rss & { calls: number };
  late: Rss & { calls: number };
  rss_ratio: number;
  stretches?: Stretch[];
  last_stretch?: Stretch;
}
/** bench/db-functions.ts: per-function times from track_functions, per routed call. */
interface DbFunction {
  function: string;
  calls_per_call: number;
  self_ms_per_call: number;
  total_ms_per_call: number;
}
interface DbFunctions {
  functions: DbFunction[];
  /** WAL written per call (pg_stat_wal); absent in results from before it was measured. */
  wal_per_call?: { records_per_call: number; bytes_per_call: number };
  /** bench/results/db-functions-before.json: the same measure on the commit before issue 12's cuts. */
  before?: DbFunctions & ResultHeader | null;
}
interface Router {
  route_model_round_trip_ms: Lat;
  route_model_in_database_mean_ms: number;
  simulator_direct_ms: Lat;
  route_completion_ms: Lat;
}
interface Streaming {
  results: {
    tier: string;
    model: string;
    concurrency: number;
    simulator_direct: { p50_ms: number; p95_ms: number };
    through_router: { p50_ms: number; p95_ms: number };
    added_p50_ms: number;
  }[];
}
interface Economics {
  options: { agents: number; executions_per_agent: number; seeds: number[] };
  seeds: {
    seed: number;
    savings_vs_baseline_run_pct: number | null;
    share_of_oracle_savings_pct: number | null;
    routed: { success_pct: number | null; tripped: boolean };
    baseline: { success_pct: number | null };
  }[];
  summary: {
    seeds: number;
    mean_savings_vs_baseline_run_pct: number | null;
    mean_share_of_oracle_savings_pct: number | null;
    mean_routed_success_pct: number | null;
    mean_baseline_success_pct: number | null;
    targets: Record<string, boolean | null>;
  };
}
interface Run {
  full: boolean;
  full_only_not_run?: string[];
  parts: { part: string; ok: boolean; seconds: number }[];
  total_seconds: number;
}

export const MARK_START = "<!-- bench:summary:start -->";
export const MARK_END = "<!-- bench:summary:end -->";

async function read<T>(part: string): Promise<(T & ResultHeader) | null> {
  try {
    // The parts wrote these files; the interfaces above name what this module relies on.
    return JSON.parse(await Deno.readTextFile(new URL(`${part}.json`, RESULTS_DIR))) as T & ResultHeader;
  } catch {
    return null;
  }
}

const ms = (x: number | null | undefined, d = 1) => (x === null || x === undefined || !Number.isFinite(x) ? "–" : x.toFixed(d));
const num = (x: number) => x.toLocaleString("en");
const met = (ok: boolean | null) => (ok === null ? "not measured" : ok ? "met" : "**MISSED**");
const table = (head: string[], rows: string[][]) =>
  [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");

interface Target {
  target: string;
  figure: string;
  ok: boolean | null;
  /** Shown instead of met / missed where the issue asks for a figure and sets no target. */
  status?: string;
  profile?: string;
}

function decisionTargets(d: DecisionCost | null, db: DbFunctions | null): Target[] {
  if (!d) return [{ target: "decision TPS ≥ 0.7 × reference at 4 and 16 clients", figure: "decision-cost not run", ok: null }];
  return [4, 16].map((c) => {
    const r = d.runs.find((x) => x.clients === c);
    if (!r) return { target: `decision TPS ≥ 0.7 × reference at ${c} clients`, figure: "not run at this level", ok: null };
    const ok = r.tps_ratio >= d.target.tps_ratio_at_least;
    return {
      target: `decision TPS ≥ 0.7 × reference at ${c} clients`,
      figure: r.round_ratios
        ? `${r.tps_ratio} (median of ${r.round_ratios.length} paired rounds: ${r.round_ratios.join(", ")}; median ${r.route.tps} / ${r.reference.tps} tps)`
        : `${r.route.tps} / ${r.reference.tps} tps = ${r.tps_ratio}`,
      ok,
      profile: ok ? undefined : `route_model p50 ${ms(r.route.latency_ms.p50, 2)} ms vs reference ${ms(r.reference.latency_ms.p50, 2)} ms; ` +
        (db ? "per-function times: Database functions below" : "per-function times: bench/db-functions.ts (not run)"),
    };
  });
}

function overheadTargets(o: Overhead | null, d: DecisionCost | null): Target[] {
  if (!o) return [{ target: "route-completion adds ≤ Portkey at every concurrency", figure: "overhead not run", ok: null }];
  const c1 = d?.runs.find((x) => x.clients === 1);
  const rows: Target[] = o.levels.map((l) => {
    const ok = l.router_added_ms.p50 <= l.portkey_added_ms.p50 && l.router_added_ms.p99 <= l.portkey_added_ms.p99;
    return {
      target: `added latency ≤ Portkey's at concurrency ${l.concurrency} (p50, p99)`,
      figure: `router +${ms(l.router_added_ms.p50)} / +${ms(l.router_added_ms.p99)} ms, Portkey +${ms(l.portkey_added_ms.p50)} / +${ms(l.portkey_added_ms.p99)} ms`,
      ok,
      profile: ok ? undefined : `the decision alone is ${c1 ? `${ms(c1.route.latency_ms.p50, 2)} ms p50 at 1 client (decision-cost)` : "unmeasured (decision-cost not run)"}; ` +
        `throughput router ${l.router.throughput_rps} vs Portkey ${l.portkey.throughput_rps} req/s`,
    };
  });
  const at50 = o.levels.find((l) => l.concurrency === 50);
  if (at50) {
    const ok = at50.router.throughput_rps >= at50.portkey.throughput_rps;
    rows.push({
      target: "throughput at concurrency 50 ≥ Portkey's",
      figure: `${at50.router.throughput_rps} vs ${at50.portkey.throughput_rps} req/s`,
      ok,
      profile: ok ? undefined : "each routed call makes two database round trips (decide, record) besides the provider call",
    });
  }
  return rows;
}

/**
 * The default run's sizes (100k, 1M) with the --full run's (10M, its own file and date): the flatness
 * target compares the largest size with the smallest measured beside it in the same run
 * (route_model_at_smallest_ms), and only without that figure across runs; the report targets and
 * profiles are the largest size's.
 */
function mergedScale(s: Scale | null, sf: Scale | null): Scale | null {
  if (!s || !sf) return sf ?? s;
  const byCalls = new Map([...s.sizes, ...sf.sizes].map((x) => [x.calls, x]));
  return { ...sf, sizes: [...byCalls.values()].sort((a, b) => a.calls - b.calls), profiles: sf.profiles.length ? sf.profiles : s.profiles };
}

function scaleTargets(s: Scale | null): Target[] {
  if (!s) return [{ target: "route_model p99 and reports flat at 10M calls", figure: "scale not run", ok: null }];
  const first = s.sizes[0];
  const last = s.sizes[s.sizes.length - 1];
  const at = `at ${num(last.calls)} calls${s.full ? "" : " (10M: `npm run bench -- --full`)"}`;
  // The flatness ratio from one run: the largest size's p99 over the smallest's measured beside it,
  // call by call; older files (no such figure) compare two separate measurements, and say so.
  const beside = last.route_model_at_smallest_ms;
  const smallest = beside ?? first.route_model_ms;
  const ratio = last.route_model_ms.p99 / smallest.p99;
  const how = beside ? "interleaved in one run" : "separate measurements";
  const profileOf = (name: string, range: string) => {
    const p = s.profiles.find((x) => x.report === name && x.range === range);
    return p ? `${name} (planning ${ms(p.planning_ms)} ms, execution ${ms(p.execution_ms)} ms): ${p.hot.slice(0, 2).map((h) => `${h.node} ${h.ms} ms (${num(h.rows)} rows, ${num(h.loops)} loops)`).join("; ")}` : null;
  };
  const misses = (key: "one_day" | "thirty_days", limit: number) => last.reports.filter((r) => r[key].median_ms > limit);
  const oneDay = misses("one_day", s.targets.one_day_ms);
  const thirty = misses("thirty_days", s.targets.thirty_days_ms);
  const worst = (key: "one_day" | "thirty_days") => last.reports.reduce((a, b) => (b[key].median_ms > a[key].median_ms ? b : a));
  return [
    {
      target: `route_model p99 at the largest size ≤ 1.2 × at ${num(first.calls)}`,
      figure: `${ms(last.route_model_ms.p99, 2)} ms vs ${ms(smallest.p99, 2)} ms (${ratio.toFixed(2)}×, ${how}) ${at}`,
      ok: s.sizes.length > 1 ? ratio <= s.targets.route_p99_ratio : null,
    },
    {
      target: "every report < 100 ms for one day",
      figure: `slowest ${worst("one_day").name} ${ms(worst("one_day").one_day.median_ms)} ms ${at}` +
        (oneDay.length ? `; over: ${oneDay.map((r) => r.name).join(", ")}` : ""),
      ok: oneDay.length === 0,
      profile: oneDay.map((r) => profileOf(r.name, "one_day")).filter(Boolean).join(" · ") || undefined,
    },
    {
      target: "every report < 1 s for 30 days",
      figure: `slowest ${worst("thirty_days").name} ${ms(worst("thirty_days").thirty_days.median_ms)} ms ${at}` +
        (thirty.length ? `; over: ${thirty.map((r) => r.name).join(", ")}` : ""),
      ok: thirty.length === 0,
      profile: thirty.map((r) => profileOf(r.name, "thirty_days")).filter(Boolean).join(" · ") || undefined,
    },
  ];
}

function dbTargets(db: DbFunctions | null): Target[] {
  if (!db) return [{ target: "database time per call ≤ 0.6 ms", figure: "bench/db-functions.ts not run", ok: null }];
  const per = (name: string) => db.functions.find((f) => f.function.endsWith(name))?.total_ms_per_call ?? null;
  const route = per("route_model");
  const record = per("record_completion");
  if (route === null && record === null) return [{ target: "database time per call ≤ 0.6 ms", figure: "no route_model / record_completion rows", ok: null }];
  const sum = (route ?? 0) + (record ?? 0);
  return [{
    target: "database time per call ≤ 0.6 ms (route_model + record_completion, track_functions)",
    figure: `${ms(route, 3)} + ${ms(record, 3)} = ${ms(sum, 3)} ms`,
    ok: sum <= 0.6,
    profile: sum <= 0.6 ? undefined : "per-function times: Database functions below",
  }];
}

function memoryTargets(m: Memory | null): Target[] {
  if (!m) return [{ target: "function server memory after 10,000 calls against after 100", figure: "memory not run", ok: null }];
  const last = m.last_stretch;
  return [{
    target: `function server RSS after ${num(m.late.calls)} calls against after ${num(m.early.calls)} (the issue sets no threshold)`,
    figure: `${m.late.rss_mib} vs ${m.early.rss_mib} MiB (${m.rss_ratio}×)` +
      (last ? `; ${num(last.from_calls)} → ${num(last.to_calls)}: ${signed(last.mib)} MiB (${last.kib_per_call} KiB per call)` : ""),
    ok: null,
    status: "figure only",
  }];
}

const signed = (n: number) => (n >= 0 ? `+${n}` : String(n));

function economicsTargets(e: Economics | null): Target[] {
  if (!e) return [{ target: "economics (issue 9)", figure: "economics not run", ok: null }];
  const t = e.summary.targets;
  return [{
    target: "economics: success ≥ 98%, ≤ 1 point under baseline, savings ≥ 70% and ≥ 90% of the oracle's, no trip",
    figure: `${e.summary.seeds} seed(s): savings ${e.summary.mean_savings_vs_baseline_run_pct}%, ${e.summary.mean_share_of_oracle_savings_pct}% of oracle, ` +
      `success ${e.summary.mean_routed_success_pct}% vs ${e.summary.mean_baseline_success_pct}%`,
    ok: t.success_at_least_98 && t.within_1_point_of_baseline && t.savings_at_least_70 && t.at_least_90_pct_of_oracle && t.no_trip &&
      t.degraded_trip_within_100 !== false,
  }];
}

function targetsTable(targets: Target[]): string {
  return table(["target", "figure", "status"], targets.map((t) => [t.target, t.figure, t.status ?? met(t.ok)]));
}

function profileLines(targets: Target[]): string {
  const lines = targets.filter((t) => t.ok === false && t.profile).map((t) => `- ${t.target}: ${t.profile}`);
  return lines.length ? `\n\nWhere the time goes, for each missed target:\n\n${lines.join("\n")}` : "";
}

function decisionSection(d: DecisionCost): string {
  return `## Decision cost (pgbench, ${d.pgbench.seconds_per_run} s per script and client count${d.pgbench.rounds ? ` in ${d.pgbench.rounds} paired rounds side by side, ratio = median of the rounds' ratios` : ""}, ${d.pgbench.agents} agents, ${d.pgbench.protocol} protocol)\n\n` +
    table(["clients", "route_model tps", "p50 ms", "p99 ms", "reference tps", "p50 ms", "p99 ms", "ratio"],
      d.runs.map((r) => [String(r.clients), String(r.route.tps), ms(r.route.latency_ms.p50, 2), ms(r.route.latency_ms.p99, 2),
        String(r.reference.tps), ms(r.reference.latency_ms.p50, 2), ms(r.reference.latency_ms.p99, 2), String(r.tps_ratio)]));
}

function overheadSection(o: Overhead): string {
  const trio = (f: Load) => `${ms(f.latency_ms.p50)} / ${ms(f.latency_ms.p95)} / ${ms(f.latency_ms.p99)}`;
  return `## Overhead side by side (ms p50 / p95 / p99; ${o.load})\n\n` +
    table(["concurrency", "requests", "direct", "route-completion", "Portkey", "router adds p50 / p99", "Portkey adds p50 / p99", "req/s direct / router / Portkey"],
      o.levels.map((l) => [String(l.concurrency), String(l.requests), trio(l.direct), trio(l.router), trio(l.portkey),
        `+${ms(l.router_added_ms.p50)} / +${ms(l.router_added_ms.p99)}`, `+${ms(l.portkey_added_ms.p50)} / +${ms(l.portkey_added_ms.p99)}`,
        `${l.direct.throughput_rps} / ${l.router.throughput_rps} / ${l.portkey.throughput_rps}`]));
}

function scaleSection(s: Scale, fullRunDate?: string): string {
  const sizes = s.sizes.map((z) => num(z.calls));
  const smallest = num(s.sizes.find((z) => z.route_model_at_smallest_ms)?.route_model_at_smallest_ms?.calls ?? s.sizes[0].calls);
  const route = table(["recorded calls", "generated in s", "route_model p50 ms", "p99 ms", `interleaved at ${smallest}: p50 / p99 ms`, "p99 ratio"],
    s.sizes.map((z) => {
      const b = z.route_model_at_smallest_ms;
      return [num(z.calls), String(z.generate_seconds), ms(z.route_model_ms.p50, 2), ms(z.route_model_ms.p99, 2),
        b ? `${ms(b.p50, 2)} / ${ms(b.p99, 2)}` : "–", b ? (z.route_model_ms.p99 / b.p99).toFixed(2) : "–"];
    }));
  const names = s.sizes[0].reports.map((r) => r.name);
  const reports = table(["report", ...sizes.map((z: string) => `1 day @ ${z}`), ...sizes.map((z: string) => `30 days @ ${z}`)],
    names.map((n: string) => [n,
      ...s.sizes.map((z) => ms(z.reports.find((r) => r.name === n)?.one_day.median_ms)),
      ...s.sizes.map((z) => ms(z.reports.find((r) => r.name === n)?.thirty_days.median_ms))]));
  const profiles = s.profiles.map((p) =>
    `- ${p.report} (${p.range.replace("_", " ")}, ${num(p.calls)} calls, ${p.ms} ms; planning ${ms(p.planning_ms)} ms, execution ${ms(p.execution_ms)} ms): ` +
    p.hot.map((h) => `${h.node} ${h.ms} ms, ${num(h.rows)} rows in ${num(h.loops)} loops, ${num(h.buffers)} buffers`).join("; "));
  const title = fullRunDate ? `Scale, full run of ${fullRunDate} (npm run bench -- --full / --only scale --full)` : "Scale";
  return `## ${title} (${s.data.span_days} days of history, ${s.data.agents} agents; ${s.data.shape}; ms, median of ${s.runs_per_query} runs)\n\n` +
    `${route}\n\n${reports}${profiles.length ? `\n\nWhere the time goes (auto_explain, ANALYZE, exclusive time per plan node):\n\n${profiles.join("\n")}` : ""}`;
}

function memorySection(m: Memory): string {
  const readings = m.readings ?? [m.early, m.late];
  const stretches = m.stretches ?? [];
  // A leak grows as much in the last stretch as in the first; a heap that fills to its working size does not.
  const first = stretches[0];
  const last = m.last_stretch;
  const finding = first && last && stretches.length > 1
    ? last.kib_per_call <= first.kib_per_call / 5
      ? `The growth levels off: ${first.kib_per_call} KiB per call over the first ${num(first.to_calls - first.from_calls)} calls, ` +
        `${last.kib_per_call} over the last ${num(last.to_calls - last.from_calls)}, so the rise after ${num(m.early.calls)} is the heap ` +
        "filling to its working size, not state kept per call."
      : `Still growing over the last stretch (${last.kib_per_call} KiB per call, first ${first.kib_per_call}): something may be kept per call.`
    : "";
  return `## Memory (function server, ${m.load})\n\n` +
    table(["at start MiB", ...readings.map((r) => `after ${num(r.calls)} MiB`), `ratio ${num(m.late.calls)} / ${num(m.early.calls)}`, "peak MiB"],
      [[String(m.at_start.rss_mib), ...readings.map((r) => String(r.rss_mib)), String(m.rss_ratio), String(m.late.peak_mib)]]) +
    (stretches.length ? `\n\nGrowth per stretch: ${stretches.map((t) => `${num(t.from_calls)} → ${num(t.to_calls)} ${signed(t.mib)} MiB (${t.kib_per_call} KiB per call)`).join("; ")}.` : "") +
    (finding ? ` ${finding}` : "");
}

function dbSection(db: DbFunctions): string {
  const before = new Map((db.before?.functions ?? []).map((f) => [f.function, f]));
  const beforeNote = db.before ? ` Before: commit ${db.before.commit?.slice(0, 12) ?? "unknown"} (${db.before.date}).` : "";
  const walNote = db.wal_per_call
    ? ` WAL per call: ${db.wal_per_call.records_per_call} records, ${num(db.wal_per_call.bytes_per_call)} bytes (pg_stat_wal; a count that does not drift with the machine).`
    : "";
  return `## Database functions (bench/db-functions.ts, track_functions; ms per call)\n\n` +
    table(["function", "calls", "self", "total", ...(before.size ? ["calls before", "self before", "total before"] : [])],
      db.functions.map((f) => [f.function, String(f.calls_per_call), ms(f.self_ms_per_call, 3), ms(f.total_ms_per_call, 3),
        ...(before.size ? [String(before.get(f.function)?.calls_per_call ?? "—"), ms(before.get(f.function)?.self_ms_per_call, 3),
          ms(before.get(f.function)?.total_ms_per_call, 3)] : [])])) + beforeNote + walNote;
}

function routerSection(r: Router & ResultHeader): string {
  return `## Per call (bench/router-bench.ts; file of ${r.date})\n\n` + table(["figure", "p50 ms", "p95 ms"], [
    ["route_model round trip", ms(r.route_model_round_trip_ms.p50, 3), ms(r.route_model_round_trip_ms.p95, 3)],
    ["simulator direct", ms(r.simulator_direct_ms.p50, 2), ms(r.simulator_direct_ms.p95, 2)],
    ["through route-completion", ms(r.route_completion_ms.p50, 2), ms(r.route_completion_ms.p95, 2)],
  ]) + `\n\nroute_model inside the database, one agent in a loop: ${r.route_model_in_database_mean_ms} ms per call.`;
}

function streamingSection(s: Streaming): string {
  return `## Streaming: time to first token (ms p50 / p95)\n\n` + table(["tier", "model", "concurrency", "direct", "router", "added p50"],
    s.results.map((r) => [r.tier, r.model, String(r.concurrency), `${r.simulator_direct.p50_ms} / ${r.simulator_direct.p95_ms}`,
      `${r.through_router.p50_ms} / ${r.through_router.p95_ms}`, String(r.added_p50_ms)]));
}

function economicsSection(e: Economics & ResultHeader): string {
  return `## Economics (${e.options.agents} agents × ${e.options.executions_per_agent} executions, seeds ${e.options.seeds.join(", ")}; ` +
    `file of ${e.date}, commit ${e.commit?.slice(0, 12) ?? "unknown"})\n\n` +
    table(["seed", "savings vs baseline run", "% of oracle", "success routed", "success baseline", "tripped"],
      e.seeds.map((r) => [String(r.seed), `${r.savings_vs_baseline_run_pct}%`, `${r.share_of_oracle_savings_pct}%`,
        `${r.routed.success_pct}%`, `${r.baseline.success_pct}%`, r.routed.tripped ? "yes" : "no"]));
}

export async function buildSummary(): Promise<string> {
  const [run, d, o, s, sf, m, db, r, st, e] = [
    await read<Run>("run"), await read<DecisionCost>("decision-cost"), await read<Overhead>("overhead"), await read<Scale>("scale"), await read<Scale>("scale-full"),
    await read<Memory>("memory"), await read<DbFunctions>("db-functions"), await read<Router>("router"), await read<Streaming>("streaming"),
    await read<Economics>("economics"),
  ] as const;
  if (db) db.before = await read<DbFunctions>("db-functions-before");
  const any = [d, o, s, sf, m, db, r, st, e].find((x) => x !== null);
  const machine = (run ?? any)?.machine;
  const targets = [...decisionTargets(d, db), ...dbTargets(db), ...overheadTargets(o, d), ...scaleTargets(mergedScale(s, sf)), ...memoryTargets(m), ...economicsTargets(e)];
  const head = [
    "# Benchmark summary\n",
    `Generated by \`npm run bench${run?.full ? " -- --full" : ""}\` (bench/summary.ts) from bench/results/*.json.`,
    machine ? `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memory_gb} GiB, ${machine.platform}, Deno ${machine.deno}.` : "",
    run ? `Run: ${run.date}, commit ${run.commit?.slice(0, 12)}${run.uncommitted_changes ? " (with uncommitted changes)" : ""}, ` +
      `${(run.total_seconds / 60).toFixed(1)} min wall (${run.parts.map((p) => `${p.part} ${p.seconds} s${p.ok ? "" : " FAILED"}`).join(", ")}); ` +
      `load average at the end ${run.load_average?.join(" / ") ?? "unknown"} on ${run.machine.cores} cores.` : "",
    run?.full_only_not_run?.length ? `Not in the default run (\`-- --full\` or \`-- --only ${run.full_only_not_run.join(",")}\`): ${run.full_only_not_run.join(", ")}.` : "",
    "A part's figures are from its own file's date and commit; parts not run in the last run keep their earlier file.",
  ].filter(Boolean);
  const sections = [
    d && decisionSection(d), db && dbSection(db), o && overheadSection(o), s && scaleSection(s), sf && scaleSection(sf, sf.date), m && memorySection(m),
    r && routerSection(r), st && streamingSection(st), e && economicsSection(e),
  ].filter(Boolean);
  return `${head.join("\n")}\n\n## Targets\n\n${MARK_START}\n${targetsTable(targets)}\n${MARK_END}${profileLines(targets)}\n\n${sections.join("\n\n")}\n`;
}

export async function writeSummary(): Promise<string> {
  const path = new URL("SUMMARY.md", RESULTS_DIR).pathname;
  await Deno.writeTextFile(path, await buildSummary());
  return path;
}

/** README.md's text with the part between the markers replaced by the summary's targets table. */
export function spliceReadme(readme: string, summary: string): string {
  const start = readme.indexOf(MARK_START);
  const end = readme.indexOf(MARK_END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${MARK_START} … ${MARK_END} section`);
  const from = summary.indexOf(MARK_START);
  const to = summary.indexOf(MARK_END);
  return readme.slice(0, start) + summary.slice(from, to) + readme.slice(end);
}

if (import.meta.main) {
  const path = await writeSummary();
  console.error(`[summary] wrote ${path}`);
  if (Deno.args.includes("--readme")) {
    const readmeUrl = new URL("../README.md", import.meta.url);
    const summary = await Deno.readTextFile(path);
    await Deno.writeTextFile(readmeUrl, spliceReadme(await Deno.readTextFile(readmeUrl), summary));
    console.error(`[summary] copied the targets table into ${readmeUrl.pathname}`);
  }
}
