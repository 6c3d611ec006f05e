-- The learned tier (ROUTING-SPEC §10): each rule at its boundary - the outcome that moves
-- an agent and the one before it - with its audit row, the prior from the agent's earlier
-- record, the cost rule (expected shortfall x baseline price against the price step), the
-- top of the ladder, and the move down once the cheaper model clears the target.
-- Above the score's band (an agent moved up) the prior weighs learning_moved_prior_weight (0):
-- that rung is judged on its own outcomes alone.
-- Defaults: target 98%, confidence 0.95, prior weight 20 (bounds checked against scipy; the Beta
-- posterior's figures against an independent implementation of I_x(a, b)).
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(34);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): default config, the named actor owner and their agents
-- -----------------------------------------------------------------------------
select tests.clear_routing_history(), tests.clear_alert_history();
select tests.reset_routing();
-- These figures are the plan's models and prices: where the catalog has presets, use the plan's (a no-op before).
do $$ begin
  if to_regprocedure('tests.use_plan_2025_catalog()') is not null then perform tests.use_plan_2025_catalog(); end if;
end $$;
select tests.create_user('owner');
select tests.create_agent('owner', 'Fresh agent', 2.0, 0),          -- low band, no earlier record
       tests.create_agent('owner', 'Seasoned agent', 2.0, 40),      -- low band, 40 of 40 earlier
       tests.create_agent('owner', 'Top agent', 8.4, 40),           -- high band: already on the top rung
       tests.create_agent('owner', 'Overrated agent', 5.2, 10),     -- medium band, 10 of 10 earlier
       tests.create_agent('owner', 'Refuted agent', 2.0, 0);        -- low band, moved up then failing early
-- 132 executions of the Overrated agent answered by gpt-4o-mini, the next cheaper rung (as explored decisions are).
select count(tests.create_decision(agent => 'Overrated agent', model => 'gpt-4o-mini', tier => 'medium', score => 5.2,
                                   execution_id => 'cheap-' || g))
from generate_series(1, 132) g;

