-- The plan's cost_savings_below_target alert (plan §7.2): savings of the routed cohort's calls
-- (baseline cost vs actual) below alert_savings_min_pct over alert_savings_window_minutes, from
-- alert_savings_min_calls calls; notify only. Each routed call: 1,000 output tokens on
-- claude-haiku-4-5 ($5 / MTok: $0.005) against the gpt-4o baseline ($10 / MTok: $0.01), exactly
-- 50% saved; a call on gpt-4o itself saves nothing.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(15);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): a clean slate, the named actor owner, twenty routed haiku decisions,
-- one routed gpt-4o decision and one control decision
-- -----------------------------------------------------------------------------
select tests.clear_routing_history();
select tests.clear_alert_history();
select tests.reset_routing();
select tests.create_user('owner');
select tests.create_agent('owner', 'saving agent', 5.2, 40, 97.5);
select tests.create_decision(agent => 'saving agent', model => 'claude-haiku-4-5', tier => 'medium', score => 5.2,
                             name => 'haiku ' || g, baseline_model => 'gpt-4o')
from generate_series(1, 20) g;
select tests.create_decision(agent => 'saving agent', model => 'gpt-4o', tier => 'high', score => 5.2, name => 'gpt-4o',
                             baseline_model => 'gpt-4o');
select tests.create_decision(agent => 'saving agent', model => 'gpt-4o', tier => 'high', score => 5.2, name => 'control',
                             baseline_model => 'gpt-4o');
update routing.decisions set cohort = 'control', reason = 'rollout_control' where id = tests.get_decision_id('control');

-- A call of the decision answered by the model in one attempt: 1,000 output tokens.
create function pg_temp.record(decision text, model text, provider text) returns jsonb language sql as $$
  select public.record_completion(tests.get_decision_id(decision), jsonb_build_object(
    'status', 'succeeded', 'model', model, 'provider', provider,
    'attempts', jsonb_build_array(jsonb_build_object('model', model, 'provider', provider, 'status', 200, 'output_tokens', 1000))))
$$;
create function pg_temp.savings() returns routing.alert_status language sql as $$
  select a from public.evaluate_routing_alerts() a where a.alert = 'cost_savings_below_target'
$$;
grant execute on function pg_temp.record(text, text, text), pg_temp.savings() to service_role;

-- -----------------------------------------------------------------------------
-- Service role: the threshold, the sample, the cohort and the window
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select is((select (threshold, "window", min_sample, action, comparator)::text from public.routing_alerts
           where alert = 'cost_savings_below_target'),
  '(,,,notify,below)', 'The savings alert exists before its first evaluation: notify only, firing below its threshold.');
select pg_temp.record('haiku ' || g, 'claude-haiku-4-5', 'anthropic') from generate_series(1, 19) g;
select is(((pg_temp.savings()).value, (pg_temp.savings()).sample, (pg_temp.savings()).state)::text, '(50.00,19,ok)',
  'Nineteen routed calls are too few to judge (20 needed).');
select pg_temp.record('haiku 20', 'claude-haiku-4-5', 'anthropic');
select is(((pg_temp.savings()).value, (pg_temp.savings()).sample, (pg_temp.savings()).state)::text, '(50.00,20,ok)',
  'Twenty routed calls saving exactly 50% do not fire: the alert fires below the target.');
select is((pg_temp.savings()).threshold, 50.00, 'The threshold is alert_savings_min_pct, 50% by default.');
select is((pg_temp.savings()).window, interval '60 minutes', 'The window is alert_savings_window_minutes, 60 by default.');
select pg_temp.record('control', 'gpt-4o', 'openai');
select is(((pg_temp.savings()).value, (pg_temp.savings()).sample)::text, '(50.00,20)',
  'A control-cohort call at the baseline price does not count.');
select pg_temp.record('gpt-4o', 'gpt-4o', 'openai');
select is(((pg_temp.savings()).value, (pg_temp.savings()).sample, (pg_temp.savings()).state)::text, '(47.62,21,firing)',
  'One routed call on the baseline model drags the savings to 47.62% ($0.11 against $0.21): the alert fires.');
select is((pg_temp.savings()).message,
  'routed savings 47.62% over 60 min ($0.1 saved of a $0.21 baseline over 21 routed calls; fires below 50.00%, judged from 20 calls)',
  'The alert says the savings, the money, the sample and its rule.');
select is((select rollback_tripped_at from routing.config), null, 'The savings alert notifies only: no rollback.');

-- -----------------------------------------------------------------------------
-- Database owner: the events, the thresholds, the window
-- -----------------------------------------------------------------------------
select tests.clear_authentication();
select is(
  (select (count(*), min(value), min(sample), min(figures ->> 'baseline_cost_usd'), min(figures ->> 'cost_usd'))::text
   from routing.alert_events where alert = 'cost_savings_below_target' and kind = 'fire'),
  '(1,47.62,21,0.21,0.11)', 'The fire is one alert event with its figures.');
update routing.config set alert_savings_min_pct = 47.5;
select is((select state from public.evaluate_routing_alerts() where alert = 'cost_savings_below_target'), 'ok',
  'At a 47.5% target the same savings resolve the alert: the threshold is one config column.');
update routing.config set alert_savings_min_pct = default, alert_savings_min_calls = 22;
select is((select (state, min_sample)::text from public.evaluate_routing_alerts() where alert = 'cost_savings_below_target'),
  '(ok,22)', 'With 22 calls required, 21 are too few to judge: the alert resolves.');
update routing.config set alert_savings_min_calls = default;
update routing.calls set created_at = now() - interval '61 minutes';
select is((select (state, sample)::text from public.evaluate_routing_alerts() where alert = 'cost_savings_below_target'),
  '(ok,0)', 'Calls older than the window do not count.');
select is((select count(*) from routing.alert_events where alert = 'cost_savings_below_target' and kind = 'resolve'), 1::bigint,
  'The alert resolved once.');

-- -----------------------------------------------------------------------------
-- Catalog: the three settings are commented config columns
-- -----------------------------------------------------------------------------
select is(
  (select count(*) from pg_catalog.pg_attribute a where a.attrelid = 'routing.config'::regclass
     and a.attname in ('alert_savings_min_pct', 'alert_savings_window_minutes', 'alert_savings_min_calls')
     and col_description(a.attrelid, a.attnum) is not null),
  3::bigint, 'alert_savings_min_pct, alert_savings_window_minutes and alert_savings_min_calls are commented columns of routing.config.');

select * from finish();
ROLLBACK;
