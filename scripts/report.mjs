#!/usr/bin/env node
// `npm run report`: the plan's dashboard (§8.1) in the terminal. Every figure comes from SQL: the
// range functions public.routing_model_distribution_between, routing_cost_savings_between,
// routing_success_rates_between, routing_cohort_comparison_between and
// routing_learning_moves_between (the same ones the dashboard reads, so both show the same
// numbers), plus routing_status, routing_alerts and the learning's decisions by reason. This
// script computes nothing; it only lays the figures out (money shown to 4 decimals, rounded in
// SQL as numeric, never in floats).
//   npm run report -- --days 7
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { envFilePath, readEnvFile } from "./env-file.mjs";

const WIDTH = 80;
/**
 * Terminal columns of a string: emoji take two, variation selectors none.
 * @param {string} text
 */
const columns = (text) =>
  [...text].reduce((n, ch) => n + (ch === "\uFE0F" ? 0 : /\p{Extended_Pictographic}/u.test(ch) && ch > "\u2000" ? 2 : 1), 0);
/**
 * One boxed line; text longer than the box is cut with an ellipsis rather than breaking the frame.
 * @param {string} [text]
 */
const line = (text = "") => {
  const room = WIDTH - 4;
  let fitted = text;
  while (columns(fitted) > room) fitted = `${[...fitted].slice(0, -2).join("")}…`;
  return `│ ${fitted}${" ".repeat(Math.max(0, room - columns(fitted)))} │`;
};
/** @param {string} [title] */
const rule = (title) => (title ? `├─ ${title} ${"─".repeat(Math.max(0, WIDTH - 6 - title.length))}┤` : `├${"─".repeat(WIDTH - 2)}┤`);
/**
 * A bar for a percentage the database computed (its length is drawing, not a figure).
 * @param {string | null} pct
 * @param {number} [width]
 */
const bar = (pct, width = 20) => {
  const filled = Math.min(width, Math.max(0, Math.round((Number(pct ?? 0) / 100) * width)));
  return "█".repeat(filled) + "░".repeat(width - filled);
};
/** @param {boolean} ok */
const mark = (ok) => (ok ? "✅" : "⚠️");
/** @param {string | null} value a percentage from SQL, or null (no sample) */
const pct = (value) => (value === null ? "n/a" : `${value}%`);
/** @param {string | null} value USD from SQL, or null (nothing to divide by) */
const usd = (value) => (value === null ? "n/a" : `$${value}`);

/**
 * Renders the report for the last `days` UTC days (today included).
 * @param {import("postgres").Sql} sql
 * @param {{ days?: number }} [options]
 * @returns {Promise<string>}
 */
export async function renderReport(sql, { days = 1 } = {}) {
  // The views' and range functions' days are UTC dates, whatever the session's time zone.
  const [{ from_day: fromDay, to_day: toDay }] = await sql`
    select ((timezone('UTC', now()))::date - ${days - 1}::int)::text as from_day, (timezone('UTC', now()))::date::text as to_day`;
  const [status] = await sql`select * from public.routing_status`;
  const distribution = await sql`
    select model, calls::int as calls, executions::int as executions, share_pct::text as share_pct
    from public.routing_model_distribution_between(${fromDay}::date, ${toDay}::date)`;
  const [cost] = await sql`
    select calls::int as calls, executions::int as executions,
           round(actual_cost_usd, 4)::text as actual, round(baseline_cost_usd, 4)::text as baseline,
           round(savings_usd, 4)::text as savings, savings_pct::text as savings_pct,
           cost_per_execution_usd::text as per_execution
    from public.routing_cost_savings_between(${fromDay}::date, ${toDay}::date)`;
  // Per model, then the overall row (model null) last.
  const success = await sql`
    select model, executions::int as executions, succeeded::int as succeeded, success_rate::text as rate
    from public.routing_success_rates_between(${fromDay}::date, ${toDay}::date)`;
  const cohorts = await sql`
    select cohort, executions::int as executions, success_rate::text as rate, cost_per_execution_usd::text as per_execution
    from public.routing_cohort_comparison_between(${fromDay}::date, ${toDay}::date)`;
  const alerts = await sql`select alert, state, value::text, threshold::text, "window"::text from public.routing_alerts order by alert`;
  // Spec §10: the learned moves (public.routing_learning_moves_between), and the decisions the
  // learning made, counted by reason in routing.decisions (no range function counts reasons yet).
  const [learning] = await sql`
    select agents_moved_up::int as up, agents_moved_down::int as down, moves_up::int as moves_up, moves_down::int as moves_down
    from public.routing_learning_moves_between(${fromDay}::date, ${toDay}::date)`;
  const learnedReasons = await sql`
    select d.reason, count(*)::int as executions
    from routing.decisions d
    where d.reason in ('learned_tier', 'explore_cheaper')
      and d.created_at >= (${fromDay}::date::timestamp at time zone 'UTC') and d.created_at < ((${toDay}::date + 1)::timestamp at time zone 'UTC')
    group by d.reason order by d.reason`;

  const period = `last ${days} day${days === 1 ? "" : "s"}`;
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
  out.push(rule(`MODEL DISTRIBUTION (${period}, share of calls)`));
  if (distribution.length === 0) out.push(line("no calls yet"));
  for (const row of distribution) {
    out.push(line(`${row.model.padEnd(16)} ${bar(row.share_pct)} ${pct(row.share_pct).padStart(7)}  (${row.calls} calls, ${row.executions} exec)`));
  }
  out.push(rule("COST SAVINGS (same tokens at the baseline model's price)"));
  out.push(line(`Without routing:  ${usd(cost.baseline)}  (baseline ${status.baseline_model})`));
  out.push(line(`With routing:     ${usd(cost.actual)}  (actual, ${cost.calls} calls)`));
  out.push(line(`Savings:          ${usd(cost.savings)} (${pct(cost.savings_pct)}) ${mark(Number(cost.savings_pct) >= 70)}`));
  out.push(line(`Per execution:    ${usd(cost.per_execution)}  (${cost.executions} executions)`));
  out.push(rule(`SUCCESS RATES (executions reported, ${period})`));
  for (const row of success) {
    const label = row.model === null ? "Overall:" : `${row.model}:`;
    // The overall row is held to the rollback bar (98%), a model to 95%; no executions is no alarm.
    const ok = row.rate === null || Number(row.rate) >= (row.model === null ? 98 : 95);
    out.push(line(`${label.padEnd(18)}${pct(row.rate).padStart(7)} ${mark(ok)} (${row.succeeded}/${row.executions})`));
  }
  if (cohorts.length > 0) {
    out.push(rule("ROUTED vs CONTROL"));
    for (const row of cohorts) {
      out.push(line(`${row.cohort.padEnd(10)} ${String(row.executions).padStart(6)} exec  ${pct(row.rate)} success  ${usd(row.per_execution)}/exec`));
    }
  }
  out.push(rule(`LEARNING (agents' own outcomes, ${period})`));
  out.push(line(`Moved up:   ${learning.up} agents (${learning.moves_up} moves)   Moved down: ${learning.down} agents (${learning.moves_down} moves)`));
  const byReason = Object.fromEntries(learnedReasons.map((r) => [r.reason, r.executions]));
  out.push(line(`Decisions:  ${byReason.learned_tier ?? 0} on a learned tier, ${byReason.explore_cheaper ?? 0} exploring the cheaper rung`));
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
  const url = process.env.DATABASE_URL ?? readEnvFile(envFilePath(root)).DATABASE_URL;
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
    process.stderr.write(`[report] ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
