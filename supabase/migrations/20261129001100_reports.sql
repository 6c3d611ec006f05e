-- =============================================================================
-- Report views and their ranges: distribution, success, cost and savings, cohorts (ROUTING-SPEC §7)
-- =============================================================================
-- Views in `public` over the audit trail of `routing`, one row per UTC day, and
-- a range function per view, `<view>_between(from_day, to_day)` (UTC days,
-- inclusive): the one SQL source of every multi-day figure (the dashboard, the
-- terminal report). A one-day range equals that day's view row. Views
-- (`security_invoker`) and range functions (`security invoker`) run with the
-- caller's rights, so the RLS of routing.decisions / calls / executions holds
-- (a user sees the figures of their own agents, the service role all of them);
-- `anon` may use none of them.
--
-- Vocabulary, the same in every view:
--   day         the UTC date (timezone('UTC', ts)::date) of the row's own time:
--               a call's created_at, an execution's recorded_at. Filter with
--               `where day = '2026-11-29'` or `where day >= current_date - 7`;
--               the filter reaches the indexes below (routing.calls and
--               routing.executions are indexed on that expression).
--   call        one routing.calls row (one route-completion request).
--   execution   one routing.executions row (a reported outcome) JOINED to its
--               routing.decisions row: model, provider, tier and cohort are the
--               decision's. An outcome without a decision (never routed) is not
--               counted; a decision without an execution_id (a lone call) counts
--               its calls only.
--   model       the model the decision chose (before any fallback inside the
--               call; fallback_calls counts the calls that ended elsewhere).
--   money       exact numeric USD, never float: a call's cost_usd is its tokens
--               at the catalog price in force when it was made; its
--               baseline_cost_usd the same tokens at the baseline model's price.
--   percentages numeric, rounded to 2 decimals.

-- -----------------------------------------------------------------------------
-- Day indexes: `where day = ...` on a view becomes an index range scan
-- -----------------------------------------------------------------------------
create index calls_utc_day_idx on routing.calls (((timezone('UTC', created_at))::date));
comment on index routing.calls_utc_day_idx is 'The UTC day of a call: what the report views filter on.';
create index executions_utc_day_idx on routing.executions (((timezone('UTC', recorded_at))::date));
comment on index routing.executions_utc_day_idx is 'The UTC day of an execution outcome: what the report views filter on.';

-- -----------------------------------------------------------------------------
-- Per-day rollups of closed days: what keeps the views flat as history grows
-- -----------------------------------------------------------------------------
-- routing.report_rollups holds, per closed UTC day x owner x the decision's model,
-- provider, tier and cohort, the sums the distribution, success and cost views
-- are made of (each view row is a sum of these). routing.report_rollup_state
-- says how far they reach: every day <= rolled_through is in the rollups, every
-- later day (at least today) is computed live from the audit tables. So the
-- figures are the same whether or not the rollups are fresh; a stale rollup only
-- makes a report read more live rows. Nothing is written per call: the rollups
-- are rebuilt off the hot path by routing._refresh_report_rollups, scheduled every
-- 5 minutes by pg_cron where the extension exists (elsewhere: run it from any
-- scheduler; the views stay correct without it).
-- Late rows: each refresh rebuilds the last `days` closed days (default 2) as
-- well as every day after the old rolled_through, so an outcome linked to its
-- decision after midnight, or a call of an execution reported the day before,
-- is counted once the next refresh runs. Rows written with a time older than
-- that (an import, a backfill) need routing._refresh_report_rollups(N) with N
-- reaching back to them.
-- Ownership: call rows are keyed by routing.calls.user_id, outcome rows by
-- routing.executions.user_id (the decision's owner, as route_model and the
-- recorders write them), and the RLS policy below shows a user their own rows,
-- as the policies of the audit tables do.
-- The projection's and the threshold advice's sums (routing.projection_rollups,
-- routing.advice_rollups) are rebuilt by the same refresh, under the same watermark. Percentiles (the cohort comparison) cannot be summed: that report stays live.
create table routing.report_rollups (
  day date not null,
  user_id uuid not null,
  model text not null,
  provider text not null,
  tier text,
  cohort text not null,
  calls bigint not null,
  fallback_calls bigint not null,
  cost_usd numeric not null,
  baseline_cost_usd numeric not null,
  executions bigint not null,
  succeeded bigint not null,
  execution_cost_usd numeric not null,
  constraint report_rollups_key unique nulls not distinct (day, user_id, model, provider, tier, cohort)
);
comment on table routing.report_rollups is
  'Per closed UTC day, owner and decision (model, provider, tier, cohort): the calls made that day (count, fallbacks, cost, '
  'baseline cost) and the outcomes reported that day (count, successes, cost of all their calls). Rebuilt by '
  'routing._refresh_report_rollups; read by the report views for the days up to routing.report_rollup_state.rolled_through.';
