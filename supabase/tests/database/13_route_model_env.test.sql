-- Spec §3 environment overrides: booleans, numbers, invalid values named in warnings.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(32);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): the named actor owner, a medium agent (5.2, 40 executions, 97.5%), routing on
-- -----------------------------------------------------------------------------
select tests.create_user('owner');
select tests.create_agent('owner', 'env agent', 5.2, 40, 97.5);
select tests.reset_routing();

create function pg_temp.route(env jsonb) returns jsonb language sql as $$
  select public.route_model(tests.get_agent_id('env agent'), null, env)
$$;

-- -----------------------------------------------------------------------------
-- Booleans: true/false, 1/0, yes/no, on/off, any case
-- -----------------------------------------------------------------------------
select is(
  (select array_agg(pg_temp.route(jsonb_build_object('ENABLE_INTELLIGENT_ROUTING', v)) ->> 'cohort' order by v)
   from unnest(array['true', 'TRUE', '1', 'yes', 'On', ' on ']) v),
  array['routed', 'routed', 'routed', 'routed', 'routed', 'routed'],
  'true, TRUE, 1, yes, On and " on " all turn routing on.');
select is(
  (select array_agg(pg_temp.route(jsonb_build_object('ENABLE_INTELLIGENT_ROUTING', v)) ->> 'cohort' order by v)
   from unnest(array['false', 'False', '0', 'no', 'OFF']) v),
  array['disabled', 'disabled', 'disabled', 'disabled', 'disabled'],
  'false, False, 0, no and OFF all turn routing off.');
select is(pg_temp.route('{"ENABLE_INTELLIGENT_ROUTING": true}') ->> 'cohort', 'routed', 'A JSON boolean is accepted as well as a string.');

-- -----------------------------------------------------------------------------
-- An invalid ENABLE_INTELLIGENT_ROUTING means off
-- -----------------------------------------------------------------------------
select is(pg_temp.route('{"ENABLE_INTELLIGENT_ROUTING": "maybe"}') ->> 'reason', 'routing_disabled', 'An invalid ENABLE_INTELLIGENT_ROUTING means routing off.');
select is(pg_temp.route('{"ENABLE_INTELLIGENT_ROUTING": "maybe"}') -> 'warnings',
  '["ENABLE_INTELLIGENT_ROUTING=maybe invalid, routing off: expected true or false (also 1/0, yes/no, on/off)"]'::jsonb,
  'The invalid ENABLE_INTELLIGENT_ROUTING is named in the warnings.');
select is(pg_temp.route('{"ENABLE_INTELLIGENT_ROUTING": "maybe"}') ->> 'reasoning', 'Routing disabled by ENABLE_INTELLIGENT_ROUTING - baseline model',
  'The reasoning names the variable that turned routing off.');

-- -----------------------------------------------------------------------------
-- Invalid values are ignored and named; the config value stays
-- -----------------------------------------------------------------------------
select is(pg_temp.route('{"ROUTING_PERCENTAGE": "abc"}') -> 'warnings',
  '["ROUTING_PERCENTAGE=abc ignored: expected an integer from 0 to 100"]'::jsonb, 'ROUTING_PERCENTAGE=abc is ignored and named.');
select is(pg_temp.route('{"ROUTING_PERCENTAGE": "abc"}') ->> 'cohort', 'routed', 'An ignored ROUTING_PERCENTAGE leaves the config''s 100%.');
select is(pg_temp.route('{"ROUTING_PERCENTAGE": "101"}') -> 'warnings',
  '["ROUTING_PERCENTAGE=101 ignored: expected an integer from 0 to 100"]'::jsonb, 'ROUTING_PERCENTAGE=101 is out of range.');
select is(pg_temp.route('{"ROUTING_PERCENTAGE": "-5"}') -> 'warnings',
  '["ROUTING_PERCENTAGE=-5 ignored: expected an integer from 0 to 100"]'::jsonb, 'A negative ROUTING_PERCENTAGE is ignored.');
select is(pg_temp.route('{"ROUTING_PERCENTAGE": "0"}') ->> 'cohort', 'control', 'ROUTING_PERCENTAGE=0 puts every agent in control.');
select is(pg_temp.route('{"ROUTING_PERCENTAGE": 0}') ->> 'cohort', 'control', 'A JSON number is accepted as well as a string.');
select is(pg_temp.route('{"ENABLE_ANTHROPIC_PROVIDER": "nope"}') -> 'warnings',
  '["ENABLE_ANTHROPIC_PROVIDER=nope ignored: expected true or false (also 1/0, yes/no, on/off)"]'::jsonb,
  'An invalid ENABLE_ANTHROPIC_PROVIDER is ignored and named.');
