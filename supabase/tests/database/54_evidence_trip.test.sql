-- Rollback on evidence (ROUTING-SPEC §7, §10): the routed success rule trips when the 99%
-- upper bound of the counted window is below 95% (or below control's lower bound minus 3
-- points), not on the point estimate of a noisy sample; it counts only outcomes whose
-- execution has calls recorded by record_completion, and no single tenant decides it: not with
-- fabricated failures, not with fabricated successes, not alone in a quiet window of a shared project.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(28);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): default thresholds (95%, 0.99, 30 executions), the named actors, one agent each
-- -----------------------------------------------------------------------------
select tests.clear_routing_history(), tests.clear_alert_history();
select tests.reset_routing();
-- These figures are the plan's models and prices: where the catalog has presets, use the plan's (a no-op before).
do $$ begin
  if to_regprocedure('tests.use_plan_2025_catalog()') is not null then perform tests.use_plan_2025_catalog(); end if;
end $$;
select tests.create_user(u) from unnest(array['alice', 'bob', 'carol', 'dave', 'mallory', 'masker']) u;
select tests.create_agent(u, u || ' agent', 2.0, 40) from unnest(array['alice', 'bob', 'carol', 'dave', 'mallory', 'masker']) u;

-- One execution of a user's agent: decided, its call recorded by record_completion when called (as the
-- edge function does), its outcome reported. Runs as whoever calls it.
create function pg_temp.run(who text, execution text, ok boolean, called boolean default true) returns jsonb language plpgsql as $$
declare
  d jsonb := public.route_model(tests.get_agent_id(who || ' agent'), execution);
begin
  if called then
    perform public.record_completion((d ->> 'decision_id')::uuid, jsonb_build_object(
      'status', 'succeeded', 'model', d ->> 'model', 'provider', d ->> 'provider',
      'attempts', jsonb_build_array(jsonb_build_object('model', d ->> 'model', 'provider', d ->> 'provider', 'status', 200,
                                                        'input_tokens', 50, 'output_tokens', 50))));
  end if;
  return public.record_agent_execution(tests.get_agent_id(who || ' agent'), execution, ok);
end
$$;
-- Runs executions 1..n of the users (round robin), failing those where fails(user, i); returns the number of
-- executions run when the rollback tripped (null: it did not).
create function pg_temp.until_trip(users text[], prefix text, n integer, fail_every integer) returns integer language plpgsql as $$
begin
  for i in 1..n loop
    perform pg_temp.run(users[1 + (i - 1) % array_length(users, 1)], prefix || i, i % fail_every <> 0);
    if (select rollback_tripped_at from routing.config) is not null then
      return i;
    end if;
  end loop;
  return null;
end
$$;
create function pg_temp.reading() returns routing.alert_reading language sql security definer as $$  -- the reading is private
  select routing._read_routed_success_rate(c) from routing.config c where c.id
$$;
grant execute on all functions in schema pg_temp to service_role, authenticated;

-- -----------------------------------------------------------------------------
-- Service role: a noisy sample does not trip; a real degradation does
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();

select count(pg_temp.run('alice', 'noisy-' || g, g not in (10, 30, 50))) from generate_series(1, 56) g;
select is(((pg_temp.reading()).value, (pg_temp.reading()).sample)::text, '(94.64,56)',
  'The noisy sample: 53 of 56 counted routed executions succeeded (94.64%, below a fixed 95% threshold).');
select is((pg_temp.reading()).figures ->> 'upper_bound', '98.4649',
  'Its 99% upper bound is 98.46%: 56 executions cannot show the rate is under 95%.');
select is((select rollback_tripped_at from routing.config), null, 'The noisy sample does not trip the rollback.');
select is((select state from public.routing_alerts where alert = 'routed_success_rate'), 'ok', 'Its alert stays ok.');

select tests.clear_authentication();
select tests.clear_routing_history(), tests.clear_alert_history();
select tests.authenticate_as_service_role();
select pg_temp.until_trip(array['bob'], 'cheap-', 200, 5) as tripped_after \gset
select diag(format('a cheap model failing 20%% tripped the rollback after %s routed executions', :'tripped_after'));
select cmp_ok(:'tripped_after'::integer, '<=', 100, 'Cheap models failing 20% trip the rollback within 100 routed executions.');
select is((select figures ->> 'breach' from routing.alert_events where kind = 'trip'), 'threshold',
  'The trip is the threshold rule''s: the upper bound fell below 95%.');