-- One execution: decided by route_model, its outcome reported (no call: the decision's model answered).
create function pg_temp.run(agent text, execution text, ok boolean) returns jsonb language sql as $$
  select public.record_agent_execution(tests.get_agent_id(agent),
           public.route_model(tests.get_agent_id(agent), execution) ->> 'execution_id', ok)
$$;
create function pg_temp.moves(agent text) returns bigint language sql as $$
  select count(*) from routing.agent_model_moves where agent_id = tests.get_agent_id(agent)
$$;

-- -----------------------------------------------------------------------------
-- Service role: up - a fresh agent, 20 successes then failures on gpt-4o-mini
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();

select count(pg_temp.run('Fresh agent', 'fresh-' || g, g <= 20)) from generate_series(1, 21) g;
select is(pg_temp.moves('Fresh agent'), 0::bigint,
  'Twenty successes and one failure on gpt-4o-mini (upper bound 98.76%) do not move the fresh agent.');
select is(pg_temp.run('Fresh agent', 'fresh-22', false) ->> 'recorded', 'true', 'The second failure is recorded.');
select is(pg_temp.moves('Fresh agent'), 1::bigint, 'The second failure (20 of 22) moves the fresh agent: one move.');
select results_eq(
  $$select direction, from_rung, to_rung, from_model, to_model, judged_model, executions, successes, prior_mean, prior_weight,
           bound, target, confidence, execution_id
    from routing.agent_model_moves where agent_id = tests.get_agent_id('Fresh agent')$$,
  $$values ('up'::text, 1::smallint, 2::smallint, 'gpt-4o-mini'::text, 'claude-3-haiku'::text, 'gpt-4o-mini'::text, 22, 20,
            98::numeric, 20::numeric, 97.9135::numeric, 98::numeric, 0.95::numeric, 'fresh-22'::text)$$,
  'The move is audited with its figures: up 1 -> 2, 20 of 22 on gpt-4o-mini, prior 98% x 20, upper bound 97.9135% < 98% at 0.95.');
select is(
  (select (rung, model, from_model, direction, moves)::text from routing.agent_learning where agent_id = tests.get_agent_id('Fresh agent')),
  '(2,claude-3-haiku,gpt-4o-mini,up,1)', 'The learned rung is stored: rung 2, claude-3-haiku, moved up from gpt-4o-mini.');
select is(
  (select (executions, successes)::text from routing.agent_model_records
   where agent_id = tests.get_agent_id('Fresh agent') and model = 'gpt-4o-mini'),
  '(22,20)', 'The track record counts 22 executions of gpt-4o-mini, 20 succeeded.');
select is(
  (select (d ->> 'model') || ' ' || (d ->> 'reason') || ' ' || (d ->> 'cohort')
   from public.route_model(tests.get_agent_id('Fresh agent'), 'fresh-23') d),
  'claude-3-haiku learned_tier routed', 'The next decision applies the learned tier: claude-3-haiku, reason learned_tier.');
select is(public.route_model(tests.get_agent_id('Fresh agent')) ->> 'reasoning',
  'Learned tier (rung 2 of 3, moved up from gpt-4o-mini by its outcomes) - claude-3-haiku',
  'The reasoning says the agent''s own outcomes moved it.');
select is(public.route_model(tests.get_agent_id('Fresh agent')) ->> 'tier', 'low',
  'The tier still reports the score''s band.');
select is(pg_temp.run('Fresh agent', 'fresh-23', true) ->> 'recorded', 'true', 'A success on claude-3-haiku is recorded.');
select count(pg_temp.run('Fresh agent', 'fresh-' || g, true)) from generate_series(24, 40) g;
select is((select rung from routing.agent_learning where agent_id = tests.get_agent_id('Fresh agent')), 2::smallint,
  'Successes on the new rung keep the agent there: it stays.');
select is(
  (select (executions, successes)::text from routing.agent_model_records
   where agent_id = tests.get_agent_id('Fresh agent') and model = 'claude-3-haiku'),
  '(18,18)', 'Outcomes after the move count for claude-3-haiku.');

-- Above its score's band the agent is judged on that rung's outcomes alone (learning_moved_prior_weight 0).
select is(pg_temp.run('Fresh agent', 'fresh-41', false) ->> 'recorded', 'true', 'A failure on claude-3-haiku is recorded.');
select is(pg_temp.moves('Fresh agent'), 1::bigint,
  'One failure in 19 on claude-3-haiku (upper bound 98.82% with no prior) does not move it again.');
select is(pg_temp.run('Fresh agent', 'fresh-42', false) ->> 'recorded', 'true', 'A second failure on claude-3-haiku is recorded.');
select results_eq(
  $$select direction, from_rung, to_rung, judged_model, executions, successes, prior_weight, bound
    from routing.agent_model_moves where agent_id = tests.get_agent_id('Fresh agent') order by id desc limit 1$$,
  $$values ('up'::text, 2::smallint, 3::smallint, 'claude-3-haiku'::text, 20, 18, 0::numeric, 96.6337::numeric)$$,
  'The second failure (18 of 20) moves it up 2 -> 3: prior weight 0 above its band, upper bound 96.6337% < 98%, audited.');

-- The boundary of a rung above the band: one failure in its first 11 executions there moves the agent.
select count(pg_temp.run('Refuted agent', 'refuted-' || g, g <= 20)) from generate_series(1, 22) g;
select is((select rung from routing.agent_learning where agent_id = tests.get_agent_id('Refuted agent')), 2::smallint,
  'The refuted agent is moved up to claude-3-haiku as the fresh agent was.');
select count(pg_temp.run('Refuted agent', 'refuted-' || g, true)) from generate_series(23, 32) g;
select is(pg_temp.moves('Refuted agent'), 1::bigint, 'Ten successes on claude-3-haiku keep it there.');
select is(pg_temp.run('Refuted agent', 'refuted-33', false) ->> 'recorded', 'true', 'A first failure on claude-3-haiku is recorded.');
select results_eq(
  $$select direction, to_rung, executions, successes, prior_weight, bound
    from routing.agent_model_moves where agent_id = tests.get_agent_id('Refuted agent') order by id desc limit 1$$,
  $$values ('up'::text, 3::smallint, 11, 10, 0::numeric, 97.9450::numeric)$$,
  'One failure in 11 on the rung above its band moves it up 2 -> 3 (upper bound 97.9450% < 98%).');
reset role;  -- routing._judge is the database's own helper: read it as the owner
select ok((routing._judge(11, 10, 33, 30, 98, 20, 0.95)).upper >= 98,
  'The same record on the score''s own rung (prior weight 20) would not move it: the prior is the score''s benefit of the doubt.');
select tests.authenticate_as_service_role();

-- -----------------------------------------------------------------------------
-- Service role: the prior - the same outcomes after 40 of 40 earlier executions
-- -----------------------------------------------------------------------------
select count(pg_temp.run('Seasoned agent', 'seasoned-' || g, g <= 20)) from generate_series(1, 21) g;
select is(pg_temp.moves('Seasoned agent'), 0::bigint,
  'With 40 of 40 earlier executions as its prior (mean 99%), one failure in 21 moves the seasoned agent by neither rule '
  '(cost: expected shortfall 1.40 points x $10 = 0.14 < $0.65 step x P(fine) 0.46 = 0.30).');
select is(pg_temp.run('Seasoned agent', 'seasoned-22', false) ->> 'recorded', 'true', 'The second failure is recorded.');
select results_eq(
  $$select direction, to_model, executions, successes, prior_mean, bound, rule, shortfall, price_step
    from routing.agent_model_moves where agent_id = tests.get_agent_id('Seasoned agent')$$,
  $$values ('up'::text, 'claude-3-haiku'::text, 22, 20, 99::numeric, 98.1667::numeric, 'cost'::text, 3.3468::numeric, 6.5::numeric)$$,
  'The second failure (20 of 22) moves it by the cost rule: its upper bound 98.17% still clears 98%, but the expected '
  'shortfall 3.35 points x the baseline''s $10 = 0.33 outweighs the $0.65 step (6.5%) x P(fine) 0.15 = 0.10.');
select is((select why from public.routing_learning_moves where agent_name = 'Seasoned agent'),
  'gpt-4o-mini succeeded 20 of 22: expected shortfall 3.35 points below target 98% outweighs the price step (6.5% of the baseline''s) - cost rule',
  'A cost move says why in words.');

-- -----------------------------------------------------------------------------
-- Service role: the top rung
-- -----------------------------------------------------------------------------
select count(pg_temp.run('Top agent', 'top-' || g, g % 2 = 0)) from generate_series(1, 10) g;
select is(pg_temp.moves('Top agent'), 0::bigint, 'An agent on the top rung (gpt-4o) failing half its executions has nowhere to move.');
select is((select count(*) from routing.agent_learning where agent_id = tests.get_agent_id('Top agent')), 0::bigint,
  'It has no learned rung.');

-- -----------------------------------------------------------------------------
-- Service role: down - the cheaper model's lower bound clears the target
-- -----------------------------------------------------------------------------
select count(public.record_agent_execution(tests.get_agent_id('Overrated agent'), 'cheap-' || g, true))
from generate_series(1, 131) g;
select is(pg_temp.moves('Overrated agent'), 0::bigint,
  '131 clean executions of gpt-4o-mini (lower bound 97.99%) do not move the medium agent down.');
select is(public.record_agent_execution(tests.get_agent_id('Overrated agent'), 'cheap-132', true) ->> 'recorded', 'true',
  'The 132nd clean execution of gpt-4o-mini is recorded.');
select results_eq(
  $$select direction, from_rung, to_rung, from_model, to_model, judged_model, executions, successes, prior_mean, bound
    from routing.agent_model_moves where agent_id = tests.get_agent_id('Overrated agent')$$,
  $$values ('down'::text, 2::smallint, 1::smallint, 'claude-3-haiku'::text, 'gpt-4o-mini'::text, 'gpt-4o-mini'::text, 132, 132,
            99::numeric, 98.0011::numeric)$$,
  'The 132nd moves it down 2 -> 1: 132 of 132 on gpt-4o-mini, lower bound 98.0011% > 98%, audited.');
select is(
  (select (d ->> 'model') || ' ' || (d ->> 'reason') from public.route_model(tests.get_agent_id('Overrated agent'), 'after-down') d),
  'gpt-4o-mini learned_tier', 'The next decision routes the agent to gpt-4o-mini by its learned tier.');

-- -----------------------------------------------------------------------------
-- Owner: the figures are theirs to read
-- -----------------------------------------------------------------------------
select tests.authenticate_as('owner');
select is((select count(*) from public.routing_learning_moves), 6::bigint,
  'The owner reads their agents'' six moves in public.routing_learning_moves.');
select is((select (agents_moved_up, agents_moved_down, moves_up, moves_down, agents_moved)::text
           from public.routing_learning_moves_between(current_date - 1, current_date + 1)),
  '(3,1,5,1,4)', 'routing_learning_moves_between counts three agents moved up (five moves) and one moved down.');
select is((select why from public.routing_learning_moves where agent_name = 'Fresh agent' and to_rung = 2),
  'gpt-4o-mini succeeded 20 of 22: upper 95% bound 97.91% < target 98%', 'Each move says why in words.');

select * from finish();
ROLLBACK;
