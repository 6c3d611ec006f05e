-- The cohort comparison's latency percentiles come from logarithmic buckets (routing._latency_buckets,
-- routing.latency_rollups): approximate, within 2% (+ 0.5 ms of rounding) of the exact discrete
-- percentile, exact when the bucket holds one value, and the same live and from the rollups.
--   day 2020-06-01  one routed execution with 300 calls, latencies spread over 50..4049 ms
--   day 2020-06-02  one routed execution with three calls of 100, 200 and 5000 ms
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(8);

select tests.clear_routing_history();
select tests.reset_routing();
select tests.use_plan_2025_catalog();
create temp table agent on commit drop as
select tests.create_agent(tests.create_user('spread66@example.com'), 'Spread agent', 5.2, 40, 97.5) as id;

do $$
declare
  a uuid := (select id from agent);
  d jsonb;
  k integer;
begin
  d := public.route_model(a, 'spread-1');
  for k in 1..300 loop
    perform tests.record_completion_for(d, 1000, 1000, latency_ms => 50 + (k * k * 7) % 4000);
  end loop;
  perform public.record_agent_execution(a, 'spread-1', true, 2000, 1234);
  d := public.route_model(a, 'few-1');
  perform tests.record_completion_for(d, 1000, 1000, latency_ms => 100);
  perform tests.record_completion_for(d, 1000, 1000, latency_ms => 200);
  perform tests.record_completion_for(d, 1000, 1000, latency_ms => 5000);
  perform public.record_agent_execution(a, 'few-1', true, 2000, 777);
  update routing.executions e set recorded_at = case e.execution_id when 'spread-1' then timestamptz '2020-06-01 12:00Z'
                                                                    else timestamptz '2020-06-02 12:00Z' end
  where e.execution_id in ('spread-1', 'few-1');
end
$$;

-- The exact discrete percentiles of the spread execution's calls, and the report's.
create temp table exact on commit drop as
select percentile_disc(0.5) within group (order by c.latency_ms) as p50,
       percentile_disc(0.95) within group (order by c.latency_ms) as p95
from routing.calls c join routing.decisions d on d.id = c.decision_id where d.execution_id = 'spread-1';
create temp table live on commit drop as
select 'view' as source, v.p50_latency_ms, v.p95_latency_ms, v.p50_duration_ms, v.calls
from public.routing_cohort_comparison v where v.day = '2020-06-01';

select ok((select abs(l.p50_latency_ms - e.p50) <= 0.02 * e.p50 + 0.5 from live l, exact e),
  'The p50 latency of 300 spread calls is within 2% (+ 0.5 ms) of the exact percentile_disc.');
select ok((select abs(l.p95_latency_ms - e.p95) <= 0.02 * e.p95 + 0.5 from live l, exact e),
  'The p95 latency of 300 spread calls is within 2% (+ 0.5 ms) of the exact percentile_disc.');
select is((select p50_duration_ms from live), 1234, 'A bucket of one value reports it exactly (the one outcome''s duration).');
select cmp_ok((select count(*)::integer from routing._latency_buckets b where b.day = '2020-06-01' and b.measure = 'latency'),
  '<', 150, 'The 300 calls (up to 300 distinct latencies) take fewer than 150 buckets.');
select is((select (r.p50_latency_ms, r.p95_latency_ms)::text from public.routing_cohort_comparison_between('2020-06-02', '2020-06-02') r),
  '(200,5000)', 'Values further apart than a bucket are reported exactly: p50 200 ms and p95 5000 ms of 100, 200, 5000.');
select ok((select r.calls = 303 and abs(r.p50_latency_ms - x.p50) <= 0.02 * x.p50 + 0.5
           from public.routing_cohort_comparison_between('2020-06-01', '2020-06-02') r,
                (select percentile_disc(0.5) within group (order by c.latency_ms) as p50
                 from routing.calls c join routing.decisions d on d.id = c.decision_id
                 where d.execution_id in ('spread-1', 'few-1')) x),
  'The two days'' buckets merge into the range''s percentile: within 2% (+ 0.5 ms) of the exact median of all 303 calls.');

-- From the rollups: the same figures.
select routing._refresh_report_rollups();
select is((select (v.p50_latency_ms, v.p95_latency_ms, v.p50_duration_ms, v.calls)::text
           from public.routing_cohort_comparison v where v.day = '2020-06-01'),
  (select (p50_latency_ms, p95_latency_ms, p50_duration_ms, calls)::text from live),
  'Once the day is rolled up, its percentiles are the same as they were live.');
select is((select count(*) from routing.latency_rollups where day = '2020-06-01' and user_id is not null),
  (select count(*) from routing._latency_buckets where day = '2020-06-01'),
  'The rollups store the day''s buckets, one row per owner and bucket.');

select * from finish();
ROLLBACK;
