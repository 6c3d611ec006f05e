// `npm run bench:economics` (also part of `npm run bench`): what routing saves and what it costs
// in success, on simulated populations the rules were not tuned on.
//
// For each seed: a population (bench/population.mjs: true need, a score with an error, shares
// badly under- and overestimated, success by model capability; the generator's parameters drawn
// per seed around its defaults unless --fixed), run through the real route-completion with every
// outcome reported, then the same executions with routing disabled (every one on the baseline
// model) on the same draws. Printed and written to bench/results/economics.json: savings (from
// routing_cost_savings_between, and against the all-baseline run), success of both runs, the
// oracle's savings (each agent on the cheapest rung that meets its true need, priced on the
// baseline run's tokens) and the share of them routing got. Then the degraded variant: every
// model below the top rung fails at least 20% of the time; the global trip should fire within
// 100 routed executions.
//
//   npm run bench:economics -- --seeds 101,202,303 --agents 60 --executions 30 --concurrency 4
//   npm run bench:economics -- --seeds 1,2,3,4,5,6 --agents 200 --executions 60   (bigger)
import { parseArgs } from "node:util";
import postgres from "postgres";
import { databaseUrl } from "../tests/function/harness.ts";
import { DEFAULT_PARAMS, describePopulation, generatePopulation, type PopulationParams, variedParams } from "./population.mjs";
import { say as sayAs, writeResult } from "./lib/results.ts";
import { freshDatabase, makeTemplate, oracleSuccess, type RunFigures, runPopulation } from "./economics-run.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    seeds: { type: "string", default: "101,202,303" },
    agents: { type: "string", default: "60" },
    executions: { type: "string", default: "30" },
    concurrency: { type: "string", default: "4" },
    "min-calls": { type: "string", default: "1" },
    "max-calls": { type: "string", default: "3" },
    fixed: { type: "boolean", default: false },
    // Held-out shapes: each set overrides that parameter for every seed, drawn or fixed.
    "score-error": { type: "string" },
    underestimated: { type: "string" },
    overestimated: { type: "string" },
    "no-degraded": { type: "boolean", default: false },
    "degraded-executions": { type: "string", default: "5" },
    out: { type: "string", default: new URL("./results/economics.json", import.meta.url).pathname },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  console.log(`npm run bench:economics -- [--seeds 101,202,303] [--agents 60] [--executions 30] [--concurrency 4]
  --executions  executions per agent; --min-calls / --max-calls calls per execution (1-3)
  --fixed       the generator's default parameters for every seed (default: drawn per seed)
  --score-error, --underestimated, --overestimated  override that parameter for every seed (a population
                shape the rules were not tuned on: the score error in points, the shares badly misled)
  --no-degraded skip the variant where the cheap models fail 20% of the time
  --degraded-executions  executions per agent in that variant (default 5)
  --out         the JSON file (default bench/results/economics.json)`);
  Deno.exit(0);
}
const whole = (name: string, text: string | undefined, min = 1) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number >= ${min}, got "${text}"`);
  return n;
};
const seeds = (values.seeds ?? "").split(",").map((s) => whole("seeds", s.trim(), 0));
const AGENTS = whole("agents", values.agents);
const PER_AGENT = whole("executions", values.executions);
const CONCURRENCY = whole("concurrency", values.concurrency);
const MIN_CALLS = whole("min-calls", values["min-calls"]);
const MAX_CALLS = Math.max(MIN_CALLS, whole("max-calls", values["max-calls"]));
const DEGRADED = !values["no-degraded"];
const fraction = (name: string, text: string | undefined, max = 1) => {
  if (text === undefined) return undefined;
  const x = Number(text);
  if (!Number.isFinite(x) || x < 0 || x > max) throw new Error(`--${name} must be a number in 0..${max}, got "${text}"`);
  return x;
};
// Only the overrides that were given, so the drawn (or default) value stays otherwise.
const SHAPE: Partial<PopulationParams> = Object.fromEntries(Object.entries({
  scoreError: fraction("score-error", values["score-error"], 5),
  underShare: fraction("underestimated", values.underestimated),
  overShare: fraction("overestimated", values.overestimated),
}).filter(([, v]) => v !== undefined));
const TEMPLATE = "econ_template";

const encoder = new TextEncoder();
const tty = Deno.stderr.isTerminal();
const progress = (line: string, done: boolean) =>
  Deno.stderr.writeSync(encoder.encode(tty ? `\r${line}${done ? "\n" : ""}` : `${line}\n`));
const say = (line: string) => sayAs("economics", line);

const round = (x: number | null, d = 2) => (x === null || !Number.isFinite(x) ? null : +x.toFixed(d));
const pct = (part: number, whole: number) => (whole > 0 ? round(100 * part / whole) : null);

interface SeedResult {
  seed: number;
  params: PopulationParams;
  population: ReturnType<typeof describePopulation>;
  routed: RunFigures;
  baseline: RunFigures;
  oracle: { cost_usd: number; savings_pct: number | null; success_pct: number };
  savings_vs_baseline_run_pct: number | null;
  share_of_oracle_savings_pct: number | null;
  success_gap_points: number | null;
}

const baseUrl = await databaseUrl();
say(`building ${TEMPLATE}: the shim, the migrations and the seed in an empty database (each run gets a fresh copy)`);
await makeTemplate(baseUrl, TEMPLATE);
const wallStart = performance.now();
const results: SeedResult[] = [];
let ladderSeen: unknown = null;

for (const seed of seeds) {
  const base: PopulationParams = { ...DEFAULT_PARAMS, agents: AGENTS };
  const drawn = { ...(values.fixed ? base : variedParams({ seed, base })), ...SHAPE };
  // The thresholds are the database's (identical in both runs: the same template).
  const probe = await freshDatabase(baseUrl, TEMPLATE, "econ_routed");
  const q = postgres(probe, { max: 1, onnotice: () => {} });
  const [t] = await q`select low_threshold::float8 as low, medium_threshold::float8 as medium from routing.config`;
  await q.end();
  const params: PopulationParams = { ...drawn, thresholds: { low: t.low, medium: t.medium } };
  const agents = generatePopulation({ seed, params });
  const population = describePopulation(agents, params.thresholds);
  say(`seed ${seed}: ${agents.length} agents (need ${population.need.low}/${population.need.medium}/${population.need.high}; ` +
    `score error ${params.scoreError}, ${population.underestimated} badly under-, ${population.overestimated} overestimated; ` +
    `${population.scoreBelowNeed} scored below their need, ${population.scoreAboveNeed} above) × ${PER_AGENT} executions`);
  const common = { seed, agents, params, perAgent: PER_AGENT, minCalls: MIN_CALLS, maxCalls: MAX_CALLS, concurrency: CONCURRENCY, progress };
  const routed = await runPopulation({ ...common, routed: true, databaseUrl: probe, label: `seed ${seed} routed  ` });
  const baselineUrl = await freshDatabase(baseUrl, TEMPLATE, "econ_baseline");
  const baseline = await runPopulation({ ...common, routed: false, databaseUrl: baselineUrl, label: `seed ${seed} baseline` });
  ladderSeen = routed.ladder;
  const oracleCost = baseline.figures.oracle_cost_usd;
  const oracleSavings = pct(baseline.figures.actual_cost_usd - oracleCost, baseline.figures.actual_cost_usd);
  const vsBaseline = pct(baseline.figures.actual_cost_usd - routed.figures.actual_cost_usd, baseline.figures.actual_cost_usd);
  results.push({
    seed, params, population,
    routed: routed.figures,
    baseline: baseline.figures,
    oracle: { cost_usd: oracleCost, savings_pct: oracleSavings, success_pct: oracleSuccess(common) },
    savings_vs_baseline_run_pct: vsBaseline,
    share_of_oracle_savings_pct: vsBaseline !== null && oracleSavings ? round(100 * vsBaseline / oracleSavings, 1) : null,
    success_gap_points: routed.figures.success_pct !== null && baseline.figures.success_pct !== null
      ? round(routed.figures.success_pct - baseline.figures.success_pct) : null,
  });
}

let degraded: Record<string, unknown> | null = null;
if (DEGRADED) {
  const seed = seeds[0] ?? 1;
  const url = await freshDatabase(baseUrl, TEMPLATE, "econ_degraded");
  const first = results[0];
  const params: PopulationParams = { ...(first?.params ?? { ...DEFAULT_PARAMS, agents: AGENTS }), cheapFailure: 0.2 };
  const agents = generatePopulation({ seed, params });
  const perAgent = whole("degraded-executions", values["degraded-executions"]);
  say(`degraded: every model below the top rung fails at least 20% of the time (seed ${seed}, ${agents.length} × ${perAgent})`);
  const run = await runPopulation({
    seed, agents, params, perAgent, minCalls: MIN_CALLS, maxCalls: MAX_CALLS, concurrency: CONCURRENCY, progress,
    routed: true, databaseUrl: url, label: `seed ${seed} degraded`,
  });
  const n = run.figures.routed_executions_before_trip;
  degraded = {
    seed, cheap_failure: 0.2, executions_per_agent: perAgent, figures: run.figures,
    tripped: run.figures.tripped, routed_executions_before_trip: n,
    within_100: run.figures.tripped && n !== null && n <= 100,
  };
}

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------
const cols = ["seed", "err", "under", "over", "savings", "vs base", "oracle", "% oracle", "routed", "baseline", "gap", "up/down", "trip"];
const rows = results.map((r) => [
  String(r.seed), String(r.params.scoreError), String(r.params.underShare), String(r.params.overShare),
  `${r.routed.savings_pct}%`, `${r.savings_vs_baseline_run_pct}%`, `${r.oracle.savings_pct}%`, `${r.share_of_oracle_savings_pct}%`,
  `${r.routed.success_pct}%`, `${r.baseline.success_pct}%`, String(r.success_gap_points),
  `${r.routed.moved_up_agents}/${r.routed.moved_down_agents}`, r.routed.tripped ? `yes (${r.routed.routed_executions_before_trip})` : "no",
]);
const widths = cols.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i].length)));
const fmt = (r: string[]) => r.map((c, i) => c.padStart(widths[i])).join("  ");
console.log(`\nEconomics: ${AGENTS} agents × ${PER_AGENT} executions (${MIN_CALLS}-${MAX_CALLS} calls), ${CONCURRENCY} at a time${values.fixed ? ", default parameters" : ", parameters drawn per seed"}${Object.keys(SHAPE).length ? `, overridden: ${JSON.stringify(SHAPE)}` : ""}`);
console.log("savings = routing_cost_savings_between (actual vs the same tokens at the baseline price); vs base = against the all-baseline run;");
console.log("oracle = each agent on the cheapest rung meeting its true need (baseline run's tokens); routed / baseline = success of each run");
console.log(fmt(cols));
for (const r of rows) console.log(fmt(r));
// Where the routed run's failures came from (the simulation's truth: rungs below the agent's need).
for (const r of results) {
  const parts = Object.entries(r.routed.by_rungs_below_need).map(([gap, g]) =>
    `${gap === "0" ? "at/above need" : gap === "none" ? "unanswered" : `${gap} below`} ${g.failed}/${g.executions}`);
  console.log(`seed ${r.seed} routed failures/executions: ${parts.join(", ")}; oracle success on the same draws ${r.oracle.success_pct}%`);
}
const mean = (f: (r: SeedResult) => number | null) => {
  const xs = results.map(f).filter((x): x is number => x !== null);
  return xs.length ? round(xs.reduce((s, x) => s + x, 0) / xs.length) : null;
};
const summary = {
  seeds: results.length,
  mean_savings_vs_baseline_run_pct: mean((r) => r.savings_vs_baseline_run_pct),
  mean_share_of_oracle_savings_pct: mean((r) => r.share_of_oracle_savings_pct),
  mean_routed_success_pct: mean((r) => r.routed.success_pct),
  mean_baseline_success_pct: mean((r) => r.baseline.success_pct),
  targets: {
    success_at_least_98: results.every((r) => (r.routed.success_pct ?? 0) >= 98),
    within_1_point_of_baseline: results.every((r) => (r.success_gap_points ?? -100) >= -1),
    savings_at_least_70: results.every((r) => (r.savings_vs_baseline_run_pct ?? 0) >= 70),
    at_least_90_pct_of_oracle: results.every((r) => (r.share_of_oracle_savings_pct ?? 0) >= 90),
    no_trip: results.every((r) => !r.routed.tripped),
    degraded_trip_within_100: degraded === null ? null : degraded.within_100,
  },
};
console.log(`mean: savings ${summary.mean_savings_vs_baseline_run_pct}% of the baseline run, ${summary.mean_share_of_oracle_savings_pct}% of the oracle's; ` +
  `success ${summary.mean_routed_success_pct}% routed vs ${summary.mean_baseline_success_pct}% baseline`);
if (degraded) {
  console.log(`degraded (cheap models fail ≥ 20%): ${degraded.tripped ? `tripped after ${degraded.routed_executions_before_trip} routed executions` : "NO TRIP"}` +
    ` — ${degraded.within_100 ? "within" : "NOT within"} 100`);
}
console.log(`targets: ${Object.entries(summary.targets).map(([k, v]) => `${k} ${v === null ? "n/a" : v ? "met" : "MISSED"}`).join(", ")}`);

const output = {
  options: { seeds, agents: AGENTS, executions_per_agent: PER_AGENT, min_calls: MIN_CALLS, max_calls: MAX_CALLS, concurrency: CONCURRENCY, fixed_params: values.fixed, shape_overrides: SHAPE },
  ladder: ladderSeen,
  wall_seconds: round((performance.now() - wallStart) / 1000, 1),
  seeds: results,
  degraded,
  summary,
};
await writeResult("economics", output, values.out);
say(`wrote ${values.out} in ${output.wall_seconds} s`);
