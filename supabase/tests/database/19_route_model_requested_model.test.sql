-- route_model's requested_model (the `model` of an OpenAI-compatible request): checked against the
-- active catalog always, ignored with a warning unless routing.config.allow_requested_model, and
-- where allowed honoured with reason requested_model after rules 1-4 and before rules 5-8, still
-- adjusted by rule 9, in one audit row. By actor: owner, stranger, anon, service role, database owner.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(31);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): the named actors owner and stranger; routing on, explicit choice off
-- -----------------------------------------------------------------------------
select tests.create_user('owner'), tests.create_user('stranger');
select tests.create_agent('owner', 'Medium agent', 5.2, 40, 97.5),
       tests.create_agent('owner', 'Preferring agent', 5.2, 40, 97.5, model_preference => 'claude-haiku-4-5'),
       tests.create_agent('owner', 'Failing agent', 5.2, 40, 97.5, consecutive_failures => 4,
                          last_failure_at => now() - interval '5 minutes'),
       tests.create_agent('owner', 'New agent'),
       tests.create_agent('owner', 'Unreliable agent', 5.2, 40, 60),
       tests.create_agent('stranger', 'Stranger agent', 5.2, 40, 97.5);
select tests.reset_routing();
-- A catalog model taken out of the catalog: not a model anyone may ask for.
update routing.models set active = false where model = 'gpt-3.5-turbo';
-- The fallback of a model without a chain of its own, read while the config is readable.
create temp table default_chain as select fallback_chains -> '*' as chain from routing.config where id;
grant select on default_chain to public;

create function pg_temp.decisions() returns bigint language sql as $$ select count(*) from routing.decisions $$;
create function pg_temp.route(agent text, requested text, execution text default null) returns jsonb language sql as $$
  select public.route_model(tests.get_agent_id(agent), execution, null, null, requested)
$$;

select is((select allow_requested_model from routing.config where id), false,
  'Explicit model choice is off on a fresh install: the router decides.');
select ok(not has_function_privilege('authenticated', 'routing.validate_requested_model(text)', 'execute')
          and not has_function_privilege('service_role', 'routing.validate_requested_model(text)', 'execute'),
  'The requested_model check is private: route_model runs it as its owner.');

-- -----------------------------------------------------------------------------
-- Owner (authenticated), explicit choice not allowed
-- -----------------------------------------------------------------------------
select tests.authenticate_as('owner');

select is(pg_temp.route('Medium agent', 'gpt-4o') - 'decision_id' - 'created_at' - 'targets' - 'breakers'
            - 'fallback_chain' - 'fallback_providers' - 'max_retries' - 'log_level' - 'agent_id' - 'baseline_model',
  jsonb_build_object('execution_id', null, 'model', tests.configured_model('medium_model'), 'provider', 'anthropic',
    'tier', 'medium', 'reason', 'tier', 'reasoning', 'Medium complexity (5.20) - balanced model', 'cohort', 'routed',
    'intensity_score', 5.20, 'success_rate', 97.50, 'total_executions', 40, 'shadow_model', null, 'shadow_reason', null,
    'adjustments', '[]'::jsonb, 'routing_enabled', true, 'replayed', false,
    'warnings', '["requested model gpt-4o ignored: routing.config.allow_requested_model is false"]'::jsonb),
  'Not allowed, an owner''s requested catalog model is ignored: the tier rule decides and the warning says why.');
select is(pg_temp.route('Medium agent', 'auto') -> 'warnings', '[]'::jsonb,
  'auto is the router''s own choice: no warning.');
select is(pg_temp.route('Medium agent', 'auto') ->> 'reason', 'tier', 'auto routes as if no model were named.');
select throws_ok($$ select pg_temp.route('Medium agent', 'gpt-9-imaginary') $$,
  '22023', 'route_model: requested_model must be an active model of routing.models, or auto',
  'A model that is not in the catalog is refused with the stable message, even while explicit choice is off.');
select throws_ok($$ select pg_temp.route('Medium agent', 'gpt-3.5-turbo') $$,
  '22023', 'route_model: requested_model must be an active model of routing.models, or auto',
  'A catalog model that is no longer active is refused the same way.');
select throws_ok($$ select pg_temp.route('Medium agent', 'GPT-4O') $$,
  '22023', 'route_model: requested_model must be an active model of routing.models, or auto',
  'Model names are exact, as the catalog spells them.');

