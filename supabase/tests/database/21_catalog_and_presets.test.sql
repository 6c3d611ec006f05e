-- The catalog as data: the seeded models (wire ids, limits, capabilities, sampling, lifecycle,
-- prices with their history), the lifecycle view, the defaults of a fresh install, and the
-- catalog presets switched by one audited operator command.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(34);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): the defaults of a fresh install; the named actor owner
-- -----------------------------------------------------------------------------
select tests.reset_routing();
select tests.create_user('owner');

-- -----------------------------------------------------------------------------
-- Database owner: the seeded catalog (the simulator's served-model table agrees)
-- -----------------------------------------------------------------------------
select results_eq(
  $$select model, provider, wire_id, context_window, max_output_tokens, sampling from routing.models order by model$$,
  $$values ('claude-3-5-haiku'::text, 'anthropic'::text, 'claude-3-5-haiku-20241022'::text, 200000, 8192, 'any'::text),
           ('claude-3-haiku', 'anthropic', 'claude-3-haiku-20240307', 200000, 4096, 'any'),
           ('claude-haiku-4-5', 'anthropic', 'claude-haiku-4-5-20251001', 200000, 64000, 'temperature_or_top_p'),
           ('claude-sonnet-5-5', 'anthropic', 'claude-sonnet-5-5', 1000000, 128000, 'none'),
           ('gpt-3.5-turbo', 'openai', 'gpt-3.5-turbo', 16385, 4096, 'any'),
           ('gpt-4o', 'openai', 'gpt-4o', 128000, 16384, 'any'),
           ('gpt-4o-mini', 'openai', 'gpt-4o-mini', 128000, 16384, 'any'),
           ('gpt-5.6-luna', 'openai', 'gpt-5.6-luna', 1050000, 128000, 'effort_none'),
           ('gpt-5.6-sol', 'openai', 'gpt-5.6-sol', 1050000, 128000, 'effort_none'),
           ('gpt-5.6-terra', 'openai', 'gpt-5.6-terra', 1050000, 128000, 'effort_none')$$,
  'Each model has its provider, the wire id its API takes, its context window, output limit and sampling rule.');
select results_eq(
  $$select model, supports_tools, supports_images, supports_pdf, supports_json_schema, supports_prefill
    from routing.models where model in ('claude-haiku-4-5', 'claude-sonnet-5-5', 'gpt-5.6-luna', 'gpt-3.5-turbo') order by model$$,
  $$values ('claude-haiku-4-5'::text, true, true, true, true, true), ('claude-sonnet-5-5', true, true, true, true, false),
           ('gpt-3.5-turbo', true, false, false, false, false), ('gpt-5.6-luna', true, true, true, true, false)$$,
  'Capabilities: Haiku 4.5 takes a prefill and structured output, Sonnet 5.5 no prefill, gpt-3.5-turbo no images, PDFs or schemas.');
select results_eq(
  $$select model, (timezone('UTC', retires_at))::date, replaced_by from routing.models where retires_at is not null order by model$$,
  $$values ('claude-3-5-haiku'::text, '2026-02-19'::date, 'claude-haiku-4-5'::text), ('claude-3-haiku', '2026-04-19', 'claude-haiku-4-5'),
           ('gpt-3.5-turbo', '2026-10-23', 'gpt-5.6-terra'), ('gpt-4o', '2027-01-14', 'gpt-5.6-sol'),
           ('gpt-4o-mini', '2027-01-14', 'gpt-5.6-luna')$$,
  'The plan''s 2025 models carry their real retirement days and replacements; today''s models none.');
select is_empty(
  $$select model from routing.models where retires_at is not null and deprecated_at is null$$,
  'Every model with a retirement day is deprecated.');
select results_eq(
  $$select m.model, p.input_per_mtok, p.output_per_mtok, p.cached_input_per_mtok, p.cache_write_per_mtok
    from routing.models m, routing.price_in_force(m.model, '2026-12-02 12:00+00') p
    where m.model in ('gpt-5.6-luna', 'gpt-5.6-terra', 'gpt-5.6-sol', 'claude-haiku-4-5', 'claude-sonnet-5-5') order by m.model$$,
  $$values ('claude-haiku-4-5'::text, 1.000000::numeric, 5.000000::numeric, 0.100000::numeric, 1.250000::numeric),
           ('claude-sonnet-5-5', 2, 10, 0.20, 2.50), ('gpt-5.6-luna', 0.20, 1.20, 0.02, 0.25),
           ('gpt-5.6-sol', 5, 30, 0.50, 6.25), ('gpt-5.6-terra', 2, 12, 0.20, 2.50)$$,
  'The prices in force on 2026-12-02: Luna $0.20 / $1.20, Haiku 4.5 $1 / $5, Sonnet 5.5 $2 / $10, Sol at its list $5 / $30.');
select is(
  (select (p.input_per_mtok, p.output_per_mtok, p.cached_input_per_mtok, p.cache_write_per_mtok)::text
   from routing.price_in_force('gpt-5.6-sol', '2026-11-21 23:59+00') p),
  '(4.000000,20.000000,0.400000,5.000000)', 'Until 2026-11-21 Sol cost its promotional $4 / $20; the list price starts on 2026-11-22.');
select results_eq(
  $$select model, input_per_mtok, output_per_mtok, cached_input_per_mtok, cache_write_per_mtok
    from routing.model_prices where effective_from < '2025-01-01' order by model$$,
  $$values ('claude-3-5-haiku'::text, 0.800000::numeric, 4.000000::numeric, 0.080000::numeric, 1.000000::numeric),
           ('claude-3-haiku', 0.25, 1.25, 0.03, 0.30), ('gpt-3.5-turbo', 0.50, 1.50, 0.50, 0.50),
           ('gpt-4o', 2.50, 10.00, 1.25, 2.50), ('gpt-4o-mini', 0.15, 0.60, 0.075, 0.15)$$,
  'The plan''s models keep their 2024 list prices, unchanged.');

-- -----------------------------------------------------------------------------
-- Database owner: the defaults of a fresh install
-- -----------------------------------------------------------------------------
select is(
  (select (low_model, new_agent_model, anthropic_substitute_model, medium_model, high_model, premium_model, baseline_model,
           openai_mini_substitute_model)::text from routing.config),
  '(gpt-5.6-luna,gpt-5.6-luna,gpt-5.6-luna,claude-haiku-4-5,gpt-5.6-sol,gpt-5.6-sol,gpt-5.6-sol,gpt-5.6-sol)',
  'A fresh install routes low to Luna, medium to Claude Haiku 4.5 and high to Sol, with Sol as premium and baseline.');
select is((select fallback_chains from routing.config), '{"*": ["gpt-5.6-sol"], "gpt-5.6-sol": []}'::jsonb,
  'Every model falls back to the premium model, which has no fallback.');
select is(
  (select jsonb_object_agg(p.setting, p.value) from routing.catalog_presets p where p.preset = 'current'),
  (select jsonb_object_agg(s, to_jsonb(c) -> s) from routing.config c,
     unnest(array['baseline_model', 'premium_model', 'new_agent_model', 'low_model', 'medium_model', 'high_model',
                  'anthropic_substitute_model', 'openai_mini_substitute_model', 'fallback_chains']) s),
  'The current preset is the column defaults of routing.config.');
select is(
  (select jsonb_object_agg(p.setting, p.value) from routing.catalog_presets p where p.preset = 'plan-2025'),
  '{"baseline_model": "gpt-4o", "premium_model": "gpt-4o", "new_agent_model": "gpt-4o-mini", "low_model": "gpt-4o-mini",
    "medium_model": "claude-3-haiku", "high_model": "gpt-4o", "anthropic_substitute_model": "gpt-4o-mini",
    "openai_mini_substitute_model": "gpt-4o", "fallback_chains": {"*": ["gpt-4o"], "gpt-4o": []}}'::jsonb,
  'The plan-2025 preset is the plan''s catalog: gpt-4o-mini / claude-3-haiku / gpt-4o, baseline and premium gpt-4o.');
