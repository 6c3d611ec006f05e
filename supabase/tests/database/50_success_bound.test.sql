-- routing.success_bound (ROUTING-SPEC §10): the one-sided Wilson score bound that the
-- learned tier, the rollback trip and the advice share; its values against a reference
-- computation (scipy), its edges and its refusals.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(14);

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

select * from finish();
ROLLBACK;
