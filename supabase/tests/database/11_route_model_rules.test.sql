-- Spec §2 rules 5-8 and their boundaries: recent failures, new agent, low success rate, tier.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(27);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): the named actor owner; agents with their metrics; routing on, defaults
-- -----------------------------------------------------------------------------
select tests.create_user('owner');
select tests.reset_routing();

-- Agent n is the owner's 'rules agent <n>' (see pg_temp.route).
select tests.create_agent('owner', 'rules agent ' || a.n, a.score, a.executions, a.success_rate,
                          consecutive_failures => a.failures, last_failure_at => a.last_failure)
from (values (1, 3.90, 40, 97.5, 0, null),
             (2, 3.95, 40, 97.5, 0, null),
             (3, 6.90, 40, 97.5, 0, null),
             (4, 6.95, 40, 97.5, 0, null),
             (5, 0.00, 40, 97.5, 0, null),
             (6, 10.0, 40, 97.5, 0, null),
             (7, 5.20, 2, 100, 0, null),
             (8, 5.20, 3, 100, 0, null),
             (9, null, null, null, 0, null),  -- no metrics row
             (10, 2.00, 40, 84.9, 0, null),
             (11, 2.00, 40, 85.0, 0, null),
             (12, 2.00, 40, 90, 3, now() - interval '59 minutes 59 seconds'),
             (13, 2.00, 40, 90, 3, now() - interval '60 minutes'),
             (14, 2.00, 40, 90, 2, now() - interval '1 minute'),
             (15, null, 40, 97.5, 0, null),
             (16, 2.00, 1, 0, 3, now() - interval '5 minutes')) a(n, score, executions, success_rate, failures, last_failure);

create function pg_temp.route(n integer) returns jsonb language sql as $$
  select public.route_model(tests.get_agent_id('rules agent ' || n))
$$;

-- -----------------------------------------------------------------------------
-- Rule 8, tier: thresholds are inclusive upper bounds
-- -----------------------------------------------------------------------------
select is(pg_temp.route(1) ->> 'model', tests.configured_model('low_model'), 'A score of 3.9 is the low tier: the low model.');
select is(pg_temp.route(1) ->> 'tier', 'low', 'A score of 3.9 reports the low band.');
select is(pg_temp.route(2) ->> 'model', tests.configured_model('medium_model'), 'A score of 3.95 is the medium tier: the medium model.');
select is(pg_temp.route(3) ->> 'model', tests.configured_model('medium_model'), 'A score of 6.9 is still the medium tier.');
select is(pg_temp.route(3) ->> 'reasoning', 'Medium complexity (6.90) - balanced model', 'The medium reasoning names the score.');
select is(pg_temp.route(4) ->> 'model', tests.configured_model('high_model'), 'A score of 6.95 is the high tier: the high model.');
select is(pg_temp.route(4) ->> 'tier', 'high', 'A score of 6.95 reports the high band.');
select is(pg_temp.route(5) ->> 'model', tests.configured_model('low_model'), 'A score of 0 is the low tier.');
select is(pg_temp.route(6) ->> 'model', tests.configured_model('high_model'), 'A score of 10 is the high tier.');
select is(pg_temp.route(2) ->> 'reason', 'tier', 'A tier decision has reason tier.');
select is(pg_temp.route(2) ->> 'cohort', 'routed', 'A tier decision is in the routed cohort.');

-- -----------------------------------------------------------------------------
-- Rule 8 without a score
-- -----------------------------------------------------------------------------
select is(pg_temp.route(15) ->> 'model', tests.configured_model('high_model'), 'An agent without a score but with enough executions gets the high model.');
select ok(pg_temp.route(15) -> 'tier' = 'null'::jsonb, 'An agent without a score has no tier.');
select is(pg_temp.route(15) -> 'warnings' ->> 0,
  format('agent %s has no combined_score: routed to the high tier', tests.get_agent_id('rules agent 15')),
  'An agent without a score gets a warning.');

-- -----------------------------------------------------------------------------
-- Rule 6, new_agent: fewer than min_executions, or no metrics row
-- -----------------------------------------------------------------------------
select is(pg_temp.route(7) ->> 'reason', 'new_agent', 'An agent with 2 executions is new.');
select is(pg_temp.route(7) ->> 'reasoning', 'New agent (2 of 3 executions) - safe default', 'The new-agent reasoning counts executions.');
select is(pg_temp.route(7) ->> 'model', tests.configured_model('new_agent_model'), 'A new agent gets the new-agent model.');
select is(pg_temp.route(8) ->> 'reason', 'tier', 'An agent with 3 executions is judged by its tier.');
select is(pg_temp.route(9) ->> 'reason', 'new_agent', 'An agent without a metrics row is new.');
select ok(pg_temp.route(9) -> 'total_executions' = 'null'::jsonb, 'An agent without a metrics row reports no executions.');

-- -----------------------------------------------------------------------------
-- Rule 7, low_success_rate: below min_success_rate (85)
-- -----------------------------------------------------------------------------
select is(pg_temp.route(10) ->> 'reason', 'low_success_rate', 'A success rate of 84.9 is low.');
select is(pg_temp.route(10) ->> 'model', tests.configured_model('premium_model'), 'A low success rate gets the premium model.');
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
