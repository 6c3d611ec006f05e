-- =============================================================================
-- Report rollups: per-day sums and latency buckets of closed days, rebuilt off the hot path (ROUTING-SPEC §7)
-- =============================================================================
-- What keeps the report views (next migration) flat as history grows: they read the closed
-- days from here and only the days after them live from the audit tables.

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
-- is counted once the next refresh runs. Later than that, the two changes that
-- move an older closed day without a row dated on it rebuild that day too: an
-- outcome linked to its decision when the decision came days after it (noted in
-- routing.report_stale_days by a trigger on the link), and a call recorded
-- since the last refresh for an execution whose outcome day is older (found by
-- the refresh from the calls of the last hour before it). Rows written with a
-- time older than that (an import, a backfill) need
-- routing._refresh_report_rollups(N) with N reaching back to them.
-- Ownership: call rows are keyed by routing.calls.user_id, outcome rows by
-- routing.executions.user_id (the decision's owner, as route_model and the
-- recorders write them), and the RLS policy below shows a user their own rows,
-- as the policies of the audit tables do.
-- The projection's and the threshold advice's sums (routing.projection_rollups,
-- routing.advice_rollups) and the cohort comparison's latency buckets
-- (routing.latency_rollups, below) are rebuilt by the same refresh, under the same watermark.
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
  execution_calls bigint not null,
  execution_baseline_cost_usd numeric not null,
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
comment on column routing.report_rollups.execution_calls is 'Number of the calls of those outcomes'' decisions, whenever made (the cohort comparison''s calls).';
comment on column routing.report_rollups.execution_baseline_cost_usd is 'Baseline cost of the calls of those outcomes'' decisions (the cohort comparison''s baseline).';

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

-- -----------------------------------------------------------------------------
-- routing.report_stale_days: older closed days an outcome's late link changed
-- -----------------------------------------------------------------------------
create table routing.report_stale_days (
  day date not null,
  noted_at timestamptz not null default now()
);
comment on table routing.report_stale_days is
  'UTC days of outcomes linked to their decision after the day closed (the decision came later): the next '
  'routing._refresh_report_rollups rebuilds them and deletes the rows it read. Written by routing._note_late_link.';
comment on column routing.report_stale_days.day is 'The UTC day the linked outcome was recorded (its rollup day).';
comment on column routing.report_stale_days.noted_at is 'When the link was made.';

create function routing._note_late_link()
returns trigger
language plpgsql
set search_path = ''  -- runs as the linking writer: route_model's owner (link_early_outcome)
as $$
begin
  if (timezone('UTC', new.recorded_at))::date < (timezone('UTC', now()))::date then
    insert into routing.report_stale_days (day) values ((timezone('UTC', new.recorded_at))::date);
  end if;
  return null;
end
$$;
comment on function routing._note_late_link() is
  'Trigger: an outcome of a closed UTC day that gets its decision now changes that day''s figures: its day is noted in '
  'routing.report_stale_days for the next refresh.';

create trigger note_late_link
  after update of decision_id on routing.executions
  for each row when (old.decision_id is null and new.decision_id is not null)
  execute function routing._note_late_link();
comment on trigger note_late_link on routing.executions is
  'Notes the rollup day of an outcome linked late (routing._link_early_outcome) when that day is already closed.';

