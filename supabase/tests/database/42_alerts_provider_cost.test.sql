-- Provider error-rate and cost-per-execution alerts (ROUTING-SPEC §7): windowed
-- readings, minimum samples, fire / resolve events, thresholds one line each.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(29);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): a clean slate, default thresholds, the named actor owner's agents, a call builder
-- -----------------------------------------------------------------------------
select tests.clear_routing_history(), tests.clear_alert_history();
select tests.reset_routing();
update routing.config set alert_success_min_executions = 20 where id;  -- the default is 30

select tests.create_user('owner');
select tests.create_agent('owner', 'Medium agent (anthropic)', 5.2, 40, 97.5),
       tests.create_agent('owner', 'Low agent (openai)', 2.0, 40, 97.5),
       tests.create_agent('owner', 'High agent (gpt-4o)', 8.4, 40, 97.5);

-- One call: its attempts as (model, provider, status, error_type, input, output).
create function pg_temp.call_json(status text, attempts jsonb) returns jsonb language sql immutable as $$
  select jsonb_build_object('status', status, 'model', attempts -> -1 ->> 'model', 'provider', attempts -> -1 ->> 'provider',
                            'latency_ms', 100, 'attempts', attempts)
$$;
create function pg_temp.attempt(model text, provider text, status integer, error_type text, input_tokens integer, output_tokens integer)
returns jsonb language sql immutable as $$
  select jsonb_build_object('model', model, 'provider', provider, 'status', status, 'error_type', error_type, 'latency_ms', 50,
                            'input_tokens', input_tokens, 'output_tokens', output_tokens)
$$;

-- -----------------------------------------------------------------------------
-- Service role: a provider's error rate
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();

-- 17 healthy haiku calls, then 2 calls that needed a retry after a 529: 21 attempts, 2 failed (9.5%).
create temp table haiku_calls on commit drop as
select g, public.record_completion((public.route_model(tests.get_agent_id('Medium agent (anthropic)')) ->> 'decision_id')::uuid,
         pg_temp.call_json('succeeded', case when g > 17 then jsonb_build_array(
             pg_temp.attempt('claude-3-haiku', 'anthropic', 529, 'overloaded', 0, 0),
             pg_temp.attempt('claude-3-haiku', 'anthropic', 200, null, 1500, 1800))
           else jsonb_build_array(pg_temp.attempt('claude-3-haiku', 'anthropic', 200, null, 1500, 1800)) end)) as r
from generate_series(1, 19) g;
select is((select count(*) from haiku_calls where r ->> 'call_id' is not null), 19::bigint, 'Nineteen haiku calls are recorded.');
select is((select state from public.routing_alerts where alert = 'provider_error_rate:anthropic'), 'ok',
  'Two failed attempts of 21 (9.5%) do not fire the anthropic alert.');

create temp table haiku_breach on commit drop as
select public.record_completion((public.route_model(tests.get_agent_id('Medium agent (anthropic)')) ->> 'decision_id')::uuid,
         pg_temp.call_json('succeeded', jsonb_build_array(
             pg_temp.attempt('claude-3-haiku', 'anthropic', 529, 'overloaded', 0, 0),
             pg_temp.attempt('claude-3-haiku', 'anthropic', 200, null, 1500, 1800)))) as r;
select is(
  (select (state, value, threshold, "window", sample)::text from public.routing_alerts where alert = 'provider_error_rate:anthropic'),
  '(firing,13.04,10.00,00:05:00,23)',
  'The third failed attempt of 23 (13.04% > 10%) fires the anthropic alert from record_completion.');
select is((select r -> 'breakers' ->> 'anthropic' from haiku_breach), 'closed',
  'The alert is not the breaker: interleaved failures leave the anthropic circuit closed.');
select is(
  (select (kind, alert, value, sample, actor, figures -> 'error_types', figures ->> 'source')::text
   from routing.alert_events order by id desc limit 1),
  '(fire,provider_error_rate:anthropic,13.04,23,alert-evaluator,"{""overloaded"": 3}",record_completion)',
  'The fire event keeps the rate, the sample, the error types and where it was evaluated.');
select is((select state from public.routing_alerts where alert = 'provider_error_rate:openai'), 'ok',
  'The other provider''s alert stays ok.');
select is((select rollback_tripped_at from routing.config), null, 'A provider alert notifies; it does not trip the rollback.');

-- The caller's own errors (400 invalid_request) are not the provider's.
create temp table bad_requests on commit drop as
select public.record_completion((public.route_model(tests.get_agent_id('Low agent (openai)')) ->> 'decision_id')::uuid,
         pg_temp.call_json('failed', jsonb_build_array(pg_temp.attempt('gpt-4o-mini', 'openai', 400, 'invalid_request', 0, 0)))) as r
from generate_series(1, 20);
select is(
  (select (state, value, sample)::text from public.evaluate_routing_alerts() where alert = 'provider_error_rate:openai'),
  '(ok,0.00,20)', 'Twenty 400 invalid_request attempts count as attempts, not as openai errors.');

update routing.config set alert_provider_error_rate_max = 20 where id;
select is(
  (select new_values from routing.config_changes order by id desc limit 1), '{"alert_provider_error_rate_max": 20.00}'::jsonb,
  'A threshold is one column of routing.config, changed in one line and audited.');
select is((select state from public.evaluate_routing_alerts() where alert = 'provider_error_rate:anthropic'), 'ok',
  'Under the raised threshold the evaluation resolves the anthropic alert.');
select is((select kind from routing.alert_events where alert = 'provider_error_rate:anthropic' order by id desc limit 1), 'resolve',
  'The resolution is audited.');

