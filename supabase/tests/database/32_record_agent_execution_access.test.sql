-- record_agent_execution: who may record an outcome for which agent.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(20);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): the named actors owner and stranger, one agent each
-- -----------------------------------------------------------------------------
select tests.create_user('owner'), tests.create_user('stranger');
select tests.create_agent('owner', 'Owner agent'),
       tests.create_agent('stranger', 'Stranger agent');

-- -----------------------------------------------------------------------------
-- Owner (authenticated)
-- -----------------------------------------------------------------------------
select tests.authenticate_as('owner');

select is(public.record_agent_execution(tests.get_agent_id('Owner agent'), 'owner-1', true) ->> 'recorded', 'true',
  'The owner records an outcome of their own agent.');
select throws_ok(
  $$select public.record_agent_execution(tests.get_agent_id('Stranger agent'), 'owner-2', true)$$,
  'P0002', format('agent %s not found', tests.get_agent_id('Stranger agent')),
  'The owner cannot record for another user''s agent, which is reported as not found.');
select throws_ok(
  $$select public.record_agent_execution(tests.unknown_id('missing agent'), 'owner-3', true)$$,
  'P0002', format('agent %s not found', tests.unknown_id('missing agent')),
  'An agent that does not exist gets the same not-found error (no existence leak).');
select throws_ok(
  $$select public.record_agent_execution(tests.get_agent_id('Owner agent'), 'owner-4', true,
                                        acting_user => tests.get_user_id('owner'))$$,
  '42501', 'acting_user may only be passed by a trusted caller',
  'A signed-in user may not pass acting_user, even their own id.');
select is((select count(*)::integer from routing.executions
           where agent_id in (tests.get_agent_id('Owner agent'), tests.get_agent_id('Stranger agent'))), 1,
  'The owner sees exactly their one recorded execution.');

-- -----------------------------------------------------------------------------
-- Stranger (authenticated)
-- -----------------------------------------------------------------------------
select tests.authenticate_as('stranger');

select throws_ok(
  $$select public.record_agent_execution(tests.get_agent_id('Owner agent'), 'stranger-1', false)$$,
  'P0002', format('agent %s not found', tests.get_agent_id('Owner agent')),
  'A stranger cannot record an outcome for the owner''s agent.');
select throws_ok(
  $$select public.record_agent_execution(tests.get_agent_id('Owner agent'), 'owner-1', false)$$,
  'P0002', format('agent %s not found', tests.get_agent_id('Owner agent')),
  'A stranger replaying the owner''s execution id learns nothing either.');
select is_empty($$select 1 from routing.executions where agent_id = tests.get_agent_id('Owner agent')$$,
  'A stranger does not see the owner''s execution outcomes.');
select is_empty($$select 1 from public.agent_intensity_metrics where agent_id = tests.get_agent_id('Owner agent')$$,
  'A stranger does not see the owner''s agent metrics.');

-- A token with the authenticated role but no user.
set local request.jwt.claims = '{"role": "authenticated"}';
select throws_ok(
  $$select public.record_agent_execution(tests.get_agent_id('Owner agent'), 'nobody-1', true)$$,
  '42501', 'record_agent_execution requires a signed-in user or the service role',
  'The authenticated role without a user id is refused.');

-- -----------------------------------------------------------------------------
-- Anon
-- -----------------------------------------------------------------------------
select tests.authenticate_as_anon();

select throws_ok(
  $$select public.record_agent_execution(tests.get_agent_id('Owner agent'), 'anon-1', true)$$,
  '42501', 'permission denied for function record_agent_execution',
  'The anon key cannot record outcomes.');

-- -----------------------------------------------------------------------------
-- Service role
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();

select is(public.record_agent_execution(tests.get_agent_id('Stranger agent'), 'service-1', true) ->> 'recorded', 'true',
  'The service role records an outcome for any agent.');
select is(
  public.record_agent_execution(tests.get_agent_id('Owner agent'), 'service-2', true,
                                acting_user => tests.get_user_id('owner')) ->> 'recorded',
  'true', 'The service role records on behalf of the agent''s owner.');
select throws_ok(
  $$select public.record_agent_execution(tests.get_agent_id('Owner agent'), 'service-3', true,
                                        acting_user => tests.get_user_id('stranger'))$$,
  'P0002', format('agent %s not found', tests.get_agent_id('Owner agent')),
  'On behalf of a user who does not own the agent, the agent is not found.');
select throws_ok(
  $$select public.record_agent_execution(tests.unknown_id('missing agent'), 'service-4', true)$$,
  'P0002', format('agent %s not found', tests.unknown_id('missing agent')),
  'The service role gets not-found for an agent that does not exist.');
select is(
  (select user_id::text from routing.executions where agent_id = tests.get_agent_id('Stranger agent') and execution_id = 'service-1'),
  tests.get_user_id('stranger')::text,
  'An outcome recorded by the service role belongs to the agent''s owner.');

-- -----------------------------------------------------------------------------
-- Database owner (postgres, no JWT)
-- -----------------------------------------------------------------------------
select tests.clear_authentication();

select is(public.record_agent_execution(tests.get_agent_id('Owner agent'), 'owner-db-1', false) ->> 'recorded', 'true',
  'The database owner records an outcome for any agent.');
select throws_ok(
  $$select public.record_agent_execution(tests.get_agent_id('Stranger agent'), 'owner-db-2', true,
                                        acting_user => tests.get_user_id('owner'))$$,
  'P0002', format('agent %s not found', tests.get_agent_id('Stranger agent')),
  'The database owner acting for a user is held to that user''s agents.');
select is(
  (select array_agg(execution_id order by execution_id) from routing.executions
   where agent_id in (tests.get_agent_id('Owner agent'), tests.get_agent_id('Stranger agent'))),
  array['owner-1', 'owner-db-1', 'service-1', 'service-2'],
  'Only the allowed calls wrote an outcome.');
select is(
  (select total_executions from public.agent_intensity_metrics where agent_id = tests.get_agent_id('Owner agent')), 3,
  'The owner''s agent counts the three outcomes recorded for it.');

select * from finish();
ROLLBACK;
