-- =============================================================================
-- Threshold advice from recorded outcomes (plan Phase 4: "3.9 -> 4.2, 6.9 -> 7.5")
-- =============================================================================
-- public.advise_routing_thresholds(target_success_rate, days) reads the
-- executions of the last N days joined to their decisions, groups them by
-- 0.5-wide score band and by the model the decision chose, and suggests the
-- low / medium thresholds that keep every judged band of the low model (and of
-- the medium model above the suggested low threshold) at or above the target.
-- It changes nothing: apply a suggestion yourself, e.g.
--   update routing.config set low_threshold = 4.0 where id;   -- audited
--
-- Bands: (score_to - 0.5, score_to], score_to = ceil(score / 0.5) x 0.5 (a score
-- of 0 joins the first band). Band edges are inclusive upper bounds like the
-- thresholds, so a suggestion is always a band edge.
-- The score is the decision's intensity_score (what the rule saw), else the
-- agent's current combined_score. A band is judged once it has
-- routing.config.advice_min_executions executions of the model (a column of
-- routing.config with the other thresholds).
-- Suggestion for a tier model M with current threshold T:
--   F = lower edge of the lowest judged band where M misses the target;
--   if F < T: lower to F (scores above F go up a tier);
--   else: raise to the top edge of the highest judged band below F where M meets
--   the target, if that is above T (evidence from new agents, preferences or
--   forced models that ran M at higher scores); otherwise keep T.
-- Every row also carries the interval of its success rate: success_lower /
-- success_upper, routing.success_bound at routing.config.learning_confidence
-- (one-sided each), the statistics the learned tier and the trip use.
--
-- What the learning did (spec §10, agent learning migration): the view
-- public.routing_learning_moves (one row per move, the figures that decided it)
-- and public.routing_learning_moves_between(from_day, to_day) (agents moved up /
-- down and moves in a range of UTC days), both with the caller's rights (RLS: a
-- user sees their own agents' moves, the service role all).

-- -----------------------------------------------------------------------------
-- Type and validation
-- -----------------------------------------------------------------------------
create type routing.threshold_advice as (
  kind text,                      -- band | threshold
  tier text,                      -- band: the tier the model serves (low / medium / high model of the config); threshold: low | medium
  score_from numeric,             -- band: exclusive lower edge
  score_to numeric,               -- band: inclusive upper edge
  model text,
  executions bigint,
  succeeded bigint,
  success_rate numeric,
  cost_per_execution_usd numeric,
  meets_target boolean,           -- band: null below the minimum sample
  current_threshold numeric,      -- threshold rows
  suggested_threshold numeric,    -- threshold rows
  advice text,
  success_lower numeric,          -- the interval of success_rate (%): routing.success_bound at learning_confidence
  success_upper numeric,
  confidence numeric
);
comment on type routing.threshold_advice is
  'A row of public.advise_routing_thresholds: a score band x model with its outcomes, or a threshold with its suggestion.';

create function routing.validate_target_success_rate(target_success_rate numeric)
returns void
language plpgsql immutable
set search_path = ''
as $$
begin
  if target_success_rate is null or target_success_rate not between 0 and 100 then
    raise exception 'target_success_rate must be between 0 and 100' using errcode = '22023';
  end if;
end
$$;
comment on function routing.validate_target_success_rate(numeric) is 'Raises 22023 unless the target success rate is 0-100.';

-- -----------------------------------------------------------------------------
-- routing._suggest_threshold: one tier's suggestion from the bands
-- -----------------------------------------------------------------------------
create function routing._suggest_threshold(
  bands routing.threshold_advice[], tier text, model text, current_threshold numeric, floor_threshold numeric,
  target numeric, min_sample integer
) returns routing.threshold_advice
language plpgsql immutable
set search_path = ''
as $$
declare
  r routing.threshold_advice;
  fail_from numeric;
  fail_rate numeric;
  top_ok numeric;
  judged integer;
