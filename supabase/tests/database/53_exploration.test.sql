-- Stepping down where it is safe (ROUTING-SPEC §10): a routed agent above the bottom rung
-- is offered the next cheaper rung on explore_percentage of its executions (reason
-- explore_cheaper), sticky per execution; never for a lone call, a preference, a forced
-- model, the control cohort, a shadow, after a recent failure, before it has a record on
-- its own rung, or when the evidence on the cheaper model already falls short.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(21);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): default config (explore 5%), the named actor owner and their agents
-- -----------------------------------------------------------------------------
select tests.clear_routing_history(), tests.clear_alert_history();
select tests.reset_routing();
-- These figures are the plan's models and prices: where the catalog has presets, use the plan's (a no-op before).
do $$ begin
  if to_regprocedure('tests.use_plan_2025_catalog()') is not null then perform tests.use_plan_2025_catalog(); end if;
end $$;
select tests.create_user('owner');
select tests.create_agent('owner', 'Explorer', 5.2, 10),
       tests.create_agent('owner', 'High explorer', 8.4, 10),
       tests.create_agent('owner', 'Low agent', 2.0, 10),
       tests.create_agent('owner', 'Newcomer', 5.2, 10),
       tests.create_agent('owner', 'Proven short', 5.2, 30),
       tests.create_agent('owner', 'Preferring agent', 5.2, 10, model_preference => 'claude-3-haiku'),
       tests.create_agent('owner', 'Recently failed', 5.2, 10, consecutive_failures => 1,
                          last_failure_at => now() - interval '5 minutes');
-- Each has a record on its own rung (10 of 10), except the Newcomer; Proven short also failed a fifth on gpt-4o-mini.
insert into routing.agent_model_records (agent_id, model, user_id, executions, successes)
select tests.get_agent_id(a.name), a.model, tests.get_user_id('owner'), a.n, a.s
from (values ('Explorer', 'claude-3-haiku', 10, 10), ('High explorer', 'gpt-4o', 10, 10), ('Low agent', 'gpt-4o-mini', 10, 10),
             ('Proven short', 'claude-3-haiku', 10, 10), ('Proven short', 'gpt-4o-mini', 20, 15),
             ('Preferring agent', 'claude-3-haiku', 10, 10), ('Recently failed', 'claude-3-haiku', 10, 10)) a(name, model, n, s);

-- The reasons of n executions of an agent (ids prefix-1..n), routed as the service role with an env.
create function pg_temp.reasons(agent text, prefix text, n integer, env jsonb default null)
returns table (execution text, model text, reason text, shadow_reason text) language sql as $$
  select prefix || g, d ->> 'model', d ->> 'reason', d ->> 'shadow_reason'
  from generate_series(1, n) g, public.route_model(tests.get_agent_id(agent), prefix || g, env) d
$$;

-- -----------------------------------------------------------------------------
-- Service role: the share, sticky
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();

create temp table explorer on commit drop as select * from pg_temp.reasons('Explorer', 'e-', 2000);
select cmp_ok((select 100.0 * count(*) filter (where reason = 'explore_cheaper') / count(*) from explorer), '>=', 3.5::numeric,
  'Over 2000 executions at explore_percentage 5, at least 3.5% explore the cheaper rung ...');
select cmp_ok((select 100.0 * count(*) filter (where reason = 'explore_cheaper') / count(*) from explorer), '<=', 6.5::numeric,
  '... and at most 6.5%.');
select is((select string_agg(distinct model || ':' || reason, ', ') from explorer),
  'claude-3-haiku:tier, gpt-4o-mini:explore_cheaper', 'Explored executions get gpt-4o-mini, the others the tier''s claude-3-haiku.');
select is(
  (select public.route_model(tests.get_agent_id('Explorer'), execution) ->> 'replayed' || ' '
          || (public.route_model(tests.get_agent_id('Explorer'), execution) ->> 'model')
   from explorer where reason = 'explore_cheaper' order by execution limit 1),
  'true gpt-4o-mini', 'A replay of an explored execution gets the same decision.');
select is(
  (select reasoning from routing.decisions where reason = 'explore_cheaper' order by execution_id limit 1),
  'Exploring gpt-4o-mini (5% of executions) - one rung below claude-3-haiku', 'The reasoning names the exploration.');
