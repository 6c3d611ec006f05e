-- The overridable settings (routing.overridable_settings): the one list of environment
-- overrides of ROUTING-SPEC §3, read by one loop in routing._effective_config, so a row is
-- an override: adding one makes route_model honour it, deleting one makes it unknown.
-- The effective configuration is built by name from routing.config.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(17);

select tests.reset_routing();

-- -----------------------------------------------------------------------------
-- Database owner: the list
-- -----------------------------------------------------------------------------
select results_eq(
  $$select env_var, setting, value_type, min_value, max_value from routing.overridable_settings order by env_var$$,
  $$values ('ENABLE_ANTHROPIC_PROVIDER'::text, 'anthropic_enabled'::text, 'boolean'::text, null::numeric, null::numeric),
           ('ENABLE_INTELLIGENT_ROUTING', 'routing_enabled', 'routing_switch', null, null),
           ('ENABLE_OPENAI_MINI', 'openai_mini_enabled', 'boolean', null, null),
           ('FORCE_MODEL', 'force_model', 'model', null, null),
           ('FORCE_PROVIDER', 'force_provider', 'provider', null, null),
           ('ROUTING_LOG_LEVEL', 'log_level', 'log_level', null, null),
           ('ROUTING_LOW_THRESHOLD', 'low_threshold', 'numeric', 0, 10),
           ('ROUTING_MEDIUM_THRESHOLD', 'medium_threshold', 'numeric', 0, 10),
           ('ROUTING_MIN_EXECUTIONS', 'min_executions', 'integer', 0, 1000000),
           ('ROUTING_MIN_SUCCESS_RATE', 'min_success_rate', 'numeric', 0, 100),
           ('ROUTING_PERCENTAGE', 'rollout_percentage', 'integer', 0, 100)$$,
  'The eleven environment variables of ROUTING-SPEC §3, each with the field it sets, its type and bounds.');
select is_empty($$
  select s.setting from routing.overridable_settings s
  where not exists (select 1 from pg_catalog.pg_attribute a
                    where a.attrelid = 'routing.effective_config'::regclass and a.attname = s.setting and not a.attisdropped)
$$, 'Every setting names a field of routing.effective_config.');
select is_empty($$select env_var from routing.overridable_settings where btrim(description) = ''$$,
  'Every overridable setting is described.');
select throws_ok(
  $$insert into routing.overridable_settings (env_var, setting, value_type, description)
    values ('ROUTING_MAX_RETRIES', 'max_retries', 'integer', 'no bounds')$$,
  '23514', null, 'An integer or numeric setting needs its bounds.');

-- -----------------------------------------------------------------------------
-- Database owner: the effective configuration is routing.config by name
-- -----------------------------------------------------------------------------
update routing.config set rollout_percentage = 37, low_threshold = 3.5, max_retries = 4, log_level = 'warn',
  fallback_chains = '{"*": ["gpt-4o", "claude-3-5-haiku"]}' where id;
select is_empty($$
  select e.key from routing.config c, jsonb_each(to_jsonb(routing._effective_config(null::jsonb))) e
  where to_jsonb(c) ? e.key and to_jsonb(c) -> e.key is distinct from e.value
$$, 'Every field of the effective config named like a routing.config column has that column''s value.');
select is(
  (select (x.routing_enabled, x.disabled_by, x.forced_by, x.warnings)::text from routing._effective_config(null::jsonb) x),
  '(t,,,[])', 'Without overrides routing is as configured, nothing is forced and nothing is warned.');

-- -----------------------------------------------------------------------------
-- Database owner: one row, one override, read by the loop
-- -----------------------------------------------------------------------------
insert into routing.overridable_settings (env_var, setting, value_type, min_value, max_value, description) values
  ('ROUTING_MAX_RETRIES', 'max_retries', 'integer', 0, 10, 'A test override: retries of the same model.'),
  ('ROUTING_HIGH_MODEL', 'high_model', 'model', null, null, 'A test override: the model of the high tier.');
select is((routing._effective_config('{"ROUTING_MAX_RETRIES": "7"}'::jsonb)).max_retries, 7,
  'A new integer row is honoured: ROUTING_MAX_RETRIES=7 sets max_retries.');
select is((routing._effective_config('{"ROUTING_MAX_RETRIES": "11"}'::jsonb)).warnings,
  '["ROUTING_MAX_RETRIES=11 ignored: expected an integer from 0 to 10"]'::jsonb,
  'A new row''s bounds come from the table, in the same words as every other setting.');