begin
  -- Only bands above the floor (the suggested low threshold, for the medium tier) matter.
  select min(b.score_from) into fail_from
  from unnest(bands) b
  where b.model = _suggest_threshold.model and b.score_to > floor_threshold and b.meets_target is false;
  select b.success_rate into fail_rate
  from unnest(bands) b
  where b.model = _suggest_threshold.model and b.score_from = fail_from and b.meets_target is false;
  select max(b.score_to) into top_ok
  from unnest(bands) b
  where b.model = _suggest_threshold.model and b.score_to > floor_threshold and b.meets_target
    and b.score_to <= coalesce(fail_from, 10);
  select count(*) into judged
  from unnest(bands) b
  where b.model = _suggest_threshold.model and b.score_to > floor_threshold and b.meets_target is not null;

  r.kind := 'threshold';
  r.tier := tier;
  r.model := model;
  r.current_threshold := current_threshold;
  -- The model's outcomes over every band (cost per execution: see its band rows).
  select coalesce(sum(b.executions), 0), coalesce(sum(b.succeeded), 0),
         round(100.0 * sum(b.succeeded) / nullif(sum(b.executions), 0), 2)
    into r.executions, r.succeeded, r.success_rate
  from unnest(bands) b where b.model = _suggest_threshold.model;

  if judged = 0 then
    r.suggested_threshold := greatest(current_threshold, floor_threshold);
    r.advice := format('keep %s: no score band has %s executions of %s yet', r.suggested_threshold, min_sample, model);
  elsif fail_from is not null and fail_from < current_threshold then
    r.suggested_threshold := greatest(fail_from, floor_threshold);
    r.advice := format('lower to %s: %s succeeds %s%% (< %s%%) in scores (%s, %s]',
                       r.suggested_threshold, model, fail_rate, target, fail_from, fail_from + 0.5);
  elsif top_ok is not null and top_ok > current_threshold then
    r.suggested_threshold := top_ok;
    r.advice := format('raise to %s: %s meets %s%% in every judged band up to %s', top_ok, model, target, top_ok);
  else
    r.suggested_threshold := greatest(current_threshold, floor_threshold);
    r.advice := format('keep %s: %s meets %s%% in every judged band up to it', r.suggested_threshold, model, target);
  end if;
  return r;
end
$$;
comment on function routing._suggest_threshold(routing.threshold_advice[], text, text, numeric, numeric, numeric, integer) is
  'One tier''s threshold suggestion from the judged bands of its model (see the migration header for the rule).';

-- -----------------------------------------------------------------------------
-- Score bands, the advice's rows and their rollups of closed days
-- -----------------------------------------------------------------------------
create function routing._score_band(score numeric)
returns numeric
language sql immutable
set search_path = ''
as $$ select case when score is not null then greatest(ceil(score / 0.5) * 0.5, 0.5) end $$;
comment on function routing._score_band(numeric) is
  'The inclusive upper edge of a score''s 0.5-wide band: ceil(score / 0.5) x 0.5, a score of 0 in the first band (0.5); null for null.';

create view routing._advice_executions with (security_invoker = true) as
select e.recorded_at,
       (timezone('UTC', e.recorded_at))::date as day,
       e.agent_id,
       d.model,
       d.intensity_score,
       e.succeeded,
       coalesce((select sum(c.cost_usd) from routing.calls c where c.decision_id = e.decision_id), 0) as cost
from routing.executions e
join routing.decisions d on d.id = e.decision_id;
comment on view routing._advice_executions is
  'Per execution with a decision: its UTC day, agent, the chosen model, the score the rule saw (intensity_score, null without '
  'one), success and the cost of all its calls. What public.advise_routing_thresholds sums, live and in routing.advice_rollups.';