comment on column routing.report_rollups.day is 'UTC day of the calls (created_at) and of the outcomes (recorded_at) summed here.';
comment on column routing.report_rollups.user_id is 'Owner: routing.calls.user_id for the call sums, routing.executions.user_id for the outcome sums.';
comment on column routing.report_rollups.tier is 'The decision''s tier; null without a score.';
comment on column routing.report_rollups.calls is 'Calls made that day under such decisions.';
comment on column routing.report_rollups.fallback_calls is 'Of those calls, the ones with fallback_used.';
comment on column routing.report_rollups.cost_usd is 'Sum of those calls'' cost_usd.';
comment on column routing.report_rollups.baseline_cost_usd is 'Sum of those calls'' baseline_cost_usd.';
comment on column routing.report_rollups.executions is 'Outcomes reported that day whose decision is such a decision.';
comment on column routing.report_rollups.succeeded is 'Of those outcomes, the succeeded ones.';
comment on column routing.report_rollups.execution_cost_usd is 'Cost of every call of those outcomes'' decisions, whenever the calls were made.';

create table routing.report_rollup_state (
  id boolean primary key default true check (id),
  rolled_through date,
  refreshed_at timestamptz
);
comment on table routing.report_rollup_state is
  'One row: rolled_through = the last UTC day in routing.report_rollups (every earlier day is there too; null: none yet, '
  'every report is live); refreshed_at = when routing._refresh_report_rollups last ran.';
insert into routing.report_rollup_state (id) values (true);

-- The first day a report computes live: the day after the rollups (every day when there are none).
create function routing._first_live_day()
returns date
language sql stable
set search_path = ''
as $$
  select coalesce((select s.rolled_through + 1 from routing.report_rollup_state s), '-infinity'::date)
$$;
comment on function routing._first_live_day() is
  'The first UTC day the report views compute from the audit tables: the day after routing.report_rollup_state.rolled_through, '
  '-infinity without rollups. Stable, so an index scan on the day expression can use it as a bound.';

create function routing._refresh_report_rollups(days integer default 2)
returns integer
language plpgsql volatile
security definer  -- rebuilds routing.report_rollups, which API roles cannot write; reads every owner's rows
set search_path = ''
as $$
declare
  through date := (timezone('UTC', now()))::date - 1;  -- the last closed day
  watermark date;
  from_day date;
