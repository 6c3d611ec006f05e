-- record_completion: the call and attempt rows, and their exact costs
-- (ROUTING-SPEC §7: catalog price in force, cached tokens at their own price,
-- baseline = the same tokens at the baseline model's price).
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(30);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): the named actor owner, their agent, decisions as route_model would have written them
-- -----------------------------------------------------------------------------
select tests.create_user('owner');
select tests.create_agent('owner', 'Owner agent');
select tests.create_decision('Owner agent', 'gpt-4o', 'high', 8.1, 'exec-premium', name => 'premium decision'),
       tests.create_decision('Owner agent', 'claude-3-haiku', 'medium', 5.2, 'exec-medium', name => 'medium decision'),
       tests.create_decision('Owner agent', 'gpt-4o-mini', 'low', 2.0, null, name => 'lone low decision',
                             baseline_model => 'gpt-4o-mini');

-- -----------------------------------------------------------------------------
-- Service role: gpt-4o, 1,500 in / 1,800 out
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();

create temp table r1 on commit drop as
select public.record_completion(tests.get_decision_id('premium decision'),
  '{"status": "succeeded", "model": "gpt-4o", "provider": "openai", "latency_ms": 700,
    "attempts": [{"model": "gpt-4o", "provider": "openai", "status": 200, "error_type": null, "latency_ms": 690,
                  "input_tokens": 1500, "output_tokens": 1800, "cached_tokens": 0, "cache_write_tokens": 0}]}') as r;

select is((select r ->> 'cost_usd' from r1), '0.02175',
  'gpt-4o with 1,500 input and 1,800 output tokens costs exactly $0.02175, as a JSON string.');
select is((select r ->> 'baseline_cost_usd' from r1), '0.02175',
  'A call on the baseline model costs its own baseline.');
select is((select r ->> 'savings_usd' from r1), '0', 'A baseline call saves nothing.');
select is((select cost_usd from routing.calls where id = (select (r ->> 'call_id')::uuid from r1)), 0.02175::numeric,
  'The call row stores the exact cost.');
select is(
  (select (c.agent_id, c.user_id, c.execution_id, c.status, c.model, c.provider, c.fallback_used, c.attempt_count,
           c.input_tokens, c.output_tokens, c.baseline_model, c.latency_ms)::text
   from routing.calls c where c.id = (select (r ->> 'call_id')::uuid from r1)),
  format('(%s,%s,exec-premium,succeeded,gpt-4o,openai,f,1,1500,1800,gpt-4o,700)', tests.get_agent_id('Owner agent'), tests.get_user_id('owner')),
  'The call row copies agent, user and execution from the decision and sums the attempt.');
select is(
  (select a.price_id from routing.attempts a where a.call_id = (select (r ->> 'call_id')::uuid from r1)),
  (routing.price_in_force('gpt-4o', now())).id,
  'The attempt references the gpt-4o price in force.');
select is((select r -> 'attempts' -> 0 ->> 'cost_usd' from r1), '0.02175', 'The answer lists each attempt''s cost.');
select is((select r -> 'breakers' from r1), '{"anthropic": "closed", "openai": "closed"}'::jsonb,
  'The answer carries every provider''s breaker state.');

-- -----------------------------------------------------------------------------
-- Service role: claude-3-haiku with cached and cache-write tokens
-- -----------------------------------------------------------------------------
-- 1000 x 0.25 + 500 x 1.25 + 2000 x 0.03 + 1000 x 0.30 = 1235 per million  -> 0.001235
-- baseline gpt-4o: 1000 x 2.50 + 500 x 10 + 2000 x 1.25 + 1000 x 2.50 = 12500 -> 0.0125
create temp table r2 on commit drop as
select public.record_completion(tests.get_decision_id('medium decision'),
  '{"status": "succeeded", "model": "claude-3-haiku", "provider": "anthropic",
    "attempts": [{"model": "claude-3-haiku", "provider": "anthropic", "status": 200, "latency_ms": 300,
                  "input_tokens": 1000, "output_tokens": 500, "cached_tokens": 2000, "cache_write_tokens": 1000}]}') as r;

select is((select r ->> 'cost_usd' from r2), '0.001235',
  'claude-3-haiku counts input, output, cached-read and cache-write tokens each at its own price: $0.001235.');
select is((select r ->> 'baseline_cost_usd' from r2), '0.0125',
  'The baseline prices the same tokens, cached ones included, at gpt-4o: $0.0125.');
select is((select r ->> 'savings_usd' from r2), '0.011265', 'The saving is the exact difference.');
select is(
  (select (c.input_tokens, c.output_tokens, c.cached_tokens, c.cache_write_tokens, c.baseline_cost_usd)::text
   from routing.calls c where c.id = (select (r ->> 'call_id')::uuid from r2)),
  '(1000,500,2000,1000,0.0125)', 'The call row keeps each kind of token and the baseline cost.');
select is(
  (select (a.cached_tokens, a.cache_write_tokens, a.cost_usd)::text from routing.attempts a
   where a.call_id = (select (r ->> 'call_id')::uuid from r2)),
  '(2000,1000,0.001235)', 'The attempt row keeps its cached tokens and its cost.');
select is((select latency_ms from routing.calls where id = (select (r ->> 'call_id')::uuid from r2)), null,
  'A call without latency_ms stores a null latency.');

