-- Providers as data (routing.providers): the seeded two, the rule that keeps a Supabase secret
-- out of any URL, the foreign keys that replaced the lists, and a third provider added by SQL
-- alone that route_model picks and describes in the decision's targets.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(32);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): the named actor owner with a high agent; routing on
-- -----------------------------------------------------------------------------
select tests.reset_routing();
select tests.create_user('owner');
select tests.create_agent('owner', 'Local agent', 8.4, 40, 97.5);

-- -----------------------------------------------------------------------------
-- Database owner: the seeded providers and the keys' rule
-- -----------------------------------------------------------------------------
select results_eq(
  $$select provider, kind, base_url, base_url_env, api_key_env, enabled from routing.providers order by provider$$,
  $$values ('anthropic'::text, 'anthropic'::text, null::text, 'ANTHROPIC_BASE_URL'::text, 'ANTHROPIC_API_KEY'::text, true),
           ('openai', 'openai-compatible', null, 'OPENAI_BASE_URL', 'OPENAI_API_KEY', true)$$,
  'OpenAI and Anthropic are seeded with their kind, the SDK''s default URL, and the env variables of their URL and key.');
select throws_ok(
  $$insert into routing.providers (provider, kind, api_key_env) values ('thief', 'openai-compatible', 'SUPABASE_SERVICE_ROLE_KEY')$$,
  '23514', 'new row for relation "providers" violates check constraint "api_key_env_is_safe"',
  'A provider''s key can never be read from a SUPABASE_ variable, so no row sends a Supabase secret to a URL.');
select throws_ok(
  $$update routing.providers set api_key_env = 'SUPABASE_ANON_KEY' where provider = 'openai'$$,
  '23514', 'new row for relation "providers" violates check constraint "api_key_env_is_safe"',
  'An existing provider cannot be pointed at a SUPABASE_ variable either.');
select throws_ok(
  $$insert into routing.providers (provider, kind, api_key_env) values ('thief', 'openai-compatible', 'DATABASE_URL')$$,
  '23514', 'new row for relation "providers" violates check constraint "api_key_env_is_safe"',
  'Nor from one of the function''s own secrets (DATABASE_URL, JWT_SECRET, JWKS_URL).');
select throws_ok(
  $$insert into routing.providers (provider, kind, api_key_env) values ('lower', 'openai-compatible', 'my_key')$$,
  '23514', 'new row for relation "providers" violates check constraint "api_key_env_is_safe"',
  'The key''s variable must be an upper-case env name ^[A-Z][A-Z0-9_]*$.');
select throws_ok(
  $$insert into routing.providers (provider, kind, base_url_env, api_key_env) values ('thief', 'openai-compatible', 'SUPABASE_URL', 'THIEF_KEY')$$,
  '23514', 'new row for relation "providers" violates check constraint "base_url_env_is_safe"',
  'The URL cannot be taken from a SUPABASE_ variable.');
select throws_ok(
  $$insert into routing.providers (provider, kind, api_key_env) values ('gemini', 'gemini', 'GEMINI_API_KEY')$$,
  '23514', 'new row for relation "providers" violates check constraint "providers_kind_check"',
  'A provider speaks one of the two wire protocols the function knows: openai-compatible or anthropic.');
select throws_ok(
  $$insert into routing.providers (provider, kind, base_url, api_key_env) values ('ftp', 'openai-compatible', 'ftp://x', 'FTP_KEY')$$,
  '23514', 'new row for relation "providers" violates check constraint "providers_base_url_check"',
  'A base URL is an http(s) URL.');

-- -----------------------------------------------------------------------------
-- Database owner: every former provider list is a foreign key to routing.providers
-- -----------------------------------------------------------------------------
select set_eq(
  $$select conrelid::regclass::text || '.' || a.attname
    from pg_catalog.pg_constraint c
    join pg_catalog.pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
    where c.contype = 'f' and c.confrelid = 'routing.providers'::regclass$$,
  $$values ('routing.models.provider'), ('routing.config.force_provider'), ('routing.provider_breakers.provider')$$,
  'The catalog, the forced provider and the breakers reference routing.providers by foreign key (decisions, calls and '
  'attempts by routing._keep_decided_catalog: 16_route_model_audit, 68_recorded_catalog_names).');
select is_empty(
  $$select conrelid::regclass::text from pg_catalog.pg_constraint
    where connamespace = 'routing'::regnamespace and contype = 'c' and pg_get_constraintdef(oid) like '%''anthropic''%'
      and conname <> 'providers_kind_check'$$,
  'No check constraint spells the providers again (only the wire protocols name anthropic).');

-- -----------------------------------------------------------------------------
-- Service role: a third provider, its model and its price, by SQL alone
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select lives_ok($$
  insert into routing.providers (provider, kind, base_url, base_url_env, api_key_env, description)
  values ('local', 'openai-compatible', 'http://127.0.0.1:8080/v1', 'LOCAL_LLM_BASE_URL', 'LOCAL_LLM_API_KEY', 'A local model server');
  insert into routing.models (model, provider, wire_id, context_window, max_output_tokens, supports_tools, sampling, description)
  values ('local-llama', 'local', 'llama-3.3-70b-instruct', 131072, 8192, true, 'any', 'A model of the local server');
  insert into routing.model_prices (model, effective_from, input_per_mtok, output_per_mtok, cached_input_per_mtok, cache_write_per_mtok)
  values ('local-llama', now() - interval '1 day', 0.10, 0.20, 0, 0)$$,
  'The service role adds a provider, a model and its price with three inserts.');
select is((select (state, consecutive_failures)::text from routing.provider_breakers where provider = 'local'), '(closed,0)',
  'The new provider got its own closed circuit breaker.');
