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
-- Routed vs control. Counts and money are sums: the closed days from
-- routing.report_rollups (execution_calls, execution_cost_usd, ...), later days
-- live, as in the other views. Latency percentiles are APPROXIMATE, from latency
-- buckets: exact percentiles need every row of the range sorted (at 10 million
-- recorded calls, 30 days are ~800k calls and ~650k outcomes read through two
-- joins: seconds), and the exact percentiles of two days cannot be combined into
-- the percentile of both, while bucket counts can.
-- The buckets are defined with the rollups (routing._latency_buckets, routing.latency_rollups:
-- report rollups migration); a percentile is read from them as routing._bucket_ms says.

create function routing._reads_all_owners()
returns boolean
language plpgsql stable  -- plpgsql: its plan is kept for the session (a SQL function re-plans pg_roles per call: ms)
set search_path = ''
as $$
begin
  return coalesce((select r.rolsuper or r.rolbypassrls from pg_catalog.pg_roles r where r.rolname = current_user), false);
end
$$;
comment on function routing._reads_all_owners() is
  'Whether the calling role bypasses RLS (the service role, a superuser): it reads the all-owners latency buckets '
  'instead of every owner''s. Any other role reads the per-owner rows RLS shows it (for a table owner without BYPASSRLS: '
  'all of them, the same figures, slower).';

create function routing._bucket_ms(bucket integer, lo integer, hi integer)
returns integer
language sql immutable
set search_path = ''
as $$
  select round(least(greatest(0.98 * power(51.0 / 49, bucket), lo), hi))::integer
$$;
comment on function routing._bucket_ms(integer, integer, integer) is
  'The value a percentile reports for a latency bucket: its middle 0.98 x (51/49)^b (within 2% of every value of the '
  'bucket), kept within the values seen (lo..hi, so exact for a bucket of one value), rounded to a whole ms.';