select throws_ok(
  $$insert into routing.catalog_presets (preset, setting, value) values ('mine', 'low_threshold', '3.5')$$,
  '23514', null, 'A preset sets only model settings and fallback chains.');

-- -----------------------------------------------------------------------------
-- Database owner: the lifecycle view (days relative to now, so the test does not age)
-- -----------------------------------------------------------------------------
update routing.models set retires_at = now() + interval '10 days', deprecated_at = now() - interval '1 day'
 where model = 'gpt-5.6-terra';
update routing.models set deprecated_at = now() - interval '1 day' where model = 'claude-sonnet-5-5';
update routing.models set unavailable_since = now(), unavailable_reason = 'openai answered 404 for wire id gpt-5.6-luna'
 where model = 'gpt-5.6-luna';
select results_eq(
  $$select model, state, days_to_retirement from public.routing_model_lifecycle
    where model in ('gpt-5.6-sol', 'claude-sonnet-5-5', 'gpt-5.6-terra', 'claude-3-haiku', 'gpt-5.6-luna') order by model$$,
  $$values ('claude-3-haiku'::text, 'retired'::text, (date '2026-04-19' - (timezone('UTC', now()))::date)),
           ('claude-sonnet-5-5', 'deprecated', null), ('gpt-5.6-luna', 'unavailable', null),
           ('gpt-5.6-sol', 'active', null), ('gpt-5.6-terra', 'retiring_soon', 10)$$,
  'The lifecycle view says active, deprecated, retiring_soon (within 30 days), retired or unavailable, with the days to retirement.');
