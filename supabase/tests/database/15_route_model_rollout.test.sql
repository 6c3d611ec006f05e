-- Spec §2 rule 4: sticky rollout buckets; at 10%, about a tenth of agents are routed.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(9);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): the named actor owner with 1,000 medium agents, routing on at 10%
-- -----------------------------------------------------------------------------
-- The buckets hash the agent ids, which are derived from the names 'rollout agent 1' to
-- 'rollout agent 1000': the same on every run (91 of them fall below 10 with this salt).
select tests.create_user('owner');
select count(tests.create_agent('owner', 'rollout agent ' || i, 5.2, 40, 97.5))
from generate_series(1, 1000) i;
select tests.reset_routing();
update routing.config set rollout_percentage = 10, rollout_salt = 'model-router-v1';

create temporary table first_pass on commit drop as
select a.id, public.route_model(a.id) as d
from public.agents a where a.user_id = tests.get_user_id('owner');

-- -----------------------------------------------------------------------------
-- About 10% routed, the rest control with a shadow
-- -----------------------------------------------------------------------------
select cmp_ok((select count(*) from first_pass where d ->> 'cohort' = 'routed'), '>=', 70::bigint,
  'At 10% rollout at least 7% of 1,000 agents are routed.');
select cmp_ok((select count(*) from first_pass where d ->> 'cohort' = 'routed'), '<=', 130::bigint,
  'At 10% rollout at most 13% of 1,000 agents are routed.');
select is((select count(*) from first_pass where d ->> 'cohort' not in ('routed', 'control')), 0::bigint,
  'Every agent is either routed or control.');
select is_empty($$ select id from first_pass where d ->> 'cohort' = 'control'
                   and (d ->> 'model' <> tests.configured_model('baseline_model') or d ->> 'reason' <> 'rollout_control'
                        or d ->> 'shadow_model' <> tests.configured_model('medium_model')) $$,
  'Every control decision takes the baseline and records the routed choice as its shadow.');
select is_empty($$ select id from first_pass
                   where (d ->> 'cohort' = 'routed') <> (routing._rollout_bucket('model-router-v1', id) < 10) $$,
  'An agent is routed exactly when its bucket is below the rollout percentage.');

-- -----------------------------------------------------------------------------
-- Buckets are sticky: same agent, same cohort; a wider rollout keeps the routed ones
-- -----------------------------------------------------------------------------
select is_empty($$ select f.id from first_pass f where public.route_model(f.id) ->> 'cohort' <> f.d ->> 'cohort' $$,
  'An agent''s cohort never changes between calls.');
update routing.config set rollout_percentage = 30;
select is_empty($$ select f.id from first_pass f where f.d ->> 'cohort' = 'routed' and public.route_model(f.id) ->> 'cohort' <> 'routed' $$,
  'Raising the rollout keeps every agent that was already routed.');
select is((select count(*) from public.agents a where a.user_id = tests.get_user_id('owner')
           and public.route_model(a.id, null, '{"ROUTING_PERCENTAGE": "100"}') ->> 'cohort' = 'control'), 0::bigint,
  'At 100% no agent is in control.');
select is((select count(*) from public.agents a where a.user_id = tests.get_user_id('owner')
           and public.route_model(a.id, null, '{"ROUTING_PERCENTAGE": "0"}') ->> 'cohort' = 'routed'), 0::bigint,
  'At 0% no agent is routed.');

select * from finish();
ROLLBACK;
