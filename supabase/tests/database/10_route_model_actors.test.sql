-- route_model by actor: owner, stranger, anon, service role, database owner.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(24);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): the named actors owner and stranger, one medium agent each, routing on
-- -----------------------------------------------------------------------------
select tests.create_user('owner'), tests.create_user('stranger');
select tests.create_agent('owner', 'owner agent', 5.2, 40, 97.5),
       tests.create_agent('stranger', 'stranger agent', 5.2, 40, 97.5);
select tests.reset_routing();

-- -----------------------------------------------------------------------------
-- Owner (authenticated, own agent)
-- -----------------------------------------------------------------------------
select tests.authenticate_as('owner');

select is(public.route_model(tests.get_agent_id('owner agent')) ->> 'model', tests.configured_model('medium_model'),
  'An owner routes their own medium agent to the medium model.');
select is(public.route_model(tests.get_agent_id('owner agent'), 'owner-exec-1') ->> 'cohort', 'routed',
  'An owner routes their own agent with an execution id.');
select throws_ok($$ select public.route_model(tests.get_agent_id('owner agent'), null, '{"FORCE_MODEL": "gpt-4o"}') $$,
  '42501', 'route_model: env and acting_user are accepted only from trusted callers',
  'An owner passing env overrides is refused.');
select throws_ok($$ select public.route_model(tests.get_agent_id('owner agent'), null, null, tests.get_user_id('owner')) $$,
  '42501', 'route_model: env and acting_user are accepted only from trusted callers',
  'An owner passing acting_user, even their own id, is refused.');
select throws_ok($$ select public.route_model(tests.get_agent_id('owner agent'), null, '{}') $$,
  '42501', 'route_model: env and acting_user are accepted only from trusted callers',
  'An owner passing even an empty env object is refused.');

-- -----------------------------------------------------------------------------
-- Stranger (authenticated, someone else's agent)
-- -----------------------------------------------------------------------------
select tests.authenticate_as('stranger');

select throws_ok($$ select public.route_model(tests.get_agent_id('owner agent')) $$,
  'P0002', format('agent %s not found', tests.get_agent_id('owner agent')),
  'A stranger routing another user''s agent gets not found.');
select throws_ok($$ select public.route_model(tests.unknown_id('missing agent')) $$,
  'P0002', format('agent %s not found', tests.unknown_id('missing agent')),
  'A missing agent gets the same not-found message, so existence does not leak.');
select throws_ok($$ select public.route_model(tests.get_agent_id('owner agent'), 'stranger-exec') $$,
  'P0002', format('agent %s not found', tests.get_agent_id('owner agent')),
  'A stranger with an execution id gets not found too.');
select is(public.route_model(tests.get_agent_id('stranger agent')) ->> 'model', tests.configured_model('medium_model'),
  'The stranger can route their own agent.');

select tests.clear_authentication();
select is((select count(*)::integer from routing.decisions where agent_id = tests.get_agent_id('owner agent')), 2,
  'The stranger''s refused calls wrote no decision for the owner''s agent.');

-- -----------------------------------------------------------------------------
-- Anon, and the authenticated role without a user
-- -----------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$ select public.route_model(tests.get_agent_id('owner agent')) $$,
  '42501', 'permission denied for function route_model',
  'The anon role cannot execute route_model at all.');

set local role authenticated;
set local request.jwt.claims = '{"role": "anon"}';
select throws_ok($$ select public.route_model(tests.get_agent_id('owner agent')) $$,
  '42501', 'route_model: anonymous callers cannot route agents',
  'An anon JWT on the authenticated role is refused as anonymous.');
set local request.jwt.claims = '';
select throws_ok($$ select public.route_model(tests.get_agent_id('owner agent')) $$,
  '42501', 'route_model: anonymous callers cannot route agents',
  'The authenticated role without a JWT subject is refused as anonymous.');
select set_config('request.jwt.claims', (tests.user_claims('owner') || '{"role": "service_role"}')::text, true);
select throws_ok($$ select public.route_model(tests.get_agent_id('owner agent'), null, '{"FORCE_MODEL": "gpt-4o"}') $$,
  '42501', 'route_model: env and acting_user are accepted only from trusted callers',
  'A service_role claim cannot raise the authenticated database role to trusted.');

-- -----------------------------------------------------------------------------
-- Service role (trusted)
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select is(public.route_model(tests.get_agent_id('owner agent')) ->> 'model', tests.configured_model('medium_model'),
  'The service role routes the owner''s agent.');
select is(public.route_model(tests.get_agent_id('stranger agent')) ->> 'model', tests.configured_model('medium_model'),
  'The service role routes the stranger''s agent.');
select is(public.route_model(tests.get_agent_id('owner agent'), null, '{"FORCE_MODEL": "gpt-4o-mini"}') ->> 'reason', 'forced',
  'The service role''s env overrides are honoured.');
select is(public.route_model(tests.get_agent_id('owner agent'), null, null, tests.get_user_id('owner')) ->> 'model', tests.configured_model('medium_model'),
  'The service role acting for the owner routes the owner''s agent.');
select throws_ok($$ select public.route_model(tests.get_agent_id('owner agent'), null, null, tests.get_user_id('stranger')) $$,
  'P0002', format('agent %s not found', tests.get_agent_id('owner agent')),
  'The service role acting for a stranger gets not found for the owner''s agent.');
set local request.jwt.claims = '';
select is(public.route_model(tests.get_agent_id('stranger agent')) ->> 'model', tests.configured_model('medium_model'),
  'The service role without JWT claims (SET ROLE only) is trusted too.');

-- -----------------------------------------------------------------------------
-- Database owner / superuser (psql, the edge function's direct connection)
-- -----------------------------------------------------------------------------
select tests.clear_authentication();
-- As typed in psql: the id as a quoted literal, the function without its schema.
select results_eq(format($$ select route_model(%L) ->> 'model' $$, tests.get_agent_id('owner agent')),
  $$ values (tests.configured_model('medium_model')) $$,
  'A superuser can call route_model(''<uuid>'') unqualified.');
select is(route_model(tests.get_agent_id('owner agent'), null, '{"ENABLE_INTELLIGENT_ROUTING": "off"}') ->> 'reason', 'routing_disabled',
  'A superuser''s env overrides are honoured.');
select throws_ok($$ select route_model(tests.get_agent_id('stranger agent'), null, null, tests.get_user_id('owner')) $$,
  'P0002', format('agent %s not found', tests.get_agent_id('stranger agent')),
  'A superuser acting for a user cannot route another user''s agent.');
select set_config('request.jwt.claims', tests.user_claims('stranger')::text, true);
select throws_ok($$ select route_model(tests.get_agent_id('owner agent')) $$,
  'P0002', format('agent %s not found', tests.get_agent_id('owner agent')),
  'A superuser session carrying a user''s JWT is treated as that user.');

select * from finish();
ROLLBACK;
