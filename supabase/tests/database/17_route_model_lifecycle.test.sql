-- Lifecycle at decision time: route_model never picks a model past its retires_at, marked
-- unavailable, or of a provider disabled in routing.providers, whatever chose it (tier,
-- preference, forced, baseline); it takes replaced_by (followed, cycle-safe), else the next
-- usable model of the chain, else the baseline, and says so in the adjustments. Retirement
-- days in the fixtures are relative to now, so the test does not age.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(30);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): the named actor owner with a low, a medium, a high agent and one
-- preferring the plan's claude-3-5-haiku; the defaults of a fresh install
-- -----------------------------------------------------------------------------
select tests.reset_routing();
select tests.create_user('owner');
select tests.create_agent('owner', 'low agent', 2.1, 40, 97.5),
       tests.create_agent('owner', 'medium agent', 5.2, 40, 97.5),
       tests.create_agent('owner', 'high agent', 8.4, 40, 97.5),
       tests.create_agent('owner', 'haiku 3.5 fan', 8.4, 40, 97.5, 'claude-3-5-haiku');

create function pg_temp.route(agent text, env jsonb default null) returns jsonb language sql as $$
  select public.route_model(tests.get_agent_id(agent), null, env)
$$;
-- What an adjustment's why says for a model retired at a time.
create function pg_temp.retired(at timestamptz) returns text language sql as $$
  select 'retired:' || to_char(timezone('UTC', at), 'YYYY-MM-DD')
$$;
grant execute on function pg_temp.route(text, jsonb), pg_temp.retired(timestamptz) to service_role, authenticated;

-- -----------------------------------------------------------------------------
-- Service role: the plan's catalog today
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select public.apply_catalog_preset('plan-2025');
select is(pg_temp.route('medium agent') ->> 'model', 'claude-haiku-4-5',
  'On the plan''s catalog today the medium tier''s retired claude-3-haiku is replaced by its successor.');
select is(pg_temp.route('medium agent') -> 'adjustments',
  '[{"from": "claude-3-haiku", "to": "claude-haiku-4-5", "why": "retired:2026-04-19"}]'::jsonb,
  'The replacement is an adjustment naming the retirement day.');
select is(pg_temp.route('medium agent') ->> 'reason', 'tier', 'The reason stays the tier rule.');
select is(
  (select d.adjustments from routing.decisions d where d.agent_id = tests.get_agent_id('medium agent') order by d.created_at desc, d.id limit 1),
  '[{"from": "claude-3-haiku", "to": "claude-haiku-4-5", "why": "retired:2026-04-19"}]'::jsonb,
  'The audit row records the adjustment.');
select is(pg_temp.route('medium agent') -> 'targets' -> 0 ->> 'wire_id', 'claude-haiku-4-5-20251001',
  'The targets describe the model that will answer, not the retired one.');
select public.apply_catalog_preset('current');

-- -----------------------------------------------------------------------------
-- Service role: replaced_by, followed and cycle-safe; else the chain, else the baseline
-- -----------------------------------------------------------------------------
select tests.clear_authentication();
update routing.models set retires_at = now() - interval '1 day', replaced_by = 'gpt-5.6-terra' where model = 'gpt-5.6-luna';
select tests.authenticate_as_service_role();
select is(pg_temp.route('low agent') -> 'adjustments',
  jsonb_build_array(jsonb_build_object('from', 'gpt-5.6-luna', 'to', 'gpt-5.6-terra', 'why', pg_temp.retired(now() - interval '1 day'))),
  'A retired low model is replaced by its replaced_by.');
select tests.clear_authentication();
update routing.models set unavailable_since = now(), unavailable_reason = 'test', replaced_by = 'gpt-5.6-sol' where model = 'gpt-5.6-terra';
select tests.authenticate_as_service_role();
select is(pg_temp.route('low agent') -> 'adjustments',
  jsonb_build_array(jsonb_build_object('from', 'gpt-5.6-luna', 'to', 'gpt-5.6-sol', 'why', pg_temp.retired(now() - interval '1 day'))),
  'replaced_by is followed past an unusable replacement to a usable one.');
select tests.clear_authentication();
update routing.models set replaced_by = 'gpt-5.6-luna', unavailable_since = null, unavailable_reason = null,
                          retires_at = now() - interval '1 day' where model = 'gpt-5.6-terra';