-- -----------------------------------------------------------------------------
-- Service role: retries then a fallback, recorded attempt by attempt
-- -----------------------------------------------------------------------------
create temp table r3 on commit drop as
select public.record_completion(tests.get_decision_id('medium decision'),
  '{"status": "succeeded", "model": "gpt-4o", "provider": "openai", "latency_ms": 1500,
    "attempts": [
      {"model": "claude-3-haiku", "provider": "anthropic", "status": 529, "error_type": "overloaded", "latency_ms": 120},
      {"model": "claude-3-haiku", "provider": "anthropic", "status": 529, "error_type": "overloaded", "latency_ms": 110,
       "input_tokens": 0, "output_tokens": 0},
      {"model": "gpt-4o", "provider": "openai", "status": 200, "error_type": null, "latency_ms": 640,
       "input_tokens": 1500, "output_tokens": 300}]}') as r;

select results_eq(
  $$select seq, model, provider, http_status, error_type from routing.attempts
    where call_id = (select (r ->> 'call_id')::uuid from r3) order by seq$$,
  $$values (1, 'claude-3-haiku', 'anthropic', 529, 'overloaded'), (2, 'claude-3-haiku', 'anthropic', 529, 'overloaded'),
           (3, 'gpt-4o', 'openai', 200, null)$$,
  'Each retry and the fallback are attempt rows numbered 1 to 3 in order.');
select results_eq(
  $$select cost_usd from routing.attempts where call_id = (select (r ->> 'call_id')::uuid from r3) order by seq$$,
  $$values (0::numeric), (0::numeric), (0.00675::numeric)$$,
  'Failed attempts without tokens cost nothing; the answer costs 1500 x 2.50 + 300 x 10 per million.');
select is((select r ->> 'cost_usd' from r3), '0.00675', 'The call costs the sum of its attempts.');
select is(
  (select (fallback_used, attempt_count, model, provider)::text from routing.calls where id = (select (r ->> 'call_id')::uuid from r3)),
  '(t,3,gpt-4o,openai)', 'A call answered by a model other than the decision''s counts as a fallback.');
select is((select jsonb_array_length(r -> 'attempts') from r3), 3, 'The answer lists the three attempts.');
select is((select r -> 'attempts' -> 2 ->> 'seq' from r3), '3', 'The answer''s attempts carry their seq.');
select is((select count(*)::integer from routing.attempts where call_id = (select (r ->> 'call_id')::uuid from r3)
           and user_id = tests.get_user_id('owner')), 3,
  'Every attempt row carries the owner''s user id (for RLS).');

-- An explicit fallback_used is honoured.
create temp table r7 on commit drop as
select public.record_completion(tests.get_decision_id('medium decision'),
  '{"status": "succeeded", "model": "gpt-4o", "provider": "openai", "fallback_used": false,
    "attempts": [{"model": "gpt-4o", "provider": "openai", "status": 200}]}') as r;
select is((select fallback_used from routing.calls where id = (select (r ->> 'call_id')::uuid from r7)), false,
  'An explicit fallback_used from the function is stored as given.');

-- -----------------------------------------------------------------------------
-- Service role: beyond the cent, and a baseline other than gpt-4o
-- -----------------------------------------------------------------------------
create temp table r4 on commit drop as
select public.record_completion(tests.get_decision_id('lone low decision'),
  '{"status": "succeeded", "model": "gpt-4o-mini", "provider": "openai",
    "attempts": [{"model": "gpt-4o-mini", "provider": "openai", "status": 200, "input_tokens": 1, "output_tokens": 1}]}') as r;
select is((select r ->> 'cost_usd' from r4), '0.00000075',
  'One input and one output token of gpt-4o-mini cost exactly $0.00000075.');
select is((select execution_id from routing.calls where id = (select (r ->> 'call_id')::uuid from r4)), null,
  'A call of a lone decision has no execution id.');

create temp table r5 on commit drop as
select public.record_completion(tests.get_decision_id('lone low decision'),
  '{"status": "succeeded", "model": "claude-3-haiku", "provider": "anthropic",
    "attempts": [{"model": "claude-3-haiku", "provider": "anthropic", "status": 200,
                  "input_tokens": 1000, "output_tokens": 1000}]}') as r;
select is((select r ->> 'baseline_cost_usd' from r5), '0.00075',
  'The baseline is the decision''s baseline model (here gpt-4o-mini), not the configured one.');
select is((select r ->> 'savings_usd' from r5), '-0.00075',
  'A call dearer than its baseline has a negative saving.');
select is((select baseline_model from routing.calls where id = (select (r ->> 'call_id')::uuid from r5)), 'gpt-4o-mini',
  'The call row records the decision''s baseline model.');

-- A failed call is recorded too.
create temp table r6 on commit drop as
select public.record_completion(tests.get_decision_id('premium decision'),
  '{"status": "failed", "model": "gpt-4o", "provider": "openai",
    "attempts": [{"model": "gpt-4o", "provider": "openai", "status": 400, "error_type": "invalid_request", "latency_ms": 20}]}') as r;
select is((select (status, cost_usd, baseline_cost_usd)::text from routing.calls where id = (select (r ->> 'call_id')::uuid from r6)),
  '(failed,0,0)', 'A failed call without tokens is recorded at zero cost.');
select is((select r ->> 'cost_usd' from r6), '0', 'Zero is returned as the string "0".');

-- -----------------------------------------------------------------------------
-- Owner (authenticated): reads the calls of their agent
-- -----------------------------------------------------------------------------
select tests.authenticate_as('owner');
select is((select count(*)::integer from routing.calls where agent_id = tests.get_agent_id('Owner agent')), 7, 'The owner sees the seven calls of their agent.');

select * from finish();
ROLLBACK;
