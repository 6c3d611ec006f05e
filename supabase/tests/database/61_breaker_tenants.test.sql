-- The circuit breaker's tenant rule (breaker migration): one tenant's availability failures never open a
-- circuit other tenants use; the streak must hold failures of config.breaker_min_tenants (2) tenants, unless
-- no other tenant made an attempt on the provider within config.alert_provider_window_minutes (5): then the
-- circuit is the lone tenant's own (a project whose agents one user owns) and its failures open it.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(12);

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
create function pg_temp.succeed(decision text) returns jsonb language sql as $$
  select public.record_completion(tests.get_decision_id(decision), jsonb_build_object(
    'status', 'succeeded', 'model', 'claude-3-haiku', 'provider', 'anthropic',
    'attempts', jsonb_build_array(jsonb_build_object('model', 'claude-3-haiku', 'provider', 'anthropic', 'status', 200,
                                                     'error_type', null, 'latency_ms', 800))))
$$;
create function pg_temp.breaker() returns text language sql as $$
  select (b.state, b.consecutive_failures, cardinality(b.failure_tenants))::text from routing.provider_breakers b where b.provider = 'anthropic'
$$;

-- -----------------------------------------------------------------------------
-- Service role (the edge function records): one tenant's failures
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select pg_temp.succeed('other decision');  -- another tenant uses Anthropic too
select pg_temp.fail('noisy decision') from generate_series(1, 10);
select is(pg_temp.breaker(), '(closed,10,1)',
  'Ten consecutive availability failures of one tenant, twice the threshold, leave a circuit another tenant uses closed (counted, one tenant).');
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

-- -----------------------------------------------------------------------------
-- Service role: a lone tenant (no other tenant's attempt on the provider within the window)
-- -----------------------------------------------------------------------------
select public.reset_circuit_breaker('anthropic');
select tests.clear_authentication();  -- the owner dates the other tenant's attempts back
update routing.attempts a set created_at = now() - interval '6 minutes' where a.user_id = tests.get_user_id('other');
select tests.authenticate_as_service_role();
select pg_temp.fail('noisy decision') from generate_series(1, 4);
select is(pg_temp.breaker(), '(closed,4,1)', 'A lone tenant''s four failures stay under the threshold.');
select is(pg_temp.fail('noisy decision') #>> '{breakers,anthropic}', 'open',
  'Its fifth opens the circuit: no other tenant made an attempt on Anthropic in the last 5 minutes, so the circuit is its own.');
select is((select (from_state, to_state, reason)::text from routing.breaker_events where provider = 'anthropic' order by id desc limit 1),
  '(closed,open,failure_threshold)', 'The lone tenant''s opening is logged as the failure threshold.');
select public.reset_circuit_breaker('anthropic');
select tests.clear_authentication();
update routing.attempts a set created_at = now() - interval '4 minutes' where a.user_id = tests.get_user_id('other');
select tests.authenticate_as_service_role();
select pg_temp.fail('noisy decision') from generate_series(1, 6);
select is(pg_temp.breaker(), '(closed,6,1)',
  'An attempt of the other tenant 4 minutes ago, inside the window, keeps the one tenant''s six failures from opening it.');

select * from finish();
ROLLBACK;