-- -----------------------------------------------------------------------------
-- Service role: cost per execution
-- -----------------------------------------------------------------------------
-- gpt-4o, 5,000 in / 4,000 out: 0.0125 + 0.04 = $0.0525 per execution.
create temp table costly on commit drop as
select g, public.record_completion((public.route_model(tests.get_agent_id('High agent (gpt-4o)'), 'cost-' || g) ->> 'decision_id')::uuid,
         pg_temp.call_json('succeeded', jsonb_build_array(pg_temp.attempt('gpt-4o', 'openai', 200, null, 5000, 4000)))) ->> 'cost_usd' as cost,
       public.record_agent_execution(tests.get_agent_id('High agent (gpt-4o)'), 'cost-' || g, true) ->> 'recorded' as recorded
from generate_series(1, 19) g;
select is((select count(*) from costly where cost = '0.0525' and recorded = 'true'), 19::bigint,
  'Nineteen executions of one $0.0525 call each are recorded.');
select is(
  (select (state, value, sample)::text from public.evaluate_routing_alerts() where alert = 'cost_per_execution'),
  '(ok,0.0525,19)', 'Below the minimum sample of 20 executions, $0.0525 per execution does not fire.');
select is(public.record_completion((public.route_model(tests.get_agent_id('High agent (gpt-4o)'), 'cost-20') ->> 'decision_id')::uuid,
         pg_temp.call_json('succeeded', jsonb_build_array(pg_temp.attempt('gpt-4o', 'openai', 200, null, 5000, 4000)))) ->> 'cost_usd',
  '0.0525', 'The twentieth costly call is recorded.');
select is(public.record_agent_execution(tests.get_agent_id('High agent (gpt-4o)'), 'cost-20', true) ->> 'recorded', 'true',
  'The twentieth costly execution is recorded.');
select is(
  (select (state, value, threshold, "window", sample)::text from public.evaluate_routing_alerts() where alert = 'cost_per_execution'),
  '(firing,0.0525,0.050000,01:00:00,20)', 'At $0.0525 per execution over 20 executions the cost alert fires (> $0.05).');
select is((select message from public.routing_alerts where alert = 'cost_per_execution'),
  'cost per execution $0.0525 over 60 min ($1.05 for 20 executions; fires above $0.05, judged from 20 executions)',
  'The cost alert says what it measured.');
select is((select rollback_tripped_at from routing.config), null, 'The cost alert notifies; it does not trip the rollback.');
-- Thirty executions decided and reported by direct RPC, with no call recorded: they cost nothing and count for nothing.
select count(public.record_agent_execution(tests.get_agent_id('High agent (gpt-4o)'),
         (public.route_model(tests.get_agent_id('High agent (gpt-4o)'), 'free-' || g) ->> 'execution_id'), true))
from generate_series(1, 30) g;
select is(
  (select (state, value, sample)::text from public.evaluate_routing_alerts() where alert = 'cost_per_execution'),
  '(firing,0.0525,20)', 'Executions without a recorded call do not dilute the cost per execution.');

-- -----------------------------------------------------------------------------
-- Service role: auto_rollback_enabled = false makes the routed rule notify only
-- -----------------------------------------------------------------------------
-- A threshold of 100%: any counted failure puts the upper bound below it (the bound rule, not a point estimate).
update routing.config set auto_rollback_enabled = false, alert_success_rate_min = 100 where id;
select tests.clear_authentication();  -- the fixture builder is the database owner's
select tests.record_completion_for(public.route_model(tests.get_agent_id('High agent (gpt-4o)'), 'fail-1'), 100, 100) is not null
  as fail_call \gset
select tests.authenticate_as_service_role();
select is(public.record_agent_execution(tests.get_agent_id('High agent (gpt-4o)'), 'fail-1', false) ->> 'recorded', 'true',
  'A routed failure with a recorded call (20 of 21 succeeded, upper bound below 100%) is recorded.');
select is((select (state, action)::text from public.routing_alerts where alert = 'routed_success_rate'), '(firing,notify)',
  'With auto_rollback_enabled off the routed success alert fires with action notify.');
select is((select rollback_tripped_at from routing.config), null, 'With auto_rollback_enabled off nothing trips.');
select is(public.route_model(tests.get_agent_id('High agent (gpt-4o)')) ->> 'cohort', 'routed', 'Routing stays on.');

-- -----------------------------------------------------------------------------
-- Owner, anon: the global alerts are not theirs
-- -----------------------------------------------------------------------------
select tests.authenticate_as('owner');
select is_empty($$select * from public.routing_alerts$$, 'The owner sees no global alert row, even with their own traffic firing.');
select throws_ok($$select * from public.evaluate_routing_alerts()$$, '42501',
  'permission denied for function evaluate_routing_alerts', 'The owner may not evaluate the alerts.');
select throws_ok($$select * from routing.alert_events$$, '42501', 'permission denied for table alert_events',
  'The owner may not read the alert audit.');

select tests.authenticate_as_anon();
select throws_ok($$select * from public.evaluate_routing_alerts()$$, '42501',
  'permission denied for function evaluate_routing_alerts', 'Anon may not evaluate the alerts.');

-- -----------------------------------------------------------------------------
-- Owner (database): the evaluation is callable by the schedule's role
-- -----------------------------------------------------------------------------
select tests.clear_authentication();
select is((select count(*) from public.evaluate_routing_alerts()), 7::bigint,
  'The database owner (pg_cron''s role) may evaluate the alerts.');
select is(
  (select count(*) from pg_catalog.pg_extension where extname = 'pg_cron')::integer,
  (select count(*) from pg_catalog.pg_available_extensions where name = 'pg_cron')::integer,
  'pg_cron is installed exactly where it is available (the schedule is guarded).');
select * from finish();
ROLLBACK;
