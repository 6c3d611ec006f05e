-- Threshold advice (plan Phase 4): outcomes by 0.5 score band and model, and the
-- low / medium thresholds that keep each judged band at the target. Read-only.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(25);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): the named actors owner (two agents) and stranger;
-- outcomes inserted as route_model / record_* would store them
--   gpt-4o-mini     (0.5,1.0] 5 runs, 2 failed (too few to judge)
--                   (1.0,1.5] 20 runs, all failed, 40 days ago
--                   (1.5,2.0] 25 runs, all ok, one $0.001305 call each
--                   (3.0,3.5] 25 runs, 1 failed (96%)
--                   (3.5,4.0] 20 runs, all ok
--   claude-3-haiku  (4.0,4.5] 20 runs, all ok (score from the agent's metrics)
--                   (6.5,7.0] 20 runs, all ok;  (7.0,7.5] 20 runs, all ok (agent preference)
--   gpt-4o          (8.0,8.5] 10 runs, all ok
-- -----------------------------------------------------------------------------
select tests.clear_routing_history();
select tests.reset_routing();  -- the default thresholds; bands judged from 20 executions
select tests.use_plan_2025_catalog();  -- the plan's tier models, as in its 2025
select tests.create_user('owner'), tests.create_user('stranger');
select tests.create_agent('owner', 'Scored agent', 5.0, 40, 97.5),
       tests.create_agent('owner', 'Agent scored 4.2 in its metrics', 4.2, 40, 97.5);

-- The runs of the owner's named agent on a model at a score.
create function pg_temp.outcomes(agent_name text, model text, score numeric, runs integer, failures integer, age interval,
                                 call_cost numeric default null)
returns void language plpgsql as $$
declare
  agent uuid := tests.get_agent_id(agent_name);
  owner uuid := tests.get_user_id('owner');
  d uuid;
begin
  for i in 1..runs loop
    insert into routing.decisions (agent_id, user_id, execution_id, model, provider, tier, reason, reasoning, cohort,
                                   intensity_score, baseline_model, routing_enabled, created_at)
    values (agent, owner, format('%s-%s-%s', model, score, i), model,
            (select provider from routing.models m where m.model = outcomes.model), null, 'tier', 'fixture', 'routed',
            score, 'gpt-4o', true, now() - age)
    returning id into d;
    insert into routing.executions (agent_id, execution_id, user_id, decision_id, succeeded, recorded_at)
    values (agent, format('%s-%s-%s', model, score, i), owner, d, i > failures, now() - age);
    if call_cost is not null then
      insert into routing.calls (decision_id, agent_id, user_id, execution_id, status, model, provider, attempt_count,
                                 input_tokens, output_tokens, cost_usd, baseline_model, baseline_cost_usd, created_at)
      values (d, agent, owner, format('%s-%s-%s', model, score, i), 'succeeded', model,
              'openai', 1, 1500, 1800, call_cost, 'gpt-4o', 0.02175, now() - age);
    end if;
  end loop;
end
$$;
select pg_temp.outcomes('Scored agent', 'gpt-4o-mini', 0.8, 5, 2, interval '1 day'),
       pg_temp.outcomes('Scored agent', 'gpt-4o-mini', 1.2, 20, 20, interval '40 days'),
       pg_temp.outcomes('Scored agent', 'gpt-4o-mini', 1.8, 25, 0, interval '1 day', 0.001305),
       pg_temp.outcomes('Scored agent', 'gpt-4o-mini', 3.2, 25, 1, interval '1 day'),
       pg_temp.outcomes('Scored agent', 'gpt-4o-mini', 3.9, 20, 0, interval '1 day'),
       pg_temp.outcomes('Agent scored 4.2 in its metrics', 'claude-3-haiku', null, 20, 0, interval '1 day'),
       pg_temp.outcomes('Scored agent', 'claude-3-haiku', 6.9, 20, 0, interval '1 day'),
       pg_temp.outcomes('Scored agent', 'claude-3-haiku', 7.2, 20, 0, interval '1 day'),
       pg_temp.outcomes('Scored agent', 'gpt-4o', 8.4, 10, 0, interval '1 day') \gset

create temp table config_before on commit drop as select to_jsonb(c) as cfg from routing.config c;
create temp table changes_before on commit drop as select count(*) as n from routing.config_changes;
grant select on config_before, changes_before to service_role;

-- -----------------------------------------------------------------------------
-- Service role
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();

select results_eq(
  $$select tier, score_from, score_to, model, executions, succeeded, success_rate, meets_target
    from public.advise_routing_thresholds() where kind = 'band'$$,
  $$values ('low'::text, 0.5, 1.0, 'gpt-4o-mini'::text, 5::bigint, 3::bigint, 60.00, null::boolean),
           ('low', 1.5, 2.0, 'gpt-4o-mini', 25, 25, 100.00, true),
           ('low', 3.0, 3.5, 'gpt-4o-mini', 25, 24, 96.00, false),
           ('low', 3.5, 4.0, 'gpt-4o-mini', 20, 20, 100.00, true),
           ('medium', 4.0, 4.5, 'claude-3-haiku', 20, 20, 100.00, true),
           ('medium', 6.5, 7.0, 'claude-3-haiku', 20, 20, 100.00, true),
           ('medium', 7.0, 7.5, 'claude-3-haiku', 20, 20, 100.00, true),
           ('high', 8.0, 8.5, 'gpt-4o', 10, 10, 100.00, null)$$,
  'Outcomes of the last 30 days by score band and model, judged against 98% from 20 executions.');
select is(
  (select cost_per_execution_usd from public.advise_routing_thresholds() where kind = 'band' and score_to = 2.0),
  0.001305, 'Each band carries its cost per execution: $0.001305 for mini at 1,500 / 1,800 tokens.');
select is(
  (select (current_threshold, suggested_threshold, advice)::text from public.advise_routing_thresholds()
   where kind = 'threshold' and tier = 'low'),
  '(3.90,3.0,"lower to 3.0: gpt-4o-mini succeeds 96.00% (< 98%) in scores (3.0, 3.5]")',
  'Mini misses 98% in (3.0, 3.5]: lower the low threshold to 3.0.');
select is(
  (select (current_threshold, suggested_threshold, advice)::text from public.advise_routing_thresholds()
   where kind = 'threshold' and tier = 'medium'),
  '(6.90,7.5,"raise to 7.5: claude-3-haiku meets 98% in every judged band up to 7.5")',
  'Haiku meets 98% up to 7.5: raise the medium threshold to 7.5 (the plan''s 6.9 -> 7.5).');
select is(
  (select (executions, succeeded, success_rate)::text from public.advise_routing_thresholds()
   where kind = 'threshold' and tier = 'low'),
  '(75,72,96.00)', 'The low threshold row sums the mini outcomes of the window.');
select is(
  (select suggested_threshold from public.advise_routing_thresholds(95) where kind = 'threshold' and tier = 'low'), 4.0,
  'At a 95% target mini passes every judged band up to 4.0: raise the low threshold to 4.0.');
select is(
  (select suggested_threshold from public.advise_routing_thresholds(98, 60) where kind = 'threshold' and tier = 'low'), 1.0,
  'Over 60 days the failed (1.0, 1.5] band counts: lower the low threshold to 1.0.');
select is(
  (select suggested_threshold from public.advise_routing_thresholds(98, 60) where kind = 'threshold' and tier = 'medium'), 7.5,
  'The medium suggestion never falls below the low one.');
select is((select count(*) from public.advise_routing_thresholds(98, 60) where kind = 'band' and score_to = 1.5), 1::bigint,
  'The 40-day-old band appears only in the 60-day window.');

update routing.config set advice_min_executions = 1000 where id;
select is(
  (select advice from public.advise_routing_thresholds() where kind = 'threshold' and tier = 'low'),
  'keep 3.90: no score band has 1000 executions of gpt-4o-mini yet', 'Without a judged band the advice is to keep the threshold.');
update routing.config set advice_min_executions = 20 where id;

select throws_ok($$select * from public.advise_routing_thresholds(101)$$, '22023',
  'target_success_rate must be between 0 and 100', 'A target above 100% is refused.');
select throws_ok($$select * from public.advise_routing_thresholds(-1)$$, '22023',
  'target_success_rate must be between 0 and 100', 'A negative target is refused.');
select throws_ok($$select * from public.advise_routing_thresholds(98, 0)$$, '22023',
  'days must be between 1 and 3650', 'A window of 0 days is refused.');
select throws_ok($$select * from public.advise_routing_thresholds(98, -30)$$, '22023',
  'days must be between 1 and 3650', 'A negative window is refused.');

-- Nothing changed: advice only.
create temp table config_mid on commit drop as select to_jsonb(c) as cfg from routing.config c;
select (select count(*) from public.advise_routing_thresholds(90, 10)) + (select count(*) from public.advise_routing_thresholds())
  as advice_rows \gset
select is((select to_jsonb(c) from routing.config c), (select cfg from config_mid),
  'advise_routing_thresholds leaves routing.config exactly as it was, change stamps included.');
select is((select to_jsonb(c) - 'updated_at' - 'updated_by' from routing.config c), (select cfg - 'updated_at' - 'updated_by' from config_before),
  'Every setting is what it was before the advice was asked.');
select is((select low_threshold from routing.config), 3.90, 'The low threshold is still 3.90.');
select is((select medium_threshold from routing.config), 6.90, 'The medium threshold is still 6.90.');
select is((select count(*) from routing.config_changes), (select n + 2 from changes_before),
  'The only config changes are the test''s own two edits of advice_min_executions.');
select is((select provolatile from pg_catalog.pg_proc where oid = 'public.advise_routing_thresholds(numeric, integer)'::regprocedure),
  's', 'advise_routing_thresholds is STABLE: it cannot write.');

-- -----------------------------------------------------------------------------
-- Owner, stranger, anon: a service-role report
-- -----------------------------------------------------------------------------
select tests.authenticate_as('owner');
select throws_ok($$select * from public.advise_routing_thresholds()$$, '42501',
  'permission denied for function advise_routing_thresholds', 'The owner may not run the advice (it reads the config).');
select tests.authenticate_as('stranger');
select throws_ok($$select * from public.advise_routing_thresholds()$$, '42501',
  'permission denied for function advise_routing_thresholds', 'A stranger may not run the advice.');

select tests.authenticate_as_anon();
select throws_ok($$select * from public.advise_routing_thresholds()$$, '42501',
  'permission denied for function advise_routing_thresholds', 'Anon may not run the advice.');

select tests.clear_authentication();
select ok(has_function_privilege('service_role', 'public.advise_routing_thresholds(numeric, integer)', 'execute'),
  'The service role may run the advice.');
select is((select prosecdef from pg_catalog.pg_proc where oid = 'public.advise_routing_thresholds(numeric, integer)'::regprocedure),
  false, 'The advice runs with the caller''s rights.');
select * from finish();
ROLLBACK;
