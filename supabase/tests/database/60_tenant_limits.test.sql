-- Per-tenant limits of route_model (tenant limits migration): the request rate per UTC minute and the
-- recorded spend per UTC day, each at its boundary, per actor; RL429 with the setting and a retry-after.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(30);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): the named actors owner and stranger, one medium agent each, routing on
-- -----------------------------------------------------------------------------
select tests.create_user('owner'), tests.create_user('stranger');
select tests.create_agent('owner', 'owner agent', 5.2, 40, 97.5),
       tests.create_agent('stranger', 'stranger agent', 5.2, 40, 97.5);
select tests.reset_routing();
update routing.config set tenant_requests_per_minute = 3;

-- The refusal of a statement as 'sqlstate | column | retry_after_seconds in range' (null: not refused).
create function pg_temp.refusal(statement text, max_retry_after integer) returns text language plpgsql as $$
declare
  state text; col text; detail text;
begin
  execute statement;
  return null;
exception when others then
  get stacked diagnostics state = returned_sqlstate, col = column_name, detail = pg_exception_detail;
  return format('%s | %s | %s', state, col,
                coalesce(substring(detail from '^retry_after_seconds=(\d+)$')::integer between 1 and max_retry_after, false));
end
$$;
grant execute on function pg_temp.refusal(text, integer) to authenticated, service_role;

-- -----------------------------------------------------------------------------
-- Owner (authenticated): 3 requests per minute
-- -----------------------------------------------------------------------------
select tests.authenticate_as('owner');
select lives_ok($$ select public.route_model(tests.get_agent_id('owner agent'), 'rate-1') $$,
  'The owner''s first request of the minute is decided.');
select lives_ok($$ select public.route_model(tests.get_agent_id('owner agent'), 'rate-2') $$,
  'The owner''s second request of the minute is decided.');
select is(public.route_model(tests.get_agent_id('owner agent'), 'rate-3') ->> 'cohort', 'routed',
  'The owner''s third request, the last the limit allows, is decided.');
select throws_ok($$ select public.route_model(tests.get_agent_id('owner agent'), 'rate-4') $$,
  'RL429', 'route_model: the tenant''s request rate limit is reached (routing.config.tenant_requests_per_minute)',
  'The owner''s fourth request of the minute is refused with RL429 and a stable message.');
select is(pg_temp.refusal($$ select public.route_model(tests.get_agent_id('owner agent'), 'rate-5') $$, 60),
  'RL429 | tenant_requests_per_minute | t',
  'The refusal names the setting and a retry-after of at most the rest of the minute.');
select throws_ok($$ select public.route_model(tests.get_agent_id('owner agent'), 'rate-1') $$,
  'RL429', 'route_model: the tenant''s request rate limit is reached (routing.config.tenant_requests_per_minute)',
  'A replay of a decided execution is a request too (each call of an execution is one): past the limit it is refused.');

-- -----------------------------------------------------------------------------
-- Stranger (authenticated): another tenant has a counter of its own
-- -----------------------------------------------------------------------------
select tests.authenticate_as('stranger');
select lives_ok($$ select public.route_model(tests.get_agent_id('stranger agent'), 's-1') $$,
  'A stranger makes a request while the owner is refused.');
select is(public.route_model(tests.get_agent_id('stranger agent'), 's-1') ->> 'replayed', 'true',
  'The stranger''s second call of execution s-1, under the limit, is answered with the decision replayed.');
select lives_ok($$ select public.route_model(tests.get_agent_id('stranger agent'), 's-2') $$,
  'The stranger''s third request of the minute is decided.');
select throws_ok($$ select public.route_model(tests.get_agent_id('stranger agent'), 's-3') $$, 'RL429', null,
  'The stranger''s fourth request is refused: the replay counted as a request.');

-- -----------------------------------------------------------------------------
-- Service role: routing for a tenant counts as that tenant
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select throws_ok($$ select public.route_model(tests.get_agent_id('owner agent'), 'svc-1', '{}', tests.get_user_id('owner')) $$,
  'RL429', null, 'The service role routing the owner''s agent is refused with the owner''s limit.');
select is((select requests from routing.tenant_request_counts where user_id = tests.get_user_id('owner')), 3,
  'Only the admitted requests are counted: the refused ones (the replay past the limit too) are not.');

-- -----------------------------------------------------------------------------
-- Database owner: 0 means no limit; the counter keeps one row per tenant
-- -----------------------------------------------------------------------------
select tests.clear_authentication();
update routing.config set tenant_requests_per_minute = 0;
select lives_ok($$ select public.route_model(tests.get_agent_id('owner agent'), 'rate-' || g) from generate_series(6, 20) g $$,
  'With tenant_requests_per_minute 0 the owner is not limited.');
select is((select requests from routing.tenant_request_counts where user_id = tests.get_user_id('owner')), 3,
  'Without a limit nothing is counted.');
update routing.config set tenant_requests_per_minute = 100;
insert into routing.tenant_request_counts (user_id, minute, requests)
values (tests.get_user_id('stranger'), date_trunc('minute', now()) - interval '5 minutes', 99);
delete from routing.tenant_request_counts where user_id = tests.get_user_id('stranger') and minute = date_trunc('minute', now());
select lives_ok($$ select public.route_model(tests.get_agent_id('stranger agent'), 's-new-minute') $$,
  'A new minute starts a new count: an earlier minute''s 99 requests do not limit it.');