select is(
  (select state from public.routing_model_lifecycle where model = 'gpt-5.6-terra'),
  'retiring_soon', 'A model retiring in 10 days is retiring soon.');
update routing.models set retires_at = now() + interval '31 days' where model = 'gpt-5.6-terra';
select is((select state from public.routing_model_lifecycle where model = 'gpt-5.6-terra'), 'deprecated',
  'A deprecated model retiring in 31 days is not yet retiring soon.');
update routing.models set retires_at = null, deprecated_at = null, unavailable_since = null, unavailable_reason = null
 where model in ('gpt-5.6-terra', 'claude-sonnet-5-5', 'gpt-5.6-luna');

-- -----------------------------------------------------------------------------
-- Service role: switching presets, audited
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select public.apply_catalog_preset('plan-2025') as plan_status \gset
select is(
  (select (low_model, medium_model, high_model, new_agent_model, premium_model, baseline_model, anthropic_substitute_model,
           openai_mini_substitute_model)::text from routing.config),
  '(gpt-4o-mini,claude-3-haiku,gpt-4o,gpt-4o-mini,gpt-4o,gpt-4o,gpt-4o-mini,gpt-4o)',
  'apply_catalog_preset(''plan-2025'') sets the plan''s models.');
select is((select fallback_chains from routing.config), '{"*": ["gpt-4o"], "gpt-4o": []}'::jsonb, 'It sets the plan''s chains too.');
select is(
  (select (changed_by, new_values ->> 'medium_model', old_values ->> 'medium_model', new_values ? 'fallback_chains')::text
   from routing.config_changes order by id desc limit 1),
  '(service_role,claude-3-haiku,claude-haiku-4-5,t)',
  'The switch is one audited change of routing.config: who, and every setting old -> new.');
select is((:'plan_status'::jsonb) ->> 'preset', 'plan-2025', 'The command answers with the preset it applied ...');
select ok((:'plan_status'::jsonb) -> 'model_warnings' @> jsonb_build_array(jsonb_build_object(
    'model', 'claude-3-haiku', 'settings', '["medium_model"]'::jsonb, 'state', 'retired', 'replaced_by', 'claude-haiku-4-5',
    'message', 'claude-3-haiku (medium_model) retired on 2026-04-19: route_model uses claude-haiku-4-5 instead')),
  '... and warns that its medium model is retired and replaced at decision time.');
select tests.clear_authentication();
update routing.models set retires_at = now() + interval '10 days' where model = 'gpt-4o-mini';
select ok((select model_warnings from public.routing_status) @> jsonb_build_array(jsonb_build_object(
    'model', 'gpt-4o-mini', 'state', 'retiring_soon', 'days_to_retirement', 10,
    'settings', '["low_model", "new_agent_model", "anthropic_substitute_model"]'::jsonb,
    'message', format('gpt-4o-mini (low_model, new_agent_model, anthropic_substitute_model) retires on %s, in 10 days: '
                      'route_model will then use gpt-5.6-luna', (timezone('UTC', now() + interval '10 days'))::date))),
  'routing_status warns about a configured model retiring within 30 days, naming every setting that uses it.');
select tests.authenticate_as_service_role();
select is(public.apply_catalog_preset('current') ->> 'model_warnings', '[]',
  'apply_catalog_preset(''current'') goes back to today''s models, with nothing to warn about.');
select is((select medium_model from routing.config), 'claude-haiku-4-5', 'The current preset restores the defaults.');
select is((select count(*) from routing.config_changes where changed_at = now() and changed_by = 'service_role'), 2::bigint,
  'Each switch wrote one audit row.');
select throws_ok($$select public.apply_catalog_preset('plan-2024')$$, '22023', 'preset must be one of: current, plan-2025',
  'An unknown preset is refused with the list of presets.');
select throws_ok($$select public.apply_catalog_preset(null)$$, '22023', 'preset must be one of: current, plan-2025',
  'A missing preset is refused.');
