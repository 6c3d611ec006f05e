// The dashboard's database side. Connects with SUPABASE_DB_URL as a trusted caller (the HTTP
// layer has already checked that the caller is the service role or a routing admin).
// Every figure over the chosen days comes from the SQL range functions of ROUTING-SPEC §7
// (public.routing_*_between, the one definition of each rollup, shared with `npm run report`);
// the per-day chart and tables read the per-day views. This module computes nothing: it picks
// columns and types them for JSON. Money and percentages leave the database as text (exact
// numerics, never floats), counts as integers, days as 'YYYY-MM-DD', times as
// 'YYYY-MM-DD HH24:MI:SS UTC'.
import { runQuery as run, sqlFor as poolFor } from "../_shared/db/pool.ts";
import type { ControlCommand } from "./control.ts";
import type {
  AlertRow,
  CatalogModel,
  CohortDay,
  CohortRow,
  ConfigChange,
  CostDay,
  CostTotals,
  DistributionRow,
  RoutingStatus,
  SuccessOverall,
  SuccessRow,
  Summary,
} from "./summary.ts";

export type { Summary } from "./summary.ts";

const sqlFor = (url: string | null) => poolFor(url, "routing-dashboard", 3);

/** The overall row of routing_success_rates_between: model and provider null. */
type SuccessRangeRow = Omit<SuccessRow, "model" | "provider"> & { model: string | null; provider: string | null };