begin
  perform routing._require_operator('_refresh_report_rollups');
  if days is null or days < 0 then
    raise exception 'days must be >= 0' using errcode = '22023';
  end if;
  -- One refresh at a time (cron and a manual run); the row lock orders them.
  select s.rolled_through into watermark from routing.report_rollup_state s where s.id for update;
  if watermark is null then
    -- First run: from the first day with a call or an outcome (the day indexes answer both).
    select least((select min((timezone('UTC', c.created_at))::date) from routing.calls c),
                 (select min((timezone('UTC', e.recorded_at))::date) from routing.executions e))
      into from_day;
  else
    from_day := least(watermark + 1, through - days + 1);
  end if;
  if from_day is null or from_day > through then
    update routing.report_rollup_state s set rolled_through = coalesce(s.rolled_through, through), refreshed_at = now() where s.id;
    return 0;
  end if;

  delete from routing.report_rollups r where r.day between from_day and through;
  insert into routing.report_rollups (day, user_id, model, provider, tier, cohort, calls, fallback_calls, cost_usd,
                                      baseline_cost_usd, executions, succeeded, execution_cost_usd)
  select x.day, x.user_id, x.model, x.provider, x.tier, x.cohort,
         sum(x.calls), sum(x.fallback_calls), sum(x.cost_usd), sum(x.baseline_cost_usd),
         sum(x.executions), sum(x.succeeded), sum(x.execution_cost_usd)
  from (
    select (timezone('UTC', c.created_at))::date as day, c.user_id, d.model, d.provider, d.tier, d.cohort,
           count(*) as calls, count(*) filter (where c.fallback_used) as fallback_calls,
           sum(c.cost_usd) as cost_usd, sum(c.baseline_cost_usd) as baseline_cost_usd,
           0 as executions, 0 as succeeded, 0::numeric as execution_cost_usd
    from routing.calls c
    join routing.decisions d on d.id = c.decision_id
    where (timezone('UTC', c.created_at))::date between from_day and through
    group by 1, c.user_id, d.model, d.provider, d.tier, d.cohort
    union all
    select (timezone('UTC', e.recorded_at))::date, e.user_id, d.model, d.provider, d.tier, d.cohort,
           0, 0, 0, 0, count(*), count(*) filter (where e.succeeded),
           sum(coalesce((select sum(c.cost_usd) from routing.calls c where c.decision_id = e.decision_id), 0))
    from routing.executions e
    join routing.decisions d on d.id = e.decision_id
    where (timezone('UTC', e.recorded_at))::date between from_day and through
    group by 1, e.user_id, d.model, d.provider, d.tier, d.cohort
  ) x
  group by x.day, x.user_id, x.model, x.provider, x.tier, x.cohort;
  -- The projection's sums of the same days (defined with public.routing_projection, projections migration).
  perform routing._roll_up_projection(from_day, through);
  -- The threshold advice's sums of the same days (threshold advice migration).
  perform routing._roll_up_advice(from_day, through);
  update routing.report_rollup_state s set rolled_through = through, refreshed_at = now() where s.id;
  return through - from_day + 1;
end
$$;
comment on function routing._refresh_report_rollups(integer) is
  'Rebuilds routing.report_rollups for every closed UTC day after rolled_through and the last `days` closed days (default 2: '
  'late links and late calls), or from the first recorded day on the first run; sets rolled_through to yesterday. Returns '
  'the number of days rebuilt. Off the hot path: pg_cron every 5 minutes where available, the service role otherwise; '
  '22023 for negative days.';

-- -----------------------------------------------------------------------------
-- public.routing_model_distribution
-- -----------------------------------------------------------------------------
create view public.routing_model_distribution with (security_invoker = true) as
select x.day,
       x.model,
       x.provider,
       sum(x.calls)::bigint as calls,
       sum(x.fallback_calls)::bigint as fallback_calls,
       sum(x.executions)::bigint as executions,
       round(100.0 * sum(x.calls) / nullif(sum(sum(x.calls)) over (partition by x.day), 0), 2) as share_pct,
       round(100.0 * sum(x.executions) / nullif(sum(sum(x.executions)) over (partition by x.day), 0), 2) as execution_share_pct
from (
  -- Closed days from the rollups, later days live (see routing.report_rollups).
  select r.day, r.model, r.provider, r.calls, r.fallback_calls, r.executions
  from routing.report_rollups r
  where r.day < routing._first_live_day()
  union all
  select (timezone('UTC', c.created_at))::date as day, d.model, d.provider,
         1, case when c.fallback_used then 1 else 0 end, 0
  from routing.calls c
  join routing.decisions d on d.id = c.decision_id
  where (timezone('UTC', c.created_at))::date >= routing._first_live_day()
  union all
  select (timezone('UTC', e.recorded_at))::date, d.model, d.provider, 0, 0, 1
  from routing.executions e
  join routing.decisions d on d.id = e.decision_id
  where (timezone('UTC', e.recorded_at))::date >= routing._first_live_day()
) x
group by x.day, x.model, x.provider;
comment on view public.routing_model_distribution is
  'Per UTC day and chosen model: calls made that day under decisions for the model, executions reported that day whose '
  'decision chose it, and shares. share_pct = the model''s calls / all calls of the day x 100 (share of CALLS); '
  'execution_share_pct = the same for executions. RLS: own agents for a user, all for the service role.';
