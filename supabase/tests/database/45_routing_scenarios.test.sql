-- Cost scenarios of plan §10 at the catalog prices in force now and the tier
-- models of routing.config: 100,000 executions of 1,500 in / 1,800 out a month.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(22);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): the default tier models and thresholds; the named actor
-- owner with ten agents of the §10.2 mix (3 low, 5 medium, 2 high, one of them unscored)
-- -----------------------------------------------------------------------------
select tests.reset_routing();
select tests.use_plan_2025_catalog();  -- the plan's tier models and prices (the figures are the plan's)
delete from public.agent_intensity_metrics;
select tests.create_user('owner');
select tests.create_agent('owner', 'Agent ' || g,
                          case when g <= 3 then 2.0 when g <= 8 then 5.2 when g = 9 then 8.4 end, 40, 97.5)
from generate_series(1, 10) g;

-- -----------------------------------------------------------------------------
-- Service role
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();

select is(
  (select (low_pct, medium_pct, high_pct, cost_per_execution_usd, baseline_cost_per_execution_usd, monthly_cost_usd,
           baseline_monthly_cost_usd, monthly_savings_usd, savings_pct, annual_savings_usd)::text
   from public.project_routing_scenarios() where scenario = 'balanced'),
  '(30.00,50.00,20.00,0.006054,0.02175,605.40,2175.00,1569.60,72.17,18835.20)',
  'Balanced (30/50/20): $605.40 a month against $2,175.00, $1,569.60 saved (72.2%), $18,835.20 a year.');
select is((select baseline_monthly_cost_usd from public.project_routing_scenarios() where scenario = 'balanced'), 2175.00,
  'The all-gpt-4o month costs exactly $2,175.00.');
select is((select monthly_cost_usd from public.project_routing_scenarios() where scenario = 'balanced'), 605.40,
  'The balanced month costs exactly $605.40.');
select is((select round(savings_pct, 1) from public.project_routing_scenarios() where scenario = 'balanced'), 72.2,
  'The balanced savings are 72.2%.');
select is((select monthly_cost_usd from public.project_routing_scenarios() where scenario = 'conservative'), 1001.10,
  'Conservative (20/40/40) costs exactly $1,001.10 a month.');
select is((select monthly_cost_usd from public.project_routing_scenarios() where scenario = 'aggressive'), 400.95,
  'Aggressive (40/50/10) costs exactly $400.95 a month.');
select is((select round(savings_pct) from public.project_routing_scenarios() where scenario = 'conservative'), 54::numeric,
  'Conservative saves 54%, as the plan says.');
select is((select round(savings_pct) from public.project_routing_scenarios() where scenario = 'aggressive'), 82::numeric,
  'Aggressive saves 82%, as the plan says.');
select results_eq($$select scenario from public.project_routing_scenarios()$$,
  $$values ('conservative'::text), ('balanced'), ('aggressive'), ('current')$$,
  'The scenarios come in order: conservative, balanced, aggressive, current.');
select is(
  (select (low_pct, medium_pct, high_pct, monthly_cost_usd)::text from public.project_routing_scenarios() where scenario = 'current'),
  '(30.00,50.00,20.00,605.40)',
  'The current population (3 low, 5 medium, 1 high, 1 unscored = high) has the balanced mix and cost.');

update routing.config set low_threshold = 5.5, medium_threshold = 6.9 where id;
select is(
  (select (low_pct, medium_pct, high_pct, monthly_cost_usd)::text from public.project_routing_scenarios() where scenario = 'current'),
  '(80.00,0.00,20.00,539.40)', 'The current mix follows the configured thresholds: at 5.5 the medium agents turn low.');
select is((select monthly_cost_usd from public.project_routing_scenarios() where scenario = 'balanced'), 605.40,
  'The plan''s fixed mixes do not depend on the thresholds.');

update routing.config set medium_model = 'claude-3-5-haiku' where id;
select is(
  (select (medium_model, monthly_cost_usd)::text from public.project_routing_scenarios() where scenario = 'balanced'),
  '(claude-3-5-haiku,894.15)', 'The tier models come from routing.config: claude-3-5-haiku as medium makes balanced $894.15.');
update routing.config set medium_model = 'claude-3-haiku', low_threshold = 3.9 where id;

select is(
  (select (cost_per_execution_usd, monthly_cost_usd, baseline_monthly_cost_usd)::text
   from public.project_routing_scenarios(1000, 1000, 1000) where scenario = 'balanced'),
  '(0.003475,3.48,12.50)', 'Sizes are parameters: 1,000 executions of 1,000 in / 1,000 out.');
select is(
  (select (monthly_cost_usd, baseline_monthly_cost_usd, savings_pct)::text
   from public.project_routing_scenarios(0) where scenario = 'balanced'),
  '(0.00,0.00,72.17)', 'Zero executions cost nothing; the savings rate per execution stays.');
select throws_ok($$select * from public.project_routing_scenarios(-1)$$, '22023', 'monthly_executions must be >= 0',
  'Negative monthly executions are refused.');
select throws_ok($$select * from public.project_routing_scenarios(100000, -1)$$, '22023', 'input_tokens must be >= 0',
  'Negative input tokens are refused.');
select throws_ok($$select * from public.project_routing_scenarios(100000, 1500, null)$$, '22023', 'output_tokens must be >= 0',
  'Missing output tokens are refused.');

insert into routing.model_prices (model, effective_from, input_per_mtok, output_per_mtok, cached_input_per_mtok, cache_write_per_mtok)
values ('gpt-4o', now(), 2.00, 8.00, 1.00, 2.00);
select is((select baseline_monthly_cost_usd from public.project_routing_scenarios() where scenario = 'balanced'), 1740.00,
  'The projection uses the price in force now: a gpt-4o price cut to 2.00 / 8.00 makes the baseline $1,740.00.');

delete from public.agent_intensity_metrics;
select is(
  (select (low_pct, monthly_cost_usd)::text from public.project_routing_scenarios() where scenario = 'current'),
  '(,)', 'Without agents the current scenario has no mix and no cost.');

-- -----------------------------------------------------------------------------
-- Owner and anon: a service-role report
-- -----------------------------------------------------------------------------
select tests.authenticate_as('owner');
select throws_ok($$select * from public.project_routing_scenarios()$$, '42501',
  'permission denied for function project_routing_scenarios', 'A signed-in user may not run the scenarios.');

select tests.authenticate_as_anon();
select throws_ok($$select * from public.project_routing_scenarios()$$, '42501',
  'permission denied for function project_routing_scenarios', 'Anon may not run the scenarios.');
select * from finish();
ROLLBACK;
