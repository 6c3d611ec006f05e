-- The decision's targets: primary first, then the fallback chain in order (after adjustments,
-- also on replays), each saying how to call the model (provider kind, base URL, env variables of
-- the URL and the key, wire id) and what it accepts (limits, capabilities, sampling).
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(11);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): the named actor owner with a medium agent; the defaults of a fresh install
-- -----------------------------------------------------------------------------
select tests.reset_routing();
select tests.create_user('owner');
select tests.create_agent('owner', 'medium agent', 5.2, 40, 97.5);

-- -----------------------------------------------------------------------------
-- Service role (the edge function)
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select public.route_model(tests.get_agent_id('medium agent'), 'exec-18') as decision \gset
select is((:'decision'::jsonb) -> 'targets',
  '[{"model": "claude-haiku-4-5", "provider": "anthropic", "provider_kind": "anthropic", "wire_id": "claude-haiku-4-5-20251001",
     "base_url": null, "base_url_env": "ANTHROPIC_BASE_URL", "api_key_env": "ANTHROPIC_API_KEY",
     "context_window": 200000, "max_output_tokens": 64000, "supports_tools": true, "supports_images": true,
     "supports_pdf": true, "supports_json_schema": true, "supports_prefill": true, "sampling": "temperature_or_top_p",
     "reasoning_effort": "unsupported"},
    {"model": "gpt-5.6-sol", "provider": "openai", "provider_kind": "openai-compatible", "wire_id": "gpt-5.6-sol",
     "base_url": null, "base_url_env": "OPENAI_BASE_URL", "api_key_env": "OPENAI_API_KEY",
     "context_window": 1050000, "max_output_tokens": 128000, "supports_tools": true, "supports_images": true,
     "supports_pdf": true, "supports_json_schema": true, "supports_prefill": false, "sampling": "effort_none",
     "reasoning_effort": "none_with_tools"}]'::jsonb,
  'A medium decision of a fresh install targets Claude Haiku 4.5 by its dated wire id, then Sol, each with how to call it.');
select is(
  (select array_agg(k order by k) from jsonb_object_keys((:'decision'::jsonb) -> 'targets' -> 0) k),
  array['api_key_env', 'base_url', 'base_url_env', 'context_window', 'max_output_tokens', 'model', 'provider', 'provider_kind',
        'reasoning_effort', 'sampling', 'supports_images', 'supports_json_schema', 'supports_pdf', 'supports_prefill',
        'supports_tools', 'wire_id'],
  'Every target has exactly the sixteen documented keys.');
select is(
  (select jsonb_agg(t ->> 'model' order by o) from jsonb_array_elements((:'decision'::jsonb) -> 'targets') with ordinality a(t, o)),
  jsonb_build_array((:'decision'::jsonb) ->> 'model') || ((:'decision'::jsonb) -> 'fallback_chain'),
  'The targets are the primary, then the fallback chain in order.');
select is(
  (select jsonb_agg(t ->> 'provider' order by o) from jsonb_array_elements((:'decision'::jsonb) -> 'targets') with ordinality a(t, o)),
  jsonb_build_array((:'decision'::jsonb) ->> 'provider') || ((:'decision'::jsonb) -> 'fallback_providers'),
  'Each target''s provider is the decision''s provider, then the fallback providers.');
select is(
  public.route_model(tests.get_agent_id('medium agent'), 'exec-18', '{"ENABLE_ANTHROPIC_PROVIDER": "false"}') -> 'targets',
  (:'decision'::jsonb) -> 'targets', 'A replay returns the same targets.');
select is((select count(*) from routing.decisions where agent_id = tests.get_agent_id('medium agent')), 1::bigint,
  'The decision and its replay wrote one audit row.');

select public.route_model(tests.get_agent_id('medium agent'), null, '{"ENABLE_ANTHROPIC_PROVIDER": "false"}') as adjusted \gset
select is((:'adjusted'::jsonb) -> 'targets' -> 0 ->> 'model', tests.configured_model('anthropic_substitute_model'),
  'After an adjustment the first target is the model that will answer.');
select is(
  (public.route_model(tests.get_agent_id('medium agent'), null, '{"FORCE_MODEL": "claude-haiku-4-5", "FORCE_PROVIDER": "openai"}')
    -> 'targets' -> 0) - array['context_window', 'max_output_tokens', 'supports_tools', 'supports_images', 'supports_pdf',
                               'supports_json_schema', 'supports_prefill', 'sampling', 'reasoning_effort'],
  '{"model": "claude-haiku-4-5", "provider": "openai", "provider_kind": "openai-compatible", "wire_id": "claude-haiku-4-5-20251001",
    "base_url": null, "base_url_env": "OPENAI_BASE_URL", "api_key_env": "OPENAI_API_KEY"}'::jsonb,
  'A forced provider serves the forced model: the target is that provider''s, with the model''s wire id.');

-- -----------------------------------------------------------------------------
-- Owner: a user's own decision carries the same targets (env names, never a secret)
-- -----------------------------------------------------------------------------
select tests.authenticate_as('owner');
select public.route_model(tests.get_agent_id('medium agent')) as own \gset
select is((:'own'::jsonb) -> 'targets', (:'decision'::jsonb) -> 'targets',
  'A signed-in user''s decision lists the same targets.');
select ok(not (:'own'::jsonb)::text ~ 'sk-|SUPABASE_', 'No target names a Supabase variable or holds a key.');
select tests.clear_authentication();
select is((select count(*) from routing.decisions where agent_id = tests.get_agent_id('medium agent')), 4::bigint,
  'Each of the four decisions (the replay aside) wrote its one audit row.');

select * from finish();
ROLLBACK;