select is((routing._effective_config('{"ROUTING_MAX_RETRIES": "011"}'::jsonb)).max_retries, 4,
  'The upper bound''s digits bound the input: 011 is not read for a bound of 10.');

create temp table ids (name text primary key, id uuid not null) on commit drop;
insert into ids values ('owner', tests.create_user('owner05@example.com'));
insert into ids select 'agent', tests.create_agent((select id from ids where name = 'owner'), 'High agent', 8.4, 40, 97.5);
select is(
  (select public.route_model((select id from ids where name = 'agent'), null, '{"ROUTING_HIGH_MODEL": "claude-sonnet-5-5", "ROUTING_PERCENTAGE": "100"}') ->> 'model'),
  'claude-sonnet-5-5', 'route_model honours a new model row: the high tier goes to ROUTING_HIGH_MODEL.');

delete from routing.overridable_settings where env_var = 'ROUTING_PERCENTAGE';
select is(
  (select (x.rollout_percentage, x.warnings)::text from routing._effective_config('{"ROUTING_PERCENTAGE": "5"}'::jsonb) x),
  '(37,"[""ROUTING_PERCENTAGE ignored: not a routing setting""]")',
  'Without its row a variable is not a routing setting any more, and its value is not echoed.');

-- -----------------------------------------------------------------------------
-- Database owner: each value type, and the rules across settings
-- -----------------------------------------------------------------------------
select is(
  (routing._effective_config('{"ENABLE_ANTHROPIC_PROVIDER": "off", "ENABLE_OPENAI_MINI": "maybe", "ROUTING_LOG_LEVEL": "DEBUG",
                               "FORCE_PROVIDER": "Azure", "ROUTING_MIN_SUCCESS_RATE": "90.5"}'::jsonb)).warnings,
  '["FORCE_PROVIDER=Azure ignored: expected a provider of routing.providers",
    "ENABLE_OPENAI_MINI=maybe ignored: expected true or false (also 1/0, yes/no, on/off)"]'::jsonb,
  'Booleans, providers, log levels and numbers are read by their type; only the invalid ones are named, in key order.');
select is(
  (select (x.anthropic_enabled, x.openai_mini_enabled, x.log_level, x.min_success_rate)::text
   from routing._effective_config('{"ENABLE_ANTHROPIC_PROVIDER": "off", "ENABLE_OPENAI_MINI": "maybe", "ROUTING_LOG_LEVEL": "DEBUG",
                                    "ROUTING_MIN_SUCCESS_RATE": "90.5"}'::jsonb) x),
  '(f,t,debug,90.5)', 'The valid values are set, the invalid one leaves the configured value.');
select is(
  (select (x.routing_enabled, x.disabled_by, x.warnings)::text
   from routing._effective_config('{"ENABLE_INTELLIGENT_ROUTING": "perhaps"}'::jsonb) x),
  '(f,ENABLE_INTELLIGENT_ROUTING,"[""ENABLE_INTELLIGENT_ROUTING=perhaps invalid, routing off: expected true or false (also 1/0, yes/no, on/off)""]")',
  'The routing switch is off when its value cannot be read, and names the variable that switched it off.');
select is(
  (select (x.force_model, x.force_provider, x.forced_by)::text
   from routing._effective_config('{"FORCE_MODEL": "Claude-3-Haiku"}'::jsonb) x),
  '(claude-3-haiku,anthropic,FORCE_MODEL)',
  'A forced model is read in any case, served by its catalog provider, and forced by its variable.');

-- -----------------------------------------------------------------------------
-- Catalog: private helpers, a readable list, wide rows built by name
-- -----------------------------------------------------------------------------
select ok(
  (select relrowsecurity from pg_catalog.pg_class where oid = 'routing.overridable_settings'::regclass)
  and has_table_privilege('service_role', 'routing.overridable_settings', 'select')
  and not has_table_privilege('service_role', 'routing.overridable_settings', 'insert')
  and not has_table_privilege('authenticated', 'routing.overridable_settings', 'select')
  and not has_table_privilege('anon', 'routing.overridable_settings', 'select')
  and not has_function_privilege('service_role', 'routing._parse_override(text, numeric, numeric, text, jsonb, text[])', 'execute')
  and not has_function_privilege('authenticated', 'routing._effective_config(jsonb)', 'execute'),
  'RLS is on, the service role may read the list (and write none of it), and the parsing helpers are private.');

select is_empty($$
  select p.oid::regprocedure::text from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
  where n.nspname in ('public', 'routing') and p.prosrc ~* '\mrow\('
$$, 'No function in public or routing builds a composite with a positional row(...): wide types are built by name.');

select * from finish();
ROLLBACK;
