-- Report rollups (routing.report_rollups, routing.projection_rollups, routing.latency_rollups): the closed days' sums the
-- distribution, success, cost and cohort views, the projection and the threshold advice read once routing._refresh_report_rollups has run. The figures must not change:
-- every view and range is snapshot live (no rollups), the rollups are built, and the same
-- queries must give the same rows, for the service role and for each user (RLS on the rollups).
--   day 2020-05-01  owner: low-1 (mini, routed, succeeds), med-1 (haiku, routed, fails)
--   day 2020-05-02  owner: med-1's second call, low-2 (mini), ctl-1 (control), a lone call; med-2's
--                   outcome (its call on 2020-05-01)
--   day 2020-05-02  stranger: str-1 (haiku)
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(36);

-- -----------------------------------------------------------------------------
-- Fixtures (as postgres)
-- -----------------------------------------------------------------------------
select tests.clear_routing_history();
select tests.reset_routing();
select tests.use_plan_2025_catalog();

create temp table actors (name text primary key, id uuid not null) on commit drop;
insert into actors values ('owner', tests.create_user('owner64@example.com')),
                          ('stranger', tests.create_user('stranger64@example.com'));
create temp table agents (name text primary key, id uuid not null) on commit drop;
insert into agents
select 'low', tests.create_agent((select id from actors where name = 'owner'), 'Low agent', 2.0, 40, 97.5)
union all select 'medium', tests.create_agent((select id from actors where name = 'owner'), 'Medium agent', 5.2, 40, 97.5)
union all select 'stranger', tests.create_agent((select id from actors where name = 'stranger'), 'Stranger agent', 5.2, 40, 97.5);

create temp table fx (n integer primary key, agent text, execution_id text, rollout integer, succeeded boolean,
                      call_days date[], outcome_day date, decision jsonb) on commit drop;
insert into fx values
  (1, 'low', 'low-1', 100, true, '{2020-05-01}', '2020-05-01', null),
  (2, 'medium', 'med-1', 100, false, '{2020-05-01,2020-05-02}', '2020-05-01', null),
  (3, 'medium', 'med-2', 100, true, '{2020-05-01}', '2020-05-02', null),
  (4, 'low', 'low-2', 100, true, '{2020-05-02}', '2020-05-02', null),
  (5, 'medium', 'ctl-1', 0, true, '{2020-05-02}', '2020-05-02', null),
  (6, 'low', null, 100, null, '{2020-05-02}', null, null),
  (7, 'stranger', 'str-1', 100, true, '{2020-05-02}', '2020-05-02', null);

do $$
declare
  f record;
  d date;
  k integer;
begin
  for f in select fx.*, a.id as agent_id from fx join agents a on a.name = fx.agent order by fx.n loop
    update routing.config set rollout_percentage = f.rollout where id;
    update fx set decision = public.route_model(f.agent_id, f.execution_id) where fx.n = f.n;
  end loop;
  update routing.config set rollout_percentage = 100 where id;
  for f in select fx.*, a.id as agent_id from fx join agents a on a.name = fx.agent order by fx.n loop
    k := 0;
    foreach d in array f.call_days loop
      k := k + 1;
      perform tests.record_completion_for(f.decision, 1000 * k, 1000, latency_ms => 100 * f.n + k);
      -- Each call on its own day.
      update routing.calls c set created_at = (d + time '12:00') at time zone 'UTC'
      where c.decision_id = (f.decision ->> 'decision_id')::uuid and c.latency_ms = 100 * f.n + k;
    end loop;
    if f.execution_id is not null then
      perform public.record_agent_execution(f.agent_id, f.execution_id, f.succeeded, 2000, 1000 + f.n);
    end if;
  end loop;
  update routing.decisions d set created_at = (fx.call_days[1] + time '11:59') at time zone 'UTC'
  from fx where d.id = (fx.decision ->> 'decision_id')::uuid;
  update routing.executions e set recorded_at = (fx.outcome_day + time '13:00') at time zone 'UTC'
  from fx where e.decision_id = (fx.decision ->> 'decision_id')::uuid;
end
$$;

-- Every report of the fixture's days as one text per actor, ordered, so that a change shows.
create function pg_temp.reports() returns text language sql as $$
  select concat_ws(E'\n',
    (select string_agg(v::text, ' ' order by v.day, v.model) from public.routing_model_distribution v
      where v.day between '2020-05-01' and '2020-05-02'),
    (select string_agg(v::text, ' ' order by v.day, v.model, v.cohort, v.tier) from public.routing_success_rates v
      where v.day between '2020-05-01' and '2020-05-02'),
    (select string_agg(v::text, ' ' order by v.day) from public.routing_cost_savings v
      where v.day between '2020-05-01' and '2020-05-02'),
    (select string_agg(r::text, ' ') from public.routing_model_distribution_between('2020-05-01', '2020-05-02') r),
    (select string_agg(r::text, ' ') from public.routing_success_rates_between('2020-05-01', '2020-05-02') r),
    (select string_agg(r::text, ' ') from public.routing_cost_savings_between('2020-05-01', '2020-05-01') r),
    (select string_agg(r::text, ' ') from public.routing_cost_savings_between('2020-05-01', '2020-05-02') r),
    (select string_agg(r::text, ' ') from public.routing_projection(3650) r),
    (select string_agg(v::text, ' ' order by v.day, v.cohort) from public.routing_cohort_comparison v
      where v.day between '2020-05-01' and '2020-05-02'),
    (select string_agg(r::text, ' ') from public.routing_cohort_comparison_between('2020-05-01', '2020-05-02') r))
