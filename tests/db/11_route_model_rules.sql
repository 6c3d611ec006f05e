-- Spec §2 rules 5-8 and their boundaries: recent failures, new agent, low success rate, tier.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(27);

-- -----------------------------------------------------------------------------
-- Fixtures: one owner; agents made by pg_temp.agent; routing on, defaults
-- -----------------------------------------------------------------------------
insert into auth.users (id, email) values ('11000000-0000-4000-a000-000000000001', 'owner-11@test.local');
update routing.config set enabled = true, rollout_percentage = 100, force_model = null, force_provider = null,
  rollback_tripped_at = null, anthropic_enabled = true, openai_mini_enabled = true,
  low_threshold = 3.9, medium_threshold = 6.9, min_executions = 3, min_success_rate = 85,
  failure_upgrade_count = 3, failure_upgrade_minutes = 60;
update routing.provider_breakers set state = 'closed', opened_at = null, trial_started_at = null;

create function pg_temp.agent(id uuid, score numeric, execs integer, success numeric,
                              failures integer default 0, last_failure timestamptz default null)
returns uuid language sql as $$
  insert into public.agents (id, user_id, name) values (id, '11000000-0000-4000-a000-000000000001', 'rules agent');
  insert into public.agent_intensity_metrics (agent_id, combined_score, total_executions, successful_executions,
                                              success_rate, consecutive_failures, last_failure_at)
  select id, score, execs, floor(execs * success / 100), success, failures, last_failure where execs is not null;
  select id;
$$;

select pg_temp.agent('11000000-0000-4000-b000-000000000001', 3.90, 40, 97.5);
select pg_temp.agent('11000000-0000-4000-b000-000000000002', 3.95, 40, 97.5);
select pg_temp.agent('11000000-0000-4000-b000-000000000003', 6.90, 40, 97.5);
select pg_temp.agent('11000000-0000-4000-b000-000000000004', 6.95, 40, 97.5);
select pg_temp.agent('11000000-0000-4000-b000-000000000005', 0.00, 40, 97.5);
select pg_temp.agent('11000000-0000-4000-b000-000000000006', 10.0, 40, 97.5);
select pg_temp.agent('11000000-0000-4000-b000-000000000007', 5.20, 2, 100);
select pg_temp.agent('11000000-0000-4000-b000-000000000008', 5.20, 3, 100);
select pg_temp.agent('11000000-0000-4000-b000-000000000009', 5.20, null, null);
select pg_temp.agent('11000000-0000-4000-b000-000000000010', 2.00, 40, 84.9);
select pg_temp.agent('11000000-0000-4000-b000-000000000011', 2.00, 40, 85.0);
select pg_temp.agent('11000000-0000-4000-b000-000000000012', 2.00, 40, 90, 3, now() - interval '59 minutes 59 seconds');
select pg_temp.agent('11000000-0000-4000-b000-000000000013', 2.00, 40, 90, 3, now() - interval '60 minutes');
select pg_temp.agent('11000000-0000-4000-b000-000000000014', 2.00, 40, 90, 2, now() - interval '1 minute');
select pg_temp.agent('11000000-0000-4000-b000-000000000015', null, 40, 97.5);
select pg_temp.agent('11000000-0000-4000-b000-000000000016', 2.00, 1, 0, 3, now() - interval '5 minutes');

create function pg_temp.route(n integer) returns jsonb language sql as $$
  select public.route_model(('11000000-0000-4000-b000-' || lpad(n::text, 12, '0'))::uuid)
$$;

