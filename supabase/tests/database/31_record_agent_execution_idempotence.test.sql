-- record_agent_execution: idempotence per (agent_id, execution_id) and the
-- link to the routing decision of the same execution.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(17);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): two agents of the named actor owner, a decision for one execution
-- -----------------------------------------------------------------------------
select tests.create_user('owner');
select tests.create_agent('owner', 'Agent one'),
       tests.create_agent('owner', 'Agent two');
-- As route_model would have written it for execution 'exec-linked' of agent one.
select tests.create_decision('Agent one', 'claude-3-haiku', 'medium', 5.2, 'exec-linked', name => 'linked decision');

-- -----------------------------------------------------------------------------
-- Owner (authenticated): decision linking
-- -----------------------------------------------------------------------------
select tests.authenticate_as('owner');

select is(
  public.record_agent_execution(tests.get_agent_id('Agent one'), 'exec-linked', true, 1200, 900) ->> 'decision_id',
  tests.get_decision_id('linked decision')::text,
  'An execution that has a routing decision is linked to it.');
select is(
  (select decision_id::text from routing.executions where agent_id = tests.get_agent_id('Agent one') and execution_id = 'exec-linked'),
  tests.get_decision_id('linked decision')::text,
  'The stored outcome row carries the decision id.');
select is(
  public.record_agent_execution(tests.get_agent_id('Agent one'), 'exec-lone', false) -> 'decision_id', 'null'::jsonb,
  'An execution without a routing decision is recorded with a null decision id.');
select is(
  public.record_agent_execution(tests.get_agent_id('Agent two'), 'exec-linked', true) -> 'decision_id', 'null'::jsonb,
  'The same execution id on another agent is not linked to the first agent''s decision.');

-- -----------------------------------------------------------------------------
-- Owner (authenticated): a repeat changes nothing
-- -----------------------------------------------------------------------------
create temp table before_repeat on commit drop as
  select m.*, m.ctid as row_ctid from public.agent_intensity_metrics m where m.agent_id = tests.get_agent_id('Agent one');

select is(
  public.record_agent_execution(tests.get_agent_id('Agent one'), 'exec-linked', false, 99999, 1),
  format('{"recorded": false, "duplicate": true, "agent_id": "%s", "execution_id": "exec-linked",
    "decision_id": "%s", "succeeded": true, "total_executions": 2, "success_rate": 50,
    "consecutive_failures": 1}', tests.get_agent_id('Agent one'), tests.get_decision_id('linked decision'))::jsonb,
  'A repeated execution id is reported as a duplicate with the stored outcome and the unchanged totals.');
select is(
  (select (m.*)::text from public.agent_intensity_metrics m where m.agent_id = tests.get_agent_id('Agent one')),
  (select (b.agent_id, b.combined_score, b.execution_score, b.creation_score, b.total_executions, b.successful_executions,
           b.success_rate, b.avg_tokens_per_execution, b.avg_execution_time_ms, b.plugin_count, b.consecutive_failures,
           b.last_failure_at, b.last_execution_at, b.updated_at, b.tokens_samples, b.duration_samples)::text from before_repeat b),
  'A repeat leaves every metric as it was.');
select is(
  (select ctid::text from public.agent_intensity_metrics where agent_id = tests.get_agent_id('Agent one')),
  (select row_ctid::text from before_repeat),
  'A repeat does not even rewrite the metrics row.');
select is(
  (select (succeeded, tokens, duration_ms)::text from routing.executions
   where agent_id = tests.get_agent_id('Agent one') and execution_id = 'exec-linked'),
  '(t,1200,900)', 'The first report of an execution wins; the repeat''s values are not stored.');
select is(
  (select count(*)::integer from routing.executions where agent_id = tests.get_agent_id('Agent one')), 2,
  'A repeat adds no outcome row.');
select is(
  public.record_agent_execution(tests.get_agent_id('Agent one'), 'exec-lone', false) ->> 'duplicate', 'true',
  'A repeat of an identical report is a duplicate too.');
select is(
  (select consecutive_failures from public.agent_intensity_metrics where agent_id = tests.get_agent_id('Agent one')), 1,
  'A repeated failure does not lengthen the failure streak.');

-- -----------------------------------------------------------------------------
-- Service role: a repeat of an execution first reported by the owner
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();

select is(
  public.record_agent_execution(tests.get_agent_id('Agent one'), 'exec-linked', true) - 'agent_id' - 'execution_id',
  format('{"recorded": false, "duplicate": true, "decision_id": "%s", "succeeded": true,
    "total_executions": 2, "success_rate": 50, "consecutive_failures": 1}', tests.get_decision_id('linked decision'))::jsonb,
  'The service role repeating an execution the owner reported gets a duplicate.');
select is(
  public.record_agent_execution(tests.get_agent_id('Agent one'), 'exec-linked', true,
                                acting_user => tests.get_user_id('owner')) ->> 'recorded',
  'false', 'A repeat on behalf of the owner is a duplicate as well.');
select is(
  (select total_executions from public.agent_intensity_metrics where agent_id = tests.get_agent_id('Agent one')), 2,
  'After four repeats the agent still has two executions.');

-- Execution ids are compared exactly (case and spaces matter).
select is(
  public.record_agent_execution(tests.get_agent_id('Agent one'), 'EXEC-LINKED', true) ->> 'recorded', 'true',
  'An execution id differing only in case is a different execution.');
select is(
  public.record_agent_execution(tests.get_agent_id('Agent one'), 'EXEC-LINKED', true) ->> 'duplicate', 'true',
  'That execution is then idempotent on its own id.');
select is(
  (select total_executions from public.agent_intensity_metrics where agent_id = tests.get_agent_id('Agent one')), 3,
  'The agent counts three distinct executions.');

select * from finish();
ROLLBACK;
