-- record_agent_execution: the metrics math of ROUTING-SPEC §6
-- (success rate, consecutive failures, last failure, running averages).
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(33);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): the named actor owner, one new agent, one with a seeded track record
-- -----------------------------------------------------------------------------
select tests.create_user('owner');
select tests.create_agent('owner', 'New agent'),
       tests.create_agent('owner', 'Seasoned agent');
-- Written by the scoring system, without sample counters (legacy row).
insert into public.agent_intensity_metrics (agent_id, combined_score, total_executions, successful_executions, success_rate,
  avg_tokens_per_execution, avg_execution_time_ms, consecutive_failures, last_failure_at)
values (tests.get_agent_id('Seasoned agent'), 5.2, 40, 38, 95, 1000, 500, 2, '2025-01-01 00:00:00+00');

-- -----------------------------------------------------------------------------
-- Service role: a new agent's first outcomes
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();

select is(
  public.record_agent_execution(tests.get_agent_id('New agent'), 'exec-1', true, 100, 1000),
  format('{"recorded": true, "duplicate": false, "agent_id": "%s", "execution_id": "exec-1",
    "decision_id": null, "succeeded": true, "total_executions": 1, "success_rate": 100, "consecutive_failures": 0}',
    tests.get_agent_id('New agent'))::jsonb,
  'The first outcome of an agent is recorded and reported with its new totals.');
select is((select count(*)::integer from public.agent_intensity_metrics where agent_id = tests.get_agent_id('New agent')), 1,
  'A metrics row is created for an agent that had none.');
select ok((select combined_score is null and execution_score is null and creation_score is null
           from public.agent_intensity_metrics where agent_id = tests.get_agent_id('New agent')),
  'The created metrics row leaves the AIS scores null.');
select is((select avg_tokens_per_execution from public.agent_intensity_metrics where agent_id = tests.get_agent_id('New agent')), 100.00,
  'After one execution the token average is that execution''s tokens.');
select is((select last_execution_at from public.agent_intensity_metrics where agent_id = tests.get_agent_id('New agent')), now(),
  'last_execution_at is the time of the recording.');
select is((select last_failure_at from public.agent_intensity_metrics where agent_id = tests.get_agent_id('New agent')), null,
  'A success does not set last_failure_at.');

-- A failure without a duration.
select is(
  (public.record_agent_execution(tests.get_agent_id('New agent'), 'exec-2', false, 200, null)
     - 'agent_id' - 'execution_id' - 'decision_id' - 'recorded' - 'duplicate' - 'succeeded'),
  '{"total_executions": 2, "success_rate": 50, "consecutive_failures": 1}'::jsonb,
  'A failure brings the success rate of 1 in 2 to exactly 50% and counts one consecutive failure.');
select is((select last_failure_at from public.agent_intensity_metrics where agent_id = tests.get_agent_id('New agent')), now(),
  'A failure sets last_failure_at to now.');
select is((select avg_tokens_per_execution from public.agent_intensity_metrics where agent_id = tests.get_agent_id('New agent')), 150.00,
  'The token average of 100 and 200 is 150.');
select is((select avg_execution_time_ms from public.agent_intensity_metrics where agent_id = tests.get_agent_id('New agent')), 1000.00,
  'An execution without a duration leaves the duration average alone.');
select is((select duration_samples from public.agent_intensity_metrics where agent_id = tests.get_agent_id('New agent')), 1,
  'An execution without a duration is not a duration sample.');

-- A failure without tokens.
select is(
  (public.record_agent_execution(tests.get_agent_id('New agent'), 'exec-3', false, null, 3000) ->> 'success_rate')::numeric, 33.33,
  'One success in three executions is a success rate of 33.33 (rounded to two decimals).');
select is((select consecutive_failures from public.agent_intensity_metrics where agent_id = tests.get_agent_id('New agent')), 2,
  'A second failure in a row makes two consecutive failures.');
select is((select avg_tokens_per_execution from public.agent_intensity_metrics where agent_id = tests.get_agent_id('New agent')), 150.00,
  'An execution without tokens leaves the token average alone.');
