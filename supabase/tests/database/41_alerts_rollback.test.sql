-- Automatic rollback (ROUTING-SPEC §3, §7): a routed success rate below 95% over
-- 15 minutes with 99% confidence (the upper bound, >= 20 counted executions, each
-- with a call recorded by record_completion) trips the rollback inside
-- record_agent_execution, so the next route_model answers routing_disabled; only an
-- operator clears it.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(45);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): a clean slate, default thresholds, the named actors owner and stranger, their agents
-- -----------------------------------------------------------------------------
select tests.clear_routing_history(), tests.clear_alert_history();
select tests.reset_routing();
update routing.config set alert_success_min_executions = 20 where id;  -- the default is 30

select tests.create_user('owner'), tests.create_user('stranger');
select tests.create_agent('owner', 'Routed agent', 5.2, 40, 97.5),
       tests.create_agent('owner', 'Control agent', 5.2, 40, 97.5),
       tests.create_agent('stranger', 'Stranger agent', 5.2, 40, 97.5);

-- The call of a decision as the edge function records it (one 200 attempt), so its outcome is evidence.
create function pg_temp.answered(decision jsonb) returns jsonb language sql as $$
  select public.record_completion((decision ->> 'decision_id')::uuid, jsonb_build_object(
    'status', 'succeeded', 'model', decision ->> 'model', 'provider', decision ->> 'provider', 'latency_ms', 100,
    'attempts', jsonb_build_array(jsonb_build_object('model', decision ->> 'model', 'provider', decision ->> 'provider',
                                                      'status', 200, 'input_tokens', 100, 'output_tokens', 100))))
$$;

-- -----------------------------------------------------------------------------
-- Service role: failures outside the routed cohort, and below the minimum sample
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();

select public.set_rollout_percentage(0) is not null as rollout_zero \gset
create temp table control_runs on commit drop as
select g, pg_temp.answered(public.route_model(tests.get_agent_id('Control agent'), 'control-' || g)) is not null as called,
       public.route_model(tests.get_agent_id('Control agent'), 'control-' || g) ->> 'cohort' as cohort,
       public.record_agent_execution(tests.get_agent_id('Control agent'), 'control-' || g, false) ->> 'recorded' as recorded
from generate_series(1, 25) g;
select is((select count(*) from control_runs where cohort = 'control' and recorded = 'true'), 25::bigint,
  'Twenty-five failed executions of the control cohort are recorded.');
select is((select rollback_tripped_at from routing.config), null,
  'Failures of the control cohort do not trip the rollback: only the routed cohort counts.');
select public.set_rollout_percentage(100) is not null as rollout_full \gset

create temp table routed_runs on commit drop as
select g, pg_temp.answered(public.route_model(tests.get_agent_id('Routed agent'), 'routed-' || g)) is not null as called,
       public.route_model(tests.get_agent_id('Routed agent'), 'routed-' || g) ->> 'cohort' as cohort,
       public.record_agent_execution(tests.get_agent_id('Routed agent'), 'routed-' || g, g not in (5, 11, 17)) ->> 'recorded' as recorded
from generate_series(1, 19) g;
select is((select count(*) from routed_runs where cohort = 'routed' and recorded = 'true'), 19::bigint,
  'Nineteen routed executions are recorded, three of them failed (16 of 19 = 84.2%).');
select is((select rollback_tripped_at from routing.config), null,
  'Below the minimum sample of 20 executions, an 84.2% success rate does not trip.');
select is(public.route_model(tests.get_agent_id('Routed agent')) ->> 'cohort', 'routed',
  'Routing is still on before the breach.');
select is((select state from public.routing_alerts where alert = 'routed_success_rate'), 'ok',
  'The routed success alert is ok below the minimum sample.');

-- -----------------------------------------------------------------------------
-- Service role: the breach, and the time until routing is off
-- -----------------------------------------------------------------------------
create temp table timing (step text, at timestamptz default clock_timestamp(), result jsonb) on commit drop;
insert into timing (step, result) select 'decided', public.route_model(tests.get_agent_id('Routed agent'), 'routed-20');
insert into timing (step, result) select 'called', pg_temp.answered(result) from timing where step = 'decided';
insert into timing (step) values ('breach');
insert into timing (step, result)
  select 'recorded', jsonb_build_object('outcome', public.record_agent_execution(tests.get_agent_id('Routed agent'), 'routed-20', false));