-- -----------------------------------------------------------------------------
-- Rule 8, tier: thresholds are inclusive upper bounds
-- -----------------------------------------------------------------------------
select is(pg_temp.route(1) ->> 'model', 'gpt-4o-mini', 'A score of 3.9 is the low tier: gpt-4o-mini.');
select is(pg_temp.route(1) ->> 'tier', 'low', 'A score of 3.9 reports the low band.');
select is(pg_temp.route(2) ->> 'model', 'claude-3-haiku', 'A score of 3.95 is the medium tier: claude-3-haiku.');
select is(pg_temp.route(3) ->> 'model', 'claude-3-haiku', 'A score of 6.9 is still the medium tier.');
select is(pg_temp.route(3) ->> 'reasoning', 'Medium complexity (6.90) - balanced model', 'The medium reasoning names the score.');
select is(pg_temp.route(4) ->> 'model', 'gpt-4o', 'A score of 6.95 is the high tier: gpt-4o.');
select is(pg_temp.route(4) ->> 'tier', 'high', 'A score of 6.95 reports the high band.');
select is(pg_temp.route(5) ->> 'model', 'gpt-4o-mini', 'A score of 0 is the low tier.');
select is(pg_temp.route(6) ->> 'model', 'gpt-4o', 'A score of 10 is the high tier.');
select is(pg_temp.route(2) ->> 'reason', 'tier', 'A tier decision has reason tier.');
select is(pg_temp.route(2) ->> 'cohort', 'routed', 'A tier decision is in the routed cohort.');

-- -----------------------------------------------------------------------------
-- Rule 8 without a score
-- -----------------------------------------------------------------------------
select is(pg_temp.route(15) ->> 'model', 'gpt-4o', 'An agent without a score but with enough executions gets the high model.');
select ok(pg_temp.route(15) -> 'tier' = 'null'::jsonb, 'An agent without a score has no tier.');
select is(pg_temp.route(15) -> 'warnings' ->> 0,
  'agent 11000000-0000-4000-b000-000000000015 has no combined_score: routed to the high tier',
  'An agent without a score gets a warning.');

-- -----------------------------------------------------------------------------
-- Rule 6, new_agent: fewer than min_executions, or no metrics row
-- -----------------------------------------------------------------------------
select is(pg_temp.route(7) ->> 'reason', 'new_agent', 'An agent with 2 executions is new.');
select is(pg_temp.route(7) ->> 'reasoning', 'New agent (2 of 3 executions) - safe default', 'The new-agent reasoning counts executions.');
select is(pg_temp.route(7) ->> 'model', 'gpt-4o-mini', 'A new agent gets the new-agent model gpt-4o-mini.');
select is(pg_temp.route(8) ->> 'reason', 'tier', 'An agent with 3 executions is judged by its tier.');
select is(pg_temp.route(9) ->> 'reason', 'new_agent', 'An agent without a metrics row is new.');
select ok(pg_temp.route(9) -> 'total_executions' = 'null'::jsonb, 'An agent without a metrics row reports no executions.');

-- -----------------------------------------------------------------------------
-- Rule 7, low_success_rate: below min_success_rate (85)
-- -----------------------------------------------------------------------------
select is(pg_temp.route(10) ->> 'reason', 'low_success_rate', 'A success rate of 84.9 is low.');
select is(pg_temp.route(10) ->> 'model', 'gpt-4o', 'A low success rate gets the premium model.');
select is(pg_temp.route(11) ->> 'reason', 'tier', 'A success rate of 85 is not low.');

-- -----------------------------------------------------------------------------
-- Rule 5, recent_failures: 3 consecutive failures, the last within 60 minutes
-- -----------------------------------------------------------------------------
select is(pg_temp.route(12) ->> 'reasoning', 'Recent failures (3 in 60 min) - premium model',
  'Three failures, the last 59m59s ago, upgrade to the premium model.');
select is(pg_temp.route(13) ->> 'reason', 'tier', 'Three failures, the last exactly 60 minutes ago, have lapsed.');
select is(pg_temp.route(14) ->> 'reason', 'tier', 'Two recent failures are below the upgrade count.');
select is(pg_temp.route(16) ->> 'reason', 'recent_failures', 'Recent failures come before the new-agent rule.');

select * from finish();
ROLLBACK;
