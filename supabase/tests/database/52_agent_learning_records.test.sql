-- The track record (ROUTING-SPEC §10): an execution counts for the weakest model that
-- answered its calls, else its decision's model; the learned tier's place in the decision
-- order (spec §2: after recent_failures / new_agent / low_success_rate; a preference, a
-- forced model and the control cohort win; the shadow of disabled and control includes it);
-- who may read and write the learning tables.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(26);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): default config, the named actors owner and stranger, their agents
-- -----------------------------------------------------------------------------
select tests.clear_routing_history(), tests.clear_alert_history();
select tests.reset_routing();
-- These figures are the plan's models and prices: where the catalog has presets, use the plan's (a no-op before).
do $$ begin
  if to_regprocedure('tests.use_plan_2025_catalog()') is not null then perform tests.use_plan_2025_catalog(); end if;
end $$;
select tests.create_user('owner'), tests.create_user('stranger');
select tests.create_agent('owner', 'Medium agent', 5.2, 40),
       tests.create_agent('owner', 'Learned agent', 2.0, 40),
       tests.create_agent('stranger', 'Stranger agent', 5.2, 40);
-- The Learned agent's outcomes moved it up to the medium rung.
insert into routing.agent_learning (agent_id, user_id, rung, model, from_model, direction)
values (tests.get_agent_id('Learned agent'), tests.get_user_id('owner'), 2, 'claude-3-haiku', 'gpt-4o-mini', 'up');

-- A call of a decision, answered (or failed) by one model in one attempt.
create function pg_temp.call(decision jsonb, model text, status text default 'succeeded') returns jsonb language sql as $$
  select public.record_completion((decision ->> 'decision_id')::uuid, jsonb_build_object(
    'status', status, 'model', model, 'provider', (select m.provider from routing.models m where m.model = call.model),
    'attempts', jsonb_build_array(jsonb_build_object(
      'model', model, 'provider', (select m.provider from routing.models m where m.model = call.model),
      'status', case status when 'succeeded' then 200 else 500 end,
      'error_type', case status when 'succeeded' then null else 'server_error' end,
      'input_tokens', 10, 'output_tokens', 10))))
$$;
-- The strength of each model (a private helper: read as the database owner).
select is(
  (select string_agg(m || '=' || routing._model_strength(m, 'gpt-4o-mini', 'claude-3-haiku', 'gpt-4o'), ' ' order by m collate "C")
   from unnest(array['gpt-4o-mini', 'claude-3-haiku', 'gpt-4o', 'gpt-3.5-turbo', 'claude-3-5-haiku']) m),
  'claude-3-5-haiku=2.5 claude-3-haiku=2 gpt-3.5-turbo=2.5 gpt-4o=3 gpt-4o-mini=1',
  'Ladder models rank by rung; off the ladder, half a rung above the dearest rung not above their output price.');


-- -----------------------------------------------------------------------------
-- Service role: the weakest answering model
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();

create temp table runs (execution text, decision jsonb) on commit drop;
insert into runs select 'fallback-' || g, public.route_model(tests.get_agent_id('Medium agent'), 'fallback-' || g)
from generate_series(1, 5) g;
select pg_temp.call(decision, 'gpt-4o') from runs where execution = 'fallback-1';
select pg_temp.call(decision, 'claude-3-haiku') from runs where execution = 'fallback-1';
select pg_temp.call(decision, 'gpt-4o') from runs where execution = 'fallback-2';
select pg_temp.call(decision, 'gpt-4o-mini', 'failed') from runs where execution = 'fallback-3';
select pg_temp.call(decision, 'gpt-4o') from runs where execution = 'fallback-3';
select pg_temp.call(decision, 'gpt-3.5-turbo') from runs where execution = 'fallback-4';
select pg_temp.call(decision, 'gpt-4o') from runs where execution = 'fallback-4';

select public.record_agent_execution(tests.get_agent_id('Medium agent'), 'fallback-1', true) is not null as r1 \gset
select is((select (executions, successes)::text from routing.agent_model_records
           where agent_id = tests.get_agent_id('Medium agent') and model = 'claude-3-haiku'), '(1,1)',
  'Calls answered by gpt-4o and claude-3-haiku count the execution for claude-3-haiku, the weaker.');
select public.record_agent_execution(tests.get_agent_id('Medium agent'), 'fallback-2', false) is not null as r2 \gset
select is((select (executions, successes)::text from routing.agent_model_records
           where agent_id = tests.get_agent_id('Medium agent') and model = 'gpt-4o'), '(1,0)',
  'A call that fell back to gpt-4o counts the execution (a failure) for gpt-4o, not for the decided claude-3-haiku.');
select public.record_agent_execution(tests.get_agent_id('Medium agent'), 'fallback-3', true) is not null as r3 \gset
select is((select (executions, successes)::text from routing.agent_model_records
           where agent_id = tests.get_agent_id('Medium agent') and model = 'gpt-4o'), '(2,1)',
  'A failed call of gpt-4o-mini did not answer: the execution counts for gpt-4o, which did.');
select is((select count(*) from routing.agent_model_records
           where agent_id = tests.get_agent_id('Medium agent') and model = 'gpt-4o-mini'), 0::bigint,
  'gpt-4o-mini has no record: it answered nothing.');
select public.record_agent_execution(tests.get_agent_id('Medium agent'), 'fallback-4', true) is not null as r4 \gset
select is((select (executions, successes)::text from routing.agent_model_records
           where agent_id = tests.get_agent_id('Medium agent') and model = 'gpt-3.5-turbo'), '(1,1)',
  'Off the ladder gpt-3.5-turbo (2.5) is weaker than gpt-4o (3): the execution counts for it.');
