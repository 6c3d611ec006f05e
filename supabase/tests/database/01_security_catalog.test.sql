-- Catalog checks: pinned search paths, RLS everywhere, who may execute what.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(8);

select is_empty($$
  select p.oid::regprocedure::text
  from pg_catalog.pg_proc p
  join pg_catalog.pg_namespace n on n.oid = p.pronamespace
  where n.nspname in ('public', 'routing')
    and not exists (select 1 from pg_catalog.pg_depend d where d.objid = p.oid and d.deptype = 'e')
    and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) as c(setting) where c.setting like 'search\_path=%')
$$, 'Every function in public and routing pins its search_path.');

select is_empty($$
  select p.oid::regprocedure::text
  from pg_catalog.pg_proc p
  join pg_catalog.pg_namespace n on n.oid = p.pronamespace
  where n.nspname in ('public', 'routing') and p.prosecdef
    and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) as c(setting) where c.setting = 'search_path=""')
$$, 'Every SECURITY DEFINER function in public and routing has an empty search_path.');

select is_empty($$
  select n.nspname || '.' || c.relname
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  where n.nspname in ('public', 'routing') and c.relkind in ('r', 'p') and not c.relrowsecurity
$$, 'Every table in public and routing has row level security enabled.');

select ok(
  (select prosecdef from pg_catalog.pg_proc where oid = 'public.route_model(uuid, text, jsonb, uuid, text)'::regprocedure),
  'route_model is SECURITY DEFINER.');

select is_empty($$
  select p.oid::regprocedure::text
  from pg_catalog.pg_proc p
  join pg_catalog.pg_namespace n on n.oid = p.pronamespace
  where n.nspname = 'routing' and p.prosecdef
    and p.proname in ('validate_route_input', '_caller', '_parse_bool', '_effective_config', '_rollout_bucket', '_load_agent',
                      '_breaker_states', '_claim_trial', '_is_usable', '_replacement', '_substitutions', '_fallback_chain', '_adjust',
                      '_validate_agent_row', '_choose_model', '_targets', '_decision_json', '_replay_json')
$$, 'No routing helper of route_model is SECURITY DEFINER.');

select is_empty($$
  select p.oid::regprocedure::text || ' by ' || r.role
  from pg_catalog.pg_proc p
  join pg_catalog.pg_namespace n on n.oid = p.pronamespace
  cross join (values ('anon'), ('authenticated')) as r(role)
  where n.nspname = 'routing'
    and p.proname in ('validate_route_input', '_caller', '_parse_bool', '_effective_config', '_rollout_bucket', '_load_agent',
                      '_breaker_states', '_claim_trial', '_is_usable', '_replacement', '_substitutions', '_fallback_chain', '_adjust',
                      '_validate_agent_row', '_choose_model', '_targets', '_decision_json', '_replay_json')
    and has_function_privilege(r.role, p.oid, 'execute')
$$, 'No routing helper of route_model is executable by anon or authenticated.');

select ok(
  has_function_privilege('authenticated', 'public.route_model(uuid, text, jsonb, uuid, text)', 'execute')
  and has_function_privilege('service_role', 'public.route_model(uuid, text, jsonb, uuid, text)', 'execute'),
  'route_model is executable by authenticated and service_role.');

select ok(
  not has_function_privilege('anon', 'public.route_model(uuid, text, jsonb, uuid, text)', 'execute'),
  'route_model is not executable by anon.');

select * from finish();
ROLLBACK;