$$;
-- The threshold advice: the service role's only.
create function pg_temp.advice() returns text language sql as $$
  select string_agg(r::text, ' ') from public.advise_routing_thresholds(98, 3650) r
$$;
create temp table live (actor text primary key, reports text not null) on commit drop;
grant select, insert on live to authenticated, service_role;
grant execute on function pg_temp.reports() to authenticated, service_role;
grant execute on function pg_temp.advice() to service_role;

select tests.authenticate_as_service_role();
insert into live values ('service_role', pg_temp.reports()), ('advice', pg_temp.advice());
select tests.clear_authentication();
select tests.authenticate_as((select id from actors where name = 'owner'));
insert into live values ('owner', pg_temp.reports());
select tests.clear_authentication();
select tests.authenticate_as((select id from actors where name = 'stranger'));
insert into live values ('stranger', pg_temp.reports());
select tests.clear_authentication();

select is((select rolled_through from routing.report_rollup_state), null,
  'Before the first refresh there are no rollups: every report is computed live.');
select is((select count(*) from routing.report_rollups), 0::bigint, 'The rollup table starts empty.');

-- -----------------------------------------------------------------------------
-- The refresh (as its scheduler runs it: the database owner)
-- -----------------------------------------------------------------------------
select is(routing._refresh_report_rollups(),
  ((timezone('UTC', now()))::date - date '2020-05-01')::integer,
  'The first refresh rolls up every closed day from the first recorded one (2020-05-01) to yesterday.');
select is((select rolled_through from routing.report_rollup_state), (timezone('UTC', now()))::date - 1,
  'The rollups reach yesterday (UTC); today stays live.');
select is((select sum(calls) from routing.report_rollups), 8::numeric,
  'The rollups hold the fixture''s eight calls.');
select is((select sum(n) from routing.latency_rollups where measure = 'latency' and user_id is not null), 7::numeric,
  'The per-owner latency rollups hold the latency of the seven calls of executions with an outcome (not the lone call''s).');
select is((select array_agg((day, cohort, measure, bucket, n, lo, hi)::text order by day, cohort, measure, bucket)
           from routing.latency_rollups where user_id is null),
          (select array_agg(t order by t) from (
             select (day, cohort, measure, bucket, sum(n), min(lo), max(hi))::text as t, day, cohort, measure, bucket
             from routing.latency_rollups where user_id is not null group by day, cohort, measure, bucket
             order by day, cohort, measure, bucket) x),
  'The all-owners latency rollups (user_id null) are the per-owner ones summed: the six outcomes'' durations too.');
select is(routing._refresh_report_rollups(), 2,
  'A later refresh rebuilds only the last two closed days (late links and late calls).');

-- -----------------------------------------------------------------------------
-- Service role: the same figures from the rollups
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select is(pg_temp.reports(), (select reports from live where actor = 'service_role'),
  'The service role''s views and ranges give the same rows from the rollups as they did live.');
select is(pg_temp.advice(), (select reports from live where actor = 'advice'),
  'The threshold advice gives the same bands and suggestions from the rollups as it did live.');
select isnt((select reports from live where actor = 'service_role'), '',
  'The service role''s live figures were not empty (the comparison compares something).');

-- -----------------------------------------------------------------------------
-- Owner: their own figures, the same, and only their own rollup rows
-- -----------------------------------------------------------------------------
select tests.clear_authentication();
select tests.authenticate_as((select id from actors where name = 'owner'));
select is(pg_temp.reports(), (select reports from live where actor = 'owner'),
  'The owner''s views and ranges give the same rows from the rollups as they did live.');
select is((select count(*) from routing.report_rollups r where r.user_id <> auth.uid()), 0::bigint,
  'The owner reads no other user''s rollup rows.');
select is((select count(*) from routing.latency_rollups r where r.user_id is distinct from auth.uid()), 0::bigint,
  'The owner reads no other user''s latency buckets, nor the all-owners ones.');
select is((select sum(calls) from routing.report_rollups), 7::numeric,
  'The owner''s rollup rows hold their seven calls.');
select is((select sum(calls) from routing.projection_rollups), 7::numeric,
  'The owner''s projection rollup rows hold their seven calls, and no one else''s.');
select throws_ok($$select routing._refresh_report_rollups()$$, '42501',
  'permission denied for function _refresh_report_rollups', 'A user may not run the refresh.');

-- -----------------------------------------------------------------------------
-- Stranger: their one call
-- -----------------------------------------------------------------------------
select tests.clear_authentication();
select tests.authenticate_as((select id from actors where name = 'stranger'));
select is(pg_temp.reports(), (select reports from live where actor = 'stranger'),
  'The stranger''s views and ranges give the same rows from the rollups as they did live.');
