-- =============================================================================
-- Shadow mode and cost projections (ROUTING-SPEC §2 rule 2/4 shadow; plan §10)
-- =============================================================================
-- route_model records, for the disabled and control cohorts, the model rules
-- 3-8 would have chosen (routing.decisions.shadow_model). Two projections:
--   public.routing_projection(days)      what the last N days' calls would have
--       cost with routing on: each call of a disabled / control decision re-priced
--       at its shadow model's price in force when the call was made, for the same
--       tokens; routed and forced calls at their actual cost. Against the actual
--       and the baseline cost. Runs with the caller's rights (RLS: own agents).
--   public.project_routing_scenarios(...) plan §10: a month of executions of a
--       given size costed at the catalog prices in force now, for the plan's
--       conservative / balanced / aggressive tier mixes and the current agent
--       population's mix. Service role only (it reads routing.config).

-- -----------------------------------------------------------------------------
-- Types
-- -----------------------------------------------------------------------------
create type routing.routing_projection as (
  dimension text,                 -- total | cohort | tier | model
  key text,                       -- 'all', the cohort, the tier ('none' without a score) or the projected model
  calls bigint,
  share_pct numeric,              -- calls / all calls of the window x 100
  actual_cost_usd numeric,
  baseline_cost_usd numeric,
  projected_cost_usd numeric,     -- with routing on: shadow price for disabled / control calls, else actual
  actual_savings_usd numeric,     -- baseline - actual
  projected_savings_usd numeric,  -- baseline - projected
  projected_savings_pct numeric,
  repriced_calls bigint           -- calls re-priced at a shadow model's price
);
comment on type routing.routing_projection is 'A row of public.routing_projection: a slice of the window''s calls with its actual, baseline and routing-on cost.';

create type routing.routing_scenario as (
  scenario text,                  -- conservative | balanced | aggressive | current
  low_pct numeric,
  medium_pct numeric,
  high_pct numeric,
  low_model text,
  medium_model text,
  high_model text,
  baseline_model text,
  monthly_executions bigint,
  input_tokens integer,
  output_tokens integer,
  cost_per_execution_usd numeric,
  baseline_cost_per_execution_usd numeric,
  monthly_cost_usd numeric,
  baseline_monthly_cost_usd numeric,
  monthly_savings_usd numeric,
  savings_pct numeric,
  annual_savings_usd numeric
);
comment on type routing.routing_scenario is 'A row of public.project_routing_scenarios: a tier mix costed per execution and per month against the all-baseline month.';

-- -----------------------------------------------------------------------------
-- Validation (stable messages, 22023)
-- -----------------------------------------------------------------------------
create function routing.validate_days(days integer)
returns void
language plpgsql immutable
set search_path = ''
as $$
begin
  if days is null or days not between 1 and 3650 then
    raise exception 'days must be between 1 and 3650' using errcode = '22023';
  end if;
end
$$;
comment on function routing.validate_days(integer) is 'Raises 22023 "days must be between 1 and 3650" for a missing or out-of-range look-back.';

create function routing.validate_scenario_input(monthly_executions bigint, input_tokens integer, output_tokens integer)
returns void
language plpgsql immutable
set search_path = ''
as $$
begin
  if monthly_executions is null or monthly_executions < 0 then
    raise exception 'monthly_executions must be >= 0' using errcode = '22023';
  end if;
  if input_tokens is null or input_tokens < 0 then
    raise exception 'input_tokens must be >= 0' using errcode = '22023';
  end if;
  if output_tokens is null or output_tokens < 0 then
    raise exception 'output_tokens must be >= 0' using errcode = '22023';
  end if;
end
$$;
comment on function routing.validate_scenario_input(bigint, integer, integer) is 'Raises 22023 naming the field when a scenario size is missing or negative.';