comment on column public.routing_model_distribution.day is 'UTC date of the call (created_at) or of the execution outcome (recorded_at).';
comment on column public.routing_model_distribution.model is 'The model the routing decision chose.';
comment on column public.routing_model_distribution.provider is 'The provider of the decision.';
comment on column public.routing_model_distribution.calls is 'Calls made that day under decisions that chose this model.';
comment on column public.routing_model_distribution.fallback_calls is 'Of those calls, the ones answered (or last tried) by a fallback model.';
comment on column public.routing_model_distribution.executions is 'Execution outcomes reported that day whose decision chose this model.';
comment on column public.routing_model_distribution.share_pct is 'calls / all calls of the day x 100 (share of calls), 2 decimals; null on a day without calls.';
comment on column public.routing_model_distribution.execution_share_pct is 'executions / all executions of the day x 100, 2 decimals; null on a day without executions.';

-- -----------------------------------------------------------------------------
-- public.routing_success_rates
-- -----------------------------------------------------------------------------
create view public.routing_success_rates with (security_invoker = true) as
select x.day,
       x.model,
       x.provider,
       x.tier,
       x.cohort,
       sum(x.executions)::bigint as executions,
       sum(x.succeeded)::bigint as succeeded,
       sum(x.executions - x.succeeded)::bigint as failed,
       round(100.0 * sum(x.succeeded) / sum(x.executions), 2) as success_rate
from (
  -- Closed days from the rollups, later days live (see routing.report_rollups).
  select r.day, r.model, r.provider, r.tier, r.cohort, r.executions, r.succeeded
  from routing.report_rollups r
  where r.day < routing._first_live_day() and r.executions > 0
  union all
  select (timezone('UTC', e.recorded_at))::date, d.model, d.provider, d.tier, d.cohort,
         1, case when e.succeeded then 1 else 0 end
  from routing.executions e
  join routing.decisions d on d.id = e.decision_id
  where (timezone('UTC', e.recorded_at))::date >= routing._first_live_day()
) x
group by x.day, x.model, x.provider, x.tier, x.cohort;
comment on view public.routing_success_rates is
  'Per UTC day (of the outcome), model, tier and cohort of the decision: executions, successes and success_rate = '
  'succeeded / executions x 100. Sum executions and succeeded to roll up; never average the rates.';
comment on column public.routing_success_rates.day is 'UTC date the execution outcome was recorded.';
comment on column public.routing_success_rates.tier is 'The decision''s score band (low, medium, high); null without a score.';
comment on column public.routing_success_rates.cohort is 'The decision''s cohort: routed, control, disabled, forced or fail_open (answered while the database was unreachable, recorded after).';
comment on column public.routing_success_rates.success_rate is 'succeeded / executions x 100, 2 decimals.';

-- -----------------------------------------------------------------------------
-- public.routing_cost_savings
-- -----------------------------------------------------------------------------
create view public.routing_cost_savings with (security_invoker = true) as
select x.day,
       sum(x.calls)::bigint as calls,
       sum(x.executions)::bigint as executions,
       trim_scale(sum(x.actual_cost)) as actual_cost_usd,
       trim_scale(sum(x.baseline_cost)) as baseline_cost_usd,
       trim_scale(sum(x.baseline_cost) - sum(x.actual_cost)) as savings_usd,
       round(100 * (sum(x.baseline_cost) - sum(x.actual_cost)) / nullif(sum(x.baseline_cost), 0), 2) as savings_pct,
       trim_scale(sum(x.execution_cost)) as execution_cost_usd,
       trim_scale(round(sum(x.execution_cost) / nullif(sum(x.executions), 0), 10)) as cost_per_execution_usd
from (
  -- Closed days from the rollups, later days live (see routing.report_rollups).
  select r.day, r.calls, r.executions, r.cost_usd as actual_cost, r.baseline_cost_usd as baseline_cost,
         r.execution_cost_usd as execution_cost
  from routing.report_rollups r
  where r.day < routing._first_live_day()
  union all
  select (timezone('UTC', c.created_at))::date as day, 1, 0, c.cost_usd, c.baseline_cost_usd, 0::numeric
  from routing.calls c
  where (timezone('UTC', c.created_at))::date >= routing._first_live_day()
  union all
  select (timezone('UTC', e.recorded_at))::date, 0, 1, 0, 0,
         coalesce((select sum(c.cost_usd) from routing.calls c where c.decision_id = e.decision_id), 0)
  from routing.executions e
  join routing.decisions d on d.id = e.decision_id
  where (timezone('UTC', e.recorded_at))::date >= routing._first_live_day()
) x
group by x.day;
comment on view public.routing_cost_savings is
  'Per UTC day: the calls made that day, their actual cost and their baseline cost (the same tokens at the baseline '
  'model''s price), savings = baseline - actual; and the executions reported that day with the cost of all their calls. '
  'cost_per_execution_usd = execution_cost_usd / executions. Exact numeric USD.';