-- Per closed UTC day and model: executions, successes and cost by the band of the decision's
-- score; an execution whose decision had no score is kept per agent (band null), as the advice
-- bands it by the agent's CURRENT combined_score when it runs. Rebuilt with the report
-- rollups (routing._refresh_report_rollups, watermark routing.report_rollup_state).
create table routing.advice_rollups (
  day date not null,
  model text not null,
  score_to numeric,
  agent_id uuid,
  executions bigint not null,
  succeeded bigint not null,
  cost_usd numeric not null,
  constraint advice_rollups_key unique nulls not distinct (day, model, score_to, agent_id),
  check ((score_to is null) <> (agent_id is null))
);
comment on table routing.advice_rollups is
  'Per closed UTC day (of the outcome) and chosen model: executions, successes and cost of their calls, by the band of the '
  'decision''s score (score_to), or per agent when the decision had no score (agent_id; banded at advice time by the agent''s '
  'current score). Global figures: the service role reads them. Read by public.advise_routing_thresholds.';

create function routing._roll_up_advice(from_day date, to_day date)
returns void
language sql volatile
security invoker  -- only routing._refresh_report_rollups (SECURITY DEFINER, the owner) may call it: no grant
set search_path = ''
as $$
  delete from routing.advice_rollups r where r.day between from_day and to_day;
  insert into routing.advice_rollups (day, model, score_to, agent_id, executions, succeeded, cost_usd)
  select x.day, x.model, routing._score_band(x.intensity_score),
         case when x.intensity_score is null then x.agent_id end,
         count(*), count(*) filter (where x.succeeded), sum(x.cost)
  from routing._advice_executions x
  where x.day between from_day and to_day
  group by 1, 2, 3, 4;
$$;
comment on function routing._roll_up_advice(date, date) is
  'Rebuilds routing.advice_rollups for the UTC days from_day..to_day. Only routing._refresh_report_rollups calls it.';

-- -----------------------------------------------------------------------------
-- public.advise_routing_thresholds
-- -----------------------------------------------------------------------------
create function public.advise_routing_thresholds(target_success_rate numeric default 98, days integer default 30)
returns setof routing.threshold_advice
language plpgsql stable
security invoker  -- granted to the service role only (reads routing.config); writes nothing
set search_path = ''
as $$
declare
  cfg routing.config;
  band_width constant numeric := 0.5;
  bands routing.threshold_advice[];
  low_advice routing.threshold_advice;
  medium_advice routing.threshold_advice;
  window_start timestamptz;
  first_whole_day date;
  first_live_day date;
