-- Report ranges (ROUTING-SPEC §7): the *_between(from_day, to_day) functions beside the
-- views they roll up. A one-day range equals that day's view; several days sum exactly;
-- percentiles are recomputed over the range; RLS per actor.
--   day 2020-04-01  owner, routed: low-1 (mini), med-1, med-2 (haiku, fails); the call of med-3 (haiku)
--   day 2020-04-02  owner: low-2 (mini, routed), med-3's outcome, ctl-1 (gpt-4o, control cohort),
--                   dis-1 (gpt-4o, routing disabled), a lone call of the low agent (no execution)
--   day 2020-04-03  stranger, routed: str-1 (haiku)
-- Every call: 1,000 input and 1,000 output tokens: mini $0.00075, haiku $0.0015, gpt-4o $0.0125.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(38);

-- -----------------------------------------------------------------------------
-- Fixtures (as postgres): a clean slate, the actors, their agents and traffic
-- -----------------------------------------------------------------------------
select tests.clear_routing_history();
select tests.reset_routing();
select tests.use_plan_2025_catalog();  -- the plan's models and prices, as in its 2025

create temp table actors (name text primary key, id uuid not null) on commit drop;
insert into actors values ('owner', tests.create_user('owner48@example.com')),
                          ('stranger', tests.create_user('stranger48@example.com'));
create temp table agents (name text primary key, id uuid not null) on commit drop;
insert into agents
select 'low', tests.create_agent((select id from actors where name = 'owner'), 'Low agent', 2.0, 40, 97.5)
union all select 'medium', tests.create_agent((select id from actors where name = 'owner'), 'Medium agent', 5.2, 40, 97.5)
union all select 'control', tests.create_agent((select id from actors where name = 'owner'), 'Control agent', 5.2, 40, 97.5)
union all select 'stranger', tests.create_agent((select id from actors where name = 'stranger'), 'Stranger agent', 5.2, 40, 97.5);

create temp table fx (agent text, execution_id text, rollout integer, enabled boolean, succeeded boolean,
                      latency_ms integer, call_day date, outcome_day date, decision jsonb) on commit drop;
insert into fx values
  ('low', 'low-1', 100, true, true, 100, '2020-04-01', '2020-04-01', null),
  ('medium', 'med-1', 100, true, true, 300, '2020-04-01', '2020-04-01', null),
  ('medium', 'med-2', 100, true, false, 500, '2020-04-01', '2020-04-01', null),
  ('medium', 'med-3', 100, true, true, 200, '2020-04-01', '2020-04-02', null),
  ('low', 'low-2', 100, true, true, 150, '2020-04-02', '2020-04-02', null),
  ('control', 'ctl-1', 0, true, true, 700, '2020-04-02', '2020-04-02', null),
  ('low', 'dis-1', 100, false, true, 600, '2020-04-02', '2020-04-02', null),
  ('low', null, 100, true, null, 50, '2020-04-02', null, null),
  ('stranger', 'str-1', 100, true, true, 900, '2020-04-03', '2020-04-03', null);

do $$
declare
  f record;
begin
  for f in select fx.*, a.id as agent_id from fx join agents a on a.name = fx.agent order by fx.latency_ms loop
    update routing.config set rollout_percentage = f.rollout, enabled = f.enabled where id;
    update fx set decision = public.route_model(f.agent_id, f.execution_id) where fx.latency_ms = f.latency_ms;
  end loop;
  update routing.config set rollout_percentage = 100, enabled = true where id;
  for f in select fx.*, a.id as agent_id from fx join agents a on a.name = fx.agent order by fx.latency_ms loop
    perform tests.record_completion_for(f.decision, 1000, 1000, latency_ms => f.latency_ms);
    if f.execution_id is not null then
      perform public.record_agent_execution(f.agent_id, f.execution_id, f.succeeded, 2000, 2 * f.latency_ms);
    end if;
  end loop;
  -- Date the fixture on its own days, away from any other data.
  update routing.decisions d set created_at = (fx.call_day + time '12:00') at time zone 'UTC'
  from fx where d.id = (fx.decision ->> 'decision_id')::uuid;
  update routing.calls c set created_at = (fx.call_day + time '12:00') at time zone 'UTC'
  from fx where c.decision_id = (fx.decision ->> 'decision_id')::uuid;
  update routing.executions e set recorded_at = (fx.outcome_day + time '12:05') at time zone 'UTC'
  from fx where e.decision_id = (fx.decision ->> 'decision_id')::uuid;
end
$$;

