-- record_agent_execution: idempotence per (agent_id, execution_id) and the
-- link to the routing decision of the same execution.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(17);

-- -----------------------------------------------------------------------------
-- Fixtures (as postgres): two agents of one owner, a decision for one execution
-- -----------------------------------------------------------------------------
select tests.create_user('owner@example.com', '11111111-1111-4111-8111-111111111111');
select tests.create_agent('11111111-1111-4111-8111-111111111111', 'Agent one', id => 'aaaaaaaa-0000-4000-8000-000000000001'),
       tests.create_agent('11111111-1111-4111-8111-111111111111', 'Agent two', id => 'aaaaaaaa-0000-4000-8000-000000000002');
-- As route_model would have written it for execution 'exec-linked' of agent one.
select tests.create_decision('aaaaaaaa-0000-4000-8000-000000000001', 'claude-3-haiku', 'medium', 5.2, 'exec-linked',
                             'dddddddd-0000-4000-8000-000000000001');

-- -----------------------------------------------------------------------------
-- Owner (authenticated): decision linking
-- -----------------------------------------------------------------------------
select tests.authenticate_as('11111111-1111-4111-8111-111111111111');

select is(
  public.record_agent_execution('aaaaaaaa-0000-4000-8000-000000000001', 'exec-linked', true, 1200, 900) ->> 'decision_id',
  'dddddddd-0000-4000-8000-000000000001',
  'An execution that has a routing decision is linked to it.');
select is(
  (select decision_id::text from routing.executions where agent_id = 'aaaaaaaa-0000-4000-8000-000000000001' and execution_id = 'exec-linked'),
  'dddddddd-0000-4000-8000-000000000001',
  'The stored outcome row carries the decision id.');
select is(
  public.record_agent_execution('aaaaaaaa-0000-4000-8000-000000000001', 'exec-lone', false) -> 'decision_id', 'null'::jsonb,
  'An execution without a routing decision is recorded with a null decision id.');
select is(
  public.record_agent_execution('aaaaaaaa-0000-4000-8000-000000000002', 'exec-linked', true) -> 'decision_id', 'null'::jsonb,
  'The same execution id on another agent is not linked to the first agent''s decision.');

-- -----------------------------------------------------------------------------
-- Owner (authenticated): a repeat changes nothing
-- -----------------------------------------------------------------------------
create temp table before_repeat on commit drop as
  select m.*, m.ctid as row_ctid from public.agent_intensity_metrics m where m.agent_id = 'aaaaaaaa-0000-4000-8000-000000000001';

select is(
  public.record_agent_execution('aaaaaaaa-0000-4000-8000-000000000001', 'exec-linked', false, 99999, 1),
  '{"recorded": false, "duplicate": true, "agent_id": "aaaaaaaa-0000-4000-8000-000000000001", "execution_id": "exec-linked",
    "decision_id": "dddddddd-0000-4000-8000-000000000001", "succeeded": true, "total_executions": 2, "success_rate": 50,
    "consecutive_failures": 1}'::jsonb,
  'A repeated execution id is reported as a duplicate with the stored outcome and the unchanged totals.');
select is(
  (select (m.*)::text from public.agent_intensity_metrics m where m.agent_id = 'aaaaaaaa-0000-4000-8000-000000000001'),
  (select (b.agent_id, b.combined_score, b.execution_score, b.creation_score, b.total_executions, b.successful_executions,
           b.success_rate, b.avg_tokens_per_execution, b.avg_execution_time_ms, b.plugin_count, b.consecutive_failures,
           b.last_failure_at, b.last_execution_at, b.updated_at, b.tokens_samples, b.duration_samples)::text from before_repeat b),
  'A repeat leaves every metric as it was.');
select is(
  (select ctid::text from public.agent_intensity_metrics where agent_id = 'aaaaaaaa-0000-4000-8000-000000000001'),
  (select row_ctid::text from before_repeat),
  'A repeat does not even rewrite the metrics row.');
select is(
  (select (succeeded, tokens, duration_ms)::text from routing.executions
   where agent_id = 'aaaaaaaa-0000-4000-8000-000000000001' and execution_id = 'exec-linked'),
  '(t,1200,900)', 'The first report of an execution wins; the repeat''s values are not stored.');
select is(
  (select count(*)::integer from routing.executions where agent_id = 'aaaaaaaa-0000-4000-8000-000000000001'), 2,
  'A repeat adds no outcome row.');
select is(
  public.record_agent_execution('aaaaaaaa-0000-4000-8000-000000000001', 'exec-lone', false) ->> 'duplicate', 'true',
  'A repeat of an identical report is a duplicate too.');
select is(
  (select consecutive_failures from public.agent_intensity_metrics where agent_id = 'aaaaaaaa-0000-4000-8000-000000000001'), 1,
  'A repeated failure does not lengthen the failure streak.');

-- -----------------------------------------------------------------------------
-- Service role: a repeat of an execution first reported by the owner
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();

select is(
  public.record_agent_execution('aaaaaaaa-0000-4000-8000-000000000001', 'exec-linked', true) - 'agent_id' - 'execution_id',
  '{"recorded": false, "duplicate": true, "decision_id": "dddddddd-0000-4000-8000-000000000001", "succeeded": true,
    "total_executions": 2, "success_rate": 50, "consecutive_failures": 1}'::jsonb,
  'The service role repeating an execution the owner reported gets a duplicate.');
select is(
  public.record_agent_execution('aaaaaaaa-0000-4000-8000-000000000001', 'exec-linked', true,
                                acting_user => '11111111-1111-4111-8111-111111111111') ->> 'recorded',
  'false', 'A repeat on behalf of the owner is a duplicate as well.');
select is(
  (select total_executions from public.agent_intensity_metrics where agent_id = 'aaaaaaaa-0000-4000-8000-000000000001'), 2,
  'After four repeats the agent still has two executions.');

-- Execution ids are compared exactly (case and spaces matter).
select is(
  public.record_agent_execution('aaaaaaaa-0000-4000-8000-000000000001', 'EXEC-LINKED', true) ->> 'recorded', 'true',
  'An execution id differing only in case is a different execution.');
select is(
  public.record_agent_execution('aaaaaaaa-0000-4000-8000-000000000001', 'EXEC-LINKED', true) ->> 'duplicate', 'true',
  'That execution is then idempotent on its own id.');
select is(
  (select total_executions from public.agent_intensity_metrics where agent_id = 'aaaaaaaa-0000-4000-8000-000000000001'), 3,
  'The agent counts three distinct executions.');

select * from finish();
ROLLBACK;
