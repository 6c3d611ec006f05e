-- =============================================================================
-- Routed vs control over a range of UTC days, with true percentiles
-- =============================================================================
-- public.routing_cohort_comparison has one row per day and cohort; medians of
-- different days cannot be combined, so this query recomputes p50 / p95 over
-- the whole range. Same definitions as the view: executions reported in the
-- range (joined to their decision), all their calls, exact numeric USD.
-- Runs with the caller's rights (RLS: a user sees their own agents).
--   psql "$DATABASE_URL" -v from_day=2026-11-01 -v to_day=2026-11-30 -f sql/reports/cohort_comparison_range.sql
select o.cohort,
       o.executions,
       o.succeeded,
       o.success_rate,
       k.calls,
       trim_scale(k.cost_usd) as cost_usd,
       trim_scale(round(k.cost_usd / o.executions, 10)) as cost_per_execution_usd,
       trim_scale(round(k.baseline_cost_usd / o.executions, 10)) as baseline_cost_per_execution_usd,
       k.p50_latency_ms,
       k.p95_latency_ms,
       o.p50_duration_ms,
       o.p95_duration_ms
from (
  select d.cohort, count(*) as executions, count(*) filter (where e.succeeded) as succeeded,
         round(100.0 * count(*) filter (where e.succeeded) / count(*), 2) as success_rate,
         percentile_disc(0.5) within group (order by e.duration_ms) as p50_duration_ms,
         percentile_disc(0.95) within group (order by e.duration_ms) as p95_duration_ms
  from routing.executions e
  join routing.decisions d on d.id = e.decision_id
  where (timezone('UTC', e.recorded_at))::date between :'from_day'::date and :'to_day'::date
  group by d.cohort
) o
join (
  select d.cohort, count(c.id) as calls,
         coalesce(sum(c.cost_usd), 0) as cost_usd, coalesce(sum(c.baseline_cost_usd), 0) as baseline_cost_usd,
         percentile_disc(0.5) within group (order by c.latency_ms) as p50_latency_ms,
         percentile_disc(0.95) within group (order by c.latency_ms) as p95_latency_ms
  from routing.executions e
  join routing.decisions d on d.id = e.decision_id
  left join routing.calls c on c.decision_id = e.decision_id
  where (timezone('UTC', e.recorded_at))::date between :'from_day'::date and :'to_day'::date
  group by d.cohort
) k on k.cohort = o.cohort
order by case o.cohort when 'routed' then 0 when 'control' then 1 when 'disabled' then 2 else 3 end;