select is(
  (select string_agg(format('%s:%s:%s', coalesce(f.execution_id, 'lone'), f.decision ->> 'model', f.decision ->> 'cohort'), ' '
                     order by f.latency_ms) from fx f),
  'lone:gpt-4o-mini:routed low-1:gpt-4o-mini:routed low-2:gpt-4o-mini:routed med-3:claude-3-haiku:routed '
  'med-1:claude-3-haiku:routed med-2:claude-3-haiku:routed dis-1:gpt-4o:disabled ctl-1:gpt-4o:control '
  'str-1:claude-3-haiku:routed',
  'The fixture was routed by route_model: mini and haiku by tier, a control and a disabled decision on gpt-4o.');

-- -----------------------------------------------------------------------------
-- Service role: one day equals the view, several days sum exactly
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();

select results_eq(
  $$select * from public.routing_model_distribution_between('2020-04-01', '2020-04-01')$$,
  $$select model, provider, calls, fallback_calls, executions, share_pct, execution_share_pct
    from public.routing_model_distribution where day = '2020-04-01' order by calls desc, executions desc, model$$,
  'The model distribution of a one-day range is that day''s view rows.');
select results_eq(
  $$select * from public.routing_model_distribution_between('2020-04-02', '2020-04-02')$$,
  $$select model, provider, calls, fallback_calls, executions, share_pct, execution_share_pct
    from public.routing_model_distribution where day = '2020-04-02' order by calls desc, executions desc, model$$,
  'The model distribution of the next day is that day''s view rows too.');
select results_eq(
  $$select * from public.routing_model_distribution_between('2020-04-01', '2020-04-02')$$,
  $$values ('claude-3-haiku'::text, 'anthropic'::text, 3::bigint, 0::bigint, 3::bigint, 37.50::numeric, 42.86::numeric),
           ('gpt-4o-mini', 'openai', 3, 0, 2, 37.50, 28.57),
           ('gpt-4o', 'openai', 2, 0, 2, 25.00, 28.57)$$,
  'Over two days the calls and executions add up and the shares are of the range: 3/8, 3/8, 2/8 of calls.');

select results_eq(
  $$select * from public.routing_cost_savings_between('2020-04-01', '2020-04-01')$$,
  $$select calls, executions, actual_cost_usd, baseline_cost_usd, savings_usd, savings_pct, cost_per_execution_usd
    from public.routing_cost_savings where day = '2020-04-01'$$,
  'The cost savings of a one-day range are that day''s view row.');
select results_eq(
  $$select * from public.routing_cost_savings_between('2020-04-02', '2020-04-02')$$,
  $$select calls, executions, actual_cost_usd, baseline_cost_usd, savings_usd, savings_pct, cost_per_execution_usd
    from public.routing_cost_savings where day = '2020-04-02'$$,
  'The cost savings of the next day are that day''s view row too.');
select is(
  (select r::text from public.routing_cost_savings_between('2020-04-01', '2020-04-02') r),
  '(8,7,0.03175,0.1,0.06825,68.25,0.0044285714)',
  'Over two days: 8 calls cost $0.03175 against $0.1 (68.25% saved); 7 executions cost $0.031, $0.0044285714 each.');
select is(
  (select r.actual_cost_usd from public.routing_cost_savings_between('2020-04-01', '2020-04-02') r),
  (select sum(actual_cost_usd) from public.routing_cost_savings where day between '2020-04-01' and '2020-04-02'),
  'The range''s actual cost is exactly the sum of its days'' actual costs.');

select results_eq(
  $$select * from public.routing_success_rates_between('2020-04-01', '2020-04-01')$$,
  $$select model, provider, sum(executions)::bigint, sum(succeeded)::bigint, sum(failed)::bigint,
           round(100.0 * sum(succeeded) / sum(executions), 2)
    from public.routing_success_rates where day = '2020-04-01' group by model, provider
    union all
    select null, null, sum(executions)::bigint, sum(succeeded)::bigint, sum(failed)::bigint,
           round(100.0 * sum(succeeded) / sum(executions), 2)
    from public.routing_success_rates where day = '2020-04-01'
    order by 1 nulls last$$,
  'The success rates of a one-day range are that day''s view summed per model, then one overall row.');
select results_eq(
  $$select * from public.routing_success_rates_between('2020-04-01', '2020-04-02')$$,
  $$values ('claude-3-haiku'::text, 'anthropic'::text, 3::bigint, 2::bigint, 1::bigint, 66.67::numeric),
           ('gpt-4o', 'openai', 2, 2, 0, 100.00),
           ('gpt-4o-mini', 'openai', 2, 2, 0, 100.00),
           (null, null, 7, 6, 1, 85.71)$$,
  'Over two days: one row per model by executions, then the overall 6 of 7 (85.71%) last.');