select is(public.set_agent_model_preference(tests.get_agent_id('Local agent'), 'local-llama') ->> 'model_preference', 'local-llama',
  'An agent may prefer the new model.');

select public.route_model(tests.get_agent_id('Local agent')) as local_decision \gset
select is((:'local_decision'::jsonb) ->> 'model', 'local-llama', 'route_model picks the new model by the agent''s preference.');
select is((:'local_decision'::jsonb) ->> 'provider', 'local', 'The decision names the new provider.');
select is((:'local_decision'::jsonb) -> 'targets' -> 0,
  '{"model": "local-llama", "provider": "local", "provider_kind": "openai-compatible", "wire_id": "llama-3.3-70b-instruct",
    "base_url": "http://127.0.0.1:8080/v1", "base_url_env": "LOCAL_LLM_BASE_URL", "api_key_env": "LOCAL_LLM_API_KEY",
    "context_window": 131072, "max_output_tokens": 8192, "supports_tools": true, "supports_images": false,
    "supports_pdf": false, "supports_json_schema": false, "supports_prefill": false, "sampling": "any",
    "reasoning_effort": "unsupported"}'::jsonb,
  'Its target says how to call it: the provider''s kind, base URL and key variable, the model''s wire id, limits and capabilities.');
select is((:'local_decision'::jsonb) -> 'targets' -> 1 ->> 'model', tests.configured_model('premium_model'),
  'The fallback chain ("*": the premium model) follows it in the targets.');
select is((:'local_decision'::jsonb) -> 'breakers', '{"local": "closed", "openai": "closed"}'::jsonb,
  'The breakers of the decision include the new provider''s.');
select is(
  public.record_completion(((:'local_decision'::jsonb) ->> 'decision_id')::uuid,
    '{"status": "succeeded", "model": "local-llama", "provider": "local",
      "attempts": [{"model": "local-llama", "provider": "local", "status": 200, "input_tokens": 1000000, "output_tokens": 1000000}]}')
  ->> 'cost_usd', '0.3', 'record_completion records and prices a call of the new provider.');
select is(
  public.route_model(tests.get_agent_id('Local agent'), null, '{"FORCE_MODEL": "local-llama", "FORCE_PROVIDER": "local"}') ->> 'provider',
  'local', 'FORCE_PROVIDER accepts any enabled provider of routing.providers.');

update routing.providers set enabled = false where provider = 'local';
select public.route_model(tests.get_agent_id('Local agent')) as disabled_decision \gset
select is((:'disabled_decision'::jsonb) -> 'adjustments',
  jsonb_build_array(jsonb_build_object('from', 'local-llama', 'to', tests.configured_model('premium_model'), 'why', 'provider_disabled:local')),
  'A provider disabled in the table has its models replaced (the next usable model of the chain), and says so.');
select is((:'disabled_decision'::jsonb) -> 'fallback_chain', '[]'::jsonb,
  'The replacement''s own chain holds nothing of the disabled provider.');
select is(
  public.route_model(tests.get_agent_id('Local agent'), null, '{"FORCE_MODEL": "gpt-5.6-terra", "FORCE_PROVIDER": "local"}') -> 'warnings',
  '["FORCE_PROVIDER=local ignored: expected a provider of routing.providers"]'::jsonb,
  'FORCE_PROVIDER refuses a disabled provider, with the documented warning.');
select is(
  (select count(*) from routing.decisions where agent_id = tests.get_agent_id('Local agent')), 4::bigint,
  'Each of these decisions wrote its one audit row.');

-- A model added without its wire details is sent under its own name, with the safest limits.
insert into routing.models (model, provider, description) values ('bare-model', 'openai', 'no details');
select is((select (wire_id, max_output_tokens, supports_tools, supports_prefill, sampling)::text from routing.models where model = 'bare-model'),
  '(bare-model,4096,f,f,any)', 'A model inserted with only its name and provider gets its name as wire id and the smallest output limit.');

-- -----------------------------------------------------------------------------
-- Owner: reads the catalog, not the providers; writes neither
-- -----------------------------------------------------------------------------
select tests.authenticate_as('owner');
select throws_ok($$select * from routing.providers$$, '42501', 'permission denied for table providers',
  'A signed-in user cannot read the providers.');
select throws_ok($$insert into routing.providers (provider, kind, api_key_env) values ('mine', 'anthropic', 'MINE_KEY')$$,
  '42501', 'permission denied for table providers', 'A signed-in user cannot add a provider.');
select throws_ok($$update routing.models set wire_id = 'x' where model = 'gpt-5.6-sol'$$,
  '42501', 'permission denied for table models', 'A signed-in user cannot change the catalog.');
select ok((select count(*) from routing.models) > 0, 'A signed-in user can read the catalog.');

-- -----------------------------------------------------------------------------
-- Anon: nothing
-- -----------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$select * from routing.providers$$, '42501', 'permission denied for schema routing',
  'Anon cannot read the providers.');

-- -----------------------------------------------------------------------------
-- Catalog: RLS and comments
-- -----------------------------------------------------------------------------
select tests.clear_authentication();
select ok((select relrowsecurity from pg_catalog.pg_class where oid = 'routing.providers'::regclass),
  'Row level security is on for routing.providers.');
select is_empty(
  $$select a.attname from pg_catalog.pg_attribute a
    where a.attrelid = 'routing.providers'::regclass and a.attnum > 0 and not a.attisdropped
      and col_description(a.attrelid, a.attnum) is null$$,
  'Every column of routing.providers is commented.');

select * from finish();
ROLLBACK;
