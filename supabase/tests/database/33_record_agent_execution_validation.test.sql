-- record_agent_execution: bad input is refused with 22023 and a stable
-- message naming the field, and writes nothing.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(16);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): the named actor owner and their agent
-- -----------------------------------------------------------------------------
select tests.create_user('owner');
select tests.create_agent('owner', 'Owner agent');

-- -----------------------------------------------------------------------------
-- Service role: each validated field
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();

select throws_ok($$select public.record_agent_execution(null, 'exec-1', true)$$,
  '22023', 'agent_id is required', 'A null agent_id is refused.');
select throws_ok($$select public.record_agent_execution(tests.get_agent_id('Owner agent'), null, true)$$,
  '22023', 'execution_id is required', 'A null execution_id is refused.');
select throws_ok($$select public.record_agent_execution(tests.get_agent_id('Owner agent'), '', true)$$,
  '22023', 'execution_id must be between 1 and 200 characters and not blank', 'An empty execution_id is refused.');
select throws_ok($$select public.record_agent_execution(tests.get_agent_id('Owner agent'), '   ', true)$$,
  '22023', 'execution_id must be between 1 and 200 characters and not blank', 'A blank execution_id is refused, as route_model refuses it.');
select throws_ok($$select public.record_agent_execution(tests.get_agent_id('Owner agent'), repeat('x', 201), true)$$,
  '22023', 'execution_id must be between 1 and 200 characters and not blank', 'An execution_id of 201 characters is refused.');
select throws_ok($$select public.record_agent_execution(tests.get_agent_id('Owner agent'), 'exec-1', null)$$,
  '22023', 'succeeded is required', 'A null succeeded is refused.');
select throws_ok($$select public.record_agent_execution(tests.get_agent_id('Owner agent'), 'exec-1', true, -1)$$,
  '22023', 'tokens must be >= 0', 'Negative tokens are refused.');
select throws_ok($$select public.record_agent_execution(tests.get_agent_id('Owner agent'), 'exec-1', false, 10, -5)$$,
  '22023', 'duration_ms must be >= 0', 'A negative duration is refused.');
select throws_ok($$select public.record_agent_execution(tests.unknown_id('missing agent'), 'exec-1', true, -1)$$,
  '22023', 'tokens must be >= 0', 'Input is validated before the agent is looked up.');

select is_empty($$select 1 from routing.executions where agent_id = tests.get_agent_id('Owner agent')$$,
  'No refused call wrote an outcome row.');
select is_empty($$select 1 from public.agent_intensity_metrics where agent_id = tests.get_agent_id('Owner agent')$$,
  'No refused call created a metrics row.');

-- -----------------------------------------------------------------------------
-- Owner (authenticated): the same rules
-- -----------------------------------------------------------------------------
select tests.authenticate_as('owner');

select throws_ok($$select public.record_agent_execution(tests.get_agent_id('Owner agent'), 'exec-1', true, 0, -1)$$,
  '22023', 'duration_ms must be >= 0', 'The owner''s bad input is refused the same way.');
select is_empty($$select 1 from routing.executions where agent_id = tests.get_agent_id('Owner agent')$$,
  'The owner''s refused call wrote nothing.');

-- -----------------------------------------------------------------------------
-- Service role: the limits themselves are accepted
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();

select is(public.record_agent_execution(tests.get_agent_id('Owner agent'), repeat('x', 200), true, 0, 0) ->> 'recorded', 'true',
  'An execution_id of 200 characters with zero tokens and zero duration is accepted.');
select is(public.record_agent_execution(tests.get_agent_id('Owner agent'), 'x', false) ->> 'recorded', 'true',
  'A one-character execution_id without tokens or duration is accepted.');
select is((select (total_executions, avg_tokens_per_execution, tokens_samples)::text from public.agent_intensity_metrics
           where agent_id = tests.get_agent_id('Owner agent')),
  '(2,0.00,1)', 'A reported zero is a sample; a missing value is not.');

select * from finish();
ROLLBACK;