select results_eq(
  $$select * from public.routing_cohort_comparison_between('2020-04-01', '2020-04-01')$$,
  $$select cohort, executions, succeeded, success_rate, calls, cost_usd, baseline_cost_usd, cost_per_execution_usd,
           baseline_cost_per_execution_usd, p50_latency_ms, p95_latency_ms, p50_duration_ms, p95_duration_ms
    from public.routing_cohort_comparison where day = '2020-04-01'$$,
  'The cohort comparison of a one-day range is that day''s view rows.');
select results_eq(
  $$select * from public.routing_cohort_comparison_between('2020-04-02', '2020-04-02')$$,
  $$select cohort, executions, succeeded, success_rate, calls, cost_usd, baseline_cost_usd, cost_per_execution_usd,
           baseline_cost_per_execution_usd, p50_latency_ms, p95_latency_ms, p50_duration_ms, p95_duration_ms
    from public.routing_cohort_comparison where day = '2020-04-02'$$,
  'The cohort comparison of the next day is that day''s view rows, routed then control then disabled.');
select results_eq(
  $$select r::text from public.routing_cohort_comparison_between('2020-04-01', '2020-04-02') r$$,
  $$values ('(routed,5,4,80.00,5,0.006,0.0625,0.0012,0.0125,200,500,400,1000)'::text),
           ('(control,1,1,100.00,1,0.0125,0.0125,0.0125,0.0125,700,700,1400,1400)'),
           ('(disabled,1,1,100.00,1,0.0125,0.0125,0.0125,0.0125,600,600,1200,1200)')$$,
  'Over two days the cohorts add up, ordered routed, control, disabled.');
select is(
  (select (r.p50_latency_ms, r.p95_latency_ms)::text from public.routing_cohort_comparison_between('2020-04-01', '2020-04-02') r
   where r.cohort = 'routed'),
  '(200,500)',
  'The routed median over both days (200 ms of 100, 150, 200, 300, 500) is a true percentile, not a day''s median (300, 150).');
select is(
  (select string_agg(p50_latency_ms::text, ',' order by day) from public.routing_cohort_comparison
   where cohort = 'routed' and day between '2020-04-01' and '2020-04-02'),
  '300,150',
  'The view keeps its per-day medians: 300 ms, then 150 ms.');

select is(
  (select r.calls from public.routing_cost_savings_between('2020-04-01', '2020-04-03') r), 9::bigint,
  'The service role sees every call of the range, the stranger''s included.');
set local timezone = 'Pacific/Kiritimati';
select is(
  (select r::text from public.routing_cost_savings_between('2020-04-01', '2020-04-02') r),
  '(8,7,0.03175,0.1,0.06825,68.25,0.0044285714)',
  'Days are UTC dates whatever the session''s time zone.');
reset timezone;

-- An empty range: no rows where rows are per model or cohort; one row of zeros for the totals.
select is_empty($$select * from public.routing_model_distribution_between('2019-01-01', '2019-12-31')$$,
  'A range without traffic has no model distribution.');
select is(
  (select array_agg(r::text) from public.routing_cost_savings_between('2019-01-01', '2019-12-31') r),
  array['(0,0,0,0,0,,)'],
  'A range without traffic has exactly one cost row: zeros, no savings percentage, no cost per execution.');
select is(
  (select array_agg(r::text) from public.routing_success_rates_between('2019-01-01', '2019-12-31') r),
  array['(,,0,0,0,)'],
  'A range without traffic has only the overall success row, with zero executions and no rate.');
select is_empty($$select * from public.routing_cohort_comparison_between('2019-01-01', '2019-12-31')$$,
  'A range without traffic has no cohort.');

-- -----------------------------------------------------------------------------
-- Owner: the figures of their own agents only
-- -----------------------------------------------------------------------------
select tests.clear_authentication();  -- the actors table is the owner's
select tests.authenticate_as((select id from actors where name = 'owner'));

select is(
  (select r::text from public.routing_cost_savings_between('2020-04-01', '2020-04-03') r),
  '(8,7,0.03175,0.1,0.06825,68.25,0.0044285714)',
  'The owner''s three days are their own two: the stranger''s call is not counted.');
