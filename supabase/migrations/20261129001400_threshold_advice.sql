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
  advice text
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
begin
  perform routing.validate_target_success_rate(advise_routing_thresholds.target_success_rate);
  perform routing.validate_days(advise_routing_thresholds.days);
  select c.* into cfg from routing.config c where c.id;

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
                                then 100.0 * b.ok / b.n >= advise_routing_thresholds.target_success_rate end))
         order by b.score_to, b.model), '{}')
    into bands
  from (
    select greatest(ceil(s.score / band_width) * band_width, band_width) as score_to, d.model,
           count(*) as n, count(*) filter (where e.succeeded) as ok, sum(k.cost) as cost
    from routing.executions e
    join routing.decisions d on d.id = e.decision_id
    left join public.agent_intensity_metrics m on m.agent_id = e.agent_id
    cross join lateral (select coalesce(d.intensity_score, m.combined_score) as score) s
    cross join lateral (select coalesce(sum(c.cost_usd), 0) as cost from routing.calls c where c.decision_id = e.decision_id) k
    where e.recorded_at >= now() - make_interval(days => advise_routing_thresholds.days)
      and s.score is not null
    group by 1, d.model
  ) b;

  return query select * from unnest(bands);

  low_advice := routing._suggest_threshold(bands, 'low', cfg.low_model, cfg.low_threshold, 0,
                                           advise_routing_thresholds.target_success_rate, cfg.advice_min_executions);
  medium_advice := routing._suggest_threshold(bands, 'medium', cfg.medium_model, cfg.medium_threshold,
                                              low_advice.suggested_threshold,
                                              advise_routing_thresholds.target_success_rate, cfg.advice_min_executions);
  return next low_advice;
  return next medium_advice;
end
$$;
comment on function public.advise_routing_thresholds(numeric, integer) is
  'Phase 4 advice: success rate and cost per execution by 0.5 score band and model over the last N days (1-3650), and the '
  'low / medium thresholds that keep each judged band at or above target_success_rate (0-100; default 98). Changes nothing. '
  'Service role only; 22023 for bad input.';

-- -----------------------------------------------------------------------------
-- Privileges
-- -----------------------------------------------------------------------------
revoke all on function routing.validate_target_success_rate(numeric) from public;
grant execute on function routing.validate_target_success_rate(numeric) to service_role;
revoke all on function routing._suggest_threshold(routing.threshold_advice[], text, text, numeric, numeric, numeric, integer) from public;
grant execute on function routing._suggest_threshold(routing.threshold_advice[], text, text, numeric, numeric, numeric, integer) to service_role;
revoke all on function public.advise_routing_thresholds(numeric, integer) from public, anon, authenticated, service_role;
grant execute on function public.advise_routing_thresholds(numeric, integer) to service_role;