-- -----------------------------------------------------------------------------
-- public.routing_projection
-- -----------------------------------------------------------------------------
-- -----------------------------------------------------------------------------
-- routing._projection_calls and the projection's rollups of closed days
-- -----------------------------------------------------------------------------
-- The one definition of a call's projected cost (read live and rolled up alike).
create view routing._projection_calls with (security_invoker = true) as
select c.created_at,
       (timezone('UTC', c.created_at))::date as day,
       c.user_id,
       d.cohort,
       coalesce(d.tier, 'none') as tier,
       (sp.id is not null) as repriced,
       case when sp.id is not null then d.shadow_model else c.model end as projected_model,
       c.cost_usd,
       c.baseline_cost_usd,
       case when sp.id is not null
            then routing.cost_usd(sp, c.input_tokens, c.output_tokens, c.cached_tokens, c.cache_write_tokens)
            else c.cost_usd end as projected_cost
from routing.calls c
join routing.decisions d on d.id = c.decision_id
-- The shadow's price in force when the call was made (disabled / control cohorts only).
left join lateral routing.price_in_force(d.shadow_model, c.created_at) sp
  on d.cohort in ('disabled', 'control');
comment on view routing._projection_calls is
  'Per call: its decision''s cohort and tier (''none'' without a score), whether it is re-priced (a disabled / control call '
  'with a shadow model priced when it was made), the projected model and cost with routing on, its actual and baseline '
  'cost. What public.routing_projection sums, live and in routing.projection_rollups. Caller''s rights (RLS).';

-- Per closed UTC day, owner, cohort, tier and projected model: the sums of routing._projection_calls,
-- rebuilt with the report rollups (routing._refresh_report_rollups, same watermark
-- routing.report_rollup_state: days <= rolled_through are here). A price recorded later
-- with an effective_from in a rolled-up day changes that day only once it is rebuilt.
create table routing.projection_rollups (
  day date not null,
  user_id uuid not null,
  cohort text not null,
  tier text not null,
  projected_model text not null,
  calls bigint not null,
  repriced_calls bigint not null,
  cost_usd numeric not null,
  baseline_cost_usd numeric not null,
  projected_cost_usd numeric not null,
  primary key (day, user_id, cohort, tier, projected_model)
);
comment on table routing.projection_rollups is
  'Per closed UTC day (of the call), owner (routing.calls.user_id), cohort, tier and projected model: calls, re-priced calls, '
  'actual, baseline and projected cost, summed from routing._projection_calls. Read by public.routing_projection for the whole '
  'days of its window up to routing.report_rollup_state.rolled_through.';

create function routing._roll_up_projection(from_day date, to_day date)
returns void
language sql volatile
security invoker  -- only routing._refresh_report_rollups (SECURITY DEFINER, the owner) may call it: no grant
set search_path = ''
as $$
  delete from routing.projection_rollups r where r.day between from_day and to_day;
  insert into routing.projection_rollups (day, user_id, cohort, tier, projected_model, calls, repriced_calls, cost_usd,
                                          baseline_cost_usd, projected_cost_usd)
  select pc.day, pc.user_id, pc.cohort, pc.tier, pc.projected_model, count(*), count(*) filter (where pc.repriced),
         sum(pc.cost_usd), sum(pc.baseline_cost_usd), sum(pc.projected_cost)
  from routing._projection_calls pc
  where pc.day between from_day and to_day
  group by pc.day, pc.user_id, pc.cohort, pc.tier, pc.projected_model;
$$;
comment on function routing._roll_up_projection(date, date) is
  'Rebuilds routing.projection_rollups for the UTC days from_day..to_day. Only routing._refresh_report_rollups calls it.';

create function public.routing_projection(days integer default 30)
returns setof routing.routing_projection
language plpgsql stable
security invoker  -- RLS: a user projects their own agents' calls; the service role all
set search_path = ''
as $$
declare
  window_start timestamptz;
  first_whole_day date;
  first_live_day date;