select is_empty($$select * from public.routing_model_distribution_between('2020-04-03', '2020-04-03')$$,
  'The owner does not see the stranger''s model distribution.');
select is(
  (select r::text from public.routing_success_rates_between('2020-04-01', '2020-04-03') r where r.model is null),
  '(,,7,6,1,85.71)',
  'The owner''s overall success rate counts their own seven executions.');
select is_empty($$select * from public.routing_cohort_comparison_between('2020-04-03', '2020-04-03')$$,
  'The owner does not see the stranger''s cohorts.');

-- -----------------------------------------------------------------------------
-- Stranger: only their own day
-- -----------------------------------------------------------------------------
select tests.clear_authentication();  -- the actors table is the owner's
select tests.authenticate_as((select id from actors where name = 'stranger'));

select is(
  (select r::text from public.routing_cost_savings_between('2020-04-01', '2020-04-03') r),
  '(1,1,0.0015,0.0125,0.011,88.00,0.0015)',
  'The stranger''s range holds only their own haiku call: $0.0015 against $0.0125.');
select results_eq(
  $$select * from public.routing_model_distribution_between('2020-04-01', '2020-04-03')$$,
  $$values ('claude-3-haiku'::text, 'anthropic'::text, 1::bigint, 0::bigint, 1::bigint, 100.00::numeric, 100.00::numeric)$$,
  'The stranger''s distribution is their one call.');
select is(
  (select array_agg(r::text) from public.routing_success_rates_between('2020-04-01', '2020-04-02') r),
  array['(,,0,0,0,)'],
  'The stranger sees none of the owner''s success rates.');
select is_empty($$select * from public.routing_cohort_comparison_between('2020-04-01', '2020-04-02')$$,
  'The stranger sees none of the owner''s cohorts.');

-- -----------------------------------------------------------------------------
-- Anon: no range at all
-- -----------------------------------------------------------------------------
select tests.authenticate_as_anon();

select throws_ok($$select * from public.routing_model_distribution_between('2020-04-01', '2020-04-03')$$, '42501',
  'permission denied for function routing_model_distribution_between', 'Anon may not read the model distribution of a range.');
select throws_ok($$select * from public.routing_cost_savings_between('2020-04-01', '2020-04-03')$$, '42501',
  'permission denied for function routing_cost_savings_between', 'Anon may not read the cost savings of a range.');
select throws_ok($$select * from public.routing_success_rates_between('2020-04-01', '2020-04-03')$$, '42501',
  'permission denied for function routing_success_rates_between', 'Anon may not read the success rates of a range.');
select throws_ok($$select * from public.routing_cohort_comparison_between('2020-04-01', '2020-04-03')$$, '42501',
  'permission denied for function routing_cohort_comparison_between', 'Anon may not read the cohort comparison of a range.');

-- -----------------------------------------------------------------------------
-- Catalog: invoker rights, SQL, pinned search_path, comments, grants
-- -----------------------------------------------------------------------------
select tests.clear_authentication();
create temp table ranges on commit drop as
select f::regprocedure as fn from unnest(array[
  'public.routing_model_distribution_between(date, date)', 'public.routing_cost_savings_between(date, date)',
  'public.routing_success_rates_between(date, date)', 'public.routing_cohort_comparison_between(date, date)']) f;

select is_empty($$
  select r.fn::text from ranges r join pg_catalog.pg_proc p on p.oid = r.fn join pg_catalog.pg_language l on l.oid = p.prolang
  where p.prosecdef or p.provolatile <> 's' or l.lanname <> 'sql'
     or not coalesce('search_path=""' = any (p.proconfig), false)
$$, 'Every range function is SQL, stable, runs with the invoker''s rights (RLS holds) and pins an empty search_path.');
select is_empty($$select r.fn::text from ranges r where obj_description(r.fn, 'pg_proc') is null$$,
  'Every range function has a comment.');
select is_empty($$
  select r.fn::text || ' by ' || role from ranges r cross join unnest(array['authenticated', 'service_role']) role
  where not has_function_privilege(role, r.fn, 'execute')
$$, 'Signed-in users and the service role may execute every range function.');
select is_empty($$
  select r.fn::text from ranges r join pg_catalog.pg_proc p on p.oid = r.fn
  where has_function_privilege('anon', r.fn, 'execute')
     or exists (select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                where a.grantee = 0 and a.privilege_type = 'EXECUTE')
$$, 'Neither anon nor PUBLIC may execute a range function.');
select is(
  (select count(*)::integer from fx), 9, 'The fixture holds nine calls.');

select * from finish();
ROLLBACK;