select public.record_agent_execution(tests.get_agent_id('Medium agent'), 'fallback-5', true) is not null as r5 \gset
select is((select (executions, successes)::text from routing.agent_model_records
           where agent_id = tests.get_agent_id('Medium agent') and model = 'claude-3-haiku'), '(2,2)',
  'An execution without calls counts for its decision''s model.');
select is(public.record_agent_execution(tests.get_agent_id('Medium agent'), 'fallback-5', false) ->> 'duplicate', 'true',
  'A repeated outcome is a duplicate ...');
select is((select sum(executions)::integer from routing.agent_model_records where agent_id = tests.get_agent_id('Medium agent')), 5,
  '... and counts nothing: five executions, five counted.');
select is(public.record_agent_execution(tests.get_agent_id('Medium agent'), 'never-routed', true) ->> 'recorded', 'true',
  'An outcome without a decision is recorded in the metrics ...');
select is((select sum(executions)::integer from routing.agent_model_records where agent_id = tests.get_agent_id('Medium agent')), 5,
  '... but no model answered it, so no track record counts it.');

-- -----------------------------------------------------------------------------
-- Service role: learned_tier in the decision order
-- -----------------------------------------------------------------------------
select is(public.route_model(tests.get_agent_id('Learned agent')) ->> 'reason', 'learned_tier',
  'By itself the learned rung decides: learned_tier beats the score''s tier (low).');
update public.agent_intensity_metrics set consecutive_failures = 3, last_failure_at = now() - interval '5 minutes'
where agent_id = tests.get_agent_id('Learned agent');
select is(public.route_model(tests.get_agent_id('Learned agent')) ->> 'reason', 'recent_failures',
  'Recent failures still upgrade at once, before the learned tier.');
update public.agent_intensity_metrics set consecutive_failures = 0 where agent_id = tests.get_agent_id('Learned agent');
update routing.config set min_executions = 1000 where id;
select is(public.route_model(tests.get_agent_id('Learned agent')) ->> 'reason', 'new_agent', 'new_agent comes before learned_tier.');
update routing.config set min_executions = default, min_success_rate = 100 where id;
update public.agent_intensity_metrics set success_rate = 99 where agent_id = tests.get_agent_id('Learned agent');
select is(public.route_model(tests.get_agent_id('Learned agent')) ->> 'reason', 'low_success_rate',
  'low_success_rate comes before learned_tier.');
update routing.config set min_success_rate = default where id;
select is(public.route_model(tests.get_agent_id('Learned agent'), null, '{"FORCE_MODEL": "gpt-4o-mini"}') ->> 'reason', 'forced',
  'A forced model wins over the learned tier.');
select is(
  (select (d ->> 'reason') || ' ' || (d ->> 'cohort') || ' ' || (d ->> 'shadow_model') || ' ' || (d ->> 'shadow_reason')
   from public.route_model(tests.get_agent_id('Learned agent'), null, '{"ROUTING_PERCENTAGE": "0"}') d),
  'rollout_control control claude-3-haiku learned_tier',
  'The control cohort wins; its shadow is the learned tier''s claude-3-haiku.');
select is(
  (select (d ->> 'reason') || ' ' || (d ->> 'shadow_model') || ' ' || (d ->> 'shadow_reason')
   from public.route_model(tests.get_agent_id('Learned agent'), null, '{"ENABLE_INTELLIGENT_ROUTING": "false"}') d),
  'routing_disabled claude-3-haiku learned_tier', 'Routing off wins; its shadow is the learned tier.');
select is(public.set_agent_model_preference(tests.get_agent_id('Learned agent'), 'gpt-4o-mini') ->> 'model_preference', 'gpt-4o-mini',
  'The owner''s operator sets a preference on the learned agent.');
select is(public.route_model(tests.get_agent_id('Learned agent')) ->> 'reason', 'agent_preference',
  'A preference wins over the learned tier.');

-- -----------------------------------------------------------------------------
-- Owner: reads their own learning, writes none of it
-- -----------------------------------------------------------------------------
select tests.authenticate_as('owner');
select is((select count(*) from routing.agent_model_records), 3::bigint,
  'The owner reads their agents'' three track-record rows (claude-3-haiku, gpt-4o, gpt-3.5-turbo).');
select is((select count(*) from routing.agent_learning), 1::bigint, 'The owner reads their learned agent''s rung.');
select throws_ok(
  $$insert into routing.agent_model_records (agent_id, model, user_id, executions, successes)
    values (tests.get_agent_id('Medium agent'), 'gpt-4o-mini', tests.get_user_id('owner'), 1000, 1000)$$,
  '42501', 'permission denied for table agent_model_records', 'The owner may not write a track record of their own.');
select throws_ok($$update routing.agent_learning set rung = 1$$, '42501', 'permission denied for table agent_learning',
  'The owner may not move their agent by hand.');

-- -----------------------------------------------------------------------------
-- Stranger and service role
-- -----------------------------------------------------------------------------
select tests.authenticate_as('stranger');
select is((select count(*) from routing.agent_model_records) + (select count(*) from routing.agent_learning)
          + (select count(*) from routing.agent_model_moves), 0::bigint,
  'The stranger sees none of the owner''s track record, rung or moves.');
select tests.authenticate_as_service_role();
select throws_ok($$delete from routing.agent_model_moves$$, '42501', 'permission denied for table agent_model_moves',
  'Not even the service role may rewrite the move audit.');

select * from finish();
ROLLBACK;
