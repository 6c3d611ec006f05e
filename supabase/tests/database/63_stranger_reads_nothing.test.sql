-- Tenant isolation, swept from the catalog: a stranger (another signed-in user) reads
-- none of the owner's rows through any table or view of `public` and `routing` that
-- `authenticated` may SELECT, nor any owner figure through the report range functions;
-- the anon key reads nothing of a tenant at all. The relations are enumerated from
-- pg_class with has_table_privilege, so a table or view added later is swept too.
-- A relation is a tenant's when it has a column user_id / agent_id / decision_id / call_id;
-- a row is the owner's when one of those or its id / execution_id holds an owner key (the
-- owner's user, agent, decision, call or execution id, compared as text).
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(15);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): the owner's agent, a routed decision, its recorded
-- call, its outcome and a preference change; a stranger with nothing of their own
-- -----------------------------------------------------------------------------
select tests.clear_routing_history();
select tests.reset_routing();
select tests.create_user('owner'), tests.create_user('stranger');
select tests.create_agent('owner', 'Owner agent', 5.2, 40, 97.5);

select public.route_model(tests.get_agent_id('Owner agent'), 'owner63-1') as decision \gset
select tests.record_completion_for(:'decision'::jsonb, 1000, 1000);  -- as the database owner, a trusted caller
select tests.authenticate_as('owner');
-- No duration: the latency buckets (routing._latency_buckets) then hold one owner row, the call's.
select public.record_agent_execution(tests.get_agent_id('Owner agent'), 'owner63-1', true, 2000, null);
update public.agents set model_preference = 'gpt-4o' where id = tests.get_agent_id('Owner agent');
select tests.clear_authentication();
-- A learned move and its rung (one outcome moves no agent, so written as test 52 does).
insert into routing.agent_learning (agent_id, user_id, rung, model, from_model, direction)
values (tests.get_agent_id('Owner agent'), tests.get_user_id('owner'), 3, 'gpt-4o', 'claude-haiku-4-5', 'up');
insert into routing.agent_model_moves (agent_id, user_id, execution_id, direction, from_rung, to_rung, from_model,
  to_model, judged_model, executions, successes, prior_mean, prior_weight, bound, target, confidence)
values (tests.get_agent_id('Owner agent'), tests.get_user_id('owner'), 'owner63-1', 'up', 2, 3, 'claude-haiku-4-5',
  'gpt-4o', 'claude-haiku-4-5', 30, 20, 95, 10, 80, 90, 0.95);
-- A closed day's report rollup of the owner (today's traffic is not rolled up), as the refresh writes it.
insert into routing.report_rollups (day, user_id, model, provider, tier, cohort, calls, fallback_calls, cost_usd,
  baseline_cost_usd, executions, succeeded, execution_cost_usd, execution_calls, execution_baseline_cost_usd)
values ((timezone('UTC', now()))::date - 1, tests.get_user_id('owner'), 'gpt-4o', 'openai', 'high', 'routed', 1, 0,
  0.0125, 0.0125, 1, 1, 0.0125, 1, 0.0125);
insert into routing.latency_rollups (day, user_id, cohort, measure, bucket, n, lo, hi)
values ((timezone('UTC', now()))::date - 1, tests.get_user_id('owner'), 'routed', 'latency', 147, 1, 350, 350);
insert into routing.projection_rollups (day, user_id, cohort, tier, projected_model, calls, repriced_calls, cost_usd,
  baseline_cost_usd, projected_cost_usd)
values ((timezone('UTC', now()))::date - 1, tests.get_user_id('owner'), 'routed', 'high', 'gpt-4o', 1, 0, 0.0125, 0.0125, 0.0125);

-- The owner's keys, gathered as the database owner (no RLS).
create temp table owner_keys (key text primary key) on commit drop;
insert into owner_keys
select tests.get_user_id('owner')::text
union select tests.get_agent_id('Owner agent')::text
union select d.id::text from routing.decisions d where d.agent_id = tests.get_agent_id('Owner agent')
union select c.id::text from routing.calls c where c.agent_id = tests.get_agent_id('Owner agent')
union select e.execution_id from routing.executions e where e.agent_id = tests.get_agent_id('Owner agent');

