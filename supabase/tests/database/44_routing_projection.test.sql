-- Shadow projection (ROUTING-SPEC §2 shadow, plan §10): the window's calls with
-- routing on, re-pricing disabled / control calls at their shadow model's price
-- in force when each call was made, against actual and baseline.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(20);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): the named actors owner, stranger and newcomer (a user without calls)
--   routed   high agent: 2 gpt-4o calls 1500/1800 (+1 call 40 days old)   actual 0.0435, projected 0.0435
--   control  medium agent: 2 gpt-4o calls 1500/1800, shadow claude-3-haiku actual 0.0435, projected 2 x 0.002625
--   disabled low agent: 1 gpt-4o call 1000 in / 500 out / 2000 cached,   actual 0.01,   projected 0.0006 (mini)
--   stranger routed medium: 1 claude-3-haiku call 1500/1800              actual 0.002625, baseline 0.02175
-- -----------------------------------------------------------------------------
select tests.clear_routing_history();
select tests.reset_routing();
select tests.use_plan_2025_catalog();  -- the plan's models and prices, as in its 2025
select tests.create_user('owner'), tests.create_user('stranger'), tests.create_user('newcomer');
select tests.create_agent('owner', 'High agent', 8.4, 40, 97.5),
       tests.create_agent('owner', 'Medium agent (control)', 5.2, 40, 97.5),
       tests.create_agent('owner', 'Low agent (disabled)', 2.0, 40, 97.5),
       tests.create_agent('stranger', 'Stranger agent', 5.2, 40, 97.5);

create temp table calls_made (label text, decision jsonb) on commit drop;
create function pg_temp.call(agent text, label text, input_tokens integer, output_tokens integer, cached_tokens integer)
returns void language plpgsql as $$
declare
  d jsonb := public.route_model(tests.get_agent_id(agent));
begin
  insert into calls_made values (label, d);
  perform tests.record_completion_for(d, input_tokens, output_tokens, cached_tokens);
end
$$;
select pg_temp.call('High agent', 'routed-1', 1500, 1800, 0),
       pg_temp.call('High agent', 'routed-2', 1500, 1800, 0),
       pg_temp.call('High agent', 'routed-old', 1500, 1800, 0),
       pg_temp.call('Stranger agent', 'stranger-1', 1500, 1800, 0) \gset
update routing.config set rollout_percentage = 0 where id;
select pg_temp.call('Medium agent (control)', 'control-1', 1500, 1800, 0),
       pg_temp.call('Medium agent (control)', 'control-2', 1500, 1800, 0) \gset
update routing.config set rollout_percentage = 100, enabled = false where id;
select pg_temp.call('Low agent (disabled)', 'disabled-1', 1000, 500, 2000) \gset
update routing.config set enabled = true where id;
-- The old call leaves a 30-day window; the control calls were made before a haiku price rise.
update routing.calls c set created_at = now() - interval '40 days'
from calls_made m where m.label = 'routed-old' and c.decision_id = (m.decision ->> 'decision_id')::uuid;
update routing.calls c set created_at = now() - interval '2 hours'
from calls_made m where m.label like 'control-%' and c.decision_id = (m.decision ->> 'decision_id')::uuid;
insert into routing.model_prices (model, effective_from, input_per_mtok, output_per_mtok, cached_input_per_mtok, cache_write_per_mtok)
values ('claude-3-haiku', now() - interval '1 hour', 0.50, 2.50, 0.06, 0.60);

select is(
  (select string_agg(format('%s:%s:%s', label, decision ->> 'cohort', coalesce(decision ->> 'shadow_model', '-')), ' ' order by label)
   from calls_made),
  'control-1:control:claude-3-haiku control-2:control:claude-3-haiku disabled-1:disabled:gpt-4o-mini '
  'routed-1:routed:- routed-2:routed:- routed-old:routed:- stranger-1:routed:-',
  'route_model recorded the shadow model of the control and disabled decisions.');

-- -----------------------------------------------------------------------------
-- Service role: every call of the window
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();

select is(
  (select (calls, share_pct, actual_cost_usd, baseline_cost_usd, projected_cost_usd, actual_savings_usd, projected_savings_usd,
           projected_savings_pct, repriced_calls)::text
   from public.routing_projection(30) where dimension = 'total'),
  '(6,100.00,0.099625,0.11875,0.051975,0.019125,0.066775,56.23,3)',
  'Over 30 days routing on would cost $0.051975 instead of $0.099625, against a $0.11875 baseline.');
