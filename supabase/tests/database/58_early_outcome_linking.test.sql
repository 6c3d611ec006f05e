-- An outcome and its decision are linked whichever arrives first: record_agent_execution links
-- the decision it finds, and route_model, writing the decision of an (agent_id, execution_id)
-- whose outcome was reported early, links that outcome in its own transaction, so the reports
-- count it in its cohort. Nothing else is linked: not another agent's outcome with the same
-- execution id, not a lone decision, not an outcome that already has its decision.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(12);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): the named actor owner with two agents, a clean history
-- -----------------------------------------------------------------------------
select tests.reset_routing();
select tests.clear_routing_history();
select tests.create_user('owner');
select tests.create_agent('owner', 'Owner agent', score => 5.2, executions => 40);
select tests.create_agent('owner', 'Other agent', score => 5.2, executions => 40);

create function pg_temp.linked_decision(agent text, execution_id text) returns uuid language sql stable as $$
  select e.decision_id from routing.executions e
  where e.agent_id = tests.get_agent_id(agent) and e.execution_id = linked_decision.execution_id
$$;

-- -----------------------------------------------------------------------------
-- Owner (authenticated): the outcome first, then the decision
-- -----------------------------------------------------------------------------
select tests.authenticate_as('owner');
select is(public.record_agent_execution(tests.get_agent_id('Owner agent'), 'exec-early', true, 900, 700) -> 'decision_id',
  'null'::jsonb, 'An outcome reported before its decision has no decision yet.');
select public.record_agent_execution(tests.get_agent_id('Other agent'), 'exec-early', false);
select public.route_model(tests.get_agent_id('Owner agent'), 'exec-early') as early \gset
select is(pg_temp.linked_decision('Owner agent', 'exec-early'), (:'early'::jsonb ->> 'decision_id')::uuid,
  'The owner''s route_model links the early outcome to the decision it writes.');
select is(pg_temp.linked_decision('Other agent', 'exec-early'), null,
  'Another agent''s outcome with the same execution id stays unlinked.');
select is(public.route_model(tests.get_agent_id('Owner agent'), 'exec-early') ->> 'replayed', 'true',
  'A replay of the execution writes no second decision.');
select is(pg_temp.linked_decision('Owner agent', 'exec-early'), (:'early'::jsonb ->> 'decision_id')::uuid,
  'After the replay the outcome keeps its decision.');

-- The decision first, then the outcome (as before).
select public.route_model(tests.get_agent_id('Owner agent'), 'exec-late') as late \gset
select is(public.record_agent_execution(tests.get_agent_id('Owner agent'), 'exec-late', true) ->> 'decision_id',
  :'late'::jsonb ->> 'decision_id', 'An outcome reported after its decision is linked as it is recorded.');

-- A lone decision (no execution id) links nothing.
select public.record_agent_execution(tests.get_agent_id('Owner agent'), 'exec-never-decided', true);
select public.route_model(tests.get_agent_id('Owner agent'));
select is(pg_temp.linked_decision('Owner agent', 'exec-never-decided'), null,
  'A decision without an execution id links no outcome.');
select tests.clear_authentication();

-- -----------------------------------------------------------------------------
-- Service role (the edge function): the control cohort, outcome first
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select is(public.record_agent_execution(tests.get_agent_id('Other agent'), 'exec-control', true, 500, 300) -> 'decision_id',
  'null'::jsonb, 'The service role''s early outcome has no decision yet.');
select public.route_model(tests.get_agent_id('Other agent'), 'exec-control',
                          '{"ENABLE_INTELLIGENT_ROUTING": "true", "ROUTING_PERCENTAGE": "0"}') as control \gset
select is(:'control'::jsonb ->> 'cohort', 'control', 'The decision of that execution is in the control cohort.');
select is(pg_temp.linked_decision('Other agent', 'exec-control'), (:'control'::jsonb ->> 'decision_id')::uuid,
  'The service role''s route_model links the early outcome.');
select tests.clear_authentication();

-- -----------------------------------------------------------------------------
-- The reports count the early outcomes in their cohorts
-- -----------------------------------------------------------------------------
select is(
  (select jsonb_object_agg(cohort, executions order by cohort) from (
     select cohort, sum(executions)::integer as executions from public.routing_success_rates group by cohort) x),
  '{"control": 1, "routed": 2}'::jsonb,
  'routing_success_rates counts the early control outcome and both routed outcomes (early and late).');
select is((select count(*)::integer from routing.executions where decision_id is null), 2,
  'Only the outcomes that never had a decision (another agent''s, a never-decided one) stay unlinked.');

select * from finish();
ROLLBACK;
