-- record_completion -> routing.provider_breakers (ROUTING-SPEC §5):
-- closed -> open after 5 availability failures, half_open -> closed / open,
-- non-availability errors ignored, healthy successes write nothing.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(37);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): the named actor owner, their agent and one decision
-- -----------------------------------------------------------------------------
select tests.create_user('owner');
select tests.create_agent('owner', 'Owner agent');
select tests.create_decision('Owner agent', 'claude-3-haiku', 'medium', 5.2, 'exec-1', name => 'the decision');
-- Start from the default config and healthy breakers whatever the database holds.
select tests.reset_routing();
-- One tenant (owner) makes every call here: its failures may open a circuit on their own
-- (the two-tenant rule has its own test, 60_breaker_tenants).
update routing.config set breaker_min_tenants = 1;

-- One attempt; and a call of attempts, succeeded when the last one got an answer.
create function pg_temp.attempt(model text, status integer, error_type text default null) returns jsonb language sql as $$
  select jsonb_build_object('model', model, 'provider', (select m.provider from routing.models m where m.model = attempt.model),
                            'status', status, 'error_type', error_type, 'latency_ms', 10, 'input_tokens', 10, 'output_tokens', 10)
$$;
create function pg_temp.record(variadic attempts jsonb[]) returns jsonb language sql as $$
  select public.record_completion(tests.get_decision_id('the decision'), jsonb_build_object(
    'status', case when attempts[cardinality(attempts)] ->> 'error_type' is null then 'succeeded' else 'failed' end,
    'model', attempts[cardinality(attempts)] ->> 'model', 'provider', attempts[cardinality(attempts)] ->> 'provider',
    'attempts', to_jsonb(attempts)))
$$;
create function pg_temp.breaker(p text) returns text language sql as $$
  select (b.state, b.consecutive_failures)::text from routing.provider_breakers b where b.provider = p
$$;
create function pg_temp.row_version(p text) returns text language sql as $$
  select (b.ctid, b.xmax)::text from routing.provider_breakers b where b.provider = p
$$;
create temp table seen (label text primary key, value text) on commit drop;
create temp table calls_made (r jsonb) on commit drop;
grant all on seen, calls_made to service_role;

-- -----------------------------------------------------------------------------
-- Service role: a success on a healthy provider writes nothing
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();

insert into seen values ('openai before success', pg_temp.row_version('openai'));
select is(pg_temp.record(pg_temp.attempt('gpt-4o', 200)) -> 'breakers', '{"anthropic": "closed", "openai": "closed"}'::jsonb,
  'A success on a healthy provider reports both circuits closed.');
select is(pg_temp.row_version('openai'), (select value from seen where label = 'openai before success'),
  'A success on a healthy provider neither rewrites nor locks its breaker row (same ctid and xmax).');

-- -----------------------------------------------------------------------------
-- Service role: closed -> open after five availability failures
-- -----------------------------------------------------------------------------
insert into calls_made select pg_temp.record(pg_temp.attempt('claude-3-haiku', 529, 'overloaded'));
insert into calls_made select pg_temp.record(pg_temp.attempt('claude-3-haiku', 429, 'rate_limit'));
insert into calls_made select pg_temp.record(pg_temp.attempt('claude-3-haiku', 500, 'server_error'));
select is(pg_temp.record(pg_temp.attempt('claude-3-haiku', null, 'timeout')) #>> '{breakers,anthropic}', 'closed',
  'Four availability failures are not enough to open the circuit.');
select is(pg_temp.breaker('anthropic'), '(closed,4)', 'Four consecutive failures are counted.');
select is((select (last_error_type, last_failure_at = now())::text from routing.provider_breakers where provider = 'anthropic'),
  '(timeout,t)', 'The last failure''s type and time are kept.');
select is_empty($$select 1 from routing.breaker_events where created_at = now()$$, 'No transition, no event.');

insert into seen select 'fifth failure', pg_temp.record(pg_temp.attempt('claude-3-haiku', null, 'connection'))::text;
select is((select value::jsonb -> 'breakers' from seen where label = 'fifth failure'), '{"anthropic": "open", "openai": "closed"}'::jsonb,
  'The fifth consecutive availability failure opens the circuit, as the answer reports.');
select is((select (state, consecutive_failures, opened_at = now(), trial_started_at)::text from routing.provider_breakers where provider = 'anthropic'),
  '(open,5,t,)', 'The open circuit records when it opened.');
