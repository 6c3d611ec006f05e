-- A call's UTC day, read by its created_at: routing.calls keeps one time index (calls_created_at_idx), which
-- every call's insert maintains, and no second one on the UTC-day expression. The report views' live days, the
-- rollups' rebuild and the projection bound a day by created_at ranges (day >= d <=> created_at >= d 00:00 UTC),
-- so the calls at a day's edges must land on the same day as before, live and rolled up, whatever the session's
-- time zone; and the live read must still be an index range scan.
--   2020-05-01 00:00:00 UTC          the first instant of the first day (the rollups' first day: their lower edge)
--   2020-05-01 23:59:59.999999 UTC   the last instant of that day
--   2020-05-02 00:00:00 UTC          the first instant of the next day
--   today 00:00:00 UTC               the first instant of today (live: the day after the rollups' upper edge)
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(11);

-- -----------------------------------------------------------------------------
-- Fixtures (as postgres): one agent, four calls at the days' edges, a session far from UTC
-- -----------------------------------------------------------------------------
select tests.clear_routing_history();
select tests.reset_routing();
set local timezone = 'Pacific/Kiritimati';  -- UTC+14: the local date differs from the UTC date at every edge

create temp table edge (n integer primary key, at timestamptz not null) on commit drop;
insert into edge values (1, '2020-05-01 00:00:00+00'), (2, '2020-05-01 23:59:59.999999+00'), (3, '2020-05-02 00:00:00+00'),
                        (4, (timezone('UTC', now()))::date::timestamp at time zone 'UTC');
do $$
declare
  agent uuid := tests.create_agent(tests.create_user('edges70@example.com'), 'Edge agent', 2.0, 40, 97.5);
  e record;
  decision jsonb;
begin
  for e in select * from edge order by n loop
    decision := public.route_model(agent, 'edge-' || e.n);
    perform tests.record_completion_for(decision, 1000, 1000, latency_ms => e.n);
    update routing.calls c set created_at = e.at where c.decision_id = (decision ->> 'decision_id')::uuid;
  end loop;
end
$$;

-- Calls per day as one text (day=calls, ...), from each reader of a call's day.
create function pg_temp.days() returns text language sql as $$
  select concat_ws(' | ',
    (select string_agg(v.day || '=' || v.calls, ' ' order by v.day) from public.routing_cost_savings v
      where v.day between '2020-04-30' and '2020-05-03' and v.calls > 0),
    (select string_agg(v.day || '=' || v.calls, ' ' order by v.day) from public.routing_model_distribution v
      where v.day between '2020-04-30' and '2020-05-03' and v.calls > 0),
    (select string_agg(d.day || '=' || r.calls, ' ' order by d.day)
      from (values ('2020-04-30'::date), ('2020-05-01'), ('2020-05-02'), ('2020-05-03')) d(day)
      cross join lateral public.routing_cost_savings_between(d.day, d.day) r where r.calls > 0))
$$;
-- The plan of a query, one text.
create function pg_temp.plan_of(query text) returns text language plpgsql as $$
declare
  line text;
  plan text := '';
begin
  for line in execute 'explain (costs off) ' || query loop
    plan := plan || line || E'\n';
  end loop;
  return plan;
end
$$;

-- -----------------------------------------------------------------------------
-- Owner (the schema): one time index on routing.calls
-- -----------------------------------------------------------------------------
select indexes_are('routing', 'calls',
  array['calls_pkey', 'calls_call_key_key', 'calls_created_at_idx', 'calls_decision_idx', 'calls_user_created_idx'],
  'routing.calls has one time index, calls_created_at_idx, and none on the UTC day of created_at.');
select indexes_are('routing', 'attempts', array['attempts_pkey', 'attempts_call_id_seq_key', 'attempts_created_provider_idx'],
  'routing.attempts has the three indexes its insert maintains and no other.');

-- -----------------------------------------------------------------------------
-- Service role: live days (no rollups yet)
-- -----------------------------------------------------------------------------
select is(routing._first_live_day(), '-infinity'::date, 'Without rollups every day is read live.');
select is(pg_temp.days(), '2020-05-01=2 2020-05-02=1 | 2020-05-01=2 2020-05-02=1 | 2020-05-01=2 2020-05-02=1',
  'Read live, a UTC day''s first and last instants count for that day, in a session at UTC+14.');

set local enable_seqscan = off;
select matches(pg_temp.plan_of($q$select * from public.routing_cost_savings where day = '2020-05-02'$q$),
  'Index[^\n]*calls_created_at_idx',
  'A day of the cost view reads routing.calls through calls_created_at_idx.');
select matches(pg_temp.plan_of($q$select * from public.routing_model_distribution where day = '2020-05-02'$q$),
  'Index[^\n]*calls_created_at_idx',
  'A day of the distribution view reads routing.calls through calls_created_at_idx.');
reset enable_seqscan;

-- -----------------------------------------------------------------------------
-- Operator (postgres): the rollups' rebuild and the projection bound the days alike
-- -----------------------------------------------------------------------------
select lives_ok($$select routing._refresh_report_rollups()$$, 'The rollups are built from the first day with a call.');
select is(pg_temp.days(), '2020-05-01=2 2020-05-02=1 | 2020-05-01=2 2020-05-02=1 | 2020-05-01=2 2020-05-02=1',
  'Rolled up, the calls at the days'' edges count for the same UTC days as read live.');
select is((select v.calls from public.routing_cost_savings v where v.day = (timezone('UTC', now()))::date), 1::bigint,
  'Today''s first call is read live once: the rollups end at yesterday''s last instant.');
select is((select count(*) from routing.report_rollups r where r.day >= (timezone('UTC', now()))::date), 0::bigint,
  'No rollup row reaches today.');
select is((select string_agg(r.day || '=' || r.calls, ' ' order by r.day) from routing.projection_rollups r
           where r.day between '2020-04-30' and '2020-05-03'),
  '2020-05-01=2 2020-05-02=1',
  'The projection''s rollups count the calls at the days'' edges for the same UTC days.');

select * from finish();
ROLLBACK;