-- -----------------------------------------------------------------------------
-- routing._rebuild_report_days and routing._refresh_report_rollups
-- -----------------------------------------------------------------------------
create function routing._rebuild_report_days(from_day date, to_day date)
returns void
language plpgsql volatile
set search_path = ''
as $$
begin
  delete from routing.report_rollups r where r.day between from_day and to_day;
  insert into routing.report_rollups (day, user_id, model, provider, tier, cohort, calls, fallback_calls, cost_usd,
                                      baseline_cost_usd, executions, succeeded, execution_cost_usd, execution_calls,
                                      execution_baseline_cost_usd)
  select x.day, x.user_id, x.model, x.provider, x.tier, x.cohort,
         sum(x.calls), sum(x.fallback_calls), sum(x.cost_usd), sum(x.baseline_cost_usd),
         sum(x.executions), sum(x.succeeded), sum(x.execution_cost_usd), sum(x.execution_calls),
         sum(x.execution_baseline_cost_usd)
  from (
    select (timezone('UTC', c.created_at))::date as day, c.user_id, d.model, d.provider, d.tier, d.cohort,
           count(*) as calls, count(*) filter (where c.fallback_used) as fallback_calls,
           sum(c.cost_usd) as cost_usd, sum(c.baseline_cost_usd) as baseline_cost_usd,
           0 as executions, 0 as succeeded, 0::numeric as execution_cost_usd, 0 as execution_calls,
           0::numeric as execution_baseline_cost_usd
    from routing.calls c
    join routing.decisions d on d.id = c.decision_id
    where (timezone('UTC', c.created_at))::date between from_day and to_day
    group by 1, c.user_id, d.model, d.provider, d.tier, d.cohort
    union all
    select (timezone('UTC', e.recorded_at))::date, e.user_id, d.model, d.provider, d.tier, d.cohort,
           0, 0, 0, 0, count(*), count(*) filter (where e.succeeded),
           coalesce(sum(ec.cost_usd), 0), coalesce(sum(ec.calls), 0), coalesce(sum(ec.baseline_cost_usd), 0)
    from routing.executions e
    join routing.decisions d on d.id = e.decision_id
    -- The calls of the outcome's decision, whenever made (what the cohort comparison counts).
    cross join lateral (select count(*) as calls, sum(c.cost_usd) as cost_usd, sum(c.baseline_cost_usd) as baseline_cost_usd
                        from routing.calls c where c.decision_id = e.decision_id) ec
    where (timezone('UTC', e.recorded_at))::date between from_day and to_day
    group by 1, e.user_id, d.model, d.provider, d.tier, d.cohort
  ) x
  group by x.day, x.user_id, x.model, x.provider, x.tier, x.cohort;
  -- The cohort comparison's latency buckets of the same days (routing._latency_buckets, below).
  delete from routing.latency_rollups r where r.day between from_day and to_day;
  insert into routing.latency_rollups (day, user_id, cohort, measure, bucket, n, lo, hi)
  select b.day, b.user_id, b.cohort, b.measure, b.bucket, b.n, b.lo, b.hi
  from routing._latency_buckets b
  where b.day between from_day and to_day
  order by b.day;  -- a day's rows together in the heap
  insert into routing.latency_rollups (day, user_id, cohort, measure, bucket, n, lo, hi)
  select l.day, null, l.cohort, l.measure, l.bucket, sum(l.n), min(l.lo), max(l.hi)
  from routing.latency_rollups l
  where l.day between from_day and to_day and l.user_id is not null
  group by l.day, l.cohort, l.measure, l.bucket
  order by l.day;
  -- The projection's sums of the same days (defined with public.routing_projection, projections migration).
  perform routing._roll_up_projection(from_day, to_day);
  -- The threshold advice's sums of the same days (threshold advice migration).
  perform routing._roll_up_advice(from_day, to_day);
end
$$;
comment on function routing._rebuild_report_days(date, date) is
  'Rebuilds every rollup (report, latency, projection, advice) of the UTC days from_day..to_day from the audit rows. Only '
  'routing._refresh_report_rollups calls it.';

create function routing._refresh_report_rollups(days integer default 2)
returns integer
language plpgsql volatile
security definer  -- rebuilds routing.report_rollups, which API roles cannot write; reads every owner's rows
set search_path = ''
as $$
declare
  through date := (timezone('UTC', now()))::date - 1;  -- the last closed day
  watermark date;
  last_refresh timestamptz;
  from_day date;
  stale date[];
  stale_day date;