select is((select array_agg(requests) from routing.tenant_request_counts where user_id = tests.get_user_id('stranger')), '{1}'::integer[],
  'The first request of a minute deletes the tenant''s earlier minutes.');

-- -----------------------------------------------------------------------------
-- Owner (authenticated): $0.03 of recorded spend per UTC day
-- -----------------------------------------------------------------------------
-- The medium model (claude-haiku-4-5, $1 per million input tokens): 10,000 input tokens cost $0.01.
update routing.config set tenant_requests_per_minute = 0, tenant_daily_spend_usd = 0.03, medium_model = 'claude-haiku-4-5';
create temp table spend_calls (label text primary key, answer jsonb) on commit drop;
grant all on spend_calls to authenticated, service_role;
select tests.authenticate_as('owner');
insert into spend_calls select 'spend-' || g, public.route_model(tests.get_agent_id('owner agent'), 'spend-' || g)
from generate_series(1, 2) g;
-- The edge function (service role) records the calls.
select tests.clear_authentication();
select tests.record_completion_for(answer, 10000, 0) from spend_calls order by label;
select is((select spend_usd from routing.tenant_daily_spend where user_id = tests.get_user_id('owner') and day = (timezone('UTC', now()))::date),
  (select sum(cost_usd) from routing.calls where user_id = tests.get_user_id('owner')),
  'The tenant''s daily spend is the sum of its recorded calls'' cost.');
select is((select (spend_usd, calls)::text from routing.tenant_daily_spend where user_id = tests.get_user_id('owner')), '(0.02,2)',
  'Two calls of 10,000 input tokens on the medium model spent $0.02.');
select tests.authenticate_as('owner');
insert into spend_calls values ('spend-3', public.route_model(tests.get_agent_id('owner agent'), 'spend-3'));
select is((select answer ->> 'model' from spend_calls where label = 'spend-3'), 'claude-haiku-4-5',
  'At $0.02 of a $0.03 limit the owner''s request is decided.');
select tests.clear_authentication();
select is((select (tests.record_completion_for(answer, 10000, 0) ->> 'cost_usd')::numeric from spend_calls where label = 'spend-3'), 0.01,
  'Its call is recorded at $0.01 ($0.03 in all).');
select tests.authenticate_as('owner');
select throws_ok($$ select public.route_model(tests.get_agent_id('owner agent'), 'spend-4') $$,
  'RL429', 'route_model: the tenant''s daily spend limit is reached (routing.config.tenant_daily_spend_usd)',
  'At $0.03 of the $0.03 limit the next request is refused with RL429.');
select is(pg_temp.refusal($$ select public.route_model(tests.get_agent_id('owner agent'), 'spend-5') $$, 86400),
  'RL429 | tenant_daily_spend_usd | t', 'The refusal names the setting and a retry-after of at most a day (to UTC midnight).');
select throws_ok($$ select public.route_model(tests.get_agent_id('owner agent'), 'spend-3') $$,
  'RL429', 'route_model: the tenant''s daily spend limit is reached (routing.config.tenant_daily_spend_usd)',
  'Past the spend limit a replay of a decided execution is refused too: its call would spend more.');

-- -----------------------------------------------------------------------------
-- Stranger and service role: another tenant's spend is its own
-- -----------------------------------------------------------------------------
select tests.authenticate_as('stranger');
select lives_ok($$ select public.route_model(tests.get_agent_id('stranger agent'), 'stranger-spend') $$,
  'The stranger, who spent nothing, is decided while the owner is refused.');
select tests.authenticate_as_service_role();
select throws_ok($$ select public.route_model(tests.get_agent_id('owner agent'), 'svc-spend', '{}', tests.get_user_id('owner')) $$,
  'RL429', null, 'The service role routing the owner''s agent is refused by the owner''s spend.');
select tests.clear_authentication();
update routing.config set tenant_daily_spend_usd = 0;
select lives_ok($$ select public.route_model(tests.get_agent_id('owner agent'), 'spend-unlimited') $$,
  'With tenant_daily_spend_usd 0 the owner is not limited.');

-- -----------------------------------------------------------------------------
-- Database owner: spend is counted only while a limit is on, and exactly from the moment it is
-- -----------------------------------------------------------------------------
select is((select tgenabled::text from pg_catalog.pg_trigger where tgrelid = 'routing.calls'::regclass and tgname = 'count_tenant_spend'),
  'D', 'Without a daily spend limit the spend trigger is off: a recorded call pays nothing for counters nobody reads.');
insert into spend_calls values ('spend-off', public.route_model(tests.get_agent_id('owner agent'), 'spend-off'));
select tests.record_completion_for(answer, 10000, 0) from spend_calls where label = 'spend-off';
select is((select (spend_usd, calls)::text from routing.tenant_daily_spend where user_id = tests.get_user_id('owner')), '(0.03,3)',
  'A call recorded without a limit is not counted then.');
update routing.config set tenant_daily_spend_usd = 1;
select is((select (spend_usd, calls)::text from routing.tenant_daily_spend where user_id = tests.get_user_id('owner')), '(0.04,4)',
  'Turning the limit on counts the day''s calls from routing.calls, those recorded without a limit too.');
select is((select tgenabled::text from pg_catalog.pg_trigger where tgrelid = 'routing.calls'::regclass and tgname = 'count_tenant_spend'),
  'O', 'With a daily spend limit the spend trigger is on.');

select * from finish();
ROLLBACK;
