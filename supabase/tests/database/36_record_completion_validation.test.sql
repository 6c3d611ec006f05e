-- record_completion: every malformed `call` is refused with 22023 and a
-- message naming the field, and writes nothing (no call, attempt or breaker).
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(38);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): the named actor owner, their agent and one decision
-- -----------------------------------------------------------------------------
select tests.create_user('owner');
select tests.create_agent('owner', 'Owner agent');
select tests.create_decision('Owner agent', 'claude-3-haiku', 'medium', 5.2, 'exec-1', name => 'the decision');

-- A valid call whose first attempt is an availability failure, with one field replaced.
create function pg_temp.call_with(path text[], value jsonb) returns jsonb language sql as $$
  select jsonb_set('{"status": "succeeded", "model": "gpt-4o", "provider": "openai", "latency_ms": 800,
                     "attempts": [
                       {"model": "claude-3-haiku", "provider": "anthropic", "status": 529, "error_type": "overloaded", "latency_ms": 120},
                       {"model": "gpt-4o", "provider": "openai", "status": 200, "error_type": null, "latency_ms": 640,
                        "input_tokens": 1500, "output_tokens": 300}]}'::jsonb, path, value)
$$;
create function pg_temp.refused(call jsonb) returns text language sql as $$
  select format('select public.record_completion(%L, %L::jsonb)', tests.get_decision_id('the decision'), call)
$$;
create temp table breakers_before on commit drop as select b.*, b.ctid as row_ctid from routing.provider_breakers b;
grant select on breakers_before to service_role;

-- -----------------------------------------------------------------------------
-- Service role: the call object
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();

select throws_ok($$select public.record_completion(tests.get_decision_id('the decision'), null)$$,
  '22023', 'call must be a JSON object', 'A null call is refused.');
select throws_ok(pg_temp.refused('[]'), '22023', 'call must be a JSON object', 'An array is not a call.');
select throws_ok(pg_temp.refused('"succeeded"'), '22023', 'call must be a JSON object', 'A string is not a call.');
select throws_ok(pg_temp.refused(pg_temp.call_with('{status}', 'null')),
  '22023', 'call.status must be one of: succeeded, failed', 'A null status is refused.');
select throws_ok(pg_temp.refused(pg_temp.call_with('{status}', '"ok"')),
  '22023', 'call.status must be one of: succeeded, failed', 'An unknown status is refused.');
select throws_ok(pg_temp.refused(pg_temp.call_with('{status}', '"succeeded"') - 'status'),
  '22023', 'call.status must be one of: succeeded, failed', 'A missing status is refused.');
select throws_ok(pg_temp.refused(pg_temp.call_with('{model}', '"gpt-5"')),
  '22023', 'call.model must be a catalog model', 'A model outside the catalog is refused.');
select throws_ok(pg_temp.refused(pg_temp.call_with('{model}', '42')),
  '22023', 'call.model must be a catalog model', 'A model that is not a string is refused.');
select throws_ok(pg_temp.refused(pg_temp.call_with('{provider}', '"google"')),
  '22023', 'call.provider must be a provider of routing.providers', 'An unknown provider is refused.');
select throws_ok(pg_temp.refused(pg_temp.call_with('{fallback_used}', '"yes"')),
  '22023', 'call.fallback_used must be a boolean', 'A fallback_used that is not a boolean is refused.');
select throws_ok(pg_temp.refused(pg_temp.call_with('{latency_ms}', '-1')),
  '22023', 'call.latency_ms must be an integer >= 0', 'A negative call latency is refused.');

-- -----------------------------------------------------------------------------
-- Service role: the attempts array
-- -----------------------------------------------------------------------------
select throws_ok(pg_temp.refused(pg_temp.call_with('{status}', '"succeeded"') - 'attempts'),
  '22023', 'call.attempts must be a non-empty array', 'A call without attempts is refused.');
select throws_ok(pg_temp.refused(pg_temp.call_with('{attempts}', '[]')),
  '22023', 'call.attempts must be a non-empty array', 'An empty attempts array is refused.');
select throws_ok(pg_temp.refused(pg_temp.call_with('{attempts}', '{"model": "gpt-4o"}')),
  '22023', 'call.attempts must be a non-empty array', 'An object in place of the attempts array is refused.');
select throws_ok(
  pg_temp.refused(pg_temp.call_with('{attempts}',
    (select jsonb_agg('{"model": "gpt-4o", "provider": "openai", "status": 200}'::jsonb) from generate_series(1, 101)))),
  '22023', 'call.attempts must have at most 100 entries', 'More than 100 attempts are refused.');

-- -----------------------------------------------------------------------------
-- Service role: each attempt field (numbered from 1, like seq)
-- -----------------------------------------------------------------------------
select throws_ok(pg_temp.refused(pg_temp.call_with('{attempts,0}', '"overloaded"')),
  '22023', 'call.attempts[1] must be a JSON object', 'An attempt that is not an object is refused.');
select throws_ok(pg_temp.refused(pg_temp.call_with('{attempts,0,model}', '"claude-9"')),
  '22023', 'call.attempts[1].model must be a catalog model', 'An attempt on a model outside the catalog is refused.');
select throws_ok(pg_temp.refused(pg_temp.call_with('{attempts,1,provider}', '"azure"')),
  '22023', 'call.attempts[2].provider must be a provider of routing.providers', 'An attempt on an unknown provider is refused.');
