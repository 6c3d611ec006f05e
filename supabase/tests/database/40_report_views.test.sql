-- Report views (ROUTING-SPEC §7): the plan's §10.2 mix fed through route_model,
-- record_completion and record_agent_execution, read back to the cent, per actor.
--   day 2020-03-02  owner, routed: 3 low (gpt-4o-mini), 5 medium (claude-3-haiku, one fails), 2 high (gpt-4o)
--   day 2020-03-03  owner, control cohort: 2 executions on gpt-4o (shadow claude-3-haiku)
--   day 2020-03-04  stranger, routed: 1 medium execution
-- Every call: 1,500 input and 1,800 output tokens.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(43);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): a clean slate, the named actors owner and stranger, agents, metrics, executions
-- -----------------------------------------------------------------------------
select tests.clear_routing_history();
select tests.reset_routing();
select tests.use_plan_2025_catalog();  -- the plan's models and prices, as in its 2025

select tests.create_user('owner'), tests.create_user('stranger');
select tests.create_agent('owner', 'Low agent', 2.0, 40, 97.5),
       tests.create_agent('owner', 'Medium agent', 5.2, 40, 97.5),
       tests.create_agent('owner', 'High agent', 8.4, 40, 97.5),
       tests.create_agent('owner', 'Control agent', 5.2, 40, 97.5),
       tests.create_agent('stranger', 'Stranger agent', 5.2, 40, 97.5);

create temp table fx (agent_id uuid, execution_id text, rollout integer, succeeded boolean, latency_ms integer, day date,
                      decision jsonb) on commit drop;
insert into fx (agent_id, execution_id, rollout, succeeded, latency_ms, day)
select tests.get_agent_id(agent), execution_id, rollout, succeeded, latency_ms, day::date from (values
  ('Low agent', 'low-1', 100, true, 100, '2020-03-02'),
  ('Low agent', 'low-2', 100, true, 200, '2020-03-02'),
  ('Low agent', 'low-3', 100, true, 300, '2020-03-02'),
  ('Medium agent', 'medium-1', 100, true, 400, '2020-03-02'),
  ('Medium agent', 'medium-2', 100, true, 500, '2020-03-02'),
  ('Medium agent', 'medium-3', 100, false, 600, '2020-03-02'),
  ('Medium agent', 'medium-4', 100, true, 700, '2020-03-02'),
  ('Medium agent', 'medium-5', 100, true, 800, '2020-03-02'),
  ('High agent', 'high-1', 100, true, 900, '2020-03-02'),
  ('High agent', 'high-2', 100, true, 1000, '2020-03-02'),
  ('Control agent', 'control-1', 0, true, 1100, '2020-03-03'),
  ('Control agent', 'control-2', 0, true, 1200, '2020-03-03'),
  ('Stranger agent', 'stranger-1', 100, true, 1300, '2020-03-04')) v(agent, execution_id, rollout, succeeded, latency_ms, day);

do $$
declare
  f record;
begin
  for f in select * from fx order by latency_ms loop
    update routing.config set rollout_percentage = f.rollout where id;
    update fx set decision = public.route_model(f.agent_id, f.execution_id)
    where fx.agent_id = f.agent_id and fx.execution_id = f.execution_id;
  end loop;
  update routing.config set rollout_percentage = 100 where id;
  for f in select * from fx order by latency_ms loop
    perform tests.record_completion_for(f.decision, 1500, 1800, latency_ms => f.latency_ms);
    perform public.record_agent_execution(f.agent_id, f.execution_id, f.succeeded, 3300, 2 * f.latency_ms);
  end loop;
  -- Date the fixture on its own days, away from any other data.
  update routing.decisions d set created_at = (fx.day + time '12:00') at time zone 'UTC'
  from fx where d.agent_id = fx.agent_id and d.execution_id = fx.execution_id;
  update routing.calls c set created_at = (fx.day + time '12:00') at time zone 'UTC'
  from fx where c.agent_id = fx.agent_id and c.execution_id = fx.execution_id;
  update routing.executions e set recorded_at = (fx.day + time '12:05') at time zone 'UTC'
  from fx where e.agent_id = fx.agent_id and e.execution_id = fx.execution_id;
