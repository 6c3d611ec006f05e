// The dashboard's database side. Connects with SUPABASE_DB_URL as a trusted caller (the HTTP
// layer has already checked that the caller is the service role or a routing admin).
// Figures come from the report views of ROUTING-SPEC §7; sums over the chosen days are done in
// SQL. Money and percentages leave the database as text (exact numerics, never floats), counts
// as integers, days as 'YYYY-MM-DD', times as 'YYYY-MM-DD HH24:MI:SS UTC'.
import { runQuery as run, sqlFor as poolFor } from "../_shared/db/pool.ts";
import type { ControlCommand } from "./control.ts";

const sqlFor = (url: string | null) => poolFor(url, "routing-dashboard", 3);

type Row = Record<string, unknown>;

export interface Summary {
  generated_at: string;
  days: number;
  since: string;
  status: Row | null;
  distribution: Row[];
  cost: { days: Row[]; totals: Row };
  success_by_model: Row[];
  success_overall: Row;
  cohorts: Row[];
  cohort_days: Row[];
  alerts: Row[];
  recent_changes: Row[];
  models: Row[];
}

/** Everything the page shows, for the last `days` UTC days (today included). */
export function readSummary(url: string | null, days: number): Promise<Summary> {
  const sql = sqlFor(url);
  return run(() =>
    sql.begin("isolation level repeatable read read only", async (tx) => {
      const [{ since, generated_at }] = await tx`
        select ((timezone('UTC', now()))::date - ${days - 1}::int)::text as since,
               to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as generated_at`;

      const [status] = await tx`
        select s.enabled, s.rollout_percentage, s.force_model, c.force_provider,
               to_char(s.rollback_tripped_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"') as rollback_tripped_at, s.rollback_reason,
               to_char(c.rollback_cleared_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"') as rollback_cleared_at, c.auto_rollback_enabled,
               s.routing_active, s.baseline_model, to_char(s.updated_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"') as updated_at, s.updated_by, s.breakers
        from public.routing_status s cross join routing.config c
        where c.id`;

      const distribution = await tx`
        select model, provider,
               sum(calls)::int as calls, sum(fallback_calls)::int as fallback_calls, sum(executions)::int as executions,
               round(100.0 * sum(calls) / nullif(sum(sum(calls)) over (), 0), 2)::text as share_pct,
               round(100.0 * sum(executions) / nullif(sum(sum(executions)) over (), 0), 2)::text as execution_share_pct
        from public.routing_model_distribution
        where day >= ${since}::date
        group by model, provider
        order by sum(calls) desc, sum(executions) desc, model`;

      const costDays = await tx`
        select day::text as day, calls::int as calls, executions::int as executions,
               actual_cost_usd::text as actual_cost_usd, baseline_cost_usd::text as baseline_cost_usd,
               savings_usd::text as savings_usd, savings_pct::text as savings_pct,
               cost_per_execution_usd::text as cost_per_execution_usd
        from public.routing_cost_savings
        where day >= ${since}::date
        order by day`;

      const [costTotals] = await tx`
        select coalesce(sum(calls), 0)::int as calls, coalesce(sum(executions), 0)::int as executions,
               trim_scale(coalesce(sum(actual_cost_usd), 0))::text as actual_cost_usd,
               trim_scale(coalesce(sum(baseline_cost_usd), 0))::text as baseline_cost_usd,
               trim_scale(coalesce(sum(baseline_cost_usd), 0) - coalesce(sum(actual_cost_usd), 0))::text as savings_usd,
               round(100 * (sum(baseline_cost_usd) - sum(actual_cost_usd)) / nullif(sum(baseline_cost_usd), 0), 2)::text as savings_pct,
               trim_scale(round(sum(execution_cost_usd) / nullif(sum(executions), 0), 10))::text as cost_per_execution_usd
        from public.routing_cost_savings
        where day >= ${since}::date`;

      const successByModel = await tx`
        select model, provider, sum(executions)::int as executions, sum(succeeded)::int as succeeded, sum(failed)::int as failed,
               round(100.0 * sum(succeeded) / nullif(sum(executions), 0), 2)::text as success_rate
        from public.routing_success_rates
        where day >= ${since}::date
        group by model, provider
        order by sum(executions) desc, model`;

      const [successOverall] = await tx`
        select coalesce(sum(executions), 0)::int as executions, coalesce(sum(succeeded), 0)::int as succeeded,
               coalesce(sum(failed), 0)::int as failed,
               round(100.0 * sum(succeeded) / nullif(sum(executions), 0), 2)::text as success_rate
        from public.routing_success_rates
        where day >= ${since}::date`;

      const cohorts = await tx`
        select cohort, sum(executions)::int as executions, sum(succeeded)::int as succeeded,
               round(100.0 * sum(succeeded) / nullif(sum(executions), 0), 2)::text as success_rate,
               sum(calls)::int as calls,
               trim_scale(sum(cost_usd))::text as cost_usd,
               trim_scale(sum(baseline_cost_usd))::text as baseline_cost_usd,
               trim_scale(round(sum(cost_usd) / nullif(sum(executions), 0), 10))::text as cost_per_execution_usd,
               trim_scale(round(sum(baseline_cost_usd) / nullif(sum(executions), 0), 10))::text as baseline_cost_per_execution_usd
        from public.routing_cohort_comparison
        where day >= ${since}::date
        group by cohort
        order by case cohort when 'routed' then 0 when 'control' then 1 when 'disabled' then 2 else 3 end`;

      // Latency percentiles cannot be combined across days: they are shown per day.
      const cohortDays = await tx`
        select day::text as day, cohort, executions::int as executions, success_rate::text as success_rate,
               cost_per_execution_usd::text as cost_per_execution_usd,
               p50_latency_ms, p95_latency_ms
        from public.routing_cohort_comparison
        where day >= ${since}::date
        order by day desc, case cohort when 'routed' then 0 when 'control' then 1 when 'disabled' then 2 else 3 end`;

      const alerts = await tx`
        select alert, state, trim_scale(value)::text as value, trim_scale(threshold)::text as threshold,
               "window"::text as "window", to_char(since at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"') as since, comparator, sample::int as sample, min_sample,
               action, message, to_char(evaluated_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"') as evaluated_at
        from public.routing_alerts
        order by case state when 'firing' then 0 else 1 end,
                 case rule when 'auto_rollback' then 0 when 'routed_success_rate' then 1 when 'provider_error_rate' then 2 else 3 end, alert`;

      const recentChanges = await tx`
        select to_char(changed_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"') as changed_at, changed_by, old_values, new_values
        from routing.config_changes
        order by id desc
        limit 8`;

      const models = await tx`select model, provider from routing.models where active order by provider, model`;

      return {
        generated_at,
        days,
        since,
        status: status ?? null,
        distribution,
        cost: { days: costDays, totals: costTotals },
        success_by_model: successByModel,
        success_overall: successOverall,
        cohorts,
        cohort_days: cohortDays,
        alerts,
        recent_changes: recentChanges,
        models,
      } as Summary;
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
