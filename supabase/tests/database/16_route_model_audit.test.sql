-- The audit trail: one routing.decisions row per decision, none for refused input,
-- replay of a known execution id, RLS on decisions, and the documented answer.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(32);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): the named actors owner and stranger, one agent each
-- -----------------------------------------------------------------------------
select tests.create_user('owner'), tests.create_user('stranger');
select tests.create_agent('owner', 'audited agent', 5.2, 40, 97.5),
       tests.create_agent('stranger', 'stranger agent', 2.1, 40, 97.5);
select tests.reset_routing();

create function pg_temp.decisions() returns integer language sql as $$
  select count(*)::integer from routing.decisions
  where agent_id in (tests.get_agent_id('audited agent'), tests.get_agent_id('stranger agent'))
$$;

-- -----------------------------------------------------------------------------
-- Database owner: one row per decision, same transaction
-- -----------------------------------------------------------------------------
select public.route_model(tests.get_agent_id('audited agent')) as first \gset
select is(pg_temp.decisions(), 1, 'One decision writes exactly one audit row.');
select results_eq(
  format($$ select id, model, reason, cohort, tier from routing.decisions where id = %L $$, (:'first'::jsonb) ->> 'decision_id'),
  format($$ values (%L::uuid, tests.configured_model('medium_model'), 'tier'::text, 'routed'::text, 'medium'::text) $$, (:'first'::jsonb) ->> 'decision_id'),
  'The audit row holds the returned decision.');
select is(
  (select array_agg(k order by k) from jsonb_object_keys(:'first'::jsonb) k),
  array['adjustments', 'agent_id', 'baseline_model', 'breakers', 'cohort', 'created_at', 'decision_id', 'execution_id',
        'fallback_chain', 'fallback_providers', 'intensity_score', 'log_level', 'max_retries', 'model', 'provider', 'reason',
        'reasoning', 'replayed', 'routing_enabled', 'shadow_model', 'shadow_reason', 'success_rate', 'targets', 'tier',
        'total_executions', 'warnings'],
  'The answer has every key of docs/architecture.md, and the targets.');
select is((:'first'::jsonb) -> 'replayed', 'false'::jsonb, 'A new decision is not a replay.');
select public.route_model(tests.get_agent_id('audited agent')) as second \gset
select is(pg_temp.decisions(), 2, 'A call without an execution id is a new decision each time.');

-- -----------------------------------------------------------------------------
-- Idempotence per (agent, execution id)
-- -----------------------------------------------------------------------------
select public.route_model(tests.get_agent_id('audited agent'), 'exec-16-a') as exec_a \gset
select public.route_model(tests.get_agent_id('audited agent'), 'exec-16-a', '{"FORCE_MODEL": "gpt-5.6-terra"}') as exec_a_again \gset
select is((:'exec_a_again'::jsonb) ->> 'decision_id', (:'exec_a'::jsonb) ->> 'decision_id', 'A repeated execution id returns the same decision id.');
select is((:'exec_a_again'::jsonb) -> 'replayed', 'true'::jsonb, 'A repeated execution id is marked replayed.');
select is((:'exec_a_again'::jsonb) ->> 'model', tests.configured_model('medium_model'), 'A replay keeps the model even when the env changed.');
select is((:'exec_a_again'::jsonb) - 'replayed' - 'breakers', (:'exec_a'::jsonb) - 'replayed' - 'breakers', 'A replay returns the same decision.');
select is(pg_temp.decisions(), 3, 'A repeated execution id writes no second row.');
select is(public.route_model(tests.get_agent_id('stranger agent'), 'exec-16-a') ->> 'model', tests.configured_model('low_model'),
  'The same execution id for another agent is another decision.');
select is(pg_temp.decisions(), 4, 'That other decision writes its own row.');

-- -----------------------------------------------------------------------------
-- Refused input writes nothing (22023)
-- -----------------------------------------------------------------------------
select throws_ok($$ select public.route_model(null) $$, '22023', 'route_model: agent_id is required', 'A null agent id is refused.');
select throws_ok($$ select public.route_model(tests.get_agent_id('audited agent'), '') $$,
  '22023', 'route_model: execution_id must be 1 to 200 characters and not blank', 'An empty execution id is refused.');
select throws_ok($$ select public.route_model(tests.get_agent_id('audited agent'), '   ') $$,
  '22023', 'route_model: execution_id must be 1 to 200 characters and not blank', 'A blank execution id is refused.');
select throws_ok(format($$ select public.route_model(tests.get_agent_id('audited agent'), %L) $$, repeat('x', 201)),
  '22023', 'route_model: execution_id must be 1 to 200 characters and not blank', 'An execution id over 200 characters is refused.');
select lives_ok(format($$ select public.route_model(tests.get_agent_id('audited agent'), %L) $$, repeat('x', 200)),
  'An execution id of exactly 200 characters is accepted.');