-- Every table and view of public / routing that authenticated may SELECT, with its key columns
-- (none unless it carries a tenant column: a catalog's bigint id is no tenant's).
create temp table swept (rel regclass primary key, key_columns text[] not null, figure_columns text[] not null) on commit drop;
insert into swept
select c.oid::regclass,
       coalesce(array(select a.attname::text from pg_catalog.pg_attribute a
                      where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
                        and a.attname in ('id', 'user_id', 'agent_id', 'decision_id', 'call_id', 'execution_id')
                        and exists (select 1 from pg_catalog.pg_attribute t
                                    where t.attrelid = c.oid and t.attnum > 0 and not t.attisdropped
                                      and t.attname in ('user_id', 'agent_id', 'decision_id', 'call_id'))
                      order by a.attnum), '{}'),
       coalesce(array(select a.attname::text from pg_catalog.pg_attribute a
                      where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
                        and a.attname in ('executions', 'calls')
                      order by a.attnum), '{}')
from pg_catalog.pg_class c
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
where n.nspname in ('public', 'routing') and c.relkind in ('r', 'p', 'v', 'm', 'f')
  and pg_catalog.has_table_privilege('authenticated', c.oid, 'SELECT');
grant select on owner_keys, swept to authenticated, anon;

-- The owner's rows in each tenant relation, as the current role sees them (null: the
-- role may not read it). With all_rows, every row counts, not only the owner's.
create function pg_temp.rows_seen(all_rows boolean default false)
returns table (rel text, n bigint)
language plpgsql
as $$
declare
  s record;
begin
  for s in select * from pg_temp.swept w where w.key_columns <> '{}' order by w.rel::text loop
    rel := s.rel::text;
    begin
      execute format('select count(*) from %s where %s', s.rel,
        case when all_rows then 'true' else
          (select string_agg(format('%I::text in (select key from pg_temp.owner_keys)', k), ' or ')
           from unnest(s.key_columns) k) end)
        into n;
    exception when insufficient_privilege then
      n := null;
    end;
    return next;
  end loop;
end
$$;

-- The figures (executions + calls) each keyless report view shows the current role.
create function pg_temp.figures_seen()
returns table (rel text, n numeric)
language plpgsql
as $$
declare
  s record;
begin
  for s in select * from pg_temp.swept w where w.key_columns = '{}' and w.figure_columns <> '{}' order by w.rel::text loop
    rel := s.rel::text;
    begin
      execute format('select coalesce(sum(%s), 0) from %s',
        (select string_agg(format('coalesce(%I, 0)', f), ' + ') from unnest(s.figure_columns) f), s.rel)
        into n;
    exception when insufficient_privilege then
      n := null;
    end;
    return next;
  end loop;
end
$$;

-- Today's figures in each report range function (executions + calls, or moves).
create function pg_temp.range_figures()
returns table (fn text, n numeric)
language sql
as $$
  select 'routing_cohort_comparison_between', coalesce(sum(coalesce(executions, 0) + coalesce(calls, 0)), 0)
    from public.routing_cohort_comparison_between(current_date, current_date)
  union all select 'routing_cost_savings_between', coalesce(sum(coalesce(executions, 0) + coalesce(calls, 0)), 0)
    from public.routing_cost_savings_between(current_date, current_date)
  union all select 'routing_model_distribution_between', coalesce(sum(coalesce(executions, 0) + coalesce(calls, 0)), 0)
    from public.routing_model_distribution_between(current_date, current_date)
  union all select 'routing_success_rates_between', coalesce(sum(coalesce(executions, 0)), 0)
    from public.routing_success_rates_between(current_date, current_date)
  union all select 'routing_learning_moves_between',
         coalesce(sum(coalesce(agents_moved, 0) + coalesce(moves_up, 0) + coalesce(moves_down, 0)), 0)
    from public.routing_learning_moves_between(current_date, current_date)