comment on column public.routing_cost_savings.calls is 'Calls made that day (lone calls and calls of unreported executions included).';
comment on column public.routing_cost_savings.executions is 'Execution outcomes reported that day (with a decision).';
comment on column public.routing_cost_savings.actual_cost_usd is 'Sum of the day''s calls'' cost_usd: tokens at the price in force when each call was made.';
comment on column public.routing_cost_savings.baseline_cost_usd is 'Sum of the day''s calls'' baseline_cost_usd: the same tokens at the baseline model''s price.';
comment on column public.routing_cost_savings.savings_usd is 'baseline_cost_usd - actual_cost_usd (negative when routing cost more).';
comment on column public.routing_cost_savings.savings_pct is 'savings_usd / baseline_cost_usd x 100, 2 decimals.';
comment on column public.routing_cost_savings.execution_cost_usd is 'Cost of every call of the executions reported that day, whenever the calls were made.';
comment on column public.routing_cost_savings.cost_per_execution_usd is 'execution_cost_usd / executions, rounded to 10 decimals.';

-- -----------------------------------------------------------------------------
-- public.routing_cohort_comparison_between and public.routing_cohort_comparison
-- -----------------------------------------------------------------------------
-- Percentiles of different days cannot be combined, so neither rollups nor the
-- view's rows make a range: the range function (grouped by cohort) and the per-day
-- view (grouped by day and cohort) aggregate the same rows, routing._cohort_rows,
-- in one pass each; TRUE percentiles, exact, read live from the audit rows.
create view routing._cohort_rows with (security_invoker = true) as
select (timezone('UTC', e.recorded_at))::date as day, d.cohort, x.is_execution, x.succeeded, x.duration_ms,
       x.call_id, x.cost_usd, x.baseline_cost_usd, x.latency_ms
from routing.executions e
join routing.decisions d on d.id = e.decision_id
cross join lateral (
  select true as is_execution, e.succeeded, e.duration_ms,
         null::uuid as call_id, null::numeric as cost_usd, null::numeric as baseline_cost_usd, null::integer as latency_ms
  union all
  select false, null, null, c.id, c.cost_usd, c.baseline_cost_usd, c.latency_ms
  from routing.calls c
  where c.decision_id = e.decision_id
) x;
comment on view routing._cohort_rows is
  'The rows the cohort comparison aggregates, by the UTC day of the outcome and the decision''s cohort: one per execution '
  'with a decision (is_execution: succeeded, duration_ms) and one per call of such an execution (call_id, cost, latency_ms). '
  'Each execution is joined to its decision once for both; a filter on day reaches routing.executions_utc_day_idx. '
  'Caller''s rights (RLS).';

create function public.routing_cohort_comparison_between(from_day date, to_day date)
returns table (
  cohort text, executions bigint, succeeded bigint, success_rate numeric, calls bigint, cost_usd numeric,
  baseline_cost_usd numeric, cost_per_execution_usd numeric, baseline_cost_per_execution_usd numeric,
  p50_latency_ms integer, p95_latency_ms integer, p50_duration_ms integer, p95_duration_ms integer)
