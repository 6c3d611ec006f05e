#!/usr/bin/env node
// `npm run report`: the plan's dashboard (§8.1) in the terminal, read from the report views only:
// routing_status, routing_model_distribution, routing_cost_savings, routing_success_rates,
// routing_cohort_comparison, routing_alerts. Money is rounded in SQL (numeric), never in floats.
//   npm run report -- --days 7
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { readEnvFile } from "./env-file.mjs";

const WIDTH = 80;
/** Terminal columns of a string: emoji take two, variation selectors none. */
const columns = (text) =>
  [...text].reduce((n, ch) => n + (ch === "\uFE0F" ? 0 : /\p{Extended_Pictographic}/u.test(ch) && ch > "\u2000" ? 2 : 1), 0);
/** One boxed line; text longer than the box is cut with an ellipsis rather than breaking the frame. */
const line = (text = "") => {
  const room = WIDTH - 4;
  let fitted = text;
  while (columns(fitted) > room) fitted = `${[...fitted].slice(0, -2).join("")}…`;
  return `│ ${fitted}${" ".repeat(Math.max(0, room - columns(fitted)))} │`;
};
const rule = (title) => (title ? `├─ ${title} ${"─".repeat(Math.max(0, WIDTH - 6 - title.length))}┤` : `├${"─".repeat(WIDTH - 2)}┤`);
const bar = (pct, width = 20) => {
  const filled = Math.round((Number(pct) / 100) * width);
  return "█".repeat(filled) + "░".repeat(width - filled);
};
const mark = (ok) => (ok ? "✅" : "⚠️");