select results_eq(
  $$select provider, from_state, to_state, reason, consecutive_failures, last_error_type, call_id from routing.breaker_events where created_at = now()$$,
  $$select 'anthropic', 'closed', 'open', 'failure_threshold', 5, 'connection', (value::jsonb ->> 'call_id')::uuid from seen where label = 'fifth failure'$$,
  'The opening is logged with its reason and the call that tripped it.');

-- -----------------------------------------------------------------------------
-- Service role: errors that are not about availability do not count
-- -----------------------------------------------------------------------------
insert into seen values ('openai before client errors', pg_temp.row_version('openai'));
insert into calls_made select pg_temp.record(pg_temp.attempt('gpt-4o', 401, 'auth'), pg_temp.attempt('gpt-4o', 429, 'insufficient_quota'),
  pg_temp.attempt('gpt-4o', 400, 'invalid_request'), pg_temp.attempt('gpt-4o', 413, 'payload_too_large'),
  pg_temp.attempt('gpt-4o', 500, 'unknown'), pg_temp.attempt('gpt-4o', 401, 'auth'));
select is(pg_temp.breaker('openai'), '(closed,0)',
  'auth, insufficient_quota, invalid_request, payload_too_large and unknown errors do not count.');
select is(pg_temp.row_version('openai'), (select value from seen where label = 'openai before client errors'),
  'Those errors do not even write the breaker row.');

insert into calls_made select pg_temp.record(pg_temp.attempt('gpt-4o', 502, 'server_error'), pg_temp.attempt('gpt-4o', 200, 'malformed_response'));
select is(pg_temp.breaker('openai'), '(closed,2)', 'Each failing attempt of a call counts, malformed responses included.');
insert into calls_made select pg_temp.record(pg_temp.attempt('gpt-4o', 500, 'server_error'), pg_temp.attempt('gpt-4o', 400, 'invalid_request'));
select is(pg_temp.breaker('openai'), '(closed,3)', 'A client error between failures neither counts nor breaks the streak.');
select is(pg_temp.record(pg_temp.attempt('gpt-4o', 503, 'server_error'), pg_temp.attempt('gpt-4o', 200)) #>> '{breakers,openai}', 'closed',
  'A retry that succeeds keeps the circuit closed.');
select is(pg_temp.breaker('openai'), '(closed,0)', 'A success after failures resets the count to zero.');
select is((select last_error_type from routing.provider_breakers where provider = 'openai'), 'server_error',
  'The reset keeps the last error type as history.');

insert into calls_made select pg_temp.record(variadic array_fill(pg_temp.attempt('gpt-4o', 503, 'server_error'), array[5]));
select is(pg_temp.breaker('openai'), '(open,5)', 'Five availability failures inside one call open the circuit.');

-- -----------------------------------------------------------------------------
-- Service role: an operator reset
-- -----------------------------------------------------------------------------
select is(public.reset_circuit_breaker('openai'),
  '{"provider": "openai", "state": "closed", "previous_state": "open", "previous_consecutive_failures": 5}'::jsonb,
  'reset_circuit_breaker closes the circuit and reports what it was.');
select is((select (state, consecutive_failures, opened_at, trial_started_at)::text from routing.provider_breakers where provider = 'openai'),
  '(closed,0,,)', 'The reset circuit is closed with no failures.');
select is((select (from_state, to_state, reason, changed_by)::text from routing.breaker_events
           where provider = 'openai' and reason = 'operator_reset' and created_at = now()),
  '(open,closed,operator_reset,service_role)', 'The reset is logged with who did it.');
select throws_ok($$select public.reset_circuit_breaker('google')$$, '22023', 'provider must be a provider of routing.providers',
  'Resetting an unknown provider is refused.');

-- -----------------------------------------------------------------------------
-- Service role: failures while open keep the cooldown running
-- -----------------------------------------------------------------------------
update routing.provider_breakers set opened_at = now() - interval '30 seconds' where provider = 'anthropic';
insert into calls_made select pg_temp.record(pg_temp.attempt('claude-3-haiku', 529, 'overloaded'));
select is((select (state, consecutive_failures, opened_at = now() - interval '30 seconds')::text from routing.provider_breakers where provider = 'anthropic'),
  '(open,6,t)', 'A failure of a call that reached an open provider counts but does not restart the cooldown.');

