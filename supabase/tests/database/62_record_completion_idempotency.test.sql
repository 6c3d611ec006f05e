-- record_completion is idempotent per call.call_key (issue 11, "nothing lost"): a record sent
-- again (retried, or drained from the edge function's outbox) returns the first result and
-- changes nothing: one call row, one cost, one breaker update, no second alert evaluation.
-- Also: the attempt's `estimated` flag is stored, and a stream the client left before its first
-- byte (error type client_aborted) is neutral for a half-open breaker.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(17);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): the named actor owner, their agent and two decisions
-- -----------------------------------------------------------------------------
select tests.create_user('owner');
select tests.create_agent('owner', 'Owner agent');
select tests.create_decision('Owner agent', 'claude-3-haiku', 'medium', 5.2, 'exec-60a', name => 'the decision');
select tests.create_decision('Owner agent', 'claude-3-haiku', 'medium', 5.2, 'exec-60b', name => 'another decision');
select tests.reset_routing();
select tests.clear_alert_history();

create function pg_temp.failed_call(key text) returns jsonb language sql as $$
  select jsonb_build_object('call_key', key, 'status', 'failed', 'model', 'claude-3-haiku', 'provider', 'anthropic',
    'attempts', jsonb_build_array(jsonb_build_object('model', 'claude-3-haiku', 'provider', 'anthropic', 'status', 529,
      'error_type', 'overloaded', 'latency_ms', 10, 'input_tokens', 1000, 'output_tokens', 10)))
$$;
create function pg_temp.footprint() returns text language sql as $$
  select (
    (select count(*) from routing.calls),
    (select count(*) from routing.attempts),
    (select (b.state, b.consecutive_failures, b.ctid, b.xmax)::text from routing.provider_breakers b where b.provider = 'anthropic'),
    (select count(*) from routing.breaker_events),
    (select count(*) from routing.alert_events),
    (select string_agg((s.state, s.value, s.sample, s.evaluated_at)::text, ';' order by s.alert) from routing.alert_states s)
  )::text
$$;
create temp table seen (label text primary key, value jsonb, print text) on commit drop;
grant all on seen to service_role;

-- -----------------------------------------------------------------------------
-- Service role: the same key twice
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();

insert into seen select 'first', public.record_completion(tests.get_decision_id('the decision'),
  pg_temp.failed_call('6f1c1f8e-1d1a-4c1b-9a55-0a0000000001')), pg_temp.footprint();
insert into seen select 'repeat', public.record_completion(tests.get_decision_id('the decision'),
  pg_temp.failed_call('6f1c1f8e-1d1a-4c1b-9a55-0a0000000001')), pg_temp.footprint();

select is((select value ->> 'repeated' from seen where label = 'first'), 'false', 'The first record of a key is not a repeat.');
select is((select value ->> 'repeated' from seen where label = 'repeat'), 'true', 'The second record of the same key says it is a repeat.');
select is((select value ->> 'call_id' from seen where label = 'repeat'), (select value ->> 'call_id' from seen where label = 'first'),
  'The repeat answers the first record''s call id.');
select is((select value ->> 'cost_usd' from seen where label = 'repeat'), (select value ->> 'cost_usd' from seen where label = 'first'),
  'The repeat answers the first record''s cost.');
select is((select value -> 'attempts' from seen where label = 'repeat'), (select value -> 'attempts' from seen where label = 'first'),
  'The repeat answers the first record''s attempts.');
select is((select count(*)::integer from routing.calls where call_key = '6f1c1f8e-1d1a-4c1b-9a55-0a0000000001'), 1,
  'One call row holds the key.');
select is((select print from seen where label = 'repeat'), (select print from seen where label = 'first'),
  'The repeat changes nothing: the same calls, attempts, breaker row (same ctid and xmax), breaker events and alerts.');
select is((select (state, consecutive_failures)::text from routing.provider_breakers where provider = 'anthropic'), '(closed,1)',
  'The breaker counted the failure once.');