update routing.config set fallback_chains = '{"*": ["gpt-5.6-terra", "claude-sonnet-5-5"], "gpt-5.6-sol": []}';
select tests.authenticate_as_service_role();
select is(pg_temp.route('low agent') ->> 'model', 'claude-sonnet-5-5',
  'A replaced_by cycle (luna <-> terra, both retired) ends, and the next usable model of the chain answers.');
select is(pg_temp.route('low agent') -> 'fallback_chain', '[]'::jsonb,
  'The replacement''s chain drops the retired models (and itself).');
select tests.clear_authentication();
update routing.config set fallback_chains = '{"*": []}';
update routing.models set replaced_by = null where model in ('gpt-5.6-luna', 'gpt-5.6-terra');
select tests.authenticate_as_service_role();
select is(pg_temp.route('low agent') -> 'adjustments',
  jsonb_build_array(jsonb_build_object('from', 'gpt-5.6-luna', 'to', tests.configured_model('baseline_model'),
                                       'why', pg_temp.retired(now() - interval '1 day'))),
  'Without replaced_by and chain, the baseline answers.');
select tests.clear_authentication();
update routing.config set baseline_model = 'gpt-5.6-luna';
select tests.authenticate_as_service_role();
select is(pg_temp.route('low agent') -> 'warnings',
  jsonb_build_array(format('gpt-5.6-luna may not be used (%s) and no usable replacement is configured: keeping it',
                           pg_temp.retired(now() - interval '1 day'))),
  'When nothing usable is configured the model is kept, and the decision warns.');
select tests.clear_authentication();
update routing.models set retires_at = null where model in ('gpt-5.6-luna', 'gpt-5.6-terra');
update routing.config set baseline_model = default, fallback_chains = default;

-- -----------------------------------------------------------------------------
-- Service role: every source of the model
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select is(pg_temp.route('haiku 3.5 fan') -> 'adjustments',
  '[{"from": "claude-3-5-haiku", "to": "claude-haiku-4-5", "why": "retired:2026-02-19"}]'::jsonb,
  'A preference for a retired model is replaced too (reason agent_preference kept).');
select is(pg_temp.route('haiku 3.5 fan') ->> 'reason', 'agent_preference', 'The preference is still the reason.');
select is(
  (select (r ->> 'reason', r ->> 'model', r ->> 'provider', r -> 'adjustments' -> 0 ->> 'why')::text
   from (select pg_temp.route('low agent', '{"FORCE_MODEL": "gpt-3.5-turbo"}') as r) x),
  '(forced,gpt-5.6-terra,openai,retired:2026-10-23)',
  'A forced model the provider no longer serves is replaced: an id it does not serve cannot answer.');
select is(pg_temp.route('low agent', '{"FORCE_MODEL": "claude-3-haiku", "FORCE_PROVIDER": "openai"}') ->> 'provider', 'anthropic',
  'FORCE_PROVIDER served the forced model, not its replacement, which goes to its own provider.');
select tests.clear_authentication();
update routing.config set baseline_model = 'gpt-3.5-turbo', enabled = false;
select tests.authenticate_as_service_role();
select is(
  (select (r ->> 'cohort', r ->> 'model', r ->> 'baseline_model', r -> 'adjustments' -> 0 ->> 'why')::text
   from (select pg_temp.route('high agent') as r) x),
  '(disabled,gpt-5.6-terra,gpt-3.5-turbo,retired:2026-10-23)',
  'A retired baseline is replaced as the disabled cohort''s model, and stays the price savings are measured against.');
select tests.clear_authentication();
update routing.config set baseline_model = default, medium_model = 'claude-3-haiku';
select tests.authenticate_as_service_role();
select is(pg_temp.route('medium agent') ->> 'shadow_model', 'claude-haiku-4-5',
  'A shadow choice is the model that would answer: a retired shadow is replaced too.');
select tests.clear_authentication();
update routing.config set medium_model = default, enabled = true;

-- -----------------------------------------------------------------------------
-- Service role: unavailable models and chains
-- -----------------------------------------------------------------------------
update routing.models set unavailable_since = now(), unavailable_reason = 'anthropic answered 404 for wire id claude-haiku-4-5-20251001'
 where model = 'claude-haiku-4-5';
select tests.authenticate_as_service_role();
select is(pg_temp.route('medium agent') -> 'adjustments',
  jsonb_build_array(jsonb_build_object('from', 'claude-haiku-4-5', 'to', tests.configured_model('premium_model'), 'why', 'unavailable')),
  'An unavailable medium model is avoided: the next usable model of its chain answers, and the adjustment says unavailable.');