select results_eq(
  $$select key, calls, actual_cost_usd, projected_cost_usd, repriced_calls from public.routing_projection(30)
    where dimension = 'cohort' order by key$$,
  $$values ('control'::text, 2::bigint, 0.0435::numeric, 0.00525::numeric, 2::bigint),
           ('disabled', 1, 0.01, 0.0006, 1),
           ('routed', 3, 0.046125, 0.046125, 0)$$,
  'Control calls are re-priced at haiku, the disabled call at mini (cached tokens at its cached price), routed calls as they were.');
select is(
  (select projected_cost_usd from public.routing_projection(30) where dimension = 'cohort' and key = 'control'),
  2 * 0.002625, 'The shadow price is the one in force when the call was made, not today''s raised price.');
select results_eq(
  $$select key, calls, share_pct from public.routing_projection(30) where dimension = 'model' order by key$$,
  $$values ('claude-3-haiku'::text, 3::bigint, 50.00::numeric), ('gpt-4o', 2, 33.33), ('gpt-4o-mini', 1, 16.67)$$,
  'The model mix with routing on: haiku 3, gpt-4o 2, mini 1.');
select results_eq(
  $$select key, calls from public.routing_projection(30) where dimension = 'tier' order by key$$,
  $$values ('high'::text, 2::bigint), ('low', 1), ('medium', 3)$$,
  'The tier mix of the window.');
select is((select calls from public.routing_projection(60) where dimension = 'total'), 7::bigint,
  'A 60-day window takes in the 40-day-old call.');
select is((select calls from public.routing_projection() where dimension = 'total'), 6::bigint, 'The window defaults to 30 days.');
select throws_ok($$select * from public.routing_projection(0)$$, '22023', 'days must be between 1 and 3650',
  'A window of 0 days is refused.');
select throws_ok($$select * from public.routing_projection(-5)$$, '22023', 'days must be between 1 and 3650',
  'A negative window is refused.');
select throws_ok($$select * from public.routing_projection(null)$$, '22023', 'days must be between 1 and 3650',
  'A null window is refused.');
select is((select provolatile from pg_catalog.pg_proc where oid = 'public.routing_projection(integer)'::regprocedure), 's',
  'The projection is STABLE: it reads, never writes.');

-- -----------------------------------------------------------------------------
-- Owner: their own calls only
-- -----------------------------------------------------------------------------
select tests.authenticate_as('owner');
select is(
  (select (calls, actual_cost_usd, baseline_cost_usd, projected_cost_usd)::text
   from public.routing_projection(30) where dimension = 'total'),
  '(5,0.097,0.097,0.04935)', 'The owner projects their own five calls.');
select is((select count(*) from public.routing_projection(30) where key = 'routed' and calls = 2), 1::bigint,
  'The owner''s routed cohort holds their two recent calls.');

-- -----------------------------------------------------------------------------
-- Stranger: their own call only
-- -----------------------------------------------------------------------------
select tests.authenticate_as('stranger');
select is(
  (select (calls, actual_cost_usd, baseline_cost_usd, projected_cost_usd)::text
   from public.routing_projection(30) where dimension = 'total'),
  '(1,0.002625,0.02175,0.002625)', 'The stranger projects only their own call.');
select is_empty($$select * from public.routing_projection(30) where dimension = 'cohort' and key in ('control', 'disabled')$$,
  'The stranger sees none of the owner''s control or disabled calls.');

-- -----------------------------------------------------------------------------
-- A user without calls, and anon
-- -----------------------------------------------------------------------------
select tests.authenticate_as('newcomer');
select is(
  (select (calls, actual_cost_usd, projected_cost_usd, projected_savings_pct)::text from public.routing_projection(30)),
  '(0,0,0,)', 'A user without calls gets one total row of zeros.');

select tests.authenticate_as_anon();
select throws_ok($$select * from public.routing_projection(30)$$, '42501', 'permission denied for function routing_projection',
  'Anon may not project.');

select tests.clear_authentication();
select ok(has_function_privilege('authenticated', 'public.routing_projection(integer)', 'execute')
          and has_function_privilege('service_role', 'public.routing_projection(integer)', 'execute'),
  'Signed-in users and the service role may project.');
select is((select prosecdef from pg_catalog.pg_proc where oid = 'public.routing_projection(integer)'::regprocedure), false,
  'The projection runs with the caller''s rights (SECURITY INVOKER), so RLS filters it.');
select * from finish();
ROLLBACK;
