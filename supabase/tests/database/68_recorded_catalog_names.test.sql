-- The catalog names a recorded call and its attempts carry stay in the catalog, without a foreign
-- key per call (each would lock one shared catalog row for every tenant's calls): the call's model
-- and provider are one attempt's; an attempt's model is held by its price row (routing.model_prices
-- is history, its foreign key refuses the model's delete); a provider an attempt names is refused
-- deletion by routing._keep_decided_catalog (concurrently: 69_recorded_catalog_names_concurrent).
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(13);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): the named actor owner, one decision, a fallback model on a provider
-- of its own with a price, a provider that serves no model, and one that nothing names
-- -----------------------------------------------------------------------------
select tests.create_user('owner');
select tests.create_agent('owner', 'Owner agent');
select tests.create_decision('Owner agent', 'gpt-4o', 'high', 7.5, 'exec-1', name => 'the decision');
insert into routing.providers (provider, kind, base_url, api_key_env, description) values
  ('fallback-provider-test', 'openai-compatible', 'http://127.0.0.1:9/v1', 'FALLBACK_TEST_KEY', 'test only'),
  ('modelless-provider-test', 'openai-compatible', 'http://127.0.0.1:9/v1', 'MODELLESS_TEST_KEY', 'test only'),
  ('unused-provider-test', 'openai-compatible', 'http://127.0.0.1:9/v1', 'UNUSED_TEST_KEY', 'test only');
insert into routing.models (model, provider, wire_id, description)
values ('fallback-model-test', 'fallback-provider-test', 'fallback-model-test', 'test only');
insert into routing.model_prices (model, effective_from, input_per_mtok, output_per_mtok, cached_input_per_mtok, cache_write_per_mtok)
values ('fallback-model-test', now() - interval '1 day', 1, 2, 0.5, 1);
-- Their breaker rows have foreign keys of their own: gone, only the audit's names hold the providers.
delete from routing.provider_breakers where provider in ('modelless-provider-test', 'unused-provider-test');

-- The decided model overloaded on a provider that serves no model, then the fallback answered.
create function pg_temp.call(model text, provider text) returns jsonb language sql as $$
  select jsonb_build_object('status', 'succeeded', 'model', model, 'provider', provider, 'latency_ms', 700,
    'attempts', '[{"model": "gpt-4o", "provider": "modelless-provider-test", "status": 529, "error_type": "overloaded", "latency_ms": 90},
                  {"model": "fallback-model-test", "provider": "fallback-provider-test", "status": 200, "latency_ms": 600,
                   "input_tokens": 100, "output_tokens": 20}]'::jsonb)
$$;
create function pg_temp.calls_recorded() returns integer language sql as $$
  select count(*)::integer from routing.calls where decision_id = tests.get_decision_id('the decision')
$$;

-- -----------------------------------------------------------------------------
-- Service role: a call's model and provider are one of its attempts'
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select throws_ok(
  format('select public.record_completion(%L, %L)', tests.get_decision_id('the decision'), pg_temp.call('gpt-4o', 'openai')),
  '22023', 'call.model and call.provider must be those of one of call.attempts (the one that answered, or the last tried)',
  'A call whose model and provider no attempt used is refused ...');
select throws_ok(
  format('select public.record_completion(%L, %L)', tests.get_decision_id('the decision'),
         pg_temp.call('fallback-model-test', 'modelless-provider-test')),
  '22023', 'call.model and call.provider must be those of one of call.attempts (the one that answered, or the last tried)',
  '... as is one whose model and provider are two different attempts''.');
select is(pg_temp.calls_recorded(), 0, 'A refused call records nothing.');
select lives_ok(
  format('select public.record_completion(%L, %L)', tests.get_decision_id('the decision'),
         pg_temp.call('fallback-model-test', 'fallback-provider-test')),
  'A call answered by its last attempt''s model and provider is recorded.');
select is(pg_temp.calls_recorded(), 1, 'The call is stored once.');

-- -----------------------------------------------------------------------------
-- Service role: the names the call's attempts carry cannot leave the catalog
-- -----------------------------------------------------------------------------
select throws_ok($$ delete from routing.models where model = 'fallback-model-test' $$, '23503', null,
  'A model only an attempt names (no decision) cannot be deleted: its price row holds it ...');
select throws_ok($$ update routing.models set model = 'renamed-model-test' where model = 'fallback-model-test' $$, '23503', null,
  '... nor renamed.');
select throws_ok($$ delete from routing.model_prices where model = 'fallback-model-test' $$, '42501', null,
  'The price row an attempt was priced at cannot be deleted by the service role.');
select throws_ok($$ delete from routing.providers where provider = 'modelless-provider-test' $$,
  '23503', 'provider modelless-provider-test is named by routing.attempts: it cannot be deleted or renamed',
  'A provider only an attempt names (no decision, no model) cannot be deleted ...');
select throws_ok($$ update routing.providers set provider = 'renamed-provider-test' where provider = 'modelless-provider-test' $$,
  '23503', 'provider modelless-provider-test is named by routing.attempts: it cannot be deleted or renamed', '... nor renamed.');
select lives_ok($$ delete from routing.providers where provider = 'unused-provider-test' $$,
  'A provider no decision, model or attempt names is deleted.');
select tests.clear_authentication();
select is((select count(*)::integer
           from routing.attempts a join routing.calls c on c.id = a.call_id
           left join routing.providers p on p.provider = a.provider
           left join routing.providers cp on cp.provider = c.provider
           left join routing.model_prices pr on pr.id = a.price_id
           where p.provider is null or cp.provider is null or pr.model is distinct from a.model), 0,
  'Every attempt and call names a catalog provider, and every attempt the price row of its own model.');
select is_empty($$
  select c.conrelid::regclass::text || ' -> ' || c.confrelid::regclass::text from pg_catalog.pg_constraint c
  where c.contype = 'f' and c.conrelid in ('routing.calls'::regclass, 'routing.attempts'::regclass)
    and c.confrelid in ('routing.models'::regclass, 'routing.providers'::regclass, 'routing.error_types'::regclass,
                        'routing.model_prices'::regclass)$$,
  'Recording a call locks no catalog row: routing.calls and routing.attempts hold no foreign key to the catalog.');

select * from finish();
ROLLBACK;
