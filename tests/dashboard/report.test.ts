// `npm run report` against the real database: every figure it prints over the period is the one
// the SQL range functions return for that period (the report computes nothing), the overall
// success row included, with the seeded known figures in the range.
import { ok } from "node:assert/strict";
import postgres from "postgres";
import { renderReport } from "../../scripts/report.mjs";
import { databaseUrl, e2e } from "../function/harness.ts";
import { EXPECTED, PREFERRED_MODEL, removeSeed, seedKnownFigures } from "./seed.ts";

function has(report: string, text: string): void {
  ok(report.includes(text), `the report shows "${text}":\n${report}`);
}

Deno.test("the terminal report prints the range functions' figures for its period", e2e, async () => {
  const sql = postgres(await databaseUrl(), { max: 1, onnotice: () => {} });
  try {
    await seedKnownFigures(sql);
    const report = await renderReport(sql, { days: 7 });
    const [{ from_day, to_day }] = await sql`
      select ((timezone('UTC', now()))::date - 6)::text as from_day, (timezone('UTC', now()))::date::text as to_day`;

    const [cost] = await sql`
      select calls::int, executions::int, round(baseline_cost_usd, 4)::text as baseline, round(actual_cost_usd, 4)::text as actual,
             round(savings_usd, 4)::text as savings, savings_pct::text, cost_per_execution_usd::text
      from public.routing_cost_savings_between(${from_day}::date, ${to_day}::date)`;
    ok(cost.calls >= EXPECTED.calls && cost.executions >= EXPECTED.executions, "the seeded calls are in the period");
    const [{ baseline_model: baseline }] = await sql`select baseline_model from routing.config`;
    has(report, `Without routing:  $${cost.baseline}  (baseline ${baseline})`);
    has(report, `With routing:     $${cost.actual}  (actual, ${cost.calls} calls)`);
    has(report, `Savings:          $${cost.savings} (${cost.savings_pct}%)`);
    has(report, `Per execution:    $${cost.cost_per_execution_usd}  (${cost.executions} executions)`);

    const distribution = await sql`
      select model, calls::int, executions::int, share_pct::text from public.routing_model_distribution_between(${from_day}::date, ${to_day}::date)`;
    ok(distribution.some((r) => r.model === PREFERRED_MODEL), `the seeded ${PREFERRED_MODEL} calls are in the period`);
    for (const r of distribution) has(report, `${r.share_pct}%  (${r.calls} calls, ${r.executions} exec)`);

    const success = await sql`
      select model, executions::int, succeeded::int, success_rate::text from public.routing_success_rates_between(${from_day}::date, ${to_day}::date)`;
    const overall = success.find((r) => r.model === null);
    ok(overall, "the range has its overall row");
    for (const r of success) has(report, `${`${r.model ?? "Overall"}:`.padEnd(18)}${`${r.success_rate}%`.padStart(7)}`);
    for (const r of success) has(report, `(${r.succeeded}/${r.executions})`);

    const cohorts = await sql`
      select cohort, success_rate::text, cost_per_execution_usd::text from public.routing_cohort_comparison_between(${from_day}::date, ${to_day}::date)`;
    ok(cohorts.some((r) => r.cohort === "control"), "the seeded control cohort is in the period");
    for (const r of cohorts) has(report, `${r.success_rate}% success  $${r.cost_per_execution_usd}/exec`);
  } finally {
    await removeSeed(sql);
    await sql.end();
  }
});