/** Everything the page shows, for the last `days` UTC days (today included). */
export function readSummary(url: string | null, days: number): Promise<Summary> {
  const sql = sqlFor(url);
  return run(() =>
    sql.begin("isolation level repeatable read read only", async (tx): Promise<Summary> => {
      const [{ since, today, generated_at }] = await tx<{ since: string; today: string; generated_at: string }[]>`
        select ((timezone('UTC', now()))::date - ${days - 1}::int)::text as since,
               (timezone('UTC', now()))::date::text as today,
               to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as generated_at`;

      const [status] = await tx<RoutingStatus[]>`
        select s.enabled, s.rollout_percentage, s.force_model, c.force_provider,
               to_char(s.rollback_tripped_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"') as rollback_tripped_at, s.rollback_reason,
               to_char(c.rollback_cleared_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"') as rollback_cleared_at, c.auto_rollback_enabled,
               s.routing_active, s.baseline_model, to_char(s.updated_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"') as updated_at, s.updated_by, s.breakers
        from public.routing_status s cross join routing.config c
        where c.id`;

      const distribution = await tx<DistributionRow[]>`
        select model, provider, calls::int as calls, fallback_calls::int as fallback_calls, executions::int as executions,
               share_pct::text as share_pct, execution_share_pct::text as execution_share_pct
        from public.routing_model_distribution_between(${since}::date, ${today}::date)`;

      const costDays = await tx<CostDay[]>`
        select day::text as day, calls::int as calls, executions::int as executions,
               actual_cost_usd::text as actual_cost_usd, baseline_cost_usd::text as baseline_cost_usd,
               savings_usd::text as savings_usd, savings_pct::text as savings_pct,
               cost_per_execution_usd::text as cost_per_execution_usd
        from public.routing_cost_savings
        where day between ${since}::date and ${today}::date
        order by day`;

      const [costTotals] = await tx<CostTotals[]>`
        select calls::int as calls, executions::int as executions,
               actual_cost_usd::text as actual_cost_usd, baseline_cost_usd::text as baseline_cost_usd,
               savings_usd::text as savings_usd, savings_pct::text as savings_pct,
               cost_per_execution_usd::text as cost_per_execution_usd
        from public.routing_cost_savings_between(${since}::date, ${today}::date)`;

      // Per model, then the overall row (model null) last.
      const success = await tx<SuccessRangeRow[]>`
        select model, provider, executions::int as executions, succeeded::int as succeeded, failed::int as failed,
               success_rate::text as success_rate
        from public.routing_success_rates_between(${since}::date, ${today}::date)`;
      const successByModel = success.filter((r): r is SuccessRow => r.model !== null && r.provider !== null);
      const overall = success.find((r) => r.model === null);
      const successOverall: SuccessOverall = overall
        ? { executions: overall.executions, succeeded: overall.succeeded, failed: overall.failed, success_rate: overall.success_rate }
        : { executions: 0, succeeded: 0, failed: 0, success_rate: null };

      const cohorts = await tx<CohortRow[]>`
        select cohort, executions::int as executions, succeeded::int as succeeded, success_rate::text as success_rate,
               calls::int as calls, cost_usd::text as cost_usd, baseline_cost_usd::text as baseline_cost_usd,
               cost_per_execution_usd::text as cost_per_execution_usd,
               baseline_cost_per_execution_usd::text as baseline_cost_per_execution_usd,
               p50_latency_ms, p95_latency_ms, p50_duration_ms, p95_duration_ms
        from public.routing_cohort_comparison_between(${since}::date, ${today}::date)`;

      // Latency percentiles of single days, for the per-day table.
      const cohortDays = await tx<CohortDay[]>`
        select day::text as day, cohort, executions::int as executions, success_rate::text as success_rate,
               cost_per_execution_usd::text as cost_per_execution_usd,
               p50_latency_ms, p95_latency_ms
        from public.routing_cohort_comparison
        where day between ${since}::date and ${today}::date
        order by day desc, case cohort when 'routed' then 0 when 'control' then 1 when 'disabled' then 2 else 3 end`;

      const alerts = await tx<AlertRow[]>`
        select alert, state, trim_scale(value)::text as value, trim_scale(threshold)::text as threshold,
               "window"::text as "window", to_char(since at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"') as since, comparator, sample::int as sample, min_sample,
               action, message, to_char(evaluated_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"') as evaluated_at
        from public.routing_alerts
        order by case state when 'firing' then 0 else 1 end,
                 case rule when 'auto_rollback' then 0 when 'routed_success_rate' then 1 when 'provider_error_rate' then 2 else 3 end, alert`;

      const recentChanges = await tx<ConfigChange[]>`
        select to_char(changed_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"') as changed_at, changed_by, old_values, new_values
        from routing.config_changes
        order by id desc
        limit 8`;

      const models = await tx<CatalogModel[]>`select model, provider from routing.models where active order by provider, model`;

      return {
        generated_at,
        days,
        since,
        status: status ?? null,
        distribution: [...distribution],
        cost: { days: [...costDays], totals: costTotals },
        success_by_model: successByModel,
        success_overall: successOverall,
        cohorts: [...cohorts],
        cohort_days: [...cohortDays],
        alerts: [...alerts],
        recent_changes: [...recentChanges],
        models: [...models],
      };
    })
  );
}

/**
 * Runs one operator function in one transaction, with request.jwt.claims set to the caller's
 * claims first, so that routing._actor() writes who did it into routing.config_changes.
 */
export function runControl(url: string | null, claims: Record<string, unknown>, command: ControlCommand): Promise<unknown> {
  const sql = sqlFor(url);
  return run(() =>
    sql.begin(async (tx) => {
      await tx`select set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`;
      let rows;
      switch (command.action) {
        case "set_enabled":
          rows = await tx`select public.set_routing_enabled(${command.enabled}::boolean) as result`;
          break;
        case "set_rollout":
          rows = await tx`select public.set_rollout_percentage(${command.percentage}::integer) as result`;
          break;
        case "clear_rollback":
          rows = await tx`select public.clear_routing_rollback(${command.note}::text) as result`;
          break;
        case "set_agent_preference":
          rows = await tx`select public.set_agent_model_preference(${command.agentId}::uuid, ${command.preference}::text) as result`;
          break;
        case "evaluate_alerts":
          rows = await tx`select coalesce(jsonb_agg(to_jsonb(a)), '[]'::jsonb) as result from public.evaluate_routing_alerts() a`;
          break;
      }
      return rows[0].result;
    })
  );
}
