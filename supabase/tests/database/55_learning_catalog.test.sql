-- Advice from the same statistics (ROUTING-SPEC §10) and the catalog of the learning objects:
-- advise_routing_thresholds carries each success rate's interval (routing.success_bound at
-- learning_confidence); every new object commented, RLS on every new table, search_path
-- pinned, private helpers private, the new settings one column each.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(12);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): 25 outcomes of gpt-4o-mini at score 3.2, one failed
-- -----------------------------------------------------------------------------
select tests.clear_routing_history();
select tests.reset_routing();
-- These figures are the plan's models and prices: where the catalog has presets, use the plan's (a no-op before).
do $$ begin
  if to_regprocedure('tests.use_plan_2025_catalog()') is not null then perform tests.use_plan_2025_catalog(); end if;
end $$;
select tests.create_user('owner');
select tests.create_agent('owner', 'Scored agent', 3.2, 40);
with d as (
  insert into routing.decisions (agent_id, user_id, execution_id, model, provider, tier, reason, reasoning, cohort,
                                 intensity_score, baseline_model, routing_enabled)
  select tests.get_agent_id('Scored agent'), tests.get_user_id('owner'), 'advice-' || g, 'gpt-4o-mini', 'openai', 'low',
         'tier', 'fixture', 'routed', 3.2, 'gpt-4o', true
  from generate_series(1, 25) g
  returning id, execution_id
)
insert into routing.executions (agent_id, execution_id, user_id, decision_id, succeeded)
select tests.get_agent_id('Scored agent'), d.execution_id, tests.get_user_id('owner'), d.id, d.execution_id <> 'advice-1' from d;

create temp table learning_functions on commit drop as
select p.oid::regprocedure as fn, p.proname::text collate "default" as proname, p.prosecdef
from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
where (n.nspname = 'routing' and p.proname in ('normal_quantile', 'success_bound', '_rung_model', '_rung_of', '_band_rung',
        '_model_strength', '_answering_model', '_judge', '_learn_from_outcome', '_explore_bucket', '_explore_model',
        '_count_outcome', '_window_evidence'))
   or (n.nspname = 'public' and p.proname = 'routing_learning_moves_between');

-- -----------------------------------------------------------------------------
-- Service role: the advice
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();

select is(
  (select (executions, succeeded, success_rate, success_lower, success_upper, confidence)::text
   from public.advise_routing_thresholds() where kind = 'band' and model = 'gpt-4o-mini'),
  '(25,24,96.00,83.9134,99.1025,0.9500)',
  'A band row shows its success rate with the 95% interval of routing.success_bound: 24 of 25 is 83.91% to 99.10%.');
select is(
  (select (success_lower, success_upper)::text from public.advise_routing_thresholds() where kind = 'threshold' and tier = 'low'),
  '(83.9134,99.1025)', 'The low threshold row carries the interval of its model over every band.');

-- -----------------------------------------------------------------------------
-- Database owner: the catalog
-- -----------------------------------------------------------------------------
select tests.clear_authentication();
select is((select count(*) from learning_functions), 14::bigint, 'All 14 functions of the learning exist.');
select is_empty($$select fn::text from learning_functions where obj_description(fn::oid, 'pg_proc') is null$$,
  'Every function of the learning has a comment.');
select is_empty($$
  select fn::text from learning_functions
  where not exists (select 1 from pg_catalog.pg_proc p, unnest(coalesce(p.proconfig, '{}')) s
                    where p.oid = fn::oid and s = 'search_path=""')
$$, 'Every function of the learning pins an empty search_path.');
select is_empty($$select fn::text from learning_functions where prosecdef$$,
  'None of them is SECURITY DEFINER: record_agent_execution and route_model run them as their owner.');
select is_empty($$
  select fn::text from learning_functions
  where proname not in ('normal_quantile', 'success_bound', 'routing_learning_moves_between')
    and (has_function_privilege('service_role', fn::oid, 'execute') or has_function_privilege('authenticated', fn::oid, 'execute'))
$$, 'The learning''s helpers are private.');
select is_empty($$
  select c.oid::regclass::text from pg_catalog.pg_class c
  where c.oid in ('routing.agent_model_records'::regclass, 'routing.agent_learning'::regclass, 'routing.agent_model_moves'::regclass,
                  'routing.outcome_counters'::regclass, 'public.routing_learning_moves'::regclass,
                  'routing.agent_model_moves_at_idx'::regclass, 'routing.agent_model_moves_agent_at_idx'::regclass)
    and obj_description(c.oid, 'pg_class') is null
$$, 'Every table, view and index of the learning has a comment.');
select is_empty($$
  select c.oid::regclass::text from pg_catalog.pg_class c
  where c.oid in ('routing.agent_model_records'::regclass, 'routing.agent_learning'::regclass, 'routing.agent_model_moves'::regclass,
                  'routing.outcome_counters'::regclass)
    and not c.relrowsecurity
$$, 'Row level security is enabled on every learning table.');
select is_empty($$
  select c.relname || ' by ' || r from pg_catalog.pg_class c, unnest(array['anon', 'authenticated', 'service_role']) r
  where c.oid in ('routing.agent_model_records'::regclass, 'routing.agent_learning'::regclass, 'routing.agent_model_moves'::regclass,
                  'routing.outcome_counters'::regclass)
    and (has_table_privilege(r, c.oid, 'insert') or has_table_privilege(r, c.oid, 'update') or has_table_privilege(r, c.oid, 'delete'))
$$, 'No API role may write a learning table: only the recording functions do.');
select is_empty($$
  select a.attname from pg_catalog.pg_attribute a
  where a.attrelid = 'routing.config'::regclass
    and a.attname in ('target_success_rate', 'learning_confidence', 'learning_prior_weight', 'learning_moved_prior_weight',
                      'explore_percentage',
                      'alert_success_confidence', 'alert_control_margin')
    and col_description(a.attrelid, a.attnum) is null
$$, 'Every learning setting is a commented column of routing.config.');
select is(
  (select jsonb_build_object('target', target_success_rate, 'confidence', learning_confidence, 'weight', learning_prior_weight,
                             'moved_weight', learning_moved_prior_weight,
                             'explore', explore_percentage, 'trip_confidence', alert_success_confidence,
                             'margin', alert_control_margin, 'min', alert_success_min_executions)
   from routing.config),
  '{"target": 98.00, "confidence": 0.9500, "weight": 20.00, "moved_weight": 0.00, "explore": 5, "trip_confidence": 0.9900, "margin": 3.00, "min": 30}'::jsonb,
  'The defaults: target 98%, confidence 0.95, prior weight 20 (0 above the score''s band), explore 5%, trip confidence 0.99, control margin 3, 30 executions.');

select * from finish();
ROLLBACK;