select throws_ok(
  $$select public.record_completion(tests.get_decision_id('another decision'), pg_temp.failed_call('6f1c1f8e-1d1a-4c1b-9a55-0a0000000001'))$$,
  '22023', 'call.call_key 6f1c1f8e-1d1a-4c1b-9a55-0a0000000001 belongs to another decision',
  'A key already recorded for another decision is refused.');
select throws_ok(
  $$select public.record_completion(tests.get_decision_id('the decision'), pg_temp.failed_call('not-a-uuid'))$$,
  '22023', 'call.call_key must be a UUID or null', 'A key that is not a UUID is refused.');

-- Without a key (an older caller), each record is a call of its own.
select public.record_completion(tests.get_decision_id('another decision'), pg_temp.failed_call(null));
select public.record_completion(tests.get_decision_id('another decision'), pg_temp.failed_call(null));
select is((select count(*)::integer from routing.calls where decision_id = tests.get_decision_id('another decision')), 2,
  'Records without a key are each stored.');

-- -----------------------------------------------------------------------------
-- Service role: an estimated attempt is stored as one
-- -----------------------------------------------------------------------------
insert into seen select 'estimated', public.record_completion(tests.get_decision_id('the decision'),
  '{"call_key": "6f1c1f8e-1d1a-4c1b-9a55-0a0000000002", "status": "failed", "model": "claude-3-haiku", "provider": "anthropic",
    "attempts": [{"model": "claude-3-haiku", "provider": "anthropic", "status": null, "error_type": "timeout",
                  "input_tokens": 2500, "estimated": true}]}'::jsonb), null;
select is((select value #>> '{attempts,0,estimated}' from seen where label = 'estimated'), 'true',
  'record_completion answers the attempt as estimated.');
select is((select a.tokens_estimated from routing.attempts a join routing.calls c on c.id = a.call_id
           where c.call_key = '6f1c1f8e-1d1a-4c1b-9a55-0a0000000002'), true,
  'The estimated attempt is stored with tokens_estimated, costed on its estimate.');
select throws_ok(
  $$select public.record_completion(tests.get_decision_id('the decision'),
      '{"status": "failed", "model": "claude-3-haiku", "provider": "anthropic",
        "attempts": [{"model": "claude-3-haiku", "provider": "anthropic", "error_type": "timeout", "estimated": "yes"}]}')$$,
  '22023', 'call.attempts[1].estimated must be a boolean', 'A non-boolean estimated flag is refused.');

-- -----------------------------------------------------------------------------
-- Service role: a client that left before the first byte is neutral for a half-open trial
-- -----------------------------------------------------------------------------
select tests.clear_authentication();
update routing.provider_breakers
set state = 'half_open', consecutive_failures = 5, opened_at = now() - interval '1 hour', trial_started_at = now()
where provider = 'anthropic';
select tests.authenticate_as_service_role();

select public.record_completion(tests.get_decision_id('the decision'),
  '{"call_key": "6f1c1f8e-1d1a-4c1b-9a55-0a0000000003", "status": "failed", "model": "claude-3-haiku", "provider": "anthropic",
    "attempts": [{"model": "claude-3-haiku", "provider": "anthropic", "status": null, "error_type": "client_aborted",
                  "input_tokens": 7}]}'::jsonb);
select is((select (state, consecutive_failures)::text from routing.provider_breakers where provider = 'anthropic'), '(half_open,5)',
  'A half-open trial the client left before the first byte neither closes nor reopens the circuit.');
select is((select t.caller_fault and not t.breaker_failure from routing.error_types t where t.error_type = 'client_aborted'), true,
  'client_aborted is outside the provider error rate and the breaker (caller_fault, not breaker_failure).');

-- -----------------------------------------------------------------------------
-- Database owner: the breaker's own reading of the type
-- -----------------------------------------------------------------------------
select tests.clear_authentication();
select is(routing._is_successful_attempt(null, 'client_aborted'), false,
  'An aborted attempt is not a success for the breaker (a null error type would have been).');
select * from finish();
ROLLBACK;