select throws_ok(pg_temp.refused(pg_temp.call_with('{attempts,0,status}', '700')),
  '22023', 'call.attempts[1].status must be an HTTP status code (100-599) or null', 'An HTTP status above 599 is refused.');
select throws_ok(pg_temp.refused(pg_temp.call_with('{attempts,0,status}', '"529"')),
  '22023', 'call.attempts[1].status must be an HTTP status code (100-599) or null', 'An HTTP status given as a string is refused.');
select throws_ok(pg_temp.refused(pg_temp.call_with('{attempts,0,error_type}', '"boom"')),
  '22023', 'call.attempts[1].error_type must be null or one of: rate_limit, insufficient_quota, server_error, overloaded, '
           'timeout, connection, auth, invalid_request, payload_too_large, malformed_response, model_unavailable, unknown, client_aborted',
  'An unknown error type is refused with the list of known ones.');
select throws_ok(pg_temp.refused(pg_temp.call_with('{attempts,0,error_type}', 'null')),
  '22023', 'call.attempts[1].error_type is required when status is not 2xx', 'A non-2xx attempt without an error type is refused.');
select throws_ok(pg_temp.refused(pg_temp.call_with('{attempts,0,latency_ms}', '1.5')),
  '22023', 'call.attempts[1].latency_ms must be an integer >= 0', 'A fractional attempt latency is refused.');
select throws_ok(pg_temp.refused(pg_temp.call_with('{attempts,1,input_tokens}', '-1')),
  '22023', 'call.attempts[2].input_tokens must be an integer >= 0', 'Negative input tokens are refused.');
select throws_ok(pg_temp.refused(pg_temp.call_with('{attempts,1,output_tokens}', '"300"')),
  '22023', 'call.attempts[2].output_tokens must be an integer >= 0', 'Output tokens given as a string are refused.');
select throws_ok(pg_temp.refused(pg_temp.call_with('{attempts,1,cached_tokens}', '2.5')),
  '22023', 'call.attempts[2].cached_tokens must be an integer >= 0', 'Fractional cached tokens are refused.');
select throws_ok(pg_temp.refused(pg_temp.call_with('{attempts,1,cache_write_tokens}', '3000000000')),
  '22023', 'call.attempts[2].cache_write_tokens must be at most 2147483647', 'An absurd token count is refused.');
select throws_ok(pg_temp.refused(pg_temp.call_with('{attempts,1,cache_write_tokens}', 'true')),
  '22023', 'call.attempts[2].cache_write_tokens must be an integer >= 0', 'A boolean token count is refused.');

-- -----------------------------------------------------------------------------
-- Service role: the decision
-- -----------------------------------------------------------------------------
select throws_ok(format('select public.record_completion(null, %L::jsonb)', pg_temp.call_with('{model}', '"gpt-4o"')),
  '22023', 'decision_id is required', 'A null decision id is refused.');
select throws_ok(
  format('select public.record_completion(%L, %L::jsonb)', tests.unknown_id('missing decision'), pg_temp.call_with('{model}', '"gpt-4o"')),
  'P0002', format('decision %s not found', tests.unknown_id('missing decision')), 'An unknown decision is not found.');

-- -----------------------------------------------------------------------------
-- Nothing was written
-- -----------------------------------------------------------------------------
select is_empty($$select 1 from routing.calls where decision_id = tests.get_decision_id('the decision')$$,
  'No refused call wrote a call row.');
select is_empty($$select 1 from routing.attempts where created_at = now()$$, 'No refused call wrote an attempt row.');
select is(
  (select array_agg((b.provider, b.state, b.consecutive_failures, b.ctid)::text order by b.provider) from routing.provider_breakers b),
  (select array_agg((b.provider, b.state, b.consecutive_failures, b.row_ctid)::text order by b.provider) from breakers_before b),
  'The availability failure inside a refused call did not touch the breakers.');
select is_empty($$select 1 from routing.breaker_events where created_at = now()$$, 'No refused call logged a breaker event.');

-- -----------------------------------------------------------------------------
-- Service role: what is accepted at the edges
-- -----------------------------------------------------------------------------
select is(
  (public.record_completion(tests.get_decision_id('the decision'),
     '{"status": "succeeded", "model": "gpt-4o", "provider": "openai", "fallback_used": null, "latency_ms": null, "warnings": null,
       "attempts": [{"model": "gpt-4o", "provider": "openai", "status": null, "error_type": null, "latency_ms": null}]}')
   ->> 'cost_usd'),
  '0', 'Missing token counts and null optional fields are accepted and count as zero.');
select is(
  (public.record_completion(tests.get_decision_id('the decision'),
     '{"status": "failed", "model": "gpt-4o", "provider": "openai", "extra": {"ignored": true},
       "attempts": [{"model": "gpt-4o", "provider": "openai", "status": 200, "error_type": "malformed_response",
                     "input_tokens": 1e3, "output_tokens": 0}]}')
   ->> 'cost_usd'),
  '0.0025', 'Unknown keys are ignored, a 200 can carry an error type, and 1e3 is the integer 1000.');
select is((select count(*)::integer from routing.calls where decision_id = tests.get_decision_id('the decision')), 2, 'The two valid calls were recorded.');
select is((select array_agg(jsonb_typeof(c.warnings)) from routing.calls c where c.decision_id = tests.get_decision_id('the decision')),
  array['array', 'array'], 'A null warnings field is stored as an empty array, not as JSON null.');

select * from finish();
ROLLBACK;