select cmp_ok((select count(*) from pg_temp.reasons('High explorer', 'h-', 400) where reason = 'explore_cheaper'
               and model = 'claude-3-haiku'), '>', 0::bigint,
  'A high agent explores claude-3-haiku, the next cheaper rung below gpt-4o.');
select tests.clear_authentication();  -- the bucket is a private helper
select is_empty(
  $$select execution from explorer
    where (reason = 'explore_cheaper') <> (routing._explore_bucket(tests.get_agent_id('Explorer'), execution) < 5)$$,
  'Exactly the executions whose sticky bucket md5(agent, execution id) mod 100 is below 5 explore.');
select tests.authenticate_as_service_role();
select is(
  public.record_agent_execution(tests.get_agent_id('Explorer'),
    (select execution from explorer where reason = 'explore_cheaper' order by execution limit 1), true) ->> 'recorded', 'true',
  'An explored execution''s success is recorded ...');
select is((select (executions, successes)::text from routing.agent_model_records
           where agent_id = tests.get_agent_id('Explorer') and model = 'gpt-4o-mini'), '(1,1)',
  '... and counts for the cheaper model it explored.');

-- -----------------------------------------------------------------------------
-- Service role: the percentage is the bound
-- -----------------------------------------------------------------------------
update routing.config set explore_percentage = 20 where id;
select cmp_ok((select 100.0 * count(*) filter (where reason = 'explore_cheaper') / count(*)
               from pg_temp.reasons('Explorer', 'twenty-', 1000)), '<=', 23::numeric,
  'At explore_percentage 20 no more than about a fifth of 1000 executions explore.');
update routing.config set explore_percentage = 0 where id;
select is((select count(*) from pg_temp.reasons('Explorer', 'off-', 300) where reason = 'explore_cheaper'), 0::bigint,
  'At explore_percentage 0 no execution explores.');
update routing.config set explore_percentage = default where id;

-- -----------------------------------------------------------------------------
-- Service role: never
-- -----------------------------------------------------------------------------
select is((select count(*) from generate_series(1, 100) g, public.route_model(tests.get_agent_id('Explorer')) d
           where d ->> 'reason' = 'explore_cheaper'), 0::bigint, 'A lone call (no execution id) never explores.');
select is((select string_agg(distinct reason, ',') from pg_temp.reasons('Preferring agent', 'p-', 300)), 'agent_preference',
  'An agent with a preference never explores.');
select is((select string_agg(distinct reason, ',') from pg_temp.reasons('Explorer', 'f-', 300, '{"FORCE_MODEL": "gpt-4o"}')),
  'forced', 'A forced model never explores.');
select is(
  (select string_agg(distinct reason || '/' || shadow_reason, ',') from pg_temp.reasons('Explorer', 'c-', 300, '{"ROUTING_PERCENTAGE": "0"}')),
  'rollout_control/tier', 'The control cohort never explores, nor does its shadow.');
select is(
  (select string_agg(distinct reason || '/' || shadow_reason, ',')
   from pg_temp.reasons('Explorer', 'd-', 300, '{"ENABLE_INTELLIGENT_ROUTING": "false"}')),
  'routing_disabled/tier', 'With routing off the shadow never explores.');
select is((select string_agg(distinct reason, ',') from pg_temp.reasons('Recently failed', 'r-', 300)), 'tier',
  'An agent that failed within failure_upgrade_minutes never explores.');
select is((select string_agg(distinct reason, ',') from pg_temp.reasons('Newcomer', 'n-', 300)), 'tier',
  'An agent without min_executions outcomes on its own rung never explores.');
select is((select string_agg(distinct reason, ',') from pg_temp.reasons('Proven short', 's-', 300)), 'tier',
  'An agent whose evidence on the cheaper model already falls short (15 of 20) never explores it.');
select is((select string_agg(distinct reason, ',') from pg_temp.reasons('Low agent', 'l-', 300)), 'tier',
  'An agent on the bottom rung has nothing cheaper to explore.');
update public.agent_intensity_metrics set last_failure_at = now() - interval '2 hours'
where agent_id = tests.get_agent_id('Recently failed');
select cmp_ok((select count(*) from pg_temp.reasons('Recently failed', 'later-', 300) where reason = 'explore_cheaper'), '>', 0::bigint,
  'Once the failure is older than the window the agent explores again.');

select * from finish();
ROLLBACK;