-- -----------------------------------------------------------------------------
-- Service role: half_open -> open when the trial fails
-- -----------------------------------------------------------------------------
-- As route_model claims the trial after the cooldown.
update routing.provider_breakers set state = 'half_open', trial_started_at = now() - interval '1 second', opened_at = now() - interval '90 seconds'
where provider = 'anthropic';
insert into seen select 'failed trial', pg_temp.record(pg_temp.attempt('claude-3-haiku', 529, 'overloaded'))::text;
select is((select value::jsonb #>> '{breakers,anthropic}' from seen where label = 'failed trial'), 'open',
  'A failed half-open trial opens the circuit again.');
select is((select (state, consecutive_failures, opened_at = now(), trial_started_at)::text from routing.provider_breakers where provider = 'anthropic'),
  '(open,7,t,)', 'The failed trial starts a new cooldown and clears the trial.');
select is((select (from_state, to_state, reason)::text from routing.breaker_events
           where call_id = (select (value::jsonb ->> 'call_id')::uuid from seen where label = 'failed trial')),
  '(half_open,open,trial_failed)', 'The failed trial is logged.');

-- -----------------------------------------------------------------------------
-- Service role: half_open -> closed when the trial succeeds
-- -----------------------------------------------------------------------------
update routing.provider_breakers set state = 'half_open', trial_started_at = now(), opened_at = now() - interval '90 seconds'
where provider = 'anthropic';
insert into seen select 'good trial', pg_temp.record(pg_temp.attempt('claude-3-haiku', 200))::text;
select is((select value::jsonb -> 'breakers' from seen where label = 'good trial'), '{"anthropic": "closed", "openai": "closed"}'::jsonb,
  'A successful half-open trial closes the circuit.');
select is((select (state, consecutive_failures, opened_at, trial_started_at, last_error_type)::text from routing.provider_breakers where provider = 'anthropic'),
  '(closed,0,,,overloaded)', 'The closed circuit has no failures, no opening time and no trial.');
select is((select (from_state, to_state, reason)::text from routing.breaker_events
           where call_id = (select (value::jsonb ->> 'call_id')::uuid from seen where label = 'good trial')),
  '(half_open,closed,recovered)', 'The recovery is logged.');

-- A success on an open provider (a call decided before it opened) closes it too.
update routing.provider_breakers set state = 'open', consecutive_failures = 5, opened_at = now() where provider = 'anthropic';
insert into calls_made select pg_temp.record(pg_temp.attempt('claude-3-haiku', 200));
select is(pg_temp.breaker('anthropic'), '(closed,0)', 'A provider that answers while open is closed again.');

-- -----------------------------------------------------------------------------
-- Service role: a fallback call updates each provider on its own
-- -----------------------------------------------------------------------------
insert into seen values ('openai before fallback', pg_temp.row_version('openai'));
insert into calls_made select pg_temp.record(pg_temp.attempt('claude-3-haiku', 529, 'overloaded'), pg_temp.attempt('claude-3-haiku', 529, 'overloaded'),
                      pg_temp.attempt('gpt-4o', 200));
select is(pg_temp.breaker('anthropic'), '(closed,2)', 'The failing provider of a fallback call counts its failures.');
select is(pg_temp.row_version('openai'), (select value from seen where label = 'openai before fallback'),
  'The healthy provider that answered is not written.');

-- -----------------------------------------------------------------------------
-- Database owner: the threshold comes from routing.config
-- -----------------------------------------------------------------------------
select tests.clear_authentication();
update routing.config set breaker_failure_threshold = 2;

select is(pg_temp.record(pg_temp.attempt('gpt-4o', 503, 'server_error')) #>> '{breakers,openai}', 'closed',
  'With a threshold of 2, one failure keeps the circuit closed.');
select is(pg_temp.record(pg_temp.attempt('gpt-4o', 503, 'server_error')) #>> '{breakers,openai}', 'open',
  'With a threshold of 2, the second failure opens it.');
select is(pg_temp.record(pg_temp.attempt('claude-3-haiku', null, 'timeout')) #>> '{breakers,anthropic}', 'open',
  'A provider already at 2 failures opens on its next failure under the new threshold.');
select is(public.reset_circuit_breaker('anthropic') ->> 'previous_state', 'open', 'The database owner can reset a circuit.');
select is((select changed_by from routing.breaker_events where provider = 'anthropic' and reason = 'operator_reset' and created_at = now()),
  'postgres',
  'The owner''s reset is logged under the database user.');
select is((select count(*)::integer from routing.breaker_events where created_at = now()), 9,
  'Every transition and reset of this test was logged once.');

select * from finish();
ROLLBACK;