insert into timing (step, result)
  select 'routed', public.route_model(tests.get_agent_id('Routed agent'), 'after-breach-1');
insert into timing (step) values ('routing_off');

select is((select result -> 'outcome' ->> 'recorded' from timing where step = 'recorded'), 'true',
  'The twentieth routed execution, a failure (16 of 20 = 80%, upper bound 93.14%), is recorded.');
select is((select result ->> 'cohort' from timing where step = 'routed'), 'disabled',
  'Right after the breaching record_agent_execution returns, route_model answers the disabled cohort.');
select is((select result ->> 'reason' from timing where step = 'routed'), 'routing_disabled',
  'The next decision''s reason is routing_disabled.');
select is((select result ->> 'model' from timing where step = 'routed'), tests.configured_model('baseline_model'),
  'The next decision takes the baseline model.');
select is((select result ->> 'reasoning' from timing where step = 'routed'), 'Routing rolled back automatically - baseline model',
  'The next decision says the routing was rolled back automatically.');
select is((select result ->> 'shadow_model' || ' ' || (result ->> 'shadow_reason') from timing where step = 'routed'),
  tests.configured_model('premium_model') || ' learned_tier',
  'The rolled-back decision still records the shadow model routing would have chosen: the rung its failures moved it to.');
select diag(format('breach -> routing off: %s ms (from before the breaching record_agent_execution to after route_model answered disabled)',
  (select round(extract(epoch from (select at from timing where step = 'routing_off') - (select at from timing where step = 'breach')) * 1000, 3))));
select cmp_ok(
  (select (select at from timing where step = 'routing_off') - (select at from timing where step = 'breach')),
  '<', interval '1 second', 'Routing is off within a second of the breach (same transaction as the outcome).');

select isnt((select rollback_tripped_at from routing.config), null, 'The trip is stored in routing.config.rollback_tripped_at.');
select is((select rollback_reason from routing.config),
  'auto-rollback: routed success rate 80.00% over 15 min (16 of 20 counted executions succeeded; 99% upper bound 93.14%; '
  'trips below 95.00% or 3 points under control''s lower bound 0%, judged from 20 executions)',
  'The trip''s reason names the rate, the window, the sample and the bound.');
select results_eq(
  $$select kind, alert, value, sample, threshold, window_minutes, actor from routing.alert_events order by id$$,
  $$values ('fire'::text, 'routed_success_rate'::text, 80.00::numeric, 20::bigint, 95.00::numeric, 15, 'alert-evaluator'::text),
           ('trip', 'routed_success_rate', 80.00, 20, 95.00, 15, 'auto-rollback')$$,
  'The breach is audited as a fire and a trip with its figures.');
select is(
  (select figures - 'window_start' - 'tripped_at' - 'control' from routing.alert_events where kind = 'trip'),
  '{"executions": 20, "succeeded": 16, "failed": 4, "upper_bound": 93.1447, "confidence": 0.99, "breach": "threshold",
    "counted_executions": 20, "counted_succeeded": 16, "tenants": 1, "capped_at": null, "left_out_tenant": null,
    "left_out_executions": null, "also_left_out_tenant": null, "also_left_out_executions": null, "lone_tenant_unjudged": false, "source": "record_agent_execution", "triggered_by": "service_role"}'::jsonb,
  'The trip event keeps the counts, the bound, the tenant rule''s figures, where it was evaluated and whose outcome tripped it.');
select ok(
  (select new_values ? 'rollback_tripped_at' and new_values ->> 'rollback_reason' like 'auto-rollback: %'
   from routing.config_changes order by id desc limit 1),
  'The config trigger audits the trip like any other change.');
select is(public.route_model(tests.get_agent_id('Routed agent'), null, '{"ENABLE_INTELLIGENT_ROUTING": "true"}') ->> 'cohort',
  'disabled', 'The environment saying on does not beat the trip.');
select is((public.set_routing_enabled(true) ->> 'routing_on')::boolean, false,
  'Enabling routing does not clear the trip.');
select is(
  (select (state, value, threshold, "window", sample)::text from public.routing_alerts where alert = 'routed_success_rate'),
  '(firing,80.00,95.00,00:15:00,20)', 'The alerts view shows the routed success alert firing at 80% over 15 minutes.');
select is((select state from public.routing_alerts where alert = 'auto_rollback'), 'firing',
  'The alerts view shows the automatic rollback firing.');