begin
  perform routing._require_operator('_refresh_report_rollups');
  if days is null or days < 0 then
    raise exception 'days must be >= 0' using errcode = '22023';
  end if;
  -- One refresh at a time (cron and a manual run); the row lock orders them.
  select s.rolled_through, s.refreshed_at into watermark, last_refresh from routing.report_rollup_state s where s.id for update;
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

  perform routing._rebuild_report_days(from_day, through);
  -- Older closed days changed since the last refresh (see "Late rows" above): noted late links (the rows
  -- read are deleted in the same statement; one noted meanwhile waits for the next refresh), and the
  -- outcome days of the calls recorded since an hour before the last refresh.
  with noted as (delete from routing.report_stale_days s returning s.day)
  select coalesce(array_agg(distinct x.day order by x.day), '{}') into stale
  from (select n.day from noted n
        union
        select (timezone('UTC', e.recorded_at))::date
        from routing.calls c
        join routing.executions e on e.decision_id = c.decision_id
        where last_refresh is not null and c.created_at >= last_refresh - interval '1 hour') x
  where x.day < from_day;
  foreach stale_day in array stale loop
    perform routing._rebuild_report_days(stale_day, stale_day);
  end loop;
  update routing.report_rollup_state s set rolled_through = through, refreshed_at = now() where s.id;
  return through - from_day + 1 + cardinality(stale);
end
$$;
comment on function routing._refresh_report_rollups(integer) is
  'Rebuilds routing.report_rollups for every closed UTC day after rolled_through and the last `days` closed days (default 2: '
  'late links and late calls), or from the first recorded day on the first run, and any older day changed since the last '
  'refresh (routing.report_stale_days, calls of older outcomes); sets rolled_through to yesterday. Returns '
  'the number of days rebuilt. Off the hot path: pg_cron every 5 minutes where available, the service role otherwise; '
  '22023 for negative days.';

-- -----------------------------------------------------------------------------
-- routing._latency_buckets and routing.latency_rollups: the cohort comparison's latency buckets
-- -----------------------------------------------------------------------------
-- The buckets, logarithmic: bucket b holds the values v (whole ms) with
-- g^(b-1) < v <= g^b, g = 51/49 (b = ceil(ln v / ln g); 0 and 1 ms in bucket 0),
-- with their count and their smallest (lo) and largest (hi) value, per UTC day of
-- the outcome, owner, cohort and measure (the calls' latency_ms, the outcomes'
-- duration_ms). A percentile p is read as percentile_disc reads it: the bucket
-- where the cumulative count first reaches p x n, reported as the bucket's middle
-- (0.98 x g^b, routing._bucket_ms) kept within lo..hi and rounded to a whole ms.
-- How close: the exact percentile_disc lies in that bucket, and every value of a
-- bucket is within (g-1)/(g+1) = 2% of its middle, so the figure is within 2%
-- (+ 0.5 ms of rounding) of the exact percentile (a p95 of 1000 ms reads 980..1020),
-- and it is exact when the bucket holds one distinct value (small samples, values
-- further apart than 4%). The same buckets are computed live for the days after
-- the rollups (routing._latency_buckets), so a day's figures do not change when it
-- is rolled up.
create view routing._latency_buckets with (security_invoker = true) as
select v.day, v.user_id, v.cohort, v.measure, v.bucket, count(*) as n, min(v.ms) as lo, max(v.ms) as hi
from (
  select m.day, m.user_id, m.cohort, m.measure, m.ms,
         case when m.ms <= 1 then 0 else ceil(ln(m.ms::float8) / ln(51::float8 / 49))::integer end as bucket
  from (
    select (timezone('UTC', e.recorded_at))::date as day, e.user_id, d.cohort, 'duration' as measure, e.duration_ms as ms
    from routing.executions e
    join routing.decisions d on d.id = e.decision_id
    where e.duration_ms is not null
    union all
    select (timezone('UTC', e.recorded_at))::date, e.user_id, d.cohort, 'latency', c.latency_ms
    from routing.executions e
    join routing.decisions d on d.id = e.decision_id
    join routing.calls c on c.decision_id = e.decision_id
    where c.latency_ms is not null
  ) m
) v
group by v.day, v.user_id, v.cohort, v.measure, v.bucket;
comment on view routing._latency_buckets is
  'The cohort comparison''s latency buckets computed from the audit rows: per UTC day of the outcome, owner '
  '(routing.executions.user_id), the decision''s cohort, measure (latency: the latency_ms of the calls of executions '
  'with a decision; duration: the executions'' duration_ms) and logarithmic bucket b (g^(b-1) < ms <= g^b, g = 51/49): '
  'the count and the smallest and largest value. The one definition of the buckets: the refresh stores it for closed '
  'days (routing.latency_rollups), the reports read it live for later days. Caller''s rights (RLS).';

