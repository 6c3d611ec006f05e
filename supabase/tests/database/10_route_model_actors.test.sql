-- route_model by actor: owner, stranger, anon, service role, database owner.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(24);

-- -----------------------------------------------------------------------------
-- Fixtures: two users, one agent each (medium tier), routing on
-- -----------------------------------------------------------------------------
select tests.create_user('owner-10@test.local', '10000000-0000-4000-a000-000000000001'),
       tests.create_user('stranger-10@test.local', '10000000-0000-4000-a000-000000000002');
select tests.create_agent('10000000-0000-4000-a000-000000000001', 'owner agent', 5.2, 40, 97.5, id => '10000000-0000-4000-b000-000000000001'),
       tests.create_agent('10000000-0000-4000-a000-000000000002', 'stranger agent', 5.2, 40, 97.5, id => '10000000-0000-4000-b000-000000000002');
select tests.reset_routing();

-- -----------------------------------------------------------------------------
-- Owner (authenticated, own agent)
-- -----------------------------------------------------------------------------
select tests.authenticate_as('10000000-0000-4000-a000-000000000001');

select is(public.route_model('10000000-0000-4000-b000-000000000001') ->> 'model', 'claude-3-haiku',
  'An owner routes their own medium agent to the medium model.');
select is(public.route_model('10000000-0000-4000-b000-000000000001', 'owner-exec-1') ->> 'cohort', 'routed',
  'An owner routes their own agent with an execution id.');
select throws_ok($$ select public.route_model('10000000-0000-4000-b000-000000000001', null, '{"FORCE_MODEL": "gpt-4o"}') $$,
  '42501', 'route_model: env and acting_user are accepted only from trusted callers',
  'An owner passing env overrides is refused.');
select throws_ok($$ select public.route_model('10000000-0000-4000-b000-000000000001', null, null, '10000000-0000-4000-a000-000000000001') $$,
  '42501', 'route_model: env and acting_user are accepted only from trusted callers',
  'An owner passing acting_user, even their own id, is refused.');
select throws_ok($$ select public.route_model('10000000-0000-4000-b000-000000000001', null, '{}') $$,
  '42501', 'route_model: env and acting_user are accepted only from trusted callers',
  'An owner passing even an empty env object is refused.');

-- -----------------------------------------------------------------------------
-- Stranger (authenticated, someone else's agent)
-- -----------------------------------------------------------------------------
select tests.authenticate_as('10000000-0000-4000-a000-000000000002');

select throws_ok($$ select public.route_model('10000000-0000-4000-b000-000000000001') $$,
  'P0002', 'agent 10000000-0000-4000-b000-000000000001 not found',
  'A stranger routing another user''s agent gets not found.');
select throws_ok($$ select public.route_model('10000000-0000-4000-b000-00000000dead') $$,
  'P0002', 'agent 10000000-0000-4000-b000-00000000dead not found',
  'A missing agent gets the same not-found message, so existence does not leak.');
select throws_ok($$ select public.route_model('10000000-0000-4000-b000-000000000001', 'stranger-exec') $$,
  'P0002', 'agent 10000000-0000-4000-b000-000000000001 not found',
  'A stranger with an execution id gets not found too.');
select is(public.route_model('10000000-0000-4000-b000-000000000002') ->> 'model', 'claude-3-haiku',
  'The stranger can route their own agent.');

select tests.clear_authentication();
select is((select count(*)::integer from routing.decisions where agent_id = '10000000-0000-4000-b000-000000000001'), 2,
  'The stranger''s refused calls wrote no decision for the owner''s agent.');

-- -----------------------------------------------------------------------------
-- Anon, and authenticated without a user
-- -----------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$ select public.route_model('10000000-0000-4000-b000-000000000001') $$,
  '42501', 'permission denied for function route_model',
  'The anon role cannot execute route_model at all.');

set local role authenticated;
set local request.jwt.claims = '{"role": "anon"}';
select throws_ok($$ select public.route_model('10000000-0000-4000-b000-000000000001') $$,
  '42501', 'route_model: anonymous callers cannot route agents',
  'An anon JWT on the authenticated role is refused as anonymous.');
set local request.jwt.claims = '';
select throws_ok($$ select public.route_model('10000000-0000-4000-b000-000000000001') $$,
  '42501', 'route_model: anonymous callers cannot route agents',
  'The authenticated role without a JWT subject is refused as anonymous.');
set local request.jwt.claims = '{"sub": "10000000-0000-4000-a000-000000000001", "role": "service_role"}';
select throws_ok($$ select public.route_model('10000000-0000-4000-b000-000000000001', null, '{"FORCE_MODEL": "gpt-4o"}') $$,
  '42501', 'route_model: env and acting_user are accepted only from trusted callers',
  'A service_role claim cannot raise the authenticated database role to trusted.');

-- -----------------------------------------------------------------------------
-- Service role (trusted)
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select is(public.route_model('10000000-0000-4000-b000-000000000001') ->> 'model', 'claude-3-haiku',
  'The service role routes the owner''s agent.');
select is(public.route_model('10000000-0000-4000-b000-000000000002') ->> 'model', 'claude-3-haiku',
  'The service role routes the stranger''s agent.');
select is(public.route_model('10000000-0000-4000-b000-000000000001', null, '{"FORCE_MODEL": "gpt-4o-mini"}') ->> 'reason', 'forced',
  'The service role''s env overrides are honoured.');
select is(public.route_model('10000000-0000-4000-b000-000000000001', null, null, '10000000-0000-4000-a000-000000000001') ->> 'model', 'claude-3-haiku',
  'The service role acting for the owner routes the owner''s agent.');
select throws_ok($$ select public.route_model('10000000-0000-4000-b000-000000000001', null, null, '10000000-0000-4000-a000-000000000002') $$,
  'P0002', 'agent 10000000-0000-4000-b000-000000000001 not found',
  'The service role acting for a stranger gets not found for the owner''s agent.');
set local request.jwt.claims = '';
select is(public.route_model('10000000-0000-4000-b000-000000000002') ->> 'model', 'claude-3-haiku',
  'The service role without JWT claims (SET ROLE only) is trusted too.');

-- -----------------------------------------------------------------------------
-- Database owner / superuser (psql, the edge function's direct connection)
-- -----------------------------------------------------------------------------
select tests.clear_authentication();
select is(route_model('10000000-0000-4000-b000-000000000001') ->> 'model', 'claude-3-haiku',
  'A superuser can call route_model(''<uuid>'') unqualified.');
select is(route_model('10000000-0000-4000-b000-000000000001', null, '{"ENABLE_INTELLIGENT_ROUTING": "off"}') ->> 'reason', 'routing_disabled',
  'A superuser''s env overrides are honoured.');
select throws_ok($$ select route_model('10000000-0000-4000-b000-000000000002', null, null, '10000000-0000-4000-a000-000000000001') $$,
  'P0002', 'agent 10000000-0000-4000-b000-000000000002 not found',
  'A superuser acting for a user cannot route another user''s agent.');
set local request.jwt.claims = '{"sub": "10000000-0000-4000-a000-000000000002", "role": "authenticated"}';
select throws_ok($$ select route_model('10000000-0000-4000-b000-000000000001') $$,
  'P0002', 'agent 10000000-0000-4000-b000-000000000001 not found',
  'A superuser session carrying a user''s JWT is treated as that user.');

select * from finish();
ROLLBACK;