begin
  perform routing.validate_target_success_rate(advise_routing_thresholds.target_success_rate);
  perform routing.validate_days(advise_routing_thresholds.days);
  select c.* into cfg from routing.config c where c.id;
  window_start := now() - make_interval(days => advise_routing_thresholds.days);
  first_whole_day := (timezone('UTC', window_start))::date + 1;
  first_live_day := greatest(routing._first_live_day(), first_whole_day);

  select coalesce(array_agg(jsonb_populate_record(null::routing.threshold_advice, jsonb_build_object(
           'kind', 'band',
           'tier', case b.model when cfg.low_model then 'low' when cfg.medium_model then 'medium' when cfg.high_model then 'high' end,
           'score_from', b.score_to - band_width,
           'score_to', b.score_to,
           'model', b.model,
           'executions', b.n,
           'succeeded', b.ok,
           'success_rate', round(100.0 * b.ok / b.n, 2),
           'cost_per_execution_usd', trim_scale(round(b.cost / b.n, 10)),
           'meets_target', case when b.n >= cfg.advice_min_executions
                                then 100.0 * b.ok / b.n >= advise_routing_thresholds.target_success_rate end,
           'success_lower', routing.success_bound(b.ok, b.n, cfg.learning_confidence, 'lower'),
           'success_upper', routing.success_bound(b.ok, b.n, cfg.learning_confidence, 'upper'),
           'confidence', cfg.learning_confidence))
         order by b.score_to, b.model), '{}')
    into bands
  from (
    -- The window: its first (partial) day live, its whole days from the rollups as far as they
    -- reach, the later days (at least today) live; rows without a score banded by the agent's now.
    select coalesce(x.score_to, routing._score_band(m.combined_score)) as score_to, x.model,
           sum(x.n)::bigint as n, sum(x.ok)::bigint as ok, sum(x.cost) as cost
    from (
      select r.score_to, r.agent_id, r.model, r.executions as n, r.succeeded as ok, r.cost_usd as cost
      from routing.advice_rollups r
      where r.day >= first_whole_day and r.day < first_live_day
      union all
      select routing._score_band(a.intensity_score), case when a.intensity_score is null then a.agent_id end, a.model,
             1, case when a.succeeded then 1 else 0 end, a.cost
      from routing._advice_executions a
      where a.recorded_at >= window_start and a.recorded_at < first_whole_day::timestamp at time zone 'UTC'
      union all
      select routing._score_band(a.intensity_score), case when a.intensity_score is null then a.agent_id end, a.model,
             1, case when a.succeeded then 1 else 0 end, a.cost
      from routing._advice_executions a
      where a.day >= first_live_day and a.recorded_at >= window_start
    ) x
    left join public.agent_intensity_metrics m on x.score_to is null and m.agent_id = x.agent_id
    where coalesce(x.score_to, routing._score_band(m.combined_score)) is not null
    group by 1, x.model
  ) b;

  return query select * from unnest(bands);

  low_advice := routing._suggest_threshold(bands, 'low', cfg.low_model, cfg.low_threshold, 0,
                                           advise_routing_thresholds.target_success_rate, cfg.advice_min_executions);
  medium_advice := routing._suggest_threshold(bands, 'medium', cfg.medium_model, cfg.medium_threshold,
                                              low_advice.suggested_threshold,
                                              advise_routing_thresholds.target_success_rate, cfg.advice_min_executions);
  -- The interval of each threshold row's model over every band, as the band rows have theirs.
  low_advice.confidence := cfg.learning_confidence;
  low_advice.success_lower := case when low_advice.executions > 0
    then routing.success_bound(low_advice.succeeded, low_advice.executions, cfg.learning_confidence, 'lower') end;
  low_advice.success_upper := case when low_advice.executions > 0
    then routing.success_bound(low_advice.succeeded, low_advice.executions, cfg.learning_confidence, 'upper') end;
  medium_advice.confidence := cfg.learning_confidence;
  medium_advice.success_lower := case when medium_advice.executions > 0
    then routing.success_bound(medium_advice.succeeded, medium_advice.executions, cfg.learning_confidence, 'lower') end;
  medium_advice.success_upper := case when medium_advice.executions > 0
    then routing.success_bound(medium_advice.succeeded, medium_advice.executions, cfg.learning_confidence, 'upper') end;
  return next low_advice;
  return next medium_advice;
end
$$;
comment on function public.advise_routing_thresholds(numeric, integer) is
  'Phase 4 advice: success rate and cost per execution by 0.5 score band and model over the last N days (1-3650), and the '
  'low / medium thresholds that keep each judged band at or above target_success_rate (0-100; default 98). Changes nothing. '
  'Service role only; 22023 for bad input.';

-- -----------------------------------------------------------------------------
-- What the learning did: public.routing_learning_moves and its range
-- -----------------------------------------------------------------------------
create view public.routing_learning_moves with (security_invoker = true) as
select (timezone('UTC', m.at))::date as day,
       m.at, m.agent_id, a.name as agent_name, m.direction, m.from_model, m.to_model, m.from_rung, m.to_rung,
       m.judged_model, m.executions, m.successes,
       round(100.0 * m.successes / nullif(m.executions, 0), 2) as success_rate,
       m.bound, m.target, m.confidence, m.prior_mean, m.prior_weight, m.execution_id,
       case
         when m.direction = 'up' and m.rule = 'cost' then format(
           '%s succeeded %s of %s: expected shortfall %s points below target %s%% outweighs the price step (%s%% of the baseline''s) - cost rule',
           m.judged_model, m.successes, m.executions, trim_scale(round(m.shortfall, 2)), trim_scale(m.target),
           trim_scale(round(m.price_step, 1)))
         when m.direction = 'up' then format('%s succeeded %s of %s: upper %s%% bound %s%% < target %s%%', m.judged_model, m.successes,
                               m.executions, trim_scale(round(m.confidence * 100, 2)), trim_scale(round(m.bound, 2)), trim_scale(m.target))
         else format('%s succeeded %s of %s: lower %s%% bound %s%% > target %s%%', m.judged_model, m.successes,
                     m.executions, trim_scale(round(m.confidence * 100, 2)), trim_scale(round(m.bound, 2)), trim_scale(m.target))
       end as why,
       m.rule, m.shortfall, m.price_step