select cmp_ok((select (figures ->> 'upper_bound')::numeric from routing.alert_events where kind = 'trip'), '<', 95::numeric,
  'The trip keeps the bound that decided it.');
select is((public.clear_routing_rollback('degradation test over') ->> 'cleared')::boolean, true, 'The operator clears the trip.');

-- -----------------------------------------------------------------------------
-- Mallory: 60 fabricated failures by direct RPC, no provider call
-- -----------------------------------------------------------------------------
select tests.authenticate_as('mallory');
select count(pg_temp.run('mallory', 'forged-' || g, false, false)) from generate_series(1, 60) g;
select tests.authenticate_as_service_role();
select is((select rollback_tripped_at from routing.config), null, 'Sixty fabricated failures by direct RPC do not trip the rollback.');
select is((select count(*) from routing.outcome_counters where user_id = tests.get_user_id('mallory')), 0::bigint,
  'They count nothing for the global guard: their executions have no call recorded by record_completion.');
select is((select count(*) from routing.agent_model_moves where agent_id = tests.get_agent_id('mallory agent')), 2::bigint,
  'They still move mallory''s own agent up its ladder, to the top (its first failures on each rung).');

-- -----------------------------------------------------------------------------
-- Service role: an outcome reported before its call record counts once the call is recorded
-- -----------------------------------------------------------------------------
select tests.clear_authentication();
select tests.clear_routing_history(), tests.clear_alert_history();
select tests.authenticate_as_service_role();
select pg_temp.run('alice', 'early', true, false) is not null as early_outcome \gset
select is((select count(*)::integer from routing.outcome_counters), 0,
  'An outcome whose call is not recorded yet counts nothing for the global guard ...');
create function pg_temp.record_call(execution text) returns jsonb language sql as $$
  select public.record_completion((select d.id from routing.decisions d where d.execution_id = execution), jsonb_build_object(
    'status', 'succeeded', 'model', 'gpt-4o-mini', 'provider', 'openai', 'call_key', gen_random_uuid(),
    'attempts', jsonb_build_array(jsonb_build_object('model', 'gpt-4o-mini', 'provider', 'openai', 'status', 200,
                                                      'input_tokens', 50, 'output_tokens', 50))))
$$;
grant execute on function pg_temp.record_call(text) to service_role;
select pg_temp.record_call('early') is not null as first_call \gset
select is((select (sum(executions), sum(successes))::text from routing.outcome_counters), '(1,1)',
  '... and counts once its execution''s first call is recorded.');
select pg_temp.record_call('early') is not null as second_call \gset
select is((select sum(executions)::integer from routing.outcome_counters), 1,
  'The execution''s second call does not count it again.');

-- -----------------------------------------------------------------------------
-- Service role: one tenant's failures with real calls cannot trip for everyone
-- -----------------------------------------------------------------------------
select tests.clear_authentication();
select tests.clear_routing_history(), tests.clear_alert_history();
select tests.authenticate_as_service_role();
select count(pg_temp.run(u, 'honest-' || u || g, true)) from unnest(array['alice', 'carol']) u, generate_series(1, 40) g;
select count(pg_temp.run('mallory', 'failing-' || g, false)) from generate_series(1, 60) g;
select is((select rollback_tripped_at from routing.config), null,
  'Sixty failures of one tenant, with calls, beside two healthy tenants do not trip the rollback.');
select is(((pg_temp.reading()).figures ->> 'left_out_tenant')::uuid, tests.get_user_id('mallory'),
  'The tenant with the most failures is left out of the judged window.');
select is(((pg_temp.reading()).figures ->> 'counted_executions')::integer, 140,
  'All 140 outcomes are counted in the window; 80 are judged.');