select throws_ok($$ select public.route_model(tests.get_agent_id('audited agent'), null, '["FORCE_MODEL"]') $$,
  '22023', 'route_model: env must be a JSON object of strings', 'An env that is not a JSON object is refused.');
select throws_ok($$ select public.route_model(tests.unknown_id('missing agent')) $$,
  'P0002', format('agent %s not found', tests.unknown_id('missing agent')), 'An unknown agent is not found.');
select is(pg_temp.decisions(), 5, 'Refused calls wrote no row (only the 200-character execution id did).');

-- -----------------------------------------------------------------------------
-- Owner: sees their own decisions through RLS
-- -----------------------------------------------------------------------------
select tests.authenticate_as('owner');
select is((select count(*)::integer from routing.decisions), 4, 'The owner sees exactly their own agent''s decisions.');
select throws_ok($$ select public.route_model(tests.get_agent_id('audited agent'), repeat('y', 300)) $$,
  '22023', 'route_model: execution_id must be 1 to 200 characters and not blank', 'The owner''s bad input is refused.');
select is((select count(*)::integer from routing.decisions), 4, 'The owner''s refused call wrote nothing.');

-- -----------------------------------------------------------------------------
-- Stranger: sees none of the owner's decisions
-- -----------------------------------------------------------------------------
select tests.authenticate_as('stranger');
select is_empty($$ select id from routing.decisions where agent_id = tests.get_agent_id('audited agent') $$,
  'A stranger sees none of the owner''s decisions.');
select is((select count(*)::integer from routing.decisions), 1, 'A stranger sees only their own decision.');

-- -----------------------------------------------------------------------------
-- The catalog rows decisions name stay (routing._keep_decided_catalog, in place of foreign keys)
-- -----------------------------------------------------------------------------
select tests.clear_authentication();
insert into routing.providers (provider, kind, base_url, api_key_env, description)
values ('decided-provider-test', 'openai-compatible', 'http://127.0.0.1:9/v1', 'DECIDED_TEST_KEY', 'test only');
insert into routing.models (model, provider, wire_id, description) values
  ('decided-test', 'decided-provider-test', 'decided-test', 'test only'),
  ('decided-baseline-test', 'decided-provider-test', 'decided-baseline-test', 'test only'),
  ('never-decided-test', 'decided-provider-test', 'never-decided-test', 'test only');
select tests.create_decision('audited agent', 'decided-test', 'low', 2.1, baseline_model => 'decided-baseline-test');
select throws_ok($$ delete from routing.models where model = 'decided-test' $$,
  '23503', 'model decided-test is named by routing.decisions: it cannot be deleted or renamed',
  'A model a decision names cannot be deleted ...');
select throws_ok($$ update routing.models set model = 'renamed-test' where model = 'decided-baseline-test' $$,
  '23503', 'model decided-baseline-test is named by routing.decisions: it cannot be deleted or renamed',
  '... nor renamed, as the baseline it was measured against neither.');
-- A provider that serves a forced model without being its catalog provider (FORCE_PROVIDER): no model names it.
insert into routing.providers (provider, kind, base_url, api_key_env, description)
values ('serving-provider-test', 'openai-compatible', 'http://127.0.0.1:9/v1', 'SERVING_TEST_KEY', 'test only');
insert into routing.decisions (agent_id, user_id, model, provider, reason, reasoning, cohort, baseline_model, routing_enabled)
select a.id, a.user_id, 'decided-test', 'serving-provider-test', 'forced', 'Forced by FORCE_MODEL', 'forced', 'decided-baseline-test', true
from public.agents a where a.id = tests.get_agent_id('audited agent');
delete from routing.provider_breakers where provider = 'serving-provider-test';  -- its breaker row has a foreign key
select throws_ok($$ delete from routing.providers where provider = 'serving-provider-test' $$,
  '23503', 'provider serving-provider-test is named by routing.decisions: it cannot be deleted or renamed',
  'A provider a decision names cannot be deleted.');
select lives_ok($$ update routing.models set description = 'still test only' where model = 'decided-test' $$,
  'A catalog row a decision names changes freely otherwise ...');
select lives_ok($$ delete from routing.models where model = 'never-decided-test' $$, '... and a model no decision names is deleted.');
select is((select count(*)::integer from routing.decisions d left join routing.models m on m.model = d.model
           left join routing.providers p on p.provider = d.provider where m.model is null or p.provider is null), 0,
  'Every decision still names a catalog model and provider.');

-- -----------------------------------------------------------------------------
-- Anon: no access to decisions
-- -----------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$ select count(*) from routing.decisions $$, '42501', 'permission denied for schema routing',
  'Anon cannot read decisions at all.');

select * from finish();
ROLLBACK;