-- -----------------------------------------------------------------------------
-- Database owner: allow explicit choice
-- -----------------------------------------------------------------------------
select tests.clear_authentication();
update routing.config set allow_requested_model = true where id;
select is((select new_values from routing.config_changes order by id desc limit 1), '{"allow_requested_model": true}'::jsonb,
  'Allowing explicit choice is an audited config change.');

-- -----------------------------------------------------------------------------
-- Owner (authenticated), explicit choice allowed
-- -----------------------------------------------------------------------------
select tests.authenticate_as('owner');

select is(
  (select jsonb_build_object('model', d ->> 'model', 'provider', d ->> 'provider', 'reason', d ->> 'reason',
                             'cohort', d ->> 'cohort', 'tier', d ->> 'tier', 'reasoning', d ->> 'reasoning',
                             'warnings', d -> 'warnings', 'targets', jsonb_path_query_array(d -> 'targets', '$[*].model'))
   from pg_temp.route('Medium agent', 'gpt-4o') d),
  jsonb_build_object('model', 'gpt-4o', 'provider', 'openai', 'reason', 'requested_model', 'cohort', 'routed',
                     'tier', 'medium', 'reasoning', 'Requested by the caller: gpt-4o', 'warnings', '[]'::jsonb,
                     'targets', jsonb_build_array('gpt-4o') || (select chain from default_chain)),
  'Allowed, a requested catalog model decides with reason requested_model, in the routed cohort, with its fallback chain.');
select is(pg_temp.route('Medium agent', 'claude-haiku-4-5') ->> 'model', 'claude-haiku-4-5',
  'Any active catalog model may be requested, on either provider.');
select is(pg_temp.route('Medium agent', null) ->> 'reason', 'tier', 'Without a requested model the rules decide as before.');
select is(
  (select array[d ->> 'reason', d -> 'adjustments' -> 0 ->> 'from', d ->> 'model', d -> 'adjustments' -> 0 ->> 'to',
                left(d -> 'adjustments' -> 0 ->> 'why', 8)]
   from pg_temp.route('Medium agent', 'claude-3-haiku') d, routing.models m where m.model = 'claude-3-haiku'),
  (select array['requested_model', m.model, m.replaced_by, m.replaced_by, 'retired:'] from routing.models m where m.model = 'claude-3-haiku'),
  'A requested model that has retired is still active in the catalog: it is honoured, and rule 9 moves it to its replacement.');

-- Precedence: after rules 1-4 ...
select is(
  (select array[d ->> 'reason', d ->> 'model', d -> 'warnings' ->> -1] from pg_temp.route('Preferring agent', 'gpt-4o') d),
  array['agent_preference', 'claude-haiku-4-5', 'requested model gpt-4o not used: agent_preference decided first'],
  'The agent''s own preference (rule 3) comes before the caller''s model, and the warning says so.');

-- ... and before rules 5-8.
select is(
  (select array_agg(d ->> 'reason' || ':' || (d ->> 'model') order by n)
   from unnest(array['Failing agent', 'New agent', 'Unreliable agent']) with ordinality as u(agent, n),
        lateral pg_temp.route(agent, 'gpt-4o-mini') d),
  array['requested_model:gpt-4o-mini', 'requested_model:gpt-4o-mini', 'requested_model:gpt-4o-mini'],
  'The caller''s model comes before recent_failures, new_agent and low_success_rate (rules 5-7).');
select is(pg_temp.route('Failing agent', null) ->> 'reason', 'recent_failures',
  'Without a requested model the failing agent is upgraded as before.');

-- One audit row per decision, recorded as such; a replay keeps the first answer.
create temp table before_exec_1 as select pg_temp.decisions() as n;
select pg_temp.route('Medium agent', 'gpt-4o', 'exec-1') ->> 'reason';
select is(pg_temp.decisions() - (select n from before_exec_1), 1::bigint,
  'A decision with a requested model writes exactly one audit row.');
select is((select array[d.reason, d.model, d.cohort] from routing.decisions d
           where d.agent_id = tests.get_agent_id('Medium agent') and d.execution_id = 'exec-1'),
  array['requested_model', 'gpt-4o', 'routed'], 'The audit row records the requested model and its reason.');
select is(
  (select array[d ->> 'model', d ->> 'reason', d ->> 'replayed'] from pg_temp.route('Medium agent', 'claude-haiku-4-5', 'exec-1') d),
  array['gpt-4o', 'requested_model', 'true'],
  'The same execution asking for another model gets its first decision back, unchanged.');