language sql stable
security invoker  -- RLS: a user compares their own agents' cohorts, the service role all
set search_path = ''
as $$
  select o.cohort,
         o.executions,
         o.succeeded,
         o.success_rate,
         o.calls,
         trim_scale(o.cost_usd),
         trim_scale(o.baseline_cost_usd),
         trim_scale(round(o.cost_usd / o.executions, 10)),
         trim_scale(round(o.baseline_cost_usd / o.executions, 10)),
         o.p50_latency_ms,
         o.p95_latency_ms,
         o.p50_duration_ms,
         o.p95_duration_ms
  from (
    select r.cohort,
         count(*) filter (where r.is_execution) as executions,
         count(*) filter (where r.is_execution and r.succeeded) as succeeded,
         round(100.0 * count(*) filter (where r.is_execution and r.succeeded) / count(*) filter (where r.is_execution), 2) as success_rate,
         count(r.call_id) as calls,
         coalesce(sum(r.cost_usd), 0) as cost_usd,
         coalesce(sum(r.baseline_cost_usd), 0) as baseline_cost_usd,
         percentile_disc(0.5) within group (order by r.latency_ms) as p50_latency_ms,
         percentile_disc(0.95) within group (order by r.latency_ms) as p95_latency_ms,
         percentile_disc(0.5) within group (order by r.duration_ms) filter (where r.is_execution) as p50_duration_ms,
         percentile_disc(0.95) within group (order by r.duration_ms) filter (where r.is_execution) as p95_duration_ms
    from routing._cohort_rows r
    where r.day between from_day and to_day
    group by r.cohort
  ) o
  order by case o.cohort when 'routed' then 0 when 'control' then 1 when 'disabled' then 2 else 3 end, o.cohort
$$;
comment on function public.routing_cohort_comparison_between(date, date) is
  'Routed vs control (and disabled / forced / fail_open) over the UTC days from_day..to_day (inclusive) of the outcomes: the executions '
  'reported in the range, their success rate (2 decimals), the exact cost of all their calls, per execution (10 decimals), '
  'and TRUE latency percentiles over the whole range (p50/p95 of their calls'' latency_ms and of the executions'' '
  'duration_ms; discrete: observed values). Ordered routed, control, disabled, others. Caller''s rights (RLS): a user '
  'sees their own agents, the service role all.';

create view public.routing_cohort_comparison with (security_invoker = true) as
select o.day,
       o.cohort,
       o.executions,
       o.succeeded,
       o.success_rate,
       o.calls,
       trim_scale(o.cost_usd) as cost_usd,
       trim_scale(o.baseline_cost_usd) as baseline_cost_usd,
       trim_scale(round(o.cost_usd / o.executions, 10)) as cost_per_execution_usd,
       trim_scale(round(o.baseline_cost_usd / o.executions, 10)) as baseline_cost_per_execution_usd,
       o.p50_latency_ms,
       o.p95_latency_ms,
       o.p50_duration_ms,
       o.p95_duration_ms
from (
  select r.day,
         r.cohort,
         count(*) filter (where r.is_execution) as executions,
         count(*) filter (where r.is_execution and r.succeeded) as succeeded,
         round(100.0 * count(*) filter (where r.is_execution and r.succeeded) / count(*) filter (where r.is_execution), 2) as success_rate,
         count(r.call_id) as calls,
         coalesce(sum(r.cost_usd), 0) as cost_usd,
         coalesce(sum(r.baseline_cost_usd), 0) as baseline_cost_usd,
         percentile_disc(0.5) within group (order by r.latency_ms) as p50_latency_ms,
         percentile_disc(0.95) within group (order by r.latency_ms) as p95_latency_ms,
         percentile_disc(0.5) within group (order by r.duration_ms) filter (where r.is_execution) as p50_duration_ms,
         percentile_disc(0.95) within group (order by r.duration_ms) filter (where r.is_execution) as p95_duration_ms
  from routing._cohort_rows r
  group by r.day, r.cohort
) o
order by o.day, case o.cohort when 'routed' then 0 when 'control' then 1 when 'disabled' then 2 else 3 end, o.cohort;
comment on view public.routing_cohort_comparison is
  'Routed vs control (and disabled / forced / fail_open) per UTC day of the outcome, the figures of '
  'public.routing_cohort_comparison_between for each day, all days in one pass (the executions reported that day, their '
  'success rate, the cost of all their calls per execution, and latency percentiles). Percentiles of different days cannot be combined: query a range with '
  'public.routing_cohort_comparison_between(from_day, to_day).';
comment on column public.routing_cohort_comparison.day is 'UTC date the execution outcomes were recorded.';
comment on column public.routing_cohort_comparison.cohort is 'routed (rules 5-8 chose), control (rollout holdout, baseline model), disabled (routing off) or forced.';
comment on column public.routing_cohort_comparison.cost_per_execution_usd is 'Cost of all calls of these executions / executions, 10 decimals.';
comment on column public.routing_cohort_comparison.p50_latency_ms is 'Median latency_ms of the calls of these executions (a discrete percentile: an observed value).';
comment on column public.routing_cohort_comparison.p95_latency_ms is '95th percentile latency_ms of the calls of these executions.';
comment on column public.routing_cohort_comparison.p50_duration_ms is 'Median duration_ms reported with the executions (null when none reported one).';