-- The rows both cohort reports aggregate, by the UTC day of the outcome and the decision's cohort:
-- sums (measure null: the rollups' for closed days, one per live outcome after) and latency
-- buckets (measure set: the rollups' for closed days, live after).
create view routing._cohort_rows with (security_invoker = true) as
select r.day, r.cohort, null::text as measure, null::integer as bucket, r.executions, r.succeeded,
       r.execution_calls as calls, r.execution_cost_usd as cost_usd, r.execution_baseline_cost_usd as baseline_cost_usd,
       0::bigint as n, null::integer as lo, null::integer as hi
from routing.report_rollups r
where r.day < routing._first_live_day() and r.executions > 0
union all
select (timezone('UTC', e.recorded_at))::date, d.cohort, null, null, 1, case when e.succeeded then 1 else 0 end,
       ec.calls, coalesce(ec.cost_usd, 0), coalesce(ec.baseline_cost_usd, 0), 0, null, null
from routing.executions e
join routing.decisions d on d.id = e.decision_id
cross join lateral (select count(*) as calls, sum(c.cost_usd) as cost_usd, sum(c.baseline_cost_usd) as baseline_cost_usd
                    from routing.calls c where c.decision_id = e.decision_id) ec
where (timezone('UTC', e.recorded_at))::date >= routing._first_live_day()
union all
select l.day, l.cohort, l.measure, l.bucket, 0, 0, 0, 0, 0, l.n, l.lo, l.hi
from routing.latency_rollups l
where l.day < routing._first_live_day() and l.user_id is null and routing._reads_all_owners()
union all
select l.day, l.cohort, l.measure, l.bucket, 0, 0, 0, 0, 0, l.n, l.lo, l.hi
from routing.latency_rollups l
where l.day < routing._first_live_day() and l.user_id is not null and not routing._reads_all_owners()
union all
select b.day, b.cohort, b.measure, b.bucket, 0, 0, 0, 0, 0, b.n, b.lo, b.hi
from routing._latency_buckets b
where b.day >= routing._first_live_day();
comment on view routing._cohort_rows is
  'What the cohort comparison aggregates, by the UTC day of the outcome and the decision''s cohort: sum rows (measure '
  'null: executions with a decision, successes, the number, cost and baseline cost of their calls) and latency bucket '
  'rows (measure latency / duration, bucket, n, lo, hi); closed days from the rollups, later days live. A filter on day '
  'reaches the rollups'' keys and routing.executions_utc_day_idx. Caller''s rights (RLS).';

create function public.routing_cohort_comparison_between(from_day date, to_day date)
returns table (
  cohort text, executions bigint, succeeded bigint, success_rate numeric, calls bigint, cost_usd numeric,
  baseline_cost_usd numeric, cost_per_execution_usd numeric, baseline_cost_per_execution_usd numeric,
  p50_latency_ms integer, p95_latency_ms integer, p50_duration_ms integer, p95_duration_ms integer)
language sql stable
security invoker  -- RLS: a user compares their own agents' cohorts, the service role all
set search_path = ''
set jit = off  -- a few thousand rollup rows: compiling costs more than it saves (see the ranges below)
as $$
  select o.cohort,
         o.executions,
         o.succeeded,
         round(100.0 * o.succeeded / o.executions, 2),
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
    select b.cohort,
           sum(b.executions)::bigint as executions,
           sum(b.succeeded)::bigint as succeeded,
           sum(b.calls)::bigint as calls,
           sum(b.cost_usd) as cost_usd,
           sum(b.baseline_cost_usd) as baseline_cost_usd,
           min(routing._bucket_ms(b.bucket, b.lo, b.hi)) filter (where b.measure = 'latency' and b.cum >= 0.5 * b.total) as p50_latency_ms,
           min(routing._bucket_ms(b.bucket, b.lo, b.hi)) filter (where b.measure = 'latency' and b.cum >= 0.95 * b.total) as p95_latency_ms,
           min(routing._bucket_ms(b.bucket, b.lo, b.hi)) filter (where b.measure = 'duration' and b.cum >= 0.5 * b.total) as p50_duration_ms,
           min(routing._bucket_ms(b.bucket, b.lo, b.hi)) filter (where b.measure = 'duration' and b.cum >= 0.95 * b.total) as p95_duration_ms
    from (
      -- The range's buckets merged (counts summed, lo / hi widened), with the cumulative count.
      select r.cohort, r.measure, r.bucket, sum(r.executions) as executions, sum(r.succeeded) as succeeded,
             sum(r.calls) as calls, sum(r.cost_usd) as cost_usd, sum(r.baseline_cost_usd) as baseline_cost_usd,
             min(r.lo) as lo, max(r.hi) as hi,
             sum(sum(r.n)) over (partition by r.cohort, r.measure order by r.bucket) as cum,
             sum(sum(r.n)) over (partition by r.cohort, r.measure) as total
      from routing._cohort_rows r
      where r.day between from_day and to_day
      group by r.cohort, r.measure, r.bucket
    ) b
    group by b.cohort
  ) o
  where o.executions > 0
  order by case o.cohort when 'routed' then 0 when 'control' then 1 when 'disabled' then 2 else 3 end, o.cohort
$$;
comment on function public.routing_cohort_comparison_between(date, date) is
  'Routed vs control (and disabled / forced / fail_open) over the UTC days from_day..to_day (inclusive) of the outcomes: the executions '
  'reported in the range, their success rate (2 decimals), the exact cost of all their calls, per execution (10 decimals), '
  'and latency percentiles over the whole range (p50/p95 of their calls'' latency_ms and of the executions'' '
  'duration_ms), APPROXIMATE: read from logarithmic buckets, within 2% (+ 0.5 ms) of the exact discrete percentile, exact '
  'when its bucket holds one value (see routing._latency_buckets). Ordered routed, control, disabled, others. Caller''s '
  'rights (RLS): a user sees their own agents, the service role all.';

create view public.routing_cohort_comparison with (security_invoker = true) as
select o.day,
       o.cohort,
       o.executions,
       o.succeeded,
       round(100.0 * o.succeeded / o.executions, 2) as success_rate,
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
  select b.day,
         b.cohort,
         sum(b.executions)::bigint as executions,
         sum(b.succeeded)::bigint as succeeded,
         sum(b.calls)::bigint as calls,
         sum(b.cost_usd) as cost_usd,
         sum(b.baseline_cost_usd) as baseline_cost_usd,
         min(routing._bucket_ms(b.bucket, b.lo, b.hi)) filter (where b.measure = 'latency' and b.cum >= 0.5 * b.total) as p50_latency_ms,
         min(routing._bucket_ms(b.bucket, b.lo, b.hi)) filter (where b.measure = 'latency' and b.cum >= 0.95 * b.total) as p95_latency_ms,
         min(routing._bucket_ms(b.bucket, b.lo, b.hi)) filter (where b.measure = 'duration' and b.cum >= 0.5 * b.total) as p50_duration_ms,
         min(routing._bucket_ms(b.bucket, b.lo, b.hi)) filter (where b.measure = 'duration' and b.cum >= 0.95 * b.total) as p95_duration_ms
  from (
    -- Each day's buckets merged (counts summed, lo / hi widened), with the cumulative count.
    select r.day, r.cohort, r.measure, r.bucket, sum(r.executions) as executions, sum(r.succeeded) as succeeded,
           sum(r.calls) as calls, sum(r.cost_usd) as cost_usd, sum(r.baseline_cost_usd) as baseline_cost_usd,
           min(r.lo) as lo, max(r.hi) as hi,
           sum(sum(r.n)) over (partition by r.day, r.cohort, r.measure order by r.bucket) as cum,
           sum(sum(r.n)) over (partition by r.day, r.cohort, r.measure) as total
    from routing._cohort_rows r
    group by r.day, r.cohort, r.measure, r.bucket
  ) b
  group by b.day, b.cohort
) o
where o.executions > 0
order by o.day, case o.cohort when 'routed' then 0 when 'control' then 1 when 'disabled' then 2 else 3 end, o.cohort;
comment on view public.routing_cohort_comparison is
  'Routed vs control (and disabled / forced / fail_open) per UTC day of the outcome, the figures of '
  'public.routing_cohort_comparison_between for each day, all days in one pass (the executions reported that day, their '
  'success rate, the cost of all their calls per execution, and latency percentiles, approximate: within 2% + 0.5 ms, '
  'see routing._latency_buckets). The percentiles of several days are not those of the days'' rows: query a range with '
  'public.routing_cohort_comparison_between(from_day, to_day).';