select throws_ok($$ select pg_temp.route('Medium agent', 'gpt-9-imaginary', 'exec-1') $$,
  '22023', 'route_model: requested_model must be an active model of routing.models, or auto',
  'An unknown model is refused before a replay too.');

-- -----------------------------------------------------------------------------
-- Stranger (authenticated, someone else's agent)
-- -----------------------------------------------------------------------------
select tests.authenticate_as('stranger');

select throws_ok($$ select pg_temp.route('Medium agent', 'gpt-4o') $$,
  'P0002', format('agent %s not found', tests.get_agent_id('Medium agent')),
  'A requested model gives a stranger nothing: another user''s agent is still not found.');
select is(pg_temp.route('Stranger agent', 'gpt-4o') ->> 'reason', 'requested_model',
  'A user may request a model on a direct RPC for their own agent: no trust is needed for it.');

-- -----------------------------------------------------------------------------
-- Anon
-- -----------------------------------------------------------------------------
select tests.authenticate_as_anon();

select throws_ok($$ select pg_temp.route('Medium agent', 'gpt-4o') $$,
  '42501', 'permission denied for function route_model', 'Anon may not call route_model at all, whatever model it names.');

-- -----------------------------------------------------------------------------
-- Service role (trusted: env overrides and acting_user)
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();

select is(public.route_model(tests.get_agent_id('Medium agent'), null, '{}', tests.get_user_id('owner'), 'gpt-4o') ->> 'reason',
  'requested_model', 'The service role acting for the owner may request a model.');
select is(
  (select array[d ->> 'reason', d ->> 'model', d -> 'warnings' ->> -1]
   from public.route_model(tests.get_agent_id('Medium agent'), null, '{"FORCE_MODEL": "gpt-5.6-luna"}', null, 'gpt-4o') d),
  array['forced', 'gpt-5.6-luna', 'requested model gpt-4o not used: forced decided first'],
  'A forced model (rule 1) comes before the caller''s model.');
select is(
  (select array[d ->> 'reason', d ->> 'model', d ->> 'shadow_model', d ->> 'shadow_reason', d -> 'warnings' ->> -1]
   from public.route_model(tests.get_agent_id('Medium agent'), null, '{"ENABLE_INTELLIGENT_ROUTING": "false"}', null, 'gpt-4o') d),
  array['routing_disabled', tests.configured_model('baseline_model'), 'gpt-4o', 'requested_model',
        'requested model gpt-4o not used: routing_disabled decided first'],
  'With routing off (rule 2) the baseline answers and the requested model is the shadow.');
select is(
  (select array[d ->> 'reason', d ->> 'cohort', d ->> 'shadow_reason']
   from public.route_model(tests.get_agent_id('Medium agent'), null, '{"ROUTING_PERCENTAGE": "0"}', null, 'gpt-4o') d),
  array['rollout_control', 'control', 'tier'],
  'The control cohort (rule 4) comes before the caller''s model; its shadow is the agent''s record, not the request.');
select is(
  (select array[d ->> 'model', d ->> 'reason', d -> 'adjustments' -> 0 ->> 'from', d -> 'adjustments' -> 0 ->> 'why']
   from public.route_model(tests.get_agent_id('Medium agent'), null, '{"ENABLE_ANTHROPIC_PROVIDER": "false"}', null, 'claude-haiku-4-5') d),
  array[tests.configured_model('anthropic_substitute_model'), 'requested_model', 'claude-haiku-4-5', 'provider_disabled:anthropic'],
  'Rule 9 still adjusts a requested model: a disabled provider''s model is replaced by its substitute, and the adjustment says so.');

-- -----------------------------------------------------------------------------
-- Database owner: the switch off again
-- -----------------------------------------------------------------------------
select tests.clear_authentication();
update routing.config set allow_requested_model = false where id;

select is(pg_temp.route('Stranger agent', 'gpt-4o') ->> 'reason', 'tier',
  'Switched off again, the next decision ignores the requested model.');
select is(pg_temp.route('Stranger agent', 'gpt-4o') -> 'warnings',
  '["requested model gpt-4o ignored: routing.config.allow_requested_model is false"]'::jsonb,
  'And names it in the warnings.');
select is((select count(*)::int from routing.decisions where reason = 'requested_model'
           and agent_id = tests.get_agent_id('Stranger agent')), 1,
  'Only the decision made while allowed is recorded with reason requested_model.');

select * from finish();
ROLLBACK;