-- -----------------------------------------------------------------------------
-- Ranges of days: the other views rolled up over from_day..to_day
-- -----------------------------------------------------------------------------
-- Counts and money are sums of the view rows; shares and rates are recomputed
-- from those sums (never averaged), so a one-day range equals that day's view.
create function public.routing_model_distribution_between(from_day date, to_day date)
returns table (
  model text, provider text, calls bigint, fallback_calls bigint, executions bigint, share_pct numeric,
  execution_share_pct numeric)
language sql stable
security invoker  -- RLS: a user sees their own agents' figures, the service role all
set search_path = ''
as $$
  select v.model,
         v.provider,
         sum(v.calls)::bigint,
         sum(v.fallback_calls)::bigint,
         sum(v.executions)::bigint,
         round(100.0 * sum(v.calls) / nullif(sum(sum(v.calls)) over (), 0), 2),
         round(100.0 * sum(v.executions) / nullif(sum(sum(v.executions)) over (), 0), 2)
  from public.routing_model_distribution v
  where v.day between from_day and to_day
  group by v.model, v.provider
  order by sum(v.calls) desc, sum(v.executions) desc, v.model
$$;
comment on function public.routing_model_distribution_between(date, date) is
  'public.routing_model_distribution over the UTC days from_day..to_day (inclusive), per chosen model: calls, fallback '
  'calls, executions, and the shares of the range (share_pct of calls, execution_share_pct of executions; 2 decimals, '
  'null without calls / executions). Ordered by calls, executions (desc), model. Caller''s rights (RLS).';

create function public.routing_cost_savings_between(from_day date, to_day date)
returns table (
  calls bigint, executions bigint, actual_cost_usd numeric, baseline_cost_usd numeric, savings_usd numeric,
  savings_pct numeric, cost_per_execution_usd numeric)
language sql stable
security invoker  -- RLS: a user sees their own agents' figures, the service role all
set search_path = ''
as $$
  select coalesce(sum(v.calls), 0)::bigint,
         coalesce(sum(v.executions), 0)::bigint,
         trim_scale(coalesce(sum(v.actual_cost_usd), 0)),
         trim_scale(coalesce(sum(v.baseline_cost_usd), 0)),
         trim_scale(coalesce(sum(v.baseline_cost_usd), 0) - coalesce(sum(v.actual_cost_usd), 0)),
         round(100 * (sum(v.baseline_cost_usd) - sum(v.actual_cost_usd)) / nullif(sum(v.baseline_cost_usd), 0), 2),
         trim_scale(round(sum(v.execution_cost_usd) / nullif(sum(v.executions), 0), 10))
  from public.routing_cost_savings v
  where v.day between from_day and to_day
$$;
comment on function public.routing_cost_savings_between(date, date) is
  'public.routing_cost_savings over the UTC days from_day..to_day (inclusive), as exactly one row (zeros when empty): '
  'calls and their exact actual and baseline cost, savings_usd = baseline - actual, savings_pct (2 decimals; null '
  'without a baseline cost), and cost_per_execution_usd = the cost of all calls of the executions reported in the range '
  '/ those executions (10 decimals; null without executions). Caller''s rights (RLS).';

create function public.routing_success_rates_between(from_day date, to_day date)
returns table (
  model text, provider text, executions bigint, succeeded bigint, failed bigint, success_rate numeric)
language sql stable
security invoker  -- RLS: a user sees their own agents' figures, the service role all
set search_path = ''
as $$
  select v.model,
         v.provider,
         coalesce(sum(v.executions), 0)::bigint,
         coalesce(sum(v.succeeded), 0)::bigint,
         coalesce(sum(v.failed), 0)::bigint,
         round(100.0 * sum(v.succeeded) / nullif(sum(v.executions), 0), 2)
  from public.routing_success_rates v
  where v.day between from_day and to_day
  group by grouping sets ((v.model, v.provider), ())
  order by grouping(v.model, v.provider), sum(v.executions) desc, v.model