select is((select count(*) from public.evaluate_routing_alerts()), 5 + (select count(*) from routing.providers),
  'evaluate_routing_alerts returns every alert: rollback, routed success, one per provider, cost, savings, unavailable models.');
select is((select count(*) from routing.alert_events where kind = 'trip'), 1::bigint,
  'Evaluating again does not trip twice.');

-- -----------------------------------------------------------------------------
-- Owner: routed to the baseline too, sees no global alert, may not clear
-- -----------------------------------------------------------------------------
select tests.authenticate_as('owner');

select is(public.route_model(tests.get_agent_id('Routed agent')) ->> 'cohort', 'disabled',
  'The owner''s own routing is off while the rollback is tripped.');
select is_empty($$select * from public.routing_alerts$$, 'The owner sees no global alert row.');
select throws_ok($$select public.clear_routing_rollback('I want my routing back')$$, '42501',
  'permission denied for function clear_routing_rollback', 'The owner may not clear the rollback.');
select throws_ok($$select * from public.evaluate_routing_alerts()$$, '42501',
  'permission denied for function evaluate_routing_alerts', 'The owner may not evaluate the alerts.');

-- -----------------------------------------------------------------------------
-- Stranger and anon
-- -----------------------------------------------------------------------------
select tests.authenticate_as('stranger');
select is_empty($$select * from public.routing_alerts$$, 'The stranger sees no global alert row.');

select tests.authenticate_as_anon();
select throws_ok($$select * from public.routing_alerts$$, '42501', 'permission denied for view routing_alerts',
  'Anon may not read the alerts.');
select throws_ok($$select public.clear_routing_rollback('anon says so')$$, '42501',
  'permission denied for function clear_routing_rollback', 'Anon may not clear the rollback.');

-- -----------------------------------------------------------------------------
-- Service role: the clear
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();

select throws_ok($$select public.clear_routing_rollback(null)$$, '22023', 'note is required: say why routing may resume',
  'A clear without a note is refused.');
select throws_ok($$select public.clear_routing_rollback('   ')$$, '22023', 'note is required: say why routing may resume',
  'A clear with a blank note is refused.');
select is((public.clear_routing_rollback('Haiku outage over; resuming routing') ->> 'cleared')::boolean, true,
  'The service role clears the rollback with a note.');
select is((select rollback_tripped_at from routing.config), null, 'The trip is gone from routing.config.');
select isnt((select rollback_cleared_at from routing.config), null, 'The time of the clear is kept.');
select is(
  (select (actor, reason, figures ->> 'tripped_reason' like 'auto-rollback: routed success rate 80.00%')::text
   from routing.alert_events where kind = 'clear'),
  '(service_role,"Haiku outage over; resuming routing",t)',
  'The clear is audited with who, the note and the reason of the trip it cleared.');
select ok(
  (select old_values ? 'rollback_tripped_at' and new_values -> 'rollback_tripped_at' = 'null'::jsonb
   from routing.config_changes where old_values ? 'rollback_tripped_at' order by id desc limit 1),
  'The config trigger audits the clear.');
select results_eq(
  -- (The savings alert is 42's concern: the learned premium rung makes it fire here too.)
  $$select kind, alert from routing.alert_events where alert <> 'cost_savings_below_target' order by id$$,
  $$values ('fire'::text, 'routed_success_rate'::text), ('trip', 'routed_success_rate'), ('clear', 'auto_rollback'),
           ('resolve', 'routed_success_rate')$$,
  'The clear restarts the routed window, so the routed success alert resolves: fire, trip, clear, resolve.');
select is(public.route_model(tests.get_agent_id('Routed agent'), 'after-clear-1') ->> 'cohort', 'routed',
  'Routing is on again after the clear.');
select is(public.record_agent_execution(tests.get_agent_id('Routed agent'), 'after-clear-1', false) ->> 'recorded', 'true',
  'A failure right after the clear is recorded.');
select is((select rollback_tripped_at from routing.config), null,
  'The failures that tripped do not trip again: the window restarted at the clear.');
select is((public.clear_routing_rollback('nothing to clear') ->> 'cleared')::boolean, false,
  'Clearing when nothing is tripped answers cleared false.');
select is((select count(*) from routing.alert_events where kind = 'clear'), 1::bigint,
  'A clear with nothing tripped writes no audit row.');
select is((select state from public.routing_alerts where alert = 'auto_rollback'), 'ok',
  'The alerts view shows the rollback ok after the clear.');

select * from finish();
ROLLBACK;