-- Per owner, because RLS shows a user their own figures; and once more for all owners
-- together (user_id null), which only a role that reads every owner's rows (the service
-- role, a superuser: routing._reads_all_owners) reads instead of the per-owner rows:
-- a day has ~50 buckets per cohort and measure, times the number of owners in the per-owner
-- rows (at 10 million calls and 100 owners, 30 days are 340k per-owner rows against 6k).
create table routing.latency_rollups (
  day date not null,
  user_id uuid,
  cohort text not null,
  measure text not null check (measure in ('latency', 'duration')),
  bucket integer not null,
  n bigint not null,
  lo integer not null,
  hi integer not null,
  constraint latency_rollups_key unique nulls not distinct (day, user_id, cohort, measure, bucket)
);
create index latency_rollups_all_owners_idx on routing.latency_rollups (day) include (cohort, measure, bucket, n, lo, hi)
  where user_id is null;
comment on index routing.latency_rollups_all_owners_idx is
  'The all-owners buckets of a range of days, read by index only (the service role''s cohort comparison).';
comment on table routing.latency_rollups is
  'routing._latency_buckets of the closed UTC days up to routing.report_rollup_state.rolled_through, per owner and for '
  'all owners (user_id null): what the cohort comparison''s percentiles are read from for those days. Rebuilt by '
  'routing._refresh_report_rollups.';
comment on column routing.latency_rollups.day is 'UTC day the outcomes were recorded.';
comment on column routing.latency_rollups.user_id is 'Owner: routing.executions.user_id; null: the buckets of all owners together (n summed, lo / hi over all).';
comment on column routing.latency_rollups.cohort is 'The decision''s cohort.';
comment on column routing.latency_rollups.measure is 'latency: the calls'' latency_ms; duration: the outcomes'' duration_ms.';
comment on column routing.latency_rollups.bucket is 'b: the values v (ms) with (51/49)^(b-1) < v <= (51/49)^b; 0 holds 0 and 1 ms.';
comment on column routing.latency_rollups.n is 'How many values fell in the bucket.';
comment on column routing.latency_rollups.lo is 'The smallest value in the bucket.';
comment on column routing.latency_rollups.hi is 'The largest value in the bucket.';

-- -----------------------------------------------------------------------------
-- pg_cron: the rollups every 5 minutes, only where the extension exists (not locally)
-- -----------------------------------------------------------------------------
select routing._schedule_where_cron('routing-report-rollups', '*/5 * * * *', 'select routing._refresh_report_rollups()');

-- -----------------------------------------------------------------------------
-- Privileges: the rollups are read through the report views; written by the refresh only
-- -----------------------------------------------------------------------------
-- The rollups: read through the views with the caller's rights, a user their own rows;
-- written only by routing._refresh_report_rollups (owner).
alter table routing.report_rollups enable row level security;
alter table routing.report_stale_days enable row level security;  -- no policy: only the owner's functions touch it
alter table routing.report_rollup_state enable row level security;
alter table routing.latency_rollups enable row level security;
create policy "Owners can see their rollups" on routing.report_rollups
  for select to authenticated using (user_id = (select auth.uid()));
create policy "Owners can see their latency buckets" on routing.latency_rollups
  for select to authenticated using (user_id = (select auth.uid()));
-- The watermark is a date, no one's figures: every signed-in user reads it (the views need it).
create policy "Signed-in users can see how far the rollups reach" on routing.report_rollup_state
  for select to authenticated using (true);
revoke all on routing.report_rollups, routing.report_rollup_state, routing.latency_rollups, routing._latency_buckets
  from public, anon, authenticated, service_role;
grant select on routing._latency_buckets to authenticated, service_role;
grant select on routing.report_rollups, routing.report_rollup_state, routing.latency_rollups to authenticated, service_role;
revoke all on function routing._first_live_day() from public, anon, authenticated, service_role;
grant execute on function routing._first_live_day() to authenticated, service_role;
revoke all on routing.report_stale_days from public, anon, authenticated, service_role;
revoke all on function routing._note_late_link() from public;
revoke all on function routing._rebuild_report_days(date, date) from public;
revoke all on function routing._refresh_report_rollups(integer) from public, anon, authenticated, service_role;
grant execute on function routing._refresh_report_rollups(integer) to service_role;