/** Renders the report for the last `days` UTC days (today included). */
export async function renderReport(sql, { days = 1 } = {}) {
  // The views' `day` is the UTC date, whatever the session's time zone.
  const since = sql`(timezone('UTC', now()))::date - ${days - 1}::int`;
  const [status] = await sql`select * from public.routing_status`;
  const distribution = await sql`
    select model, provider, sum(calls)::int as calls, sum(executions)::int as executions,
           round(100.0 * sum(calls) / nullif(sum(sum(calls)) over (), 0), 1)::text as share_pct
    from public.routing_model_distribution where day >= ${since}
    group by model, provider order by sum(calls) desc`;
  const [cost] = await sql`
    select coalesce(sum(calls), 0)::int as calls, coalesce(sum(executions), 0)::int as executions,
           round(coalesce(sum(actual_cost_usd), 0), 4)::text as actual,
           round(coalesce(sum(baseline_cost_usd), 0), 4)::text as baseline,
           round(coalesce(sum(savings_usd), 0), 4)::text as savings,
           round(100 * sum(savings_usd) / nullif(sum(baseline_cost_usd), 0), 1)::text as savings_pct,
           round(sum(execution_cost_usd) / nullif(sum(executions), 0), 6)::text as per_execution
    from public.routing_cost_savings where day >= ${since}`;
  const success = await sql`
    select model, sum(executions)::int as executions, sum(succeeded)::int as succeeded,
           round(100.0 * sum(succeeded) / nullif(sum(executions), 0), 1)::text as rate
    from public.routing_success_rates where day >= ${since}
    group by model order by sum(executions) desc`;
  const cohorts = await sql`
    select cohort, sum(executions)::int as executions,
           round(100.0 * sum(succeeded) / nullif(sum(executions), 0), 1)::text as rate,
           round(sum(cost_usd) / nullif(sum(executions), 0), 6)::text as per_execution
    from public.routing_cohort_comparison where day >= ${since}
    group by cohort order by cohort`;
  const alerts = await sql`select alert, state, value::text, threshold::text, "window"::text from public.routing_alerts order by alert`;

  const out = [];
  out.push(`┌${"─".repeat(WIDTH - 2)}┐`);
  out.push(line("INTELLIGENT ROUTING DASHBOARD".padStart(52)));
  out.push(rule());
  const state = status.rollback_tripped_at
    ? "⛔ ROLLED BACK by an alert: baseline for all until an operator clears it"
    : status.force_model
      ? `🔒 FORCED to ${status.force_model}`
      : status.enabled ? `✅ ENABLED (${status.rollout_percentage}%)` : "⏸  DISABLED (baseline for all)";
  out.push(line(`ROUTING STATUS:  ${state}`));
  out.push(line(`LAST UPDATED:    ${new Date(status.updated_at).toISOString().replace("T", " ").slice(0, 19)} UTC by ${status.updated_by}`));
  if (status.rollback_reason) out.push(line(`TRIP REASON:     ${status.rollback_reason}`));
  out.push(line(`CIRCUITS:        ${Object.entries(status.breakers ?? {}).map(([p, s]) => `${p} ${s}`).join(", ")}`));
  out.push(rule(`MODEL DISTRIBUTION (last ${days} day${days === 1 ? "" : "s"}, share of calls)`));
  if (distribution.length === 0) out.push(line("no calls yet"));
  for (const row of distribution) {
    out.push(line(`${row.model.padEnd(16)} ${bar(row.share_pct)} ${row.share_pct.padStart(5)}%  (${row.calls} calls, ${row.executions} exec)`));
  }
  out.push(rule("COST SAVINGS (same tokens at the baseline model's price)"));
  out.push(line(`Without routing:  $${cost.baseline}  (baseline ${status.baseline_model})`));
  out.push(line(`With routing:     $${cost.actual}  (actual, ${cost.calls} calls)`));
  out.push(line(`Savings:          $${cost.savings} (${cost.savings_pct ?? "0.0"}%) ${mark(Number(cost.savings_pct) >= 70)}`));
  out.push(line(`Per execution:    $${cost.per_execution ?? "0"}  (${cost.executions} executions)`));
  out.push(rule(`SUCCESS RATES (executions reported, last ${days} day${days === 1 ? "" : "s"})`));
  let total = 0;
  let good = 0;
  for (const row of success) {
    total += row.executions;
    good += row.succeeded;
    out.push(line(`${`${row.model}:`.padEnd(18)}${row.rate.padStart(5)}% ${mark(Number(row.rate) >= 95)} (${row.succeeded}/${row.executions})`));
  }
  const overall = total === 0 ? "-" : ((1000 * good) / total / 10).toFixed(1);
  out.push(line(`${"Overall:".padEnd(18)}${overall.padStart(5)}% ${mark(total === 0 || good / total >= 0.98)} (${good}/${total})`));
  if (cohorts.length > 0) {
    out.push(rule("ROUTED vs CONTROL"));
    for (const row of cohorts) out.push(line(`${row.cohort.padEnd(10)} ${String(row.executions).padStart(6)} exec  ${row.rate}% success  $${row.per_execution}/exec`));
  }
  out.push(rule("ALERTS"));
  const firing = alerts.filter((a) => a.state === "firing");
  if (firing.length === 0) out.push(line(`none firing (${alerts.length} watched)`));
  for (const a of firing) out.push(line(`🔥 ${a.alert}: ${a.value} vs ${a.threshold} over ${a.window}`));
  out.push(`└${"─".repeat(WIDTH - 2)}┘`);
  return out.join("\n");
}

async function main() {
  const { values } = parseArgs({ options: { days: { type: "string", default: "1" } } });
  const days = Number(values.days);
  if (!Number.isInteger(days) || days < 1) throw new Error(`--days must be a whole number >= 1, got "${values.days}"`);
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  const url = process.env.DATABASE_URL ?? readEnvFile(join(root, ".env.local")).DATABASE_URL;
  if (!url) throw new Error("No DATABASE_URL: run `npm run db:start` (or the demo) first.");
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    console.log(await renderReport(sql, { days }));
  } finally {
    await sql.end();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    process.stderr.write(`[report] ${err.message}\n`);
    process.exit(1);
  });
}