select is((select string_agg(r::text, ' ') from public.routing_cost_savings_between('2020-05-01', '2020-05-02') r),
  '(1,1,0.0015,0.0125,0.011,88.00,0.0015)',
  'The stranger''s range holds their one haiku call from the rollups: $0.0015 against $0.0125.');

-- -----------------------------------------------------------------------------
-- Anon: nothing
-- -----------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$select * from routing.report_rollups$$, '42501', null, 'Anon may not read the rollups.');
select throws_ok($$select * from routing.projection_rollups$$, '42501', null, 'Anon may not read the projection rollups.');

-- -----------------------------------------------------------------------------
-- Today live, a late row once refreshed, validation (as postgres)
-- -----------------------------------------------------------------------------
select tests.clear_authentication();
select tests.record_completion_for(public.route_model((select id from agents where name = 'low'), 'today-1'), 1000, 1000);
select is((select calls from public.routing_cost_savings where day = (timezone('UTC', now()))::date), 1::bigint,
  'A call made today is in today''s figures at once, computed live beside the rollups.');

-- A call dated on a rolled-up day after the refresh: counted once a refresh reaches back to it.
update routing.calls c set created_at = timestamptz '2020-05-02 18:00Z'
where c.decision_id = (select d.id from routing.decisions d where d.execution_id = 'today-1');
select is((select calls from public.routing_cost_savings where day = '2020-05-02'), 5::bigint,
  'A late row on a rolled-up day is not in its figures until a refresh reaches back to it.');
select is(routing._refresh_report_rollups(((timezone('UTC', now()))::date - date '2020-05-02')::integer),
  ((timezone('UTC', now()))::date - date '2020-05-02')::integer,
  'A refresh of N days rebuilds the last N closed days.');
select is((select calls from public.routing_cost_savings where day = '2020-05-02'), 6::bigint,
  'Once rebuilt, the day counts the late call.');
select throws_ok($$select routing._refresh_report_rollups(-1)$$, '22023', 'days must be >= 0',
  'A negative number of days is refused with 22023.');

-- -----------------------------------------------------------------------------
-- An older closed day changed later: an outcome linked late, a call recorded late (as postgres)
-- -----------------------------------------------------------------------------
-- The outcome of 2020-05-03 is reported before its decision, which comes today (route_model links them).
select public.record_agent_execution((select id from agents where name = 'low'), 'late-link-1', false, 2000, 1500);
update routing.executions e set recorded_at = timestamptz '2020-05-03 13:00Z' where e.execution_id = 'late-link-1';
select is(routing._refresh_report_rollups(), 2, 'A refresh before the link rebuilds the last two closed days only.');
select public.route_model((select id from agents where name = 'low'), 'late-link-1');
select is((select array_agg(day) from routing.report_stale_days), '{2020-05-03}'::date[],
  'The late link notes the outcome''s closed day (2020-05-03) for the next refresh.');
select is((select coalesce(sum(executions), 0) from public.routing_success_rates where day = '2020-05-03'), 0::numeric,
  'Until then the rolled-up 2020-05-03 does not count the linked outcome.');
select is(routing._refresh_report_rollups(), 3,
  'The next refresh rebuilds the last two closed days and the noted one.');
select is((select (sum(executions), sum(failed))::text from public.routing_success_rates where day = '2020-05-03'), '(1,1)',
  'Now 2020-05-03 counts the outcome linked late: one execution, failed.');
select is((select count(*) from routing.report_stale_days), 0::bigint, 'The refresh deletes the noted days it rebuilt.');

-- A further call today for med-2, whose outcome day (2020-05-02) is closed and older than the last two days.
select tests.record_completion_for((select fx.decision from fx where fx.execution_id = 'med-2'), 1000, 1000, latency_ms => 777);
select is((select routing._refresh_report_rollups()), 3,
  'The refresh rebuilds the outcome day of a call recorded since the last refresh (2020-05-02) as well.');
select is((select sum(calls)::bigint from public.routing_cohort_comparison where day = '2020-05-02' and cohort = 'routed'),
  (select count(*) from routing.calls c join routing.executions e on e.decision_id = c.decision_id
   join routing.decisions d on d.id = e.decision_id
   where (timezone('UTC', e.recorded_at))::date = '2020-05-02' and d.cohort = 'routed'),
  'The rolled-up 2020-05-02 counts every call of its outcomes, the late one too.');

select tests.authenticate_as_service_role();
select throws_ok($$select * from routing.report_stale_days$$, '42501', null,
  'The service role may not read or write the noted stale days (only the refresh does).');
select tests.clear_authentication();
select tests.authenticate_as((select id from actors where name = 'owner'));
select throws_ok($$insert into routing.report_stale_days (day) values ('2020-05-01')$$, '42501', null,
  'A user may not note a day for rebuilding (no one forces another tenant''s rebuilds).');
select tests.clear_authentication();

select * from finish();
ROLLBACK;