from routing.agent_model_moves m
join public.agents a on a.id = m.agent_id;
comment on view public.routing_learning_moves is
  'Every learned move (spec §10): which agent moved up or down its ladder, from -> to, and why (the judged model''s counts, '
  'the bound, the target, the confidence, the prior). Caller''s rights: a user sees their own agents'' moves, the service role all.';
comment on column public.routing_learning_moves.day is 'UTC date of the move.';
comment on column public.routing_learning_moves.why is 'The figures that decided the move, in words.';
comment on column public.routing_learning_moves.rule is 'Which rule moved the agent: confidence (the bound) or cost (shortfall vs price step).';

create function public.routing_learning_moves_between(from_day date, to_day date)
returns table (agents_moved_up bigint, agents_moved_down bigint, moves_up bigint, moves_down bigint, agents_moved bigint)
language sql stable
security invoker  -- RLS: a user counts their own agents' moves, the service role all
set search_path = ''
as $$
  -- The UTC days as a time range, so agent_model_moves_at_idx serves it.
  select count(distinct m.agent_id) filter (where m.direction = 'up'),
         count(distinct m.agent_id) filter (where m.direction = 'down'),
         count(*) filter (where m.direction = 'up'),
         count(*) filter (where m.direction = 'down'),
         count(distinct m.agent_id)
  from routing.agent_model_moves m
  where m.at >= (from_day::timestamp at time zone 'UTC') and m.at < ((to_day + 1)::timestamp at time zone 'UTC')
$$;
comment on function public.routing_learning_moves_between(date, date) is
  'The learned moves over the UTC days from_day..to_day (inclusive), as one row: agents moved up, agents moved down, the '
  'moves up and down, and the agents moved at all (zeros when none). The rows: public.routing_learning_moves. Caller''s rights (RLS).';

-- -----------------------------------------------------------------------------
-- Privileges
-- -----------------------------------------------------------------------------
revoke all on public.routing_learning_moves from public, anon, authenticated, service_role;
grant select on public.routing_learning_moves to authenticated, service_role;
revoke all on function public.routing_learning_moves_between(date, date) from public, anon, authenticated, service_role;
grant execute on function public.routing_learning_moves_between(date, date) to authenticated, service_role;
revoke all on function routing.validate_target_success_rate(numeric) from public;
grant execute on function routing.validate_target_success_rate(numeric) to service_role;
revoke all on function routing._suggest_threshold(routing.threshold_advice[], text, text, numeric, numeric, numeric, integer) from public;
grant execute on function routing._suggest_threshold(routing.threshold_advice[], text, text, numeric, numeric, numeric, integer) to service_role;
alter table routing.advice_rollups enable row level security;
-- Global figures: no policy for authenticated; the service role (BYPASSRLS) reads them.
revoke all on routing.advice_rollups, routing._advice_executions from public, anon, authenticated, service_role;
grant select on routing.advice_rollups, routing._advice_executions to service_role;
revoke all on function routing._score_band(numeric) from public;
grant execute on function routing._score_band(numeric) to service_role;
revoke all on function routing._roll_up_advice(date, date) from public, anon, authenticated, service_role;
revoke all on function public.advise_routing_thresholds(numeric, integer) from public, anon, authenticated, service_role;
grant execute on function public.advise_routing_thresholds(numeric, integer) to service_role;