-- -----------------------------------------------------------------------------
-- Service role: one tenant alone in a quiet window of a shared project decides nothing
-- -----------------------------------------------------------------------------
select tests.clear_authentication();
select tests.clear_routing_history(), tests.clear_alert_history();
select tests.authenticate_as_service_role();
select count(pg_temp.run('alice', 'earlier-' || g, true)) from generate_series(1, 40) g;
-- alice reported an hour ago (outside the 15-minute window; as the owner, who may move the counters); now only
-- mallory reports, with calls.
select tests.clear_authentication();
update routing.outcome_counters set bucket = bucket - interval '1 hour' where user_id = tests.get_user_id('alice');
select tests.authenticate_as_service_role();
select count(pg_temp.run('mallory', 'alone-' || g, false)) from generate_series(1, 60) g;
select is((select rollback_tripped_at from routing.config), null,
  'Sixty failures of a tenant alone in the window, with calls, do not trip when another tenant reported earlier.');
select is(((pg_temp.reading()).figures ->> 'lone_tenant_unjudged')::boolean, true,
  'The reading says the lone tenant''s window is not judged.');

-- -----------------------------------------------------------------------------
-- Service role: a few fabricated successes cannot mask two tenants' breach
-- -----------------------------------------------------------------------------
select tests.clear_authentication();
select tests.clear_routing_history(), tests.clear_alert_history();
select tests.authenticate_as_service_role();
select count(pg_temp.run('masker', 'few-' || g, true)) from generate_series(1, 30) g;
select pg_temp.until_trip(array['bob', 'carol'], 'pair-', 200, 5) as pair_trip \gset
select diag(format('two tenants failing 20%% beside 30 successes of a third tripped after %s of their executions', :'pair_trip'));
select isnt(:'pair_trip'::text, ''::text, 'Two tenants failing 20% beside 30 successes of a third trip the rollback.');
select is((select figures ->> 'also_left_out_tenant' from routing.alert_events where kind = 'trip'),
  tests.get_user_id('masker')::text, 'The third tenant is left out at the succeeding end.');
select is((public.clear_routing_rollback('pair test over') ->> 'cleared')::boolean, true, 'The operator clears the trip.');

-- -----------------------------------------------------------------------------
-- Service role: one tenant's successes cannot mask the others' breach
-- -----------------------------------------------------------------------------
select tests.clear_authentication();
select tests.clear_routing_history(), tests.clear_alert_history();
select tests.authenticate_as_service_role();
select count(pg_temp.run('masker', 'mask-' || g, true)) from generate_series(1, 500) g;
select pg_temp.until_trip(array['bob', 'carol', 'dave'], 'breach-', 150, 5) as masked_trip \gset
select diag(format('three tenants failing 20%% beside 500 successes of a fourth tripped after %s of their executions', :'masked_trip'));
select isnt(:'masked_trip'::text, ''::text, 'Three tenants failing 20% beside 500 successes of a fourth trip the rollback.');
select ok((select (figures ->> 'counted_succeeded')::numeric / (figures ->> 'counted_executions')::numeric >= 0.95
           from routing.alert_events where kind = 'trip'),
  'Pooled as they came, the counted outcomes were at least 95% successes: the masking would have worked.');
select is((select (figures ->> 'tenants')::integer from routing.alert_events where kind = 'trip'), 4,
  'The trip saw four tenants, each weighing at most as much as the second largest.');
select is((public.clear_routing_rollback('masking test over') ->> 'cleared')::boolean, true, 'The operator clears the trip.');

-- -----------------------------------------------------------------------------
-- Service role: significantly below the control cohort
-- -----------------------------------------------------------------------------
select tests.clear_authentication();
select tests.clear_routing_history(), tests.clear_alert_history();
update routing.config set alert_success_rate_min = 80 where id;  -- only the control comparison can trip here
select tests.authenticate_as_service_role();
select public.set_rollout_percentage(0) is not null as control_on \gset
select count(pg_temp.run('alice', 'control-' || g, true)) from generate_series(1, 100) g;
select public.set_rollout_percentage(100) is not null as routed_on \gset
select pg_temp.until_trip(array['bob'], 'below-control-', 200, 7) as control_trip \gset
select diag(format('routed at 6 in 7 against control at 100 of 100 tripped after %s routed executions', :'control_trip'));
select is((select figures ->> 'breach' from routing.alert_events where kind = 'trip'), 'control',
  'A routed cohort succeeding 6 in 7 (above the 80% threshold) trips when its upper bound falls below control''s lower bound minus 3 points.');
select ok((select value > 80 from routing.alert_events where kind = 'trip'),
  'Its rate was above the threshold: the comparison with control decided.');

select * from finish();
ROLLBACK;
