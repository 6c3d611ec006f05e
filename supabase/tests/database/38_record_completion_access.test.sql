-- record_completion and reset_circuit_breaker: trusted callers only; users
-- read their own calls and attempts, never the breakers.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(22);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): the named actors owner (an agent and a decision) and stranger
-- -----------------------------------------------------------------------------
select tests.create_user('owner'), tests.create_user('stranger');
select tests.create_agent('owner', 'Owner agent');
select tests.create_decision('Owner agent', 'gpt-4o', 'high', 8.1, 'exec-1', name => 'the decision');

create function pg_temp.a_call() returns text language sql as $$
  select $q$select public.record_completion(tests.get_decision_id('the decision'),
    '{"status": "succeeded", "model": "gpt-4o", "provider": "openai",
      "attempts": [{"model": "gpt-4o", "provider": "openai", "status": 200, "input_tokens": 100, "output_tokens": 10}]}')$q$
$$;

-- -----------------------------------------------------------------------------
-- Anon
-- -----------------------------------------------------------------------------
select tests.authenticate_as_anon();

select throws_ok(pg_temp.a_call(), '42501', 'permission denied for function record_completion',
  'The anon key cannot record a completion.');
select throws_ok($$select public.reset_circuit_breaker('openai')$$, '42501', 'permission denied for function reset_circuit_breaker',
  'The anon key cannot reset a circuit.');

-- -----------------------------------------------------------------------------
-- Owner (authenticated)
-- -----------------------------------------------------------------------------
select tests.authenticate_as('owner');

select throws_ok(pg_temp.a_call(), '42501', 'permission denied for function record_completion',
  'A signed-in user cannot record a completion, even for their own agent''s decision.');
select throws_ok($$select public.reset_circuit_breaker('openai')$$, '42501', 'permission denied for function reset_circuit_breaker',
  'A signed-in user cannot reset a circuit.');
select throws_ok($$select * from routing.provider_breakers$$, '42501', 'permission denied for table provider_breakers',
  'A signed-in user cannot read the breakers.');
select throws_ok($$select * from routing.breaker_events$$, '42501', 'permission denied for table breaker_events',
  'A signed-in user cannot read the breaker events.');

-- -----------------------------------------------------------------------------
-- Service role
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();

create temp table recorded on commit drop as
select public.record_completion(tests.get_decision_id('the decision'),
  '{"status": "succeeded", "model": "gpt-4o", "provider": "openai",
    "attempts": [{"model": "gpt-4o", "provider": "openai", "status": 200, "input_tokens": 100, "output_tokens": 10}]}') as r;
select is((select r ->> 'cost_usd' from recorded), '0.00035', 'The service role records a completion.');
select is(public.reset_circuit_breaker('anthropic') ->> 'state', 'closed', 'The service role resets a circuit.');

-- -----------------------------------------------------------------------------
-- Owner and stranger (authenticated): reading the recorded rows
-- -----------------------------------------------------------------------------
select tests.authenticate_as('owner');

select is((select count(*)::integer from routing.calls where agent_id = tests.get_agent_id('Owner agent')), 1,
  'The owner sees the call of their agent.');
select is((select count(*)::integer from routing.attempts a join routing.calls c on c.id = a.call_id
           where c.agent_id = tests.get_agent_id('Owner agent')), 1, 'The owner sees its attempt.');
select throws_ok($$update routing.calls set cost_usd = 0$$, '42501', 'permission denied for table calls',
  'The owner cannot alter a recorded cost.');

select tests.authenticate_as('stranger');
select is_empty($$select 1 from routing.calls where agent_id = tests.get_agent_id('Owner agent')$$,
  'A stranger does not see the owner''s calls.');
select is_empty($$select 1 from routing.attempts where created_at = now()$$, 'A stranger does not see the owner''s attempts.');

-- -----------------------------------------------------------------------------
-- Defence in depth: the functions check the caller themselves
-- -----------------------------------------------------------------------------
select tests.clear_authentication();
-- As if someone granted too much by mistake.
grant execute on function public.record_completion(uuid, jsonb), public.reset_circuit_breaker(text) to authenticated;

select tests.authenticate_as('owner');
select throws_ok(pg_temp.a_call(), '42501', 'record_completion requires the service role',
  'A signed-in user granted execute by mistake is still refused by record_completion.');
select throws_ok($$select public.reset_circuit_breaker('openai')$$, '42501', 'reset_circuit_breaker requires the service role',
  'A signed-in user granted execute by mistake is still refused by reset_circuit_breaker.');

-- -----------------------------------------------------------------------------
-- Database owner
-- -----------------------------------------------------------------------------
reset role;
select set_config('request.jwt.claims', tests.user_claims('owner')::text, true);
select throws_ok(pg_temp.a_call(), '42501', 'record_completion requires the service role',
  'The database owner carrying a user''s JWT is treated as that user.');

select tests.clear_authentication();
select lives_ok(pg_temp.a_call(), 'The database owner without a JWT records a completion.');
select is((select count(*)::integer from routing.calls where agent_id = tests.get_agent_id('Owner agent')), 2,
  'Only the two trusted calls were recorded.');
select is((select count(*)::integer from routing.breaker_events where reason = 'operator_reset' and created_at = now()), 1,
  'Only the trusted reset was logged.');

-- -----------------------------------------------------------------------------
-- Privileges as declared
-- -----------------------------------------------------------------------------
revoke execute on function public.record_completion(uuid, jsonb), public.reset_circuit_breaker(text) from authenticated;
select ok(not has_function_privilege('anon', 'public.record_completion(uuid, jsonb)', 'execute')
          and not has_function_privilege('authenticated', 'public.record_completion(uuid, jsonb)', 'execute'),
  'Neither anon nor authenticated may execute record_completion.');
select ok(has_function_privilege('service_role', 'public.record_completion(uuid, jsonb)', 'execute')
          and has_function_privilege('service_role', 'public.reset_circuit_breaker(text)', 'execute'),
  'The service role may execute record_completion and reset_circuit_breaker.');
select ok(not has_function_privilege('anon', 'public.record_agent_execution(uuid, text, boolean, integer, integer, uuid)', 'execute')
          and has_function_privilege('authenticated', 'public.record_agent_execution(uuid, text, boolean, integer, integer, uuid)', 'execute'),
  'record_agent_execution is open to signed-in users and closed to anon.');

select * from finish();
ROLLBACK;
