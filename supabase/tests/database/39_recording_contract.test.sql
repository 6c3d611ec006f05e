-- The recording functions' contract: search_path, comments, SECURITY DEFINER
-- only on the RPCs, private helpers, the error-type classification, and the
-- hook points where alert evaluation will run.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(16);

-- -----------------------------------------------------------------------------
-- Database owner: the objects of the recording migrations
-- -----------------------------------------------------------------------------
create temp table recording_functions on commit drop as
select f::regprocedure as fn from unnest(array[
  'public.record_agent_execution(uuid, text, boolean, integer, integer, uuid)',
  'public.record_completion(uuid, jsonb)',
  'public.reset_circuit_breaker(text)',
  'routing.validate_execution_outcome(uuid, text, boolean, integer, integer)',
  'routing._after_execution_recorded(routing.executions)',
  'routing._is_availability_failure(text)',
  'routing._is_successful_attempt(integer, text)',
  'routing._breaker_outcomes(uuid)',
  'routing._update_breakers(uuid)',
  'routing._stored_breaker_states()',
  'routing._json_count_problem(jsonb)',
  'routing.validate_call(jsonb)',
  'routing._require_prices(jsonb)',
  'routing._recorded_call_json(routing.calls, routing.attempts[], text[], jsonb)',
  'routing._stored_call_json(routing.calls)',
  'routing._after_first_call_recorded(routing.decisions, uuid)',
  'routing._after_call_recorded(routing.calls)']) f;

select is_empty(
  $$select r.fn from recording_functions r join pg_proc p on p.oid = r.fn
    where not coalesce('search_path=""' = any (p.proconfig), false)$$,
  'Every recording function runs with an empty search_path.');
select is_empty(
  $$select r.fn from recording_functions r where obj_description(r.fn, 'pg_proc') is null$$,
  'Every recording function has a comment.');
select results_eq(
  $$select r.fn::text from recording_functions r join pg_proc p on p.oid = r.fn where p.prosecdef order by 1$$,
  $$values ('record_agent_execution(uuid,text,boolean,integer,integer,uuid)'), ('record_completion(uuid,jsonb)'),
           ('reset_circuit_breaker(text)')$$,
  'Only the three RPCs are SECURITY DEFINER.');
select is_empty(
  $$select r.fn, role from recording_functions r cross join unnest(array['anon', 'authenticated', 'service_role']) role
    where r.fn::regproc::text like 'routing.%' and has_function_privilege(role, r.fn, 'execute')$$,
  'No API role may execute a routing helper directly.');
select is_empty(
  $$select t from unnest(array['routing.breaker_outcome']) t where obj_description(t::regtype, 'pg_type') is null$$,
  'The composite types are commented.');
select has_table('routing', 'breaker_events', 'Breaker transitions have an audit table.');
select isnt(obj_description('routing.breaker_events'::regclass, 'pg_class'), null, 'The breaker events table is commented.');
select has_column('public', 'agent_intensity_metrics', 'tokens_samples', 'Metrics count the executions that reported tokens.');
select has_column('public', 'agent_intensity_metrics', 'duration_samples', 'Metrics count the executions that reported a duration.');

-- -----------------------------------------------------------------------------
-- Database owner: which errors count for the breaker
-- -----------------------------------------------------------------------------
select results_eq(
  $$select e from unnest(array['rate_limit', 'insufficient_quota', 'server_error', 'overloaded', 'timeout', 'connection', 'auth',
                                'invalid_request', 'payload_too_large', 'malformed_response', 'unknown']) e
    where routing._is_availability_failure(e) order by 1$$,
  $$values ('connection'), ('malformed_response'), ('overloaded'), ('rate_limit'), ('server_error'), ('timeout')$$,
  'Exactly the six availability error types of docs/architecture.md count for the breaker.');
select results_eq(
  $$select routing._is_successful_attempt(s, e) from (values (200, null), (204, null), (null, null), (200, 'malformed_response'),
                                                            (503, 'server_error')) v(s, e)$$,
  $$values (true), (true), (true), (false), (false)$$,
  'An attempt succeeded when it has no error type and a 2xx (or no) status.');

-- -----------------------------------------------------------------------------
-- Database owner: the hook points are called in the recording transaction
-- -----------------------------------------------------------------------------
select tests.create_user('owner');
select tests.create_agent('owner', 'Owner agent');
select tests.create_decision('Owner agent', 'gpt-4o', 'high', 8.1, 'exec-1', name => 'the decision');
create temp table hook_calls (hook text, detail text) on commit drop;
create or replace function routing._after_execution_recorded(execution routing.executions) returns void
language sql set search_path = '' as $$ insert into pg_temp.hook_calls values ('execution', execution.execution_id) $$;
create or replace function routing._after_call_recorded(call routing.calls) returns void
language sql set search_path = '' as $$ insert into pg_temp.hook_calls values ('call', call.status) $$;

-- Service role: the hooks run whoever calls.
select tests.authenticate_as_service_role();
-- The call first, as the edge function records it before its agent reports (the other order is 54's).
create temp table outcomes on commit drop as
select public.record_completion(tests.get_decision_id('the decision'),
  '{"status": "failed", "model": "gpt-4o", "provider": "openai",
    "attempts": [{"model": "gpt-4o", "provider": "openai", "status": 503, "error_type": "server_error"}]}') as r
union all select public.record_agent_execution(tests.get_agent_id('Owner agent'), 'exec-1', true)
union all select public.record_agent_execution(tests.get_agent_id('Owner agent'), 'exec-1', true);

select tests.clear_authentication();
select is((select count(*)::integer from outcomes), 3, 'The three recordings ran.');
select results_eq($$select hook from hook_calls where hook = 'execution'$$, $$values ('execution')$$,
  'The execution hook runs once for a new outcome and not for its duplicate.');
select is((select detail from hook_calls where hook = 'execution'), 'exec-1', 'The execution hook receives the outcome row.');
select is((select detail from hook_calls where hook = 'call'), 'failed', 'The call hook receives the recorded call.');
select is((select count(*)::integer from hook_calls), 2, 'Each hook ran once.');

select * from finish();
ROLLBACK;
