-- Spec §2 rule 9 and §5: disabled providers, open circuits, the half-open trial, fallback chains.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(31);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): the named actor owner with a low (2.1), a medium (5.2) and a high (8.4) agent; routing on
-- -----------------------------------------------------------------------------
select tests.create_user('owner');
select tests.create_agent('owner', 'low agent', 2.1, 40, 97.5),
       tests.create_agent('owner', 'medium agent', 5.2, 40, 97.5),
       tests.create_agent('owner', 'high agent', 8.4, 40, 97.5);
select tests.reset_routing();
update routing.config set breaker_cooldown_seconds = 60;

-- Agent 1 is the low agent, 2 the medium, 3 the high one.
create function pg_temp.route(n integer, env jsonb default null) returns jsonb language sql as $$
  select public.route_model(tests.get_agent_id((array['low agent', 'medium agent', 'high agent'])[n]), null, env)
$$;

-- -----------------------------------------------------------------------------
-- Provider disabled: config and env
-- -----------------------------------------------------------------------------
select is(pg_temp.route(2) -> 'breakers', '{"anthropic": "closed", "openai": "closed"}'::jsonb,
  'With every circuit closed the breakers of the providers involved are closed.');
select is(pg_temp.route(2, '{"ENABLE_ANTHROPIC_PROVIDER": "false"}') ->> 'model', tests.configured_model('anthropic_substitute_model'),
  'With env ENABLE_ANTHROPIC_PROVIDER=false the medium agent gets the Anthropic substitute.');
select is(pg_temp.route(2, '{"ENABLE_ANTHROPIC_PROVIDER": "false"}') -> 'adjustments',
  jsonb_build_array(jsonb_build_object('from', tests.configured_model('medium_model'),
                                       'to', tests.configured_model('anthropic_substitute_model'), 'why', 'provider_disabled:anthropic')),
  'The substitution is listed as an adjustment.');
select is(pg_temp.route(2, '{"ENABLE_ANTHROPIC_PROVIDER": "false"}') ->> 'reason', 'tier', 'The reason stays the primary rule.');
update routing.config set anthropic_enabled = false;
select is(pg_temp.route(2) ->> 'model', tests.configured_model('anthropic_substitute_model'),
  'With config anthropic_enabled false the medium agent gets the substitute.');
select is(pg_temp.route(2, '{"ENABLE_ANTHROPIC_PROVIDER": "true"}') ->> 'model', tests.configured_model('medium_model'),
  'env ENABLE_ANTHROPIC_PROVIDER=true beats the config.');
update routing.config set anthropic_enabled = true, medium_model = 'claude-sonnet-5-5';
update routing.models set active = false where model = 'claude-sonnet-5-5';
select is(pg_temp.route(2) -> 'adjustments',
  jsonb_build_array(jsonb_build_object('from', 'claude-sonnet-5-5', 'to', tests.configured_model('baseline_model'),
                                       'why', 'model_inactive:claude-sonnet-5-5')),
  'A tier model deactivated in the catalog is replaced by the baseline, listed as an adjustment.');
update routing.models set active = true where model = 'claude-sonnet-5-5';
update routing.config set medium_model = default, enabled = false;
select is(pg_temp.route(2, '{"ENABLE_ANTHROPIC_PROVIDER": "false"}') ->> 'shadow_model', tests.configured_model('anthropic_substitute_model'),
  'A shadow choice gets the provider substitution too.');
update routing.config set enabled = true;

-- -----------------------------------------------------------------------------
-- gpt-4o-mini disabled (ENABLE_OPENAI_MINI concerns the plan's gpt-4o-mini, kept served here
-- so that the test does not depend on the day)
-- -----------------------------------------------------------------------------
update routing.models set retires_at = null, deprecated_at = null where model = 'gpt-4o-mini';
update routing.config set low_model = 'gpt-4o-mini', anthropic_substitute_model = 'gpt-4o-mini',
                          anthropic_enabled = false, openai_mini_enabled = false;
select is(pg_temp.route(2) -> 'adjustments',
  jsonb_build_array(jsonb_build_object('from', tests.configured_model('medium_model'), 'to', 'gpt-4o-mini', 'why', 'provider_disabled:anthropic'),
                    jsonb_build_object('from', 'gpt-4o-mini', 'to', tests.configured_model('openai_mini_substitute_model'),
                                       'why', 'model_disabled:gpt-4o-mini')),
  'Substitutions chain: Anthropic off, then gpt-4o-mini off, ends on the mini''s substitute.');
update routing.config set anthropic_enabled = true;
select is(pg_temp.route(1) ->> 'model', tests.configured_model('openai_mini_substitute_model'),
  'With gpt-4o-mini disabled a low agent on gpt-4o-mini gets its substitute.');
select is(pg_temp.route(1) -> 'adjustments' -> 0 ->> 'why', 'model_disabled:gpt-4o-mini', 'The mini substitution says why.');
update routing.config set low_model = default, anthropic_substitute_model = default, openai_mini_enabled = true;

