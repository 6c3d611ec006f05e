-- Operator commands (ROUTING-SPEC §3; plan §9.3): one SQL line each, service
-- role only, effective on the next decision, each change audited.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(40);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): the named actors owner and stranger, one agent each
-- -----------------------------------------------------------------------------
select tests.reset_routing();
select tests.create_user('owner'), tests.create_user('stranger');
select tests.create_agent('owner', 'Medium agent', 5.2, 40, 97.5),
       tests.create_agent('stranger', 'Stranger agent', 5.2, 40, 97.5);

-- -----------------------------------------------------------------------------
-- Service role
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();

select is(public.get_routing_status() - 'updated_at' - 'updated_by' - 'rollback_cleared_at',
  '{"enabled": true, "rollback_tripped": false, "routing_on": true, "rollout_percentage": 100, "force_model": null,
    "force_provider": null, "rollback_tripped_at": null, "rollback_reason": null, "auto_rollback_enabled": true,
    "model_warnings": []}'::jsonb || jsonb_build_object('baseline_model', tests.configured_model('baseline_model')),
  'get_routing_status shows the switches, and no configured model to warn about.');

select is((public.set_routing_enabled(false) ->> 'enabled')::boolean, false, 'set_routing_enabled(false) switches routing off.');
select is(public.route_model(tests.get_agent_id('Medium agent')) ->> 'reason', 'routing_disabled',
  'The next decision is routing_disabled.');
select is((select (changed_by, old_values, new_values)::text from routing.config_changes order by id desc limit 1),
  '(service_role,"{""enabled"": true}","{""enabled"": false}")', 'The switch is audited: who, old -> new.');
select throws_ok($$select public.set_routing_enabled(null)$$, '22023', 'enabled must be true or false',
  'set_routing_enabled refuses null.');
select is((public.set_routing_enabled(true) ->> 'routing_on')::boolean, true, 'set_routing_enabled(true) switches routing on.');

select throws_ok($$select public.set_rollout_percentage(101)$$, '22023', 'percentage must be an integer from 0 to 100',
  'set_rollout_percentage refuses 101.');
select throws_ok($$select public.set_rollout_percentage(-1)$$, '22023', 'percentage must be an integer from 0 to 100',
  'set_rollout_percentage refuses -1.');
select throws_ok($$select public.set_rollout_percentage(null)$$, '22023', 'percentage must be an integer from 0 to 100',
  'set_rollout_percentage refuses null.');
select is((public.set_rollout_percentage(0) ->> 'rollout_percentage')::integer, 0, 'set_rollout_percentage(0) holds every agent back.');
select is(public.route_model(tests.get_agent_id('Medium agent')) ->> 'cohort', 'control',
  'At 0% every agent is in the control cohort.');
select is((select new_values from routing.config_changes order by id desc limit 1), '{"rollout_percentage": 0}'::jsonb,
  'The rollout change is audited.');
select is((public.set_rollout_percentage(100) ->> 'rollout_percentage')::integer, 100, 'set_rollout_percentage(100) routes every agent.');

select is(public.force_model('claude-sonnet-5-5') ->> 'force_model', 'claude-sonnet-5-5', 'force_model forces a catalog model.');
select is(
  (select (r ->> 'cohort', r ->> 'model', r ->> 'provider')::text
   from (select public.route_model(tests.get_agent_id('Medium agent')) as r) x),
  '(forced,claude-sonnet-5-5,anthropic)', 'The next decision is forced to that model on its catalog provider.');
select throws_ok($$select public.force_model('gpt-5')$$, '22023',
  'unknown model "gpt-5": use an active model of routing.models, or null to clear', 'force_model refuses an unknown model.');
select is(public.force_model(null) ->> 'force_model', null, 'force_model(null) stops forcing.');
select is(public.route_model(tests.get_agent_id('Medium agent')) ->> 'cohort', 'routed', 'Decisions are routed again.');
select is((select new_values from routing.config_changes order by id desc limit 1), '{"force_model": null}'::jsonb,
  'Clearing the forced model is audited.');

select is(public.set_agent_model_preference(tests.get_agent_id('Medium agent'), 'premium') ->> 'model_preference', 'premium',
  'set_agent_model_preference sets premium.');