select ok((select model_warnings from public.routing_status) @> jsonb_build_array(jsonb_build_object(
    'model', 'claude-haiku-4-5', 'state', 'unavailable', 'settings', '["medium_model"]'::jsonb)),
  'routing_status warns about the configured model that is unavailable.');
select alike((select model_warnings -> 0 ->> 'message' from public.routing_status),
  'claude-haiku-4-5 (medium_model) is unavailable since % UTC (anthropic answered 404 for wire id claude-haiku-4-5-20251001): route_model avoids it until public.clear_model_unavailable',
  'The warning says since when, why, and how to clear it.');
select tests.clear_authentication();
update routing.models set unavailable_since = null, unavailable_reason = null where model = 'claude-haiku-4-5';
update routing.config set fallback_chains = '{"*": ["gpt-3.5-turbo", "claude-sonnet-5-5", "gpt-5.6-sol"]}';
select tests.authenticate_as_service_role();
select is(pg_temp.route('low agent') -> 'fallback_chain', '["claude-sonnet-5-5", "gpt-5.6-sol"]'::jsonb,
  'A retired model is dropped from a fallback chain.');
select tests.clear_authentication();
update routing.models set unavailable_since = now(), unavailable_reason = 'test' where model = 'claude-sonnet-5-5';
select tests.authenticate_as_service_role();
select is(pg_temp.route('low agent') -> 'fallback_chain', '["gpt-5.6-sol"]'::jsonb, 'An unavailable model is dropped too.');
select is((select jsonb_agg(t ->> 'model') from jsonb_array_elements(pg_temp.route('low agent') -> 'targets') t),
  jsonb_build_array(tests.configured_model('low_model'), 'gpt-5.6-sol'),
  'The targets are the primary and the chain without the dropped models.');
select tests.clear_authentication();
update routing.models set unavailable_since = null, unavailable_reason = null where model = 'claude-sonnet-5-5';
update routing.config set fallback_chains = default;

-- -----------------------------------------------------------------------------
-- Service role: a provider disabled in routing.providers
-- -----------------------------------------------------------------------------
update routing.providers set enabled = false where provider = 'anthropic';
select tests.authenticate_as_service_role();
select is(pg_temp.route('medium agent') -> 'adjustments',
  jsonb_build_array(jsonb_build_object('from', tests.configured_model('medium_model'), 'to', tests.configured_model('anthropic_substitute_model'),
                                       'why', 'provider_disabled:anthropic')),
  'Anthropic disabled in the table is treated as ENABLE_ANTHROPIC_PROVIDER=false: its substitute answers, and says why.');
select is(pg_temp.route('medium agent', '{"ENABLE_ANTHROPIC_PROVIDER": "true"}') ->> 'model', tests.configured_model('anthropic_substitute_model'),
  'The environment cannot switch on a provider the table disabled.');
select is(pg_temp.route('low agent', '{"FORCE_MODEL": "claude-sonnet-5-5"}') -> 'adjustments' -> 0 ->> 'why', 'provider_disabled:anthropic',
  'A forced model of a provider disabled in the table is replaced (the env switch alone never moves a forced model).');
select is(pg_temp.route('low agent', '{"FORCE_MODEL": "claude-sonnet-5-5"}') ->> 'reason', 'forced', 'The decision stays forced.');
select is(
  (select count(*) from jsonb_array_elements(pg_temp.route('high agent') -> 'targets') t where t ->> 'provider' = 'anthropic'),
  0::bigint, 'No target of a decision is a model of a disabled provider.');

-- -----------------------------------------------------------------------------
-- Owner: their own decision is adjusted the same way
-- -----------------------------------------------------------------------------
select tests.authenticate_as('owner');
select is(public.route_model(tests.get_agent_id('medium agent')) -> 'adjustments' -> 0 ->> 'why', 'provider_disabled:anthropic',
  'A signed-in user''s direct route_model gets the same lifecycle adjustments.');
select tests.clear_authentication();
update routing.providers set enabled = true where provider = 'anthropic';
select tests.authenticate_as('owner');
select is(public.route_model(tests.get_agent_id('medium agent')) -> 'adjustments', '[]'::jsonb,
  'Once the provider is enabled again nothing is adjusted.');

select * from finish();
ROLLBACK;
