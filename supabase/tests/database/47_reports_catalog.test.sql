-- Catalog of the reports, alerts, projections and advice: every object commented,
-- RLS on every new table, SECURITY DEFINER only where needed, private helpers.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(16);

create temp table my_functions on commit drop as
select p.oid::regprocedure as fn, p.proname::text collate "default" as proname, n.nspname::text collate "default" as nspname, p.prosecdef
from pg_catalog.pg_proc p
join pg_catalog.pg_namespace n on n.oid = p.pronamespace
where (n.nspname = 'routing' and p.proname in (
        '_read_routed_success_rate', '_read_provider_error_rates', '_read_cost_per_execution', '_record_alert_reading',
        '_trip_rollback', '_evaluate_alerts', '_after_execution_recorded', '_after_call_recorded', '_audit_agent_preference',
        '_require_operator', 'validate_rollout_percentage', 'validate_operator_note', 'validate_forced_model', '_routing_status',
        'validate_days', 'validate_scenario_input', 'validate_target_success_rate', '_suggest_threshold'))
   or (n.nspname = 'public' and p.proname in (
        'evaluate_routing_alerts', 'get_routing_status', 'set_routing_enabled', 'set_rollout_percentage', 'force_model',
        'set_agent_model_preference', 'clear_routing_rollback', 'routing_projection', 'project_routing_scenarios',
        'advise_routing_thresholds'));

select is((select count(*) from my_functions), 28::bigint, 'All 28 functions of the reports and alerts exist.');
select is_empty($$select fn::text from my_functions where obj_description(fn::oid, 'pg_proc') is null$$,
  'Every function of the reports and alerts has a comment.');
select is_empty($$
  select c.oid::regclass::text from pg_catalog.pg_class c
  where c.oid in ('public.routing_model_distribution'::regclass, 'public.routing_success_rates'::regclass,
                  'public.routing_cost_savings'::regclass, 'public.routing_cohort_comparison'::regclass,
                  'public.routing_alerts'::regclass, 'routing.alert_states'::regclass, 'routing.alert_events'::regclass,
                  'routing.agent_preference_changes'::regclass, 'routing.calls_utc_day_idx'::regclass,
                  'routing.executions_utc_day_idx'::regclass, 'routing.alert_events_created_at_idx'::regclass,
                  'routing.agent_preference_changes_agent_idx'::regclass)
    and obj_description(c.oid, 'pg_class') is null
$$, 'Every view, table and index of the reports and alerts has a comment.');
select is_empty($$
  select t::text from unnest(array['routing.alert_reading'::regtype, 'routing.alert_status'::regtype,
    'routing.routing_projection'::regtype, 'routing.routing_scenario'::regtype, 'routing.threshold_advice'::regtype]) t
  where obj_description(t::oid, 'pg_type') is null
$$, 'Every composite return type has a comment.');
select is_empty($$
  select a.attname from pg_catalog.pg_attribute a
  where a.attrelid = 'routing.config'::regclass and a.attnum > 0 and not a.attisdropped
    and (a.attname like 'alert\_%' or a.attname in ('auto_rollback_enabled', 'rollback_cleared_at', 'advice_min_executions'))
    and col_description(a.attrelid, a.attnum) is null
$$, 'Every threshold column added to routing.config has a comment.');
select is((select count(*) from pg_catalog.pg_attribute a where a.attrelid = 'routing.config'::regclass and a.attname like 'alert\_%'),
  14::bigint, 'The fourteen alert thresholds (the savings alert''s three and the success rule''s confidence and control margin included) are columns of routing.config, one line to change each.');
select ok(obj_description('public.agents'::regclass, 'pg_class') is not null
          and exists (select 1 from pg_catalog.pg_trigger t where t.tgname = 'audit_agent_preference'
                      and obj_description(t.oid, 'pg_trigger') is not null),
  'The preference audit trigger exists and is commented.');

select is_empty($$
  select c.oid::regclass::text from pg_catalog.pg_class c
  where c.oid in ('routing.alert_states'::regclass, 'routing.alert_events'::regclass, 'routing.agent_preference_changes'::regclass)
    and not c.relrowsecurity
$$, 'Row level security is enabled on every new table.');
select results_eq(
  $$select proname from my_functions where prosecdef order by proname$$,
  $$values ('_audit_agent_preference'::text), ('clear_routing_rollback'), ('evaluate_routing_alerts'), ('force_model'),
           ('get_routing_status'), ('set_agent_model_preference'), ('set_rollout_percentage'), ('set_routing_enabled')$$,
  'Only the operator commands, the evaluation and the audit trigger are SECURITY DEFINER; reports run as the caller.');
select is_empty($$
  select fn::text from my_functions
  where not exists (select 1 from pg_catalog.pg_proc p, unnest(coalesce(p.proconfig, '{}')) s
                    where p.oid = fn::oid and s = 'search_path=""')
$$, 'Every function pins an empty search_path.');
select is_empty($$
  select fn::text || ' by ' || r.role from my_functions cross join (values ('anon'), ('public')) r(role)
  where r.role = 'anon' and has_function_privilege('anon', fn::oid, 'execute')
     or r.role = 'public' and exists (select 1 from pg_catalog.pg_proc p, aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                                      where p.oid = fn::oid and a.grantee = 0 and a.privilege_type = 'EXECUTE')
$$, 'Neither anon nor PUBLIC may execute any of these functions.');
select set_eq(
  $$select nspname || '.' || proname from my_functions where has_function_privilege('authenticated', fn::oid, 'execute')$$,
  $$values ('public.routing_projection'::text), ('routing.validate_days')$$,
  'Signed-in users may execute only the projection (and the validation it calls as them).');
select is_empty($$
  select fn::text from my_functions
  where nspname = 'public' and not has_function_privilege('service_role', fn::oid, 'execute')
$$, 'The service role may execute every public command and report.');
select is_empty($$
  select fn::text from my_functions
  where proname in ('_after_execution_recorded', '_after_call_recorded', '_trip_rollback', '_evaluate_alerts', '_record_alert_reading')
    and (has_function_privilege('service_role', fn::oid, 'execute') or has_function_privilege('authenticated', fn::oid, 'execute'))
$$, 'The hooks and the trip are private: only the recording functions reach them.');
select is_empty($$
  select c.relname from pg_catalog.pg_class c
  where c.oid in ('routing.alert_states'::regclass, 'routing.alert_events'::regclass, 'routing.agent_preference_changes'::regclass)
    and (has_table_privilege('service_role', c.oid, 'insert') or has_table_privilege('service_role', c.oid, 'update')
         or has_table_privilege('authenticated', c.oid, 'insert') or has_table_privilege('anon', c.oid, 'select'))
$$, 'The alert and audit tables are read-only for every API role: only the functions write them.');
select is(
  (select count(*) from pg_catalog.pg_proc p where p.oid = 'routing._after_execution_recorded(routing.executions)'::regprocedure
     and p.prosrc like '%_read_routed_success_rate%'),
  1::bigint, 'record_agent_execution''s hook now evaluates the routed success rate.');
select * from finish();
ROLLBACK;