-- -----------------------------------------------------------------------------
-- Fallback chains: without the model itself, disabled models and repeats
-- -----------------------------------------------------------------------------
update routing.config set fallback_chains = '{"*": ["claude-sonnet-5-5", "gpt-5.6-sol", "gpt-5.6-sol", "gpt-5.6-luna"], "gpt-5.6-sol": ["claude-sonnet-5-5"]}';
select is(pg_temp.route(1) -> 'fallback_chain', '["claude-sonnet-5-5", "gpt-5.6-sol"]'::jsonb, 'The chain drops the chosen model and repeats.');
select is(pg_temp.route(1) -> 'fallback_providers', '["anthropic", "openai"]'::jsonb, 'fallback_providers runs parallel to the chain.');
select is(pg_temp.route(3) -> 'fallback_chain', '["claude-sonnet-5-5"]'::jsonb, 'A model with its own chain uses it.');
select is(pg_temp.route(1, '{"ENABLE_ANTHROPIC_PROVIDER": "no"}') -> 'fallback_chain', '["gpt-5.6-sol"]'::jsonb, 'The chain drops models of a disabled provider.');
select is(pg_temp.route(1) ->> 'max_retries', '2', 'max_retries comes from the config.');
update routing.config set fallback_chains = default;

-- -----------------------------------------------------------------------------
-- Open circuit: the next model of the chain whose circuit is not open
-- -----------------------------------------------------------------------------
update routing.provider_breakers set state = 'open', opened_at = now() - interval '10 seconds' where provider = 'anthropic';
select is(pg_temp.route(2) ->> 'model', tests.configured_model('premium_model'), 'A model whose circuit is open moves to its fallback.');
select is(pg_temp.route(2) -> 'adjustments',
  jsonb_build_array(jsonb_build_object('from', tests.configured_model('medium_model'), 'to', tests.configured_model('premium_model'),
                                       'why', 'circuit_open:anthropic')),
  'The move is listed as an adjustment circuit_open:anthropic.');
select is(pg_temp.route(2) -> 'breakers', '{"anthropic": "open", "openai": "closed"}'::jsonb, 'The breakers report Anthropic open.');
select is(pg_temp.route(2) ->> 'reason', 'tier', 'A circuit adjustment keeps the primary reason.');
select is(pg_temp.route(1) ->> 'model', tests.configured_model('low_model'), 'An agent on the healthy provider is not moved.');
select is(pg_temp.route(2, '{"FORCE_MODEL": "claude-haiku-4-5"}') ->> 'model', 'claude-haiku-4-5', 'A forced model is not moved by an open circuit.');
update routing.provider_breakers set state = 'open', opened_at = now() - interval '10 seconds' where provider = 'openai';
select is(pg_temp.route(2) ->> 'model', tests.configured_model('medium_model'), 'When every fallback is open too, the model is kept.');
select is(pg_temp.route(2) -> 'warnings',
  jsonb_build_array(format('anthropic circuit is open and no fallback of %s is available: keeping it', tests.configured_model('medium_model'))),
  'Keeping a model with an open circuit is warned.');
update routing.provider_breakers set state = 'closed', opened_at = null where provider = 'openai';

-- -----------------------------------------------------------------------------
-- Cooldown elapsed: exactly one half-open trial is claimed
-- -----------------------------------------------------------------------------
update routing.provider_breakers set state = 'open', opened_at = now() - interval '61 seconds' where provider = 'anthropic';
select is(pg_temp.route(2) -> 'breakers' ->> 'anthropic', 'half_open', 'After the cooldown the first decider claims the half-open trial.');
select results_eq($$ select state, trial_started_at from routing.provider_breakers where provider = 'anthropic' $$,
  $$ values ('half_open'::text, now()) $$, 'The claim is written to the breaker row.');
select is(pg_temp.route(2) ->> 'model', tests.configured_model('premium_model'), 'The next decider sees the trial in flight and moves to the fallback.');
select is(
  (select count(*)::integer from generate_series(1, 5) where pg_temp.route(2) -> 'breakers' ->> 'anthropic' = 'half_open'), 0,
  'No further decider claims a second trial while it is in flight.');
update routing.provider_breakers set trial_started_at = now() - interval '61 seconds' where provider = 'anthropic';
select is(pg_temp.route(2) ->> 'model', tests.configured_model('medium_model'), 'A stale half-open trial (older than the cooldown) can be claimed again.');
update routing.provider_breakers set state = 'open', opened_at = now() - interval '61 seconds', trial_started_at = null where provider = 'openai';
select is(pg_temp.route(1) -> 'breakers', '{"openai": "half_open"}'::jsonb, 'A decision for the low model claims the OpenAI trial.');
select is(pg_temp.route(3) ->> 'model', tests.configured_model('high_model'), 'With an empty chain and the OpenAI trial in flight, the high model is kept.');

select * from finish();
ROLLBACK;