comment on column public.routing_cohort_comparison.day is 'UTC date the execution outcomes were recorded.';
comment on column public.routing_cohort_comparison.cohort is 'routed (rules 5-8 chose), control (rollout holdout, baseline model), disabled (routing off) or forced.';
comment on column public.routing_cohort_comparison.cost_per_execution_usd is 'Cost of all calls of these executions / executions, 10 decimals.';
comment on column public.routing_cohort_comparison.p50_latency_ms is 'Median latency_ms of the calls of these executions, within 2% (+ 0.5 ms) of the exact discrete percentile (latency buckets).';
comment on column public.routing_cohort_comparison.p95_latency_ms is '95th percentile latency_ms of the calls of these executions, within 2% (+ 0.5 ms).';
comment on column public.routing_cohort_comparison.p50_duration_ms is 'Median duration_ms reported with the executions, within 2% (+ 0.5 ms) (null when none reported one).';

-- -----------------------------------------------------------------------------
-- Ranges of days: the other views rolled up over from_day..to_day
-- -----------------------------------------------------------------------------
-- Counts and money are sums of the view rows; shares and rates are recomputed
-- from those sums (never averaged), so a one-day range equals that day's view.
-- jit = off: a function's statement is planned without its arguments' values, so
-- the planner cannot see that from_day..to_day is a few days of rollup rows; at
-- millions of audit rows its estimate passes jit_above_cost and compiling the
-- plan took 300-400 ms of a query that reads a few hundred rows (measured at 10
-- million calls, bench/scale.ts). Nothing these reports read is big enough to gain.
create function public.routing_model_distribution_between(from_day date, to_day date)
returns table (
  model text, provider text, calls bigint, fallback_calls bigint, executions bigint, share_pct numeric,
  execution_share_pct numeric)
language sql stable
security invoker  -- RLS: a user sees their own agents' figures, the service role all
set search_path = ''
set jit = off  -- see above: rollup rows, not millions
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
set jit = off  -- see above: rollup rows, not millions
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
set jit = off  -- see above: rollup rows, not millions
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
-- Privileges: signed-in users (RLS filters) and the service role; never anon
-- -----------------------------------------------------------------------------
revoke all on routing._cohort_rows from public, anon, authenticated, service_role;
grant select on routing._cohort_rows to authenticated, service_role;
revoke all on function routing._reads_all_owners() from public, anon, authenticated, service_role;
grant execute on function routing._reads_all_owners() to authenticated, service_role;
revoke all on function routing._bucket_ms(integer, integer, integer) from public, anon, authenticated, service_role;
grant execute on function routing._bucket_ms(integer, integer, integer) to authenticated, service_role;
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
