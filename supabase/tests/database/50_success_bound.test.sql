-- routing.success_bound (ROUTING-SPEC §10): the one-sided Wilson score bound that the
-- learned tier, the rollback trip and the advice share; its values against a reference
-- computation (scipy), its edges and its refusals. Then the Beta posterior of the learned
-- tier's cost rule (routing._beta_cdf, routing._beta_shortfall) against closed forms.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(23);

-- -----------------------------------------------------------------------------
-- Service role: the figures
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();

select is(round(routing.normal_quantile(0.95), 4), 1.6449, 'The 95% normal quantile is 1.6449.');
select is(round(routing.normal_quantile(0.99), 4), 2.3263, 'The 99% normal quantile is 2.3263.');
select is(round(routing.normal_quantile(0.001), 4), -3.0902, 'The 0.1% normal quantile (the lower tail) is -3.0902.');
select is(routing.success_bound(16, 20, 0.99, 'upper'), 93.1447,
  'Sixteen of twenty at 99% confidence: the rate is below 93.1447% (the Wilson upper bound).');
select is(routing.success_bound(53, 56, 0.99, 'upper'), 98.4649,
  'Fifty-three of fifty-six at 99%: the upper bound is 98.4649%, well above a 95% threshold.');
select is(routing.success_bound(53, 56, 0.95, 'upper'), 97.8390, 'The same sample at 95% confidence: 97.839%.');
select is(routing.success_bound(20, 20, 0.95, 'lower'), 88.0842,
  'Twenty clean executions prove only 88.08% at 95% confidence (the lower bound).');
select is(routing.success_bound(0, 10, 0.95, 'upper'), 21.2942, 'Ten failures: the rate is below 21.29%.');
select is(routing.success_bound(29.6, 30, 0.95, 'upper'), 99.8456,
  'Fractional pseudo-counts are accepted: 29.6 of 30 (a prior of 19.6 / 20 plus ten successes) gives 99.8456%.');
select is(routing.success_bound(98, 100, 0.90, 'lower'), 95.2831, 'Ninety-eight of a hundred at 90%: above 95.2831%.');
select is((routing.success_bound(0, 0, 0.95, 'upper'), routing.success_bound(0, 0, 0.95, 'lower'))::text, '(100,0)',
  'Without executions the bounds are 100% and 0%: no evidence either way.');

select throws_ok($$select routing.success_bound(5, 4, 0.95, 'upper')$$, '22023',
  'success_bound: successes must be between 0 and executions', 'More successes than executions is refused.');
select throws_ok($$select routing.success_bound(5, 10, 1, 'upper')$$, '22023',
  'success_bound: confidence must be above 0.5 and below 1', 'A confidence of 1 is refused.');
select throws_ok($$select routing.success_bound(5, 10, 0.95, 'middle')$$, '22023',
  'success_bound: side must be upper or lower', 'A side other than upper or lower is refused.');

-- -----------------------------------------------------------------------------
-- Database owner (the learning runs as the RPC's owner): the Beta posterior
-- -----------------------------------------------------------------------------
select tests.clear_authentication();
select is(round(routing._beta_cdf(0.5, 2, 2), 10), 0.5::numeric, 'Beta(2, 2) is symmetric: P(p <= 0.5) = 0.5.');
select is(round(routing._beta_cdf(0.3, 0.5, 0.5), 10), round((2 / pi() * asin(sqrt(0.3)))::numeric, 10),
  'The arcsine law: P(p <= 0.3) for Beta(1/2, 1/2) is 2/pi asin(sqrt 0.3).');
select is(round(routing._beta_cdf(0.98, 40, 1), 10), round(power(0.98, 40)::numeric, 10),
  'Beta(40, 1): P(p <= 0.98) = 0.98^40 (the continued fraction on the far side of its mean).');
select is(round(routing._beta_shortfall(0.98, 40, 1), 10), round((0.98 * power(0.98, 40) - 40.0 / 41 * power(0.98, 41))::numeric, 10),
  'Beta(40, 1): E[max(0, 0.98 - p)] = 0.98 x 0.98^40 - 40/41 x 0.98^41.');
select is((routing._beta_cdf(0, 3, 4), routing._beta_cdf(1, 3, 4))::text, '(0,1)', 'The CDF is 0 at 0 and 1 at 1.');
select is(routing._beta_cdf(0.98, 99990, 10), 0::numeric,
  'A record of 100,000 executions at 99.99 % puts 98 % in the far lower tail: the CDF is 0, not an underflow error.');
select is(routing._beta_cdf(0.9999, 49950, 50), 1::numeric,
  'A record of 50,000 executions at 99.9 % puts 99.99 % in the far upper tail: the CDF is 1.');
select ok(routing._beta_shortfall(0.98, 99990, 10) = 0,
  'The shortfall below 98 % of a 100,000-execution record at 99.99 % is 0 (the cost rule on a long record does not fail).');
select throws_ok($$select routing._beta_cdf(0.5, 0, 1)$$, '22023', '_beta_cdf: a and b must be positive',
  'A Beta without positive parameters is refused.');

select * from finish();
ROLLBACK;
