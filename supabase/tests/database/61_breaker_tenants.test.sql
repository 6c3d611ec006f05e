-- The circuit breaker's tenant rule (breaker migration): one tenant's availability failures never open a
-- circuit every tenant shares; the streak must hold failures of config.breaker_min_tenants (2) tenants.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(8);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): the named actors noisy and other, one agent and decision each
-- -----------------------------------------------------------------------------
select tests.create_user('noisy'), tests.create_user('other');
select tests.create_agent('noisy', 'noisy agent'), tests.create_agent('other', 'other agent');
select tests.create_decision('noisy agent', 'claude-3-haiku', 'medium', 5.2, 'noisy-exec', name => 'noisy decision');
select tests.create_decision('other agent', 'claude-3-haiku', 'medium', 5.2, 'other-exec', name => 'other decision');
select tests.reset_routing();

-- A failed call of one Anthropic attempt that timed out, recorded for a decision.
create function pg_temp.fail(decision text) returns jsonb language sql as $$
  select public.record_completion(tests.get_decision_id(decision), jsonb_build_object(
    'status', 'failed', 'model', 'claude-3-haiku', 'provider', 'anthropic',
    'attempts', jsonb_build_array(jsonb_build_object('model', 'claude-3-haiku', 'provider', 'anthropic', 'status', null,
                                                     'error_type', 'timeout', 'latency_ms', 30000))))
$$;
create function pg_temp.breaker() returns text language sql as $$
  select (b.state, b.consecutive_failures, cardinality(b.failure_tenants))::text from routing.provider_breakers b where b.provider = 'anthropic'
$$;

-- -----------------------------------------------------------------------------
-- Service role (the edge function records): one tenant's failures
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select pg_temp.fail('noisy decision') from generate_series(1, 10);
select is(pg_temp.breaker(), '(closed,10,1)',
  'Ten consecutive availability failures of one tenant, twice the threshold, leave the circuit closed (counted, one tenant).');
select is((select count(*)::integer from routing.breaker_events where provider = 'anthropic'), 0,
  'No transition is logged for them.');
select tests.clear_authentication();
select is(routing._breaker_states(60) ->> 'anthropic', 'closed', 'Every tenant''s decisions still see the circuit closed.');
select tests.authenticate_as_service_role();

-- -----------------------------------------------------------------------------
-- Service role: a second tenant's failure completes the streak
-- -----------------------------------------------------------------------------
select is(pg_temp.fail('other decision') #>> '{breakers,anthropic}', 'open',
  'The first availability failure of a second tenant opens the circuit.');
select is(pg_temp.breaker(), '(open,11,2)', 'The open circuit holds the streak''s two tenants.');
select is((select (from_state, to_state, reason)::text from routing.breaker_events where provider = 'anthropic'),
  '(closed,open,failure_threshold)', 'The opening is logged as the failure threshold.');

-- -----------------------------------------------------------------------------
-- Service role: two tenants, fewer failures than the threshold; a recovery empties the tenants
-- -----------------------------------------------------------------------------
select public.reset_circuit_breaker('anthropic');
select pg_temp.fail('noisy decision'), pg_temp.fail('other decision');
select pg_temp.fail('noisy decision') from generate_series(1, 2);
select is(pg_temp.breaker(), '(closed,4,2)', 'Four failures of two tenants stay under the threshold of five.');
select pg_temp.fail('noisy decision');
select is(pg_temp.breaker(), '(open,5,2)', 'The fifth failure of a streak that holds two tenants opens the circuit.');

select * from finish();
ROLLBACK;