begin
  perform routing.validate_days(routing_projection.days);
  -- The window: its first (partial) day live, its whole days from the rollups as far as they
  -- reach, the later days (at least today) live.
  window_start := now() - make_interval(days => routing_projection.days);
  first_whole_day := (timezone('UTC', window_start))::date + 1;
  first_live_day := greatest(routing._first_live_day(), first_whole_day);
  return query
  with slices as (
    select r.cohort, r.tier, r.projected_model, r.calls, r.repriced_calls, r.cost_usd, r.baseline_cost_usd,
           r.projected_cost_usd
    from routing.projection_rollups r
    where r.day >= first_whole_day and r.day < first_live_day
    union all
    select pc.cohort, pc.tier, pc.projected_model, 1, case when pc.repriced then 1 else 0 end, pc.cost_usd,
           pc.baseline_cost_usd, pc.projected_cost
    from routing._projection_calls pc
    where pc.created_at >= window_start and pc.created_at < first_whole_day::timestamp at time zone 'UTC'
    union all
    select pc.cohort, pc.tier, pc.projected_model, 1, case when pc.repriced then 1 else 0 end, pc.cost_usd,
           pc.baseline_cost_usd, pc.projected_cost
    from routing._projection_calls pc
    where pc.day >= first_live_day and pc.created_at >= window_start
  ), grouped as (
    select case when grouping(pc.cohort) = 0 then 'cohort'
                when grouping(pc.tier) = 0 then 'tier'
                when grouping(pc.projected_model) = 0 then 'model'
                else 'total' end as dimension,
           coalesce(case when grouping(pc.cohort) = 0 then pc.cohort
                         when grouping(pc.tier) = 0 then pc.tier
                         when grouping(pc.projected_model) = 0 then pc.projected_model end, 'all') as key,
           coalesce(sum(pc.calls), 0)::bigint as calls,
           coalesce(sum(pc.cost_usd), 0) as actual,
           coalesce(sum(pc.baseline_cost_usd), 0) as baseline,
           coalesce(sum(pc.projected_cost_usd), 0) as projected,
           coalesce(sum(pc.repriced_calls), 0)::bigint as repriced_calls
    from slices pc
    group by grouping sets ((), (pc.cohort), (pc.tier), (pc.projected_model))
  )
  select g.dimension, g.key, g.calls,
         round(100.0 * g.calls / nullif(max(g.calls) filter (where g.dimension = 'total') over (), 0), 2),
         trim_scale(g.actual), trim_scale(g.baseline), trim_scale(g.projected),
         trim_scale(g.baseline - g.actual), trim_scale(g.baseline - g.projected),
         round(100 * (g.baseline - g.projected) / nullif(g.baseline, 0), 2),
         g.repriced_calls
  from grouped g
  order by case g.dimension when 'total' then 0 when 'cohort' then 1 when 'tier' then 2 else 3 end, g.calls desc, g.key;
end
$$;
comment on function public.routing_projection(integer) is
  'Shadow projection of the last N days'' calls (1-3650, 22023 otherwise): actual cost, baseline cost (the same tokens at the '
  'baseline price) and projected cost with routing on (disabled / control calls re-priced at their shadow model''s price in '
  'force at the call, same tokens; routed / forced calls as they were), as a total and by cohort, tier and projected model. '
  'Caller''s rights: a user sees their own agents.';

-- -----------------------------------------------------------------------------
-- public.project_routing_scenarios
-- -----------------------------------------------------------------------------
create function public.project_routing_scenarios(
  monthly_executions bigint default 100000, input_tokens integer default 1500, output_tokens integer default 1800
) returns setof routing.routing_scenario
language plpgsql stable
security invoker  -- granted to the service role only (it reads routing.config)
set search_path = ''
as $$
declare
  cfg routing.config;