select is(
  (select (r ->> 'reason', r ->> 'model')::text from (select public.route_model(tests.get_agent_id('Medium agent')) as r) x),
  format('(agent_preference,%s)', tests.configured_model('premium_model')),
  'The agent is then routed by its preference to the premium model.');
select is(
  (select (changed_by, old_preference, new_preference)::text from routing.agent_preference_changes
   where agent_id = tests.get_agent_id('Medium agent') order by id desc limit 1),
  '(service_role,,premium)', 'The preference change is audited: who, old -> new.');
select throws_ok($$select public.set_agent_model_preference(tests.get_agent_id('Medium agent'), 'gpt-5')$$, '22023',
  'unknown model "gpt-5": use "premium" or a model of routing.models', 'An unknown preference is refused.');
select throws_ok($$select public.set_agent_model_preference(tests.unknown_id('missing agent'), 'premium')$$, 'P0002',
  format('agent %s not found', tests.unknown_id('missing agent')), 'An unknown agent is not found.');
select throws_ok($$select public.set_agent_model_preference(null, 'premium')$$, '22023', 'agent_id is required',
  'A missing agent id is refused.');
select is(public.set_agent_model_preference(tests.get_agent_id('Medium agent'), null) ->> 'old_preference', 'premium',
  'set_agent_model_preference(agent, null) clears the preference and reports the old one.');

-- -----------------------------------------------------------------------------
-- Owner: no operator command; their own preference edits are audited too
-- -----------------------------------------------------------------------------
select tests.authenticate_as('owner');

select throws_ok($$select public.set_routing_enabled(false)$$, '42501', 'permission denied for function set_routing_enabled',
  'The owner may not switch routing.');
select throws_ok($$select public.set_rollout_percentage(5)$$, '42501', 'permission denied for function set_rollout_percentage',
  'The owner may not change the rollout.');
select throws_ok($$select public.force_model('gpt-4o')$$, '42501', 'permission denied for function force_model',
  'The owner may not force a model.');
select throws_ok($$select public.set_agent_model_preference(tests.get_agent_id('Medium agent'), 'premium')$$, '42501',
  'permission denied for function set_agent_model_preference', 'The owner may not use the operator''s preference command.');
select throws_ok($$select public.get_routing_status()$$, '42501', 'permission denied for function get_routing_status',
  'The owner may not read the switches.');
update public.agents set model_preference = 'gpt-4o-mini' where id = tests.get_agent_id('Medium agent');
select is(
  (select (changed_by, old_preference, new_preference)::text from routing.agent_preference_changes order by id desc limit 1),
  '(owner@test.local,,gpt-4o-mini)', 'The owner''s own edit of the preference is audited with their email.');
select is((select count(*) from routing.agent_preference_changes), 3::bigint, 'The owner sees the audit of their agent.');

-- -----------------------------------------------------------------------------
-- Stranger and anon
-- -----------------------------------------------------------------------------
select tests.authenticate_as('stranger');
select is_empty($$select * from routing.agent_preference_changes$$, 'The stranger sees none of the owner''s preference audit.');
select throws_ok($$select public.clear_routing_rollback('stranger says so')$$, '42501',
  'permission denied for function clear_routing_rollback', 'The stranger may not clear a rollback.');

select tests.authenticate_as_anon();
select throws_ok($$select public.set_routing_enabled(false)$$, '42501', 'permission denied for function set_routing_enabled',
  'Anon may not switch routing.');
select throws_ok($$select * from routing.agent_preference_changes$$, '42501', 'permission denied for schema routing',
  'Anon may not read the preference audit.');

-- -----------------------------------------------------------------------------
-- A database session carrying a user's claims is not trusted
-- -----------------------------------------------------------------------------
reset role;
select set_config('request.jwt.claims', tests.user_claims('owner')::text, true);
select throws_ok($$select public.set_routing_enabled(false)$$, '42501', 'set_routing_enabled requires the service role',
  'A session with a user''s JWT claims is refused by the caller check, whatever its database role.');
select tests.clear_authentication();
select is((public.set_routing_enabled(true) ->> 'enabled')::boolean, true, 'The database owner may run the commands.');
select is((select enabled from routing.config), true, 'Routing is on at the end.');
select * from finish();
ROLLBACK;