select is((select avg_execution_time_ms from public.agent_intensity_metrics where agent_id = tests.get_agent_id('New agent')), 2000.00,
  'The duration average of 1000 and 3000 ms is 2000 ms.');

-- A success resets the failure streak.
select is(
  (public.record_agent_execution(tests.get_agent_id('New agent'), 'exec-4', true, 600, null) ->> 'consecutive_failures')::integer, 0,
  'A success resets the consecutive failures to 0.');
select is((select last_failure_at from public.agent_intensity_metrics where agent_id = tests.get_agent_id('New agent')), now(),
  'A success keeps the time of the last failure.');
select is((select avg_tokens_per_execution from public.agent_intensity_metrics where agent_id = tests.get_agent_id('New agent')), 300.00,
  'The token average over the three reported values 100, 200 and 600 is 300.');
select is((select tokens_samples from public.agent_intensity_metrics where agent_id = tests.get_agent_id('New agent')), 3,
  'Three executions reported tokens.');

select is((public.record_agent_execution(tests.get_agent_id('New agent'), 'exec-5', true) ->> 'success_rate')::numeric, 60.00,
  'Three successes in five executions is exactly 60%.');
select is((public.record_agent_execution(tests.get_agent_id('New agent'), 'exec-6', true) ->> 'success_rate')::numeric, 66.67,
  'Four successes in six executions is 66.67%.');
select is(
  (select (total_executions, successful_executions) from public.agent_intensity_metrics where agent_id = tests.get_agent_id('New agent'))::text,
  '(6,4)', 'Six executions with four successes are counted.');
select is((select count(*)::integer from routing.executions where agent_id = tests.get_agent_id('New agent')), 6,
  'Each outcome is one routing.executions row.');
select is(
  (select (succeeded, tokens, duration_ms, user_id)::text from routing.executions
   where agent_id = tests.get_agent_id('New agent') and execution_id = 'exec-2'),
  format('(f,200,,%s)', tests.get_user_id('owner')),
  'The outcome row keeps what was reported and the agent owner''s user id.');

-- -----------------------------------------------------------------------------
-- Service role: an agent with a seeded track record and no sample counters
-- -----------------------------------------------------------------------------
select is(
  (public.record_agent_execution(tests.get_agent_id('Seasoned agent'), 'exec-1', true, 1410, null) ->> 'success_rate')::numeric, 95.12,
  'A success after 38 of 40 makes 39 of 41, a success rate of 95.12.');
select is((select avg_tokens_per_execution from public.agent_intensity_metrics where agent_id = tests.get_agent_id('Seasoned agent')), 1010.00,
  'A seeded average keeps the weight of its 40 executions: 1000 + (1410 - 1000) / 41 = 1010.');
select is(
  (select (tokens_samples, duration_samples) from public.agent_intensity_metrics where agent_id = tests.get_agent_id('Seasoned agent'))::text,
  '(41,40)', 'Unknown sample counters start from the execution count.');
select is((select avg_execution_time_ms from public.agent_intensity_metrics where agent_id = tests.get_agent_id('Seasoned agent')), 500.00,
  'The seeded duration average is kept when no duration is reported.');
select is((select combined_score from public.agent_intensity_metrics where agent_id = tests.get_agent_id('Seasoned agent')), 5.20,
  'Recording an execution leaves the AIS combined score alone.');
select is((select consecutive_failures from public.agent_intensity_metrics where agent_id = tests.get_agent_id('Seasoned agent')), 0,
  'The seeded failure streak is reset by a success.');
select is((select last_failure_at from public.agent_intensity_metrics where agent_id = tests.get_agent_id('Seasoned agent')),
  '2025-01-01 00:00:00+00'::timestamptz, 'The seeded time of the last failure is kept by a success.');

select is((public.record_agent_execution(tests.get_agent_id('Seasoned agent'), 'exec-2', false) ->> 'consecutive_failures')::integer, 1,
  'A failure after the reset starts a new streak of one.');
select is((select last_failure_at from public.agent_intensity_metrics where agent_id = tests.get_agent_id('Seasoned agent')), now(),
  'The new failure moves last_failure_at to now.');

select * from finish();
ROLLBACK;