select tests.clear_authentication();
insert into routing.catalog_presets (preset, setting, value) values ('broken', 'low_model', '"gpt-9"');
select tests.authenticate_as_service_role();
select throws_ok($$select public.apply_catalog_preset('broken')$$, '22023',
  'preset broken names "gpt-9" in low_model, which is not an active model of routing.models',
  'A preset naming a model outside the catalog is refused before anything changes.');

-- -----------------------------------------------------------------------------
-- Owner and anon: not operators
-- -----------------------------------------------------------------------------
select tests.authenticate_as('owner');
select throws_ok($$select public.apply_catalog_preset('plan-2025')$$, '42501', 'permission denied for function apply_catalog_preset',
  'A signed-in user may not switch presets.');
select throws_ok($$select * from routing.catalog_presets$$, '42501', 'permission denied for table catalog_presets',
  'A signed-in user cannot read the presets.');
select ok((select count(*) from public.routing_model_lifecycle) >= 10, 'A signed-in user can read the lifecycle of the catalog.');
select tests.authenticate_as_anon();
select throws_ok($$select public.apply_catalog_preset('plan-2025')$$, '42501', 'permission denied for function apply_catalog_preset',
  'Anon may not switch presets.');

-- -----------------------------------------------------------------------------
-- Catalog: comments, RLS, privileges of the new objects
-- -----------------------------------------------------------------------------
select tests.clear_authentication();
select is_empty($$
  select x from unnest(array[
    obj_description('routing.providers'::regclass, 'pg_class'), obj_description('routing.catalog_presets'::regclass, 'pg_class'),
    obj_description('routing.model_events'::regclass, 'pg_class'), obj_description('public.routing_model_lifecycle'::regclass, 'pg_class'),
    obj_description('routing.model_events_model_at_idx'::regclass, 'pg_class'),
    obj_description('public.apply_catalog_preset(text)'::regprocedure, 'pg_proc'),
    obj_description('public.clear_model_unavailable(text, text)'::regprocedure, 'pg_proc'),
    obj_description('routing._targets(text[], text[])'::regprocedure, 'pg_proc'),
    obj_description('routing._lifecycle_state(timestamptz, timestamptz, timestamptz)'::regprocedure, 'pg_proc'),
    obj_description('routing._mark_models_unavailable(uuid)'::regprocedure, 'pg_proc'),
    obj_description('routing._model_warnings(routing.config)'::regprocedure, 'pg_proc'),
    obj_description('routing._substitutions(routing.effective_config, text, boolean)'::regprocedure, 'pg_proc'),
    obj_description('routing._replacement(routing.effective_config, text, text, boolean, text[])'::regprocedure, 'pg_proc'),
    obj_description('routing._is_usable(routing.effective_config, text, boolean)'::regprocedure, 'pg_proc'),
    obj_description('routing._read_cost_savings(routing.config)'::regprocedure, 'pg_proc'),
    obj_description('routing._read_models_unavailable()'::regprocedure, 'pg_proc'),
    obj_description('routing.validate_catalog_preset(text)'::regprocedure, 'pg_proc'),
    obj_description('routing.validate_unavailable_model(text)'::regprocedure, 'pg_proc')]) x
  where x is null
$$, 'Every new table, view, index and function has a comment.');
select is_empty($$
  select a.attrelid::regclass::text || '.' || a.attname from pg_catalog.pg_attribute a
  where a.attrelid in ('routing.models'::regclass, 'routing.catalog_presets'::regclass, 'public.routing_model_lifecycle'::regclass)
    and a.attnum > 0 and not a.attisdropped and col_description(a.attrelid, a.attnum) is null
    and not (a.attrelid = 'public.routing_model_lifecycle'::regclass
             and a.attname in ('model', 'provider', 'wire_id', 'deprecated_at', 'retires_at', 'replaced_by', 'unavailable_since'))
$$, 'Every column of the catalog, the presets and the lifecycle view is commented (the view''s copies where they are new).');
select is_empty($$
  select p.oid::regprocedure::text || ' by ' || r.role from pg_catalog.pg_proc p
  cross join (values ('anon'), ('authenticated')) r(role)
  where p.oid in ('public.apply_catalog_preset(text)'::regprocedure, 'public.clear_model_unavailable(text, text)'::regprocedure,
                  'routing._targets(text[], text[])'::regprocedure, 'routing._mark_models_unavailable(uuid)'::regprocedure,
                  'routing._substitutions(routing.effective_config, text, boolean)'::regprocedure,
                  'routing._model_warnings(routing.config)'::regprocedure)
    and has_function_privilege(r.role, p.oid, 'execute')
$$, 'Neither anon nor signed-in users may execute the new commands or helpers.');

select * from finish();
ROLLBACK;