end
$$;

select is(
  (select string_agg(format('%s:%s:%s', f.execution_id, f.decision ->> 'model', f.decision ->> 'cohort'), ' ' order by f.latency_ms) from fx f),
  'low-1:gpt-4o-mini:routed low-2:gpt-4o-mini:routed low-3:gpt-4o-mini:routed medium-1:claude-3-haiku:routed '
  'medium-2:claude-3-haiku:routed medium-3:claude-3-haiku:routed medium-4:claude-3-haiku:routed medium-5:claude-3-haiku:routed '
  'high-1:gpt-4o:routed high-2:gpt-4o:routed control-1:gpt-4o:control control-2:gpt-4o:control stranger-1:claude-3-haiku:routed',
  'The fixture was routed by route_model to the plan''s models: 30% mini, 50% haiku, 20% gpt-4o, and a control cohort.');

-- -----------------------------------------------------------------------------
-- Service role: every figure, to the cent
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();

select is(
  (select (calls, executions, actual_cost_usd, baseline_cost_usd, savings_usd, savings_pct, execution_cost_usd, cost_per_execution_usd)::text
   from public.routing_cost_savings where day = '2020-03-02'),
  '(10,10,0.06054,0.2175,0.15696,72.17,0.06054,0.006054)',
  'The §10.2 mix costs $0.060540 against a $0.2175 baseline: $0.15696 saved (72.17%), $0.006054 per execution.');
select is((select actual_cost_usd from public.routing_cost_savings where day = '2020-03-02'), 0.060540::numeric,
  'The actual cost is 3 x 0.001305 + 5 x 0.002625 + 2 x 0.02175 = $0.060540 exactly.');
select is((select baseline_cost_usd from public.routing_cost_savings where day = '2020-03-02'), 10 * 0.02175,
  'The baseline cost is the same tokens at gpt-4o: 10 x $0.02175.');
select is((select round(savings_usd, 2) from public.routing_cost_savings where day = '2020-03-02'), 0.16,
  'The savings round to $0.16.');
select is(
  (select (calls, executions, actual_cost_usd, baseline_cost_usd, savings_usd, savings_pct, cost_per_execution_usd)::text
   from public.routing_cost_savings where day = '2020-03-03'),
  '(2,2,0.0435,0.0435,0,0.00,0.02175)',
  'The control day costs the baseline exactly and saves nothing.');
select is((select count(*) from public.routing_cost_savings where day between '2020-03-02' and '2020-03-04'), 3::bigint,
  'The service role sees every day of the fixture, the stranger''s included.');

select results_eq(
  $$select model, provider, calls, executions, fallback_calls, share_pct, execution_share_pct
    from public.routing_model_distribution where day = '2020-03-02' order by calls$$,
  $$values ('gpt-4o'::text, 'openai'::text, 2::bigint, 2::bigint, 0::bigint, 20.00::numeric, 20.00::numeric),
           ('gpt-4o-mini', 'openai', 3, 3, 0, 30.00, 30.00),
           ('claude-3-haiku', 'anthropic', 5, 5, 0, 50.00, 50.00)$$,
  'The model distribution of the day is 20% gpt-4o, 30% gpt-4o-mini, 50% claude-3-haiku of calls and of executions.');

select results_eq(
  $$select model, tier, cohort, executions, succeeded, failed, success_rate
    from public.routing_success_rates where day = '2020-03-02' order by model$$,
  $$values ('claude-3-haiku'::text, 'medium'::text, 'routed'::text, 5::bigint, 4::bigint, 1::bigint, 80.00::numeric),
           ('gpt-4o', 'high', 'routed', 2, 2, 0, 100.00),
           ('gpt-4o-mini', 'low', 'routed', 3, 3, 0, 100.00)$$,
  'Success rates by model, tier and cohort: haiku 4 of 5 (80%), gpt-4o and mini all succeeded.');