select is(pg_temp.route('{"ENABLE_ANTHROPIC_PROVIDER": "nope"}') ->> 'model', tests.configured_model('medium_model'), 'An ignored ENABLE_ANTHROPIC_PROVIDER leaves Anthropic on.');
select is(pg_temp.route('{"ENABLE_OPENAI_MINI": "2"}') -> 'warnings',
  '["ENABLE_OPENAI_MINI=2 ignored: expected true or false (also 1/0, yes/no, on/off)"]'::jsonb, 'An invalid ENABLE_OPENAI_MINI is ignored and named.');
select is(pg_temp.route('{"FORCE_MODEL": "gpt-9"}') -> 'warnings',
  '["FORCE_MODEL=gpt-9 ignored: expected an active model of routing.models"]'::jsonb, 'An unknown FORCE_MODEL is ignored and named.');
select is(pg_temp.route('{"FORCE_MODEL": "gpt-9"}') ->> 'reason', 'tier', 'An ignored FORCE_MODEL forces nothing.');
select is(pg_temp.route('{"FORCE_MODEL": "gpt-5.6-sol", "FORCE_PROVIDER": "azure"}') -> 'warnings',
  '["FORCE_PROVIDER=azure ignored: expected a provider of routing.providers"]'::jsonb, 'An unknown FORCE_PROVIDER is ignored and named.');
select is(pg_temp.route('{"ROUTING_LOW_THRESHOLD": "low"}') -> 'warnings',
  '["ROUTING_LOW_THRESHOLD=low ignored: expected a number from 0 to 10"]'::jsonb, 'An invalid ROUTING_LOW_THRESHOLD is ignored and named.');
select is(pg_temp.route('{"ROUTING_MEDIUM_THRESHOLD": "11"}') -> 'warnings',
  '["ROUTING_MEDIUM_THRESHOLD=11 ignored: expected a number from 0 to 10"]'::jsonb, 'ROUTING_MEDIUM_THRESHOLD=11 is out of range.');
select is(pg_temp.route('{"ROUTING_LOW_THRESHOLD": "8"}') -> 'warnings',
  '["ROUTING_LOW_THRESHOLD=8 ignored: above the medium threshold 6.90"]'::jsonb, 'A low threshold above the medium one is ignored.');
select is(pg_temp.route('{"ROUTING_MIN_EXECUTIONS": "1.5"}') -> 'warnings',
  '["ROUTING_MIN_EXECUTIONS=1.5 ignored: expected an integer from 0 to 1000000"]'::jsonb, 'A fractional ROUTING_MIN_EXECUTIONS is ignored.');
select is(pg_temp.route('{"ROUTING_MIN_SUCCESS_RATE": "120"}') -> 'warnings',
  '["ROUTING_MIN_SUCCESS_RATE=120 ignored: expected a number from 0 to 100"]'::jsonb, 'ROUTING_MIN_SUCCESS_RATE=120 is out of range.');
select is(pg_temp.route('{"ROUTING_LOG_LEVEL": "loud"}') -> 'warnings',
  '["ROUTING_LOG_LEVEL=loud ignored: expected debug, info, warn or error"]'::jsonb, 'An invalid ROUTING_LOG_LEVEL is ignored and named.');
select is(pg_temp.route('{"OPENAI_API_KEY": "sk-secret"}') -> 'warnings',
  '["OPENAI_API_KEY ignored: not a routing setting"]'::jsonb, 'An unknown key is named without echoing its value.');
select is(pg_temp.route('{"ROUTING_PERCENTAGE": {"value": 5}}') -> 'warnings',
  '["ROUTING_PERCENTAGE ignored: expected a string"]'::jsonb, 'A non-scalar value is ignored and named.');
select is(pg_temp.route('{"ROUTING_PERCENTAGE": "", "FORCE_MODEL": null}') -> 'warnings', '[]'::jsonb,
  'Empty and null values mean unset and raise no warning.');

-- -----------------------------------------------------------------------------
-- Valid values override the config for this decision only
-- -----------------------------------------------------------------------------
select is(pg_temp.route('{"ROUTING_LOW_THRESHOLD": "5.5"}') ->> 'model', tests.configured_model('low_model'), 'ROUTING_LOW_THRESHOLD=5.5 makes a 5.2 agent low.');
select is(pg_temp.route('{"ROUTING_MEDIUM_THRESHOLD": "5"}') ->> 'tier', 'high', 'ROUTING_MEDIUM_THRESHOLD=5 makes a 5.2 agent high.');
select is(pg_temp.route('{"ROUTING_MIN_EXECUTIONS": "50"}') ->> 'reason', 'new_agent', 'ROUTING_MIN_EXECUTIONS=50 makes a 40-execution agent new.');
select is(pg_temp.route('{"ROUTING_MIN_SUCCESS_RATE": "98"}') ->> 'reason', 'low_success_rate', 'ROUTING_MIN_SUCCESS_RATE=98 makes 97.5% low.');
select is(pg_temp.route('{"ROUTING_LOG_LEVEL": "DEBUG"}') ->> 'log_level', 'debug', 'ROUTING_LOG_LEVEL is returned, lower-cased.');

select * from finish();
ROLLBACK;