begin
  perform routing.validate_scenario_input(project_routing_scenarios.monthly_executions,
    project_routing_scenarios.input_tokens, project_routing_scenarios.output_tokens);
  select c.* into cfg from routing.config c where c.id;
  return query
  with per_execution as (
    -- One execution of the given size at each tier model's price in force now.
    select m.role, m.model,
           routing.cost_usd(p, project_routing_scenarios.input_tokens, project_routing_scenarios.output_tokens, 0, 0) as cost
    from (values ('low', cfg.low_model), ('medium', cfg.medium_model), ('high', cfg.high_model),
                 ('baseline', cfg.baseline_model)) as m(role, model)
    left join lateral routing.price_in_force(m.model, now()) p on true
  ), population as (
    -- The agents' tier mix by combined_score and the configured thresholds; no score = high (rule 8).
    select count(*) filter (where t.tier = 'low') as low, count(*) filter (where t.tier = 'medium') as medium,
           count(*) filter (where t.tier = 'high') as high, count(*) as total
    from (
      select case when mt.combined_score is null then 'high'
                  when mt.combined_score <= cfg.low_threshold then 'low'
                  when mt.combined_score <= cfg.medium_threshold then 'medium'
                  else 'high' end as tier
      from public.agent_intensity_metrics mt
    ) t
  ), mixes as (
    select v.scenario, v.ord, v.low, v.medium, v.high
    from (values ('conservative', 1, 20::numeric, 40::numeric, 40::numeric),
                 ('balanced', 2, 30::numeric, 50::numeric, 20::numeric),
                 ('aggressive', 3, 40::numeric, 50::numeric, 10::numeric)) as v(scenario, ord, low, medium, high)
    union all
    select 'current', 4, 100.0 * p.low / nullif(p.total, 0), 100.0 * p.medium / nullif(p.total, 0),
           100.0 * p.high / nullif(p.total, 0)
    from population p
  ), costed as (
    select mx.*,
           (mx.low * lo.cost + mx.medium * me.cost + mx.high * hi.cost) / 100 as cpe,
           bl.cost as baseline_cpe
    from mixes mx
    cross join (select pe.cost from per_execution pe where pe.role = 'low') lo
    cross join (select pe.cost from per_execution pe where pe.role = 'medium') me
    cross join (select pe.cost from per_execution pe where pe.role = 'high') hi
    cross join (select pe.cost from per_execution pe where pe.role = 'baseline') bl
  )
  select c.scenario, round(c.low, 2), round(c.medium, 2), round(c.high, 2),
         cfg.low_model, cfg.medium_model, cfg.high_model, cfg.baseline_model,
         project_routing_scenarios.monthly_executions, project_routing_scenarios.input_tokens,
         project_routing_scenarios.output_tokens,
         trim_scale(round(c.cpe, 10)), trim_scale(c.baseline_cpe),
         round(project_routing_scenarios.monthly_executions * c.cpe, 2),
         round(project_routing_scenarios.monthly_executions * c.baseline_cpe, 2),
         round(project_routing_scenarios.monthly_executions * (c.baseline_cpe - c.cpe), 2),
         round(100 * (c.baseline_cpe - c.cpe) / nullif(c.baseline_cpe, 0), 2),
         round(12 * project_routing_scenarios.monthly_executions * (c.baseline_cpe - c.cpe), 2)
  from costed c
  order by c.ord;
end
$$;
comment on function public.project_routing_scenarios(bigint, integer, integer) is
  'Plan §10 projections at the catalog prices in force now and the tier models of routing.config: conservative (20/40/40), '
  'balanced (30/50/20), aggressive (40/50/10) low/medium/high mixes, and current (the agents'' tier mix by combined_score and '
  'the configured thresholds; null without agents). Monthly money rounded to the cent. Service role only; 22023 for negative input.';

-- -----------------------------------------------------------------------------
-- Privileges
-- -----------------------------------------------------------------------------
revoke all on function routing.validate_days(integer) from public;
revoke all on function routing.validate_scenario_input(bigint, integer, integer) from public;
-- Called by the invoker-rights functions above and by advise_routing_thresholds.
grant execute on function routing.validate_days(integer) to authenticated, service_role;
grant execute on function routing.validate_scenario_input(bigint, integer, integer) to service_role;
alter table routing.projection_rollups enable row level security;
create policy "Owners can see their projection rollups" on routing.projection_rollups
  for select to authenticated using (user_id = (select auth.uid()));
revoke all on routing.projection_rollups, routing._projection_calls from public, anon, authenticated, service_role;
grant select on routing.projection_rollups, routing._projection_calls to authenticated, service_role;
revoke all on function routing._roll_up_projection(date, date) from public, anon, authenticated, service_role;
revoke all on function public.routing_projection(integer) from public, anon, authenticated, service_role;
grant execute on function public.routing_projection(integer) to authenticated, service_role;
revoke all on function public.project_routing_scenarios(bigint, integer, integer) from public, anon, authenticated, service_role;
grant execute on function public.project_routing_scenarios(bigint, integer, integer) to service_role;