select is(
  (select round(100.0 * sum(succeeded) / sum(executions), 2) from public.routing_success_rates where day = '2020-03-02'),
  90.00, 'Rolled up by summing the counts, the day''s success rate is 9 of 10 = 90%.');
select is(
  (select (executions, succeeded, success_rate)::text from public.routing_success_rates where day = '2020-03-03'),
  '(2,2,100.00)', 'The control cohort''s executions count under gpt-4o, cohort control.');

select is(
  (select (executions, succeeded, success_rate, calls, cost_usd, cost_per_execution_usd, baseline_cost_per_execution_usd,
           p50_latency_ms, p95_latency_ms, p50_duration_ms, p95_duration_ms)::text
   from public.routing_cohort_comparison where day = '2020-03-02' and cohort = 'routed'),
  '(10,9,90.00,10,0.06054,0.006054,0.02175,500,1000,1000,2000)',
  'The routed cohort: 90% success at $0.006054 per execution, p50 500 ms and p95 1000 ms per call.');
select is(
  (select (executions, succeeded, success_rate, calls, cost_usd, cost_per_execution_usd, p50_latency_ms, p95_latency_ms)::text
   from public.routing_cohort_comparison where day = '2020-03-03' and cohort = 'control'),
  '(2,2,100.00,2,0.0435,0.02175,1100,1200)',
  'The control cohort: 100% success at the baseline $0.02175 per execution.');
select results_eq(
  $$select cohort from public.routing_cohort_comparison where day between '2020-03-02' and '2020-03-03' order by cohort$$,
  $$values ('control'::text), ('routed')$$,
  'The comparison has one row per cohort and day.');

-- -----------------------------------------------------------------------------
-- Owner: the same figures for their own agents, nothing of the stranger's
-- -----------------------------------------------------------------------------
select tests.authenticate_as('owner');

select is(
  (select (calls, executions, actual_cost_usd, baseline_cost_usd, savings_usd, savings_pct, cost_per_execution_usd)::text
   from public.routing_cost_savings where day = '2020-03-02'),
  '(10,10,0.06054,0.2175,0.15696,72.17,0.006054)',
  'The owner sees their own day to the cent.');
select is((select sum(calls) from public.routing_model_distribution where day = '2020-03-02'), 10::numeric,
  'The owner sees all ten of their calls in the distribution.');
select is((select sum(executions) from public.routing_success_rates where day = '2020-03-02'), 10::numeric,
  'The owner sees all ten of their executions in the success rates.');
select is((select executions from public.routing_cohort_comparison where day = '2020-03-03' and cohort = 'control'), 2::bigint,
  'The owner sees their control cohort.');
select is_empty($$select * from public.routing_cost_savings where day = '2020-03-04'$$,
  'The owner does not see the stranger''s costs.');
select is_empty($$select * from public.routing_model_distribution where day = '2020-03-04'$$,
  'The owner does not see the stranger''s model distribution.');
select is_empty($$select * from public.routing_success_rates where day = '2020-03-04'$$,
  'The owner does not see the stranger''s success rates.');
select is_empty($$select * from public.routing_cohort_comparison where day = '2020-03-04'$$,
  'The owner does not see the stranger''s cohorts.');

-- -----------------------------------------------------------------------------
-- Stranger: only their own day
-- -----------------------------------------------------------------------------
select tests.authenticate_as('stranger');

select is_empty($$select * from public.routing_cost_savings where day between '2020-03-02' and '2020-03-03'$$,
  'The stranger does not see the owner''s costs.');
select is_empty($$select * from public.routing_model_distribution where day between '2020-03-02' and '2020-03-03'$$,
  'The stranger does not see the owner''s model distribution.');
select is_empty($$select * from public.routing_success_rates where day between '2020-03-02' and '2020-03-03'$$,
  'The stranger does not see the owner''s success rates.');
