-- Spec §2 rules 1-3: forced, routing disabled (with shadow, rollback), agent preference.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(30);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): the named actor owner and five agents of theirs
-- -----------------------------------------------------------------------------
select tests.create_user('owner');
select tests.reset_routing();

-- Agent n is the owner's 'override agent <n>' (see pg_temp.route).
select tests.create_agent('owner', 'override agent ' || a.n, a.score, 40, 97.5, a.preference, a.failures, a.last_failure)
from (values (1, 5.2, null, 0, null),                  -- medium
             (2, 2.1, 'premium', 0, null),             -- prefers premium
             (3, 8.4, 'claude-sonnet-5-5', 0, null),    -- prefers a model
             (4, 2.1, 'premium', 5, now()),            -- preference beats failures
             (5, 5.2, 'claude-sonnet-5-5', 0, null))    -- model to deactivate
  a(n, score, preference, failures, last_failure);

create function pg_temp.route(n integer, env jsonb default null) returns jsonb language sql as $$
  select public.route_model(tests.get_agent_id('override agent ' || n), null, env)
$$;

-- -----------------------------------------------------------------------------
-- Rule 3, agent_preference
-- -----------------------------------------------------------------------------
select is(pg_temp.route(2) ->> 'model', tests.configured_model('premium_model'), 'A premium preference routes to the premium model.');
select is(pg_temp.route(2) ->> 'reason', 'agent_preference', 'A premium preference has reason agent_preference.');
select is(pg_temp.route(2) ->> 'tier', 'low', 'A preference decision still reports the score band.');
select is(pg_temp.route(3) ->> 'model', 'claude-sonnet-5-5', 'A catalog-model preference routes to that model.');
select is(pg_temp.route(3) ->> 'provider', 'anthropic', 'A catalog-model preference takes the catalog provider.');
select is(pg_temp.route(4) ->> 'reason', 'agent_preference', 'A preference comes before recent failures.');

update routing.models set active = false where model = 'claude-sonnet-5-5';
select is(pg_temp.route(5) ->> 'reason', 'tier', 'A preference for a model no longer active is ignored and the next rules apply.');
select is(pg_temp.route(5) ->> 'model', tests.configured_model('medium_model'), 'The agent with an inactive preference gets its tier model.');
select ok(pg_temp.route(5) -> 'warnings' ? 'model_preference "claude-sonnet-5-5" ignored: not an active model of routing.models',
  'The ignored preference is named in the warnings.');
update routing.models set active = true where model = 'claude-sonnet-5-5';

-- -----------------------------------------------------------------------------
-- Rule 1, forced: config and env; no adjustments by the switches
-- -----------------------------------------------------------------------------
update routing.config set force_model = 'gpt-5.6-terra';
select is(pg_temp.route(1) ->> 'model', 'gpt-5.6-terra', 'config.force_model forces the model.');
select is(pg_temp.route(1) ->> 'cohort', 'forced', 'A forced decision is in the forced cohort.');
select is(pg_temp.route(1) ->> 'reasoning', 'Forced by routing.config.force_model', 'The reasoning names the config.');
select is(pg_temp.route(2) ->> 'reason', 'forced', 'Forcing beats an agent preference.');
select is(pg_temp.route(1, '{"FORCE_MODEL": "claude-sonnet-5-5"}') ->> 'model', 'claude-sonnet-5-5', 'env FORCE_MODEL beats config.force_model.');
update routing.config set force_model = null, enabled = false;
select is(pg_temp.route(1, '{"FORCE_MODEL": "gpt-5.6-terra"}') ->> 'reason', 'forced', 'Forcing beats disabled routing.');
select is(pg_temp.route(1, '{"FORCE_MODEL": "gpt-5.6-terra"}') ->> 'reasoning', 'Forced by FORCE_MODEL', 'The reasoning names FORCE_MODEL.');
select is(pg_temp.route(1, '{"FORCE_MODEL": "claude-haiku-4-5"}') ->> 'provider', 'anthropic', 'Without FORCE_PROVIDER the catalog provider is used.');
select is(pg_temp.route(1, '{"FORCE_MODEL": "claude-haiku-4-5", "FORCE_PROVIDER": "openai"}') ->> 'provider', 'openai', 'FORCE_PROVIDER sets the provider of a forced model.');
select is(pg_temp.route(1, '{"FORCE_MODEL": "claude-haiku-4-5", "ENABLE_ANTHROPIC_PROVIDER": "false"}') -> 'adjustments', '[]'::jsonb,
  'A forced model is not adjusted, even when its provider is disabled.');

-- -----------------------------------------------------------------------------
-- Rule 2, routing_disabled: baseline, shadow recorded
-- -----------------------------------------------------------------------------
select is(pg_temp.route(1) ->> 'model', tests.configured_model('baseline_model'), 'With routing disabled the baseline model is chosen.');
select is(pg_temp.route(1) ->> 'cohort', 'disabled', 'With routing disabled the cohort is disabled.');
select is(pg_temp.route(1) ->> 'shadow_model', tests.configured_model('medium_model'), 'The shadow records what the rules would have chosen.');
select is(pg_temp.route(1) ->> 'shadow_reason', 'tier', 'The shadow records the rule that would have matched.');
select is(pg_temp.route(2) ->> 'shadow_reason', 'agent_preference', 'The shadow of a preferring agent is its preference.');
select pg_temp.route(1) ->> 'decision_id' as disabled_decision \gset
select results_eq(
  format($$ select d.model, d.shadow_model, d.reason from routing.decisions d where d.id = %L $$, :'disabled_decision'),
  $$ values (tests.configured_model('baseline_model'), tests.configured_model('medium_model'), 'routing_disabled'::text) $$,
  'The audit row of a disabled decision keeps the shadow choice.');
select is(pg_temp.route(1, '{"ENABLE_INTELLIGENT_ROUTING": "true"}') ->> 'reason', 'tier', 'env ENABLE_INTELLIGENT_ROUTING=true turns routing on over the config.');
update routing.config set enabled = true;
select is(pg_temp.route(1, '{"ENABLE_INTELLIGENT_ROUTING": "false"}') ->> 'reason', 'routing_disabled', 'env ENABLE_INTELLIGENT_ROUTING=false turns routing off over the config.');

-- -----------------------------------------------------------------------------
-- Auto-rollback trip beats the environment
-- -----------------------------------------------------------------------------
update routing.config set rollback_tripped_at = now(), rollback_reason = 'routed success rate below 95%';
select is(pg_temp.route(1, '{"ENABLE_INTELLIGENT_ROUTING": "true"}') ->> 'reason', 'routing_disabled', 'A rollback trip turns routing off even when env says on.');
select is(pg_temp.route(1, '{"ENABLE_INTELLIGENT_ROUTING": "true"}') ->> 'reasoning', 'Routing rolled back automatically - baseline model', 'The reasoning names the rollback.');
select is(pg_temp.route(1, '{"ENABLE_INTELLIGENT_ROUTING": "true"}') -> 'routing_enabled', 'false'::jsonb, 'A tripped rollback reports routing_enabled false.');

select * from finish();
ROLLBACK;