$$;

-- -----------------------------------------------------------------------------
-- Database owner: the sweep is not vacuous
-- -----------------------------------------------------------------------------
select cmp_ok((select count(*)::integer from swept), '>=', 15,
  'The catalog sweep finds at least 15 tables and views that authenticated may read.');
select cmp_ok((select count(*)::integer from swept where key_columns <> '{}'), '>=', 10,
  'At least 10 of them are a tenant''s (they carry a user, agent, decision or call key).');
select is(array(select rel from pg_temp.rows_seen() where n is distinct from 1 order by rel), '{}'::text[],
  'The fixture leaves exactly one owner row in every tenant relation.');
select is(array(select fn from pg_temp.range_figures() where n = 0 order by fn), '{}'::text[],
  'The owner''s traffic and move show in every report range function of today.');

-- -----------------------------------------------------------------------------
-- Owner (authenticated): RLS lets the owner read their own rows, so the sweep can see rows
-- -----------------------------------------------------------------------------
select tests.authenticate_as('owner');

select is(array(select rel from pg_temp.rows_seen() where n is distinct from 0 and n > 0 order by rel),
          array(select s.rel::text from swept s where s.key_columns <> '{}' order by 1),
  'The owner reads their own rows in every tenant relation.');
select is(array(select rel from pg_temp.figures_seen() where n > 0 order by rel),
          array(select s.rel::text from swept s where s.key_columns = '{}' and s.figure_columns <> '{}' order by 1),
  'The owner sees their own figures in every report view without a tenant key.');

-- -----------------------------------------------------------------------------
-- Stranger (authenticated): nothing of the owner anywhere
-- -----------------------------------------------------------------------------
select tests.authenticate_as('stranger');

select is(array(select rel || ' (' || n || ' rows)' from pg_temp.rows_seen() where n > 0 order by rel), '{}'::text[],
  'A stranger reads none of the owner''s rows through any table or view with a tenant key.');
select is(array(select rel || ' (' || n || ' rows)' from pg_temp.rows_seen(all_rows => true) where n > 0 order by rel),
          '{}'::text[],
  'A stranger with no agents of their own reads no row at all of any tenant relation.');
select is(array(select rel || ' (' || n || ')' from pg_temp.figures_seen() where n > 0 order by rel), '{}'::text[],
  'A stranger sees no executions or calls in any report view without a tenant key.');
select is((select n from pg_temp.range_figures() where fn = 'routing_cohort_comparison_between'), 0::numeric,
  'routing_cohort_comparison_between shows a stranger none of the owner''s executions or calls today.');
select is((select n from pg_temp.range_figures() where fn = 'routing_cost_savings_between'), 0::numeric,
  'routing_cost_savings_between shows a stranger none of the owner''s executions or calls today.');
select is((select n from pg_temp.range_figures() where fn = 'routing_model_distribution_between'), 0::numeric,
  'routing_model_distribution_between shows a stranger none of the owner''s executions or calls today.');
select is((select n from pg_temp.range_figures() where fn = 'routing_success_rates_between'), 0::numeric,
  'routing_success_rates_between shows a stranger none of the owner''s executions today.');
select is((select n from pg_temp.range_figures() where fn = 'routing_learning_moves_between'), 0::numeric,
  'routing_learning_moves_between shows a stranger no learning moves today.');

-- -----------------------------------------------------------------------------
-- Anon: no tenant row, no figure
-- -----------------------------------------------------------------------------
select tests.authenticate_as_anon();

select is(array(select rel || ' (' || n || ' rows)' from pg_temp.rows_seen(all_rows => true) where n > 0
                union all
                select rel || ' (' || n || ')' from pg_temp.figures_seen() where n > 0
                order by 1),
          '{}'::text[],
  'The anon key reads no row of any tenant relation and no figure of any report view (denied or empty).');

select * from finish();
ROLLBACK;