$$;
comment on function public.routing_success_rates_between(date, date) is
  'public.routing_success_rates over the UTC days from_day..to_day (inclusive): one row per chosen model (ordered by '
  'executions desc, model), then one overall row with model and provider null, last (zeros when empty). success_rate = '
  'succeeded / executions x 100, 2 decimals, from the summed counts. Caller''s rights (RLS).';

-- -----------------------------------------------------------------------------
-- public.routing_status: the switchboard at a glance
-- -----------------------------------------------------------------------------
-- routing.config is the service role's; this view gives the report and the
-- dashboard one place to read whether routing is on, how far it is rolled out,
-- the circuits, and the configured models to warn about.
create view public.routing_status with (security_invoker = true) as
select c.enabled,
       c.rollout_percentage,
       c.force_model,
       c.rollback_tripped_at,
       c.rollback_reason,
       (c.enabled and c.rollback_tripped_at is null and c.force_model is null) as routing_active,
       c.baseline_model,
       c.updated_at,
       c.updated_by,
       (select jsonb_object_agg(b.provider, b.state order by b.provider) from routing.provider_breakers b) as breakers,
       routing._model_warnings(c) as model_warnings
from routing.config c;
comment on view public.routing_status is
  'Routing switchboard: the config row''s switches (ignoring per-call environment overrides), whether a rollback has '
  'tripped, and each provider circuit''s stored state. Service role only (routing.config is not visible to users).';
comment on column public.routing_status.routing_active is 'Routing decides by tier: enabled, not tripped, no model forced.';
comment on column public.routing_status.model_warnings is
  'The configured models that retire within 30 days, are retired or are unavailable, each with the settings naming it '
  'and a sentence (routing._model_warnings); [] when none.';

-- -----------------------------------------------------------------------------
-- pg_cron: the rollups every 5 minutes, only where the extension exists (not locally)
-- -----------------------------------------------------------------------------
select routing._schedule_where_cron('routing-report-rollups', '*/5 * * * *', 'select routing._refresh_report_rollups()');

-- -----------------------------------------------------------------------------
-- Privileges: signed-in users (RLS filters) and the service role; never anon
-- -----------------------------------------------------------------------------
-- The rollups: read through the views with the caller's rights, a user their own rows;
-- written only by routing._refresh_report_rollups (owner).
alter table routing.report_rollups enable row level security;
alter table routing.report_rollup_state enable row level security;
create policy "Owners can see their rollups" on routing.report_rollups
  for select to authenticated using (user_id = (select auth.uid()));
-- The watermark is a date, no one's figures: every signed-in user reads it (the views need it).
create policy "Signed-in users can see how far the rollups reach" on routing.report_rollup_state
  for select to authenticated using (true);
revoke all on routing.report_rollups, routing.report_rollup_state, routing._cohort_rows from public, anon, authenticated, service_role;
grant select on routing._cohort_rows to authenticated, service_role;
grant select on routing.report_rollups, routing.report_rollup_state to authenticated, service_role;
revoke all on function routing._first_live_day() from public, anon, authenticated, service_role;
grant execute on function routing._first_live_day() to authenticated, service_role;
revoke all on function routing._refresh_report_rollups(integer) from public, anon, authenticated, service_role;
grant execute on function routing._refresh_report_rollups(integer) to service_role;
revoke all on public.routing_model_distribution, public.routing_success_rates, public.routing_cost_savings,
  public.routing_cohort_comparison from public, anon, authenticated, service_role;
grant select on public.routing_model_distribution, public.routing_success_rates, public.routing_cost_savings,
  public.routing_cohort_comparison to authenticated, service_role;
revoke all on function public.routing_model_distribution_between(date, date), public.routing_cost_savings_between(date, date),
  public.routing_success_rates_between(date, date), public.routing_cohort_comparison_between(date, date)
  from public, anon, authenticated, service_role;
grant execute on function public.routing_model_distribution_between(date, date), public.routing_cost_savings_between(date, date),
  public.routing_success_rates_between(date, date), public.routing_cohort_comparison_between(date, date)
  to authenticated, service_role;
revoke all on public.routing_status from public, anon, authenticated;
grant select on public.routing_status to service_role;
