-- record_completion: a call is costed at the price in force when it is
-- recorded; later price rows never change it, future ones do not apply yet.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(14);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): the named actor owner, their agent and one decision
-- -----------------------------------------------------------------------------
select tests.create_user('owner');
select tests.create_agent('owner', 'Owner agent');
select tests.create_decision('Owner agent', 'claude-3-haiku', 'medium', 5.2, 'exec-1', name => 'the decision');

-- 1,500 in / 1,800 out on gpt-4o, and 1,000 in / 1,000 out on claude-3-haiku
create function pg_temp.gpt4o_call() returns jsonb language sql as $$
  select '{"status": "succeeded", "model": "gpt-4o", "provider": "openai",
           "attempts": [{"model": "gpt-4o", "provider": "openai", "status": 200, "input_tokens": 1500, "output_tokens": 1800}]}'::jsonb
$$;
create function pg_temp.haiku_call() returns jsonb language sql as $$
  select '{"status": "succeeded", "model": "claude-3-haiku", "provider": "anthropic",
           "attempts": [{"model": "claude-3-haiku", "provider": "anthropic", "status": 200, "input_tokens": 1000, "output_tokens": 1000}]}'::jsonb
$$;

-- -----------------------------------------------------------------------------
-- Service role: prices change while calls are recorded
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();

-- At list price.
create temp table c1 on commit drop as
select public.record_completion(tests.get_decision_id('the decision'), pg_temp.gpt4o_call()) as r;
select is((select r ->> 'cost_usd' from c1), '0.02175', 'At the list price the call costs $0.02175.');

-- A price announced for tomorrow does not apply today.
insert into routing.model_prices (model, effective_from, input_per_mtok, output_per_mtok, cached_input_per_mtok, cache_write_per_mtok)
values ('gpt-4o', now() + interval '1 day', 5.00, 20.00, 2.50, 5.00);
create temp table c2 on commit drop as
select public.record_completion(tests.get_decision_id('the decision'), pg_temp.gpt4o_call()) as r;
select is((select r ->> 'cost_usd' from c2), '0.02175', 'A price effective in the future does not apply yet.');
select is(
  (select price_id from routing.attempts where call_id = (select (r ->> 'call_id')::uuid from c2)),
  (select id from routing.model_prices where model = 'gpt-4o' and effective_from = '2024-01-01'),
  'The attempt still references the list price row.');

-- A price that took effect an hour ago applies now (a late-entered price change).
insert into routing.model_prices (model, effective_from, input_per_mtok, output_per_mtok, cached_input_per_mtok, cache_write_per_mtok)
values ('gpt-4o', now() - interval '1 hour', 3.00, 12.00, 1.50, 3.00);
create temp table c3 on commit drop as
select public.record_completion(tests.get_decision_id('the decision'), pg_temp.gpt4o_call()) as r;
select is((select r ->> 'cost_usd' from c3), '0.0261',
  'The latest price effective before now applies: 1500 x 3.00 + 1800 x 12.00 per million = $0.0261.');
select is(
  (select price_id from routing.attempts where call_id = (select (r ->> 'call_id')::uuid from c3)),
  (select id from routing.model_prices where model = 'gpt-4o' and effective_from = now() - interval '1 hour'),
  'The attempt references the price row it was costed with.');
select is((select r ->> 'baseline_cost_usd' from c3), '0.0261', 'The baseline uses the baseline model''s price in force too.');

-- Earlier calls keep their cost.
select is((select cost_usd from routing.calls where id = (select (r ->> 'call_id')::uuid from c1)), 0.02175::numeric,
  'A new price row does not change the cost of a call recorded before it.');
select is((select baseline_cost_usd from routing.calls where id = (select (r ->> 'call_id')::uuid from c1)), 0.02175::numeric,
  'Nor its baseline cost.');

-- The baseline follows a price change of the baseline model only.
create temp table c4 on commit drop as
select public.record_completion(tests.get_decision_id('the decision'), pg_temp.haiku_call()) as r;
select is((select (r ->> 'cost_usd') || ' / ' || (r ->> 'baseline_cost_usd') from c4), '0.0015 / 0.015',
  'claude-3-haiku at list price ($0.0015) is compared with gpt-4o at its new price ($0.015).');

-- -----------------------------------------------------------------------------
-- Service role: a model without a price in force is refused (55000, sent again later), writing nothing
-- -----------------------------------------------------------------------------
insert into routing.models (model, provider, description) values ('gpt-test', 'openai', 'Priced from tomorrow');
insert into routing.model_prices (model, effective_from, input_per_mtok, output_per_mtok, cached_input_per_mtok, cache_write_per_mtok)
values ('gpt-test', now() + interval '1 day', 1, 1, 1, 1);
select throws_ok(
  $$select public.record_completion(tests.get_decision_id('the decision'),
      '{"status": "succeeded", "model": "gpt-test", "provider": "openai",
        "attempts": [{"model": "gpt-test", "provider": "openai", "status": 200, "input_tokens": 1}]}')$$,
  '55000', 'call.attempts[1].model has no price in force',
  'An attempt on a model that has no price yet is refused with 55000: the catalog''s state, not the call''s fault, so the record can be sent again.');
select throws_ok(
  $$select public.record_completion(tests.get_decision_id('the decision'),
      '{"status": "succeeded", "model": "gpt-4o", "provider": "openai",
        "attempts": [{"model": "gpt-test", "provider": "openai", "status": 200, "input_tokens": 1}]}')$$,
  '22023', 'call.model and call.provider must be those of one of call.attempts (the one that answered, or the last tried)',
  'A call that is also invalid is refused for good (22023), not kept waiting for the price.');
select throws_ok(
  format($$select public.record_completion(%L,
      '{"status": "succeeded", "model": "gpt-test", "provider": "openai",
        "attempts": [{"model": "gpt-test", "provider": "openai", "status": 200, "input_tokens": 1}]}')$$, tests.unknown_id('decision')),
  'P0002', null, 'So is a call of an unknown decision (P0002), priced or not.');
select is((select count(*)::integer from routing.calls where decision_id = tests.get_decision_id('the decision')), 4, 'The refused call wrote no call row.');
select is((select count(*)::integer from routing.attempts a join routing.calls c on c.id = a.call_id
           where c.decision_id = tests.get_decision_id('the decision')), 4, 'The refused call wrote no attempt row.');

select * from finish();
ROLLBACK;