select is_empty($$select * from public.routing_cohort_comparison where day between '2020-03-02' and '2020-03-03'$$,
  'The stranger does not see the owner''s cohorts.');
select is(
  (select (calls, executions, actual_cost_usd, baseline_cost_usd, savings_usd, savings_pct)::text
   from public.routing_cost_savings where day = '2020-03-04'),
  '(1,1,0.002625,0.02175,0.019125,87.93)',
  'The stranger sees their own haiku call: $0.002625 against $0.02175.');
select is(
  (select (model, calls, share_pct)::text from public.routing_model_distribution where day = '2020-03-04'),
  '(claude-3-haiku,1,100.00)', 'The stranger''s distribution is their one call.');

-- -----------------------------------------------------------------------------
-- Anon: no view at all
-- -----------------------------------------------------------------------------
select tests.authenticate_as_anon();

select throws_ok($$select * from public.routing_model_distribution$$, '42501',
  'permission denied for view routing_model_distribution', 'Anon may not read the model distribution.');
select throws_ok($$select * from public.routing_success_rates$$, '42501',
  'permission denied for view routing_success_rates', 'Anon may not read the success rates.');
select throws_ok($$select * from public.routing_cost_savings$$, '42501',
  'permission denied for view routing_cost_savings', 'Anon may not read the cost savings.');
select throws_ok($$select * from public.routing_cohort_comparison$$, '42501',
  'permission denied for view routing_cohort_comparison', 'Anon may not read the cohort comparison.');

-- -----------------------------------------------------------------------------
-- Catalog: invoker rights, exact money, grants
-- -----------------------------------------------------------------------------
select tests.clear_authentication();
select is_empty($$
  select c.relname from pg_catalog.pg_class c
  where c.oid in ('public.routing_model_distribution'::regclass, 'public.routing_success_rates'::regclass,
                  'public.routing_cost_savings'::regclass, 'public.routing_cohort_comparison'::regclass,
                  'public.routing_alerts'::regclass)
    and not coalesce('security_invoker=true' = any (c.reloptions), false)
$$, 'Every report view runs with the invoker''s rights (security_invoker), so RLS holds.');
select is_empty($$
  select table_name || '.' || column_name from information_schema.columns
  where table_schema = 'public'
    and table_name in ('routing_model_distribution', 'routing_success_rates', 'routing_cost_savings', 'routing_cohort_comparison', 'routing_alerts')
    and (data_type in ('real', 'double precision') or (column_name like '%usd' and data_type <> 'numeric'))
$$, 'No report column is a float, and every money column is numeric.');
select ok(has_table_privilege('authenticated', 'public.routing_cost_savings', 'select')
          and has_table_privilege('service_role', 'public.routing_cost_savings', 'select'),
  'Signed-in users and the service role may select the views.');
select ok(not has_table_privilege('authenticated', 'public.routing_cost_savings', 'insert')
          and not has_table_privilege('service_role', 'public.routing_cost_savings', 'delete'),
  'Nobody may write through the views.');
select is_empty($$
  select v from unnest(array['public.routing_model_distribution', 'public.routing_success_rates', 'public.routing_cost_savings',
                             'public.routing_cohort_comparison', 'public.routing_alerts']) v
  where has_table_privilege('anon', v, 'select')
$$, 'Anon holds no select privilege on any report view.');
select has_column('public', 'routing_model_distribution', 'day', 'The distribution is filterable by day.');
select has_column('public', 'routing_success_rates', 'day', 'The success rates are filterable by day.');
select has_column('public', 'routing_cost_savings', 'day', 'The cost savings are filterable by day.');
select has_column('public', 'routing_cohort_comparison', 'day', 'The cohort comparison is filterable by day.');
select has_column('public', 'routing_alerts', 'day', 'The alerts are filterable by day.');
select is((select count(*)::integer from fx), 13, 'The fixture holds thirteen executions.');
select * from finish();
ROLLBACK;
