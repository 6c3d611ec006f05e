-- =============================================================================
-- Learning from outcomes: each agent's track record per model, its learned rung, its moves (ROUTING-SPEC §10)
-- =============================================================================
-- The AIS score gives an agent its starting rung on the ladder
--   rung 1 low_model -> rung 2 medium_model -> rung 3 premium_model
-- (score band low / medium / high, no score = 3); the agent's own outcomes move it.
--
-- Track record (routing.agent_model_records): per agent and model, the outcomes
-- that model answered, updated by record_agent_execution in its transaction
-- (one upsert by primary key). The model of an execution is the WEAKEST model
-- that answered one of its calls (a succeeded routing.calls row of its decision,
-- read through calls_decision_idx), else the decision's model. Weakest = lowest
-- routing._model_strength: a ladder model's rung (the lowest rung it stands on);
-- a model off the ladder sits half a rung above the highest rung whose model's
-- output price (in force now) is not above its own (gpt-3.5-turbo at $1.50 is
-- 2.5 with the default ladder $0.60 / $1.25 / $10); ties by name.
--
-- The rule (routing._judge), after each outcome, on the model it counted for:
--   posterior counts  s' = s + w x p0,  n' = n + w     (a Beta prior as pseudo-counts)
--     s, n  the agent's successes / executions on that model
--     w     learning_prior_weight (20) on the rungs the score vouches for (its band's
--           and below); learning_moved_prior_weight (0) on a rung ABOVE the score's
--           band, where only an agent the evidence moved up stands (see "Why" below)
--     p0    prior mean = the agent's earlier record (its metrics minus this model's
--           record: seeded history and other models), kept within
--           [target, (target + 100) / 2]; target when there is none
--   upper, lower = routing.success_bound(s', n', learning_confidence (0.95), side)
--   UP    the model is the agent's current rung's and the rung is below 3, and either
--         (confidence) upper < target_success_rate (98), or
--         (cost, after a failure) the posterior's expected shortfall below the target
--         costs more than a needless move would:
--           E[max(0, target - p)] x price(baseline_model)  >  (price(next rung) - price(rung)) x P(p >= target)
--         with p ~ Beta(s', n' - s') (routing._beta_shortfall, routing._beta_cdf), the
--         prices the output prices in force (routing.price_in_force): a failure beyond
--         the target is taken to cost one execution on the baseline model (it is redone
--         there), a needless move costs the price step on every later execution;
--         one rung up, and it stays there;
--   DOWN  the model is the next cheaper rung's (reached by exploration, see route_model)
--         and lower > target: one rung down.
-- Each move is a row of routing.agent_model_moves with the figures that decided it
-- (rule confidence or cost, and for cost the shortfall and the price step), and sets
-- routing.agent_learning (the rung route_model's rule learned_tier applies).
--
-- Why these defaults (simulated over 4,000 agents each, 1,000 executions):
--   * a weaker model's failures say nothing about a stronger one, so the prior never
--     argues for moving up (p0 >= target): only the model's own outcomes move an agent;
--     a good earlier record lends at most the confidence of an agent halfway between
--     the target and perfection (p0 <= 99%), so a flawless history elsewhere cannot
--     hide a weak current model;
--   * the prior is the score's benefit of the doubt, so it holds where the score
--     vouches: its band's rung. An agent moved above its band is one whose own outcomes
--     refuted its score, and a score that misjudged an agent by one rung is no evidence
--     that it is right one rung higher (a badly underestimated agent needs the top:
--     42 of the 72 agents moved off the cheapest rung in the tuning runs were short on
--     the middle one too). There w = learning_moved_prior_weight (0): the rung is judged on
--     its own outcomes alone (the plain Wilson bound), so a failure in its first 11
--     executions there moves it on (1 failure in 11 at 95%: upper 97.9%; in 12: 98.1%;
--     2 in 20: 96.6%), where w = 20 let such an agent fail 15-30% for ~20 executions.
--     Cost: an agent that fits the middle rung (99%) moves on needlessly ~10% of the time.
--     Measured with `npm run bench:economics` (60 agents x 30 executions; w = 20 -> 0
--     above the band; success routed vs the all-baseline run, share of the oracle's savings):
--       seeds 101/202/303 (tuned on): success 97.72/98.22/97.78 -> 98.06/98.39/98.11%
--         (baseline 99.17/99.11/99.61), oracle's share 91.5/89.8/86.9 -> 88.1/88.7/82.7%,
--         the degraded trip at 37 routed executions (unchanged);
--       not tuned on, seeds 4004/5005/6006: 97.72/97.22/97.44 -> 98.06/97.67/97.89%
--         (baseline 99.50/99.33/99.50), share 92.0/86.6/91.7 -> 90.1/85.3/88.7%; their
--         degraded variant trips at 86;
--       the held-out shape (--score-error 1.4 --underestimated 0.15 --overestimated 0.15),
--         seeds 7007/8008/9009: the global rollback trips in both (before at 101/37/40,
--         after at 171/40/43): with 15% of the agents needing the top rung and scored
--         in the low band, the routed success of the first 40 executions is 81-88%
--         (99% upper bound 93-95%), as low as the degraded variant's (83-90%), before
--         most agents have run once: a real breach no per-agent rule can prevent.
--     A replay of the rules outside the database (the benchmark's generator and draws;
--     it reproduces the runs above to the execution) compared the alternatives on seeds
--     101/202/303 + 11-15: w = 5 on those rungs gives half the gain; a failure cost of
--     2-5 baseline executions in the cost rule +0.1 point each; exploring after a failure
--     -0.1 point for +0.4 of the oracle's share; exploration off +0.23 point for -1.7 of
--     the share; a down move at a lower confidence (0.6) +12 points of the share for -0.9
--     point of success (an agent moves down on one success); a prior weight that shrinks
--     with the score's distance to its band's upper edge (normal score error) +0.04;
--     leaving out of the trip the failures that moved their agent: no trip on 20
--     held-out-shape seeds, but the degraded variant trips within 100 executions on 1 of
--     8 seeds; leaving out an agent's repeated failures: held-out trips 4 -> 2 of 20, the
--     degraded trip beyond 100 (118, 204) on 2 of 8. So the trip is unchanged.
--   * What bounds the issue's targets at 30 executions per agent (generator, catalog):
--     the oracle saves >= 70% on 17 of 100 generator seeds (median 64.8%), so "70%
--     savings" is the catalog's bound, not the rules'. A learner that knew every
--     agent's need but never moved below its score's rung (success ~ the baseline's)
--     gets 76-86% of the oracle's savings (4004: 85.5, 5005: 80.2, 6006: 82.2): the
--     rest is the overestimated agents, and moving them down takes evidence that the
--     cheaper model clears 98%, ~110 clean explored executions (~2,200 executions at
--     5% exploration; none of 60 agents moves down even at 300 executions each). So a
--     routed share above ~85% is bought with agents running one rung short (the
--     1-below failures above), and the two targets (within 1 point, >= 90% of the
--     oracle) pull against each other; this rule takes the success side.
--   * w = 20 absorbs one early failure: without a prior one failure in the first ten
--     executions would move a 99% agent (10% of them); with it, two failures in about
--     ten are needed;
--   * confidence 0.95 with w = 20 catches an agent one rung too cheap within tens of
--     executions - failing 30%: median 6 executions; 20%: 9; 10%: 17 (99% moved within
--     100); 5%: 62 (67% within 100) - while an agent truly at 99% is moved up by noise
--     2.4% of the time within 100 executions and 2.8% within 1,000 (99.5%: 0.7%).
--     0.90 would catch the 5% agent in 46 but move 5.5% of the 99% agents; 0.975
--     halves those false moves but needs ~100 executions for the 5% agent.
--   * DOWN needs the lower bound above 98%: at least ~110 clean executions of the
--     cheaper model. Stepping down is the risky direction; it is meant to be slow.
--   * The cost rule (2026-12-02): one fixed confidence treats every rung alike, yet a
--     needless move off the cheapest rung costs little (gpt-5.6-luna -> claude-haiku-4-5:
--     13% of a baseline execution per execution) and one off the middle rung nearly a
--     whole baseline execution (83%). The Bayes-risk rule above weighs the two expected
--     costs on the same posterior with no constant of its own (the prices are the
--     catalog's): it leaves the cheapest rung after two failures spread over up to ~30
--     executions instead of ~8, and, after a first failure right away, a rung whose
--     record is still empty; the dear middle rung mostly as before. Measured with
--     `npm run bench:economics` (60 agents x 30 executions, routed vs all-baseline run):
--       seeds 101/202/303 (tuned on): success 97.39/98.06/97.44% -> 97.72/98.22/97.78%,
--         oracle's savings 92.2/90.3/88.8% -> 91.5/89.8/86.9%, the degraded trip at 37;
--       held out, seeds 707/808/909 with --score-error 1.4 --underestimated 0.15
--         --overestimated 0.15: the old rule tripped the global rollback on 707 and 808
--         (savings 9% and 2%); this one trips on none (savings 51/49/62%, success
--         96.67/97.61/97.06%); on 909, untripped in both, success 96.33 -> 97.06% for
--         87.3 -> 86.3% of the oracle's savings.
--     A replay of the rules outside the database (the benchmark's generator and draws,
--     20 held-out seeds each) agreed within ~0.3 points and compared the alternatives:
--     global trips 4 -> 2 of 20 (parameters drawn per seed) and 10 -> 4 (the shape above).
--     Tried and not kept: a prior pooled from the other agents of the same band on the
--     same model (empirical Bayes, a Beta fitted by moments to per-band counters): a
--     band's pooled rate mixes the many agents a model suits with the few it does not,
--     so the fitted prior is wide and pessimistic and one failure moves an agent that is
--     fine: +0.4 to +1.3 points of success for 5 to 30 points of the oracle's savings;
--     deciding on P(p < target) alone (same prior) instead of the Wilson bound: 0.4
--     points less success; a lower confidence everywhere: the pooled prior's trade.
--     Even a learner that knew each agent's need and moved it at its first failure on a
--     short rung stays ~1 point below the all-baseline run (worst seed 1.2) at 83% of the
--     oracle's savings without stepping down: at 30 executions per agent the issue's
--     targets (within 1 point, 90% of the oracle) are at the edge of what any rule reaches.

-- -----------------------------------------------------------------------------
-- routing.agent_model_records: an agent's outcomes per answering model
-- -----------------------------------------------------------------------------
create table routing.agent_model_records (
  agent_id uuid not null references public.agents (id) on delete cascade,
  model text not null references routing.models (model),
  user_id uuid not null,
  executions integer not null default 0 constraint executions_not_negative check (executions >= 0),
  successes integer not null default 0 constraint successes_within_executions check (successes between 0 and executions),
  first_at timestamptz not null default now(),
  last_at timestamptz not null default now(),
  primary key (agent_id, model)
);
comment on table routing.agent_model_records is
  'Spec §10 track record: per agent and model, the executions that model answered (the weakest of an execution''s answering '
  'models) and how many succeeded; one upsert per outcome in record_agent_execution.';
comment on column routing.agent_model_records.user_id is 'The agent''s owner (copied for RLS).';

-- -----------------------------------------------------------------------------
-- routing.agent_learning: the rung an agent's outcomes moved it to
-- -----------------------------------------------------------------------------
create table routing.agent_learning (
  agent_id uuid primary key references public.agents (id) on delete cascade,
  user_id uuid not null,
  rung smallint not null constraint rung_between_1_and_3 check (rung between 1 and 3),
  model text not null references routing.models (model),
  from_model text not null references routing.models (model),
  direction text not null check (direction in ('up', 'down')),
  since timestamptz not null default now(),
  moves integer not null default 1 constraint moves_positive check (moves >= 1)
);
comment on table routing.agent_learning is
  'The learned rung of each agent that its outcomes moved (no row: the score''s rung). route_model''s rule learned_tier '
  'routes to the config''s model of that rung (model: the one at the time of the move).';
comment on column routing.agent_learning.rung is '1 low_model, 2 medium_model, 3 premium_model.';
comment on column routing.agent_learning.from_model is 'The model of the rung the last move left.';

-- -----------------------------------------------------------------------------
-- routing.agent_model_moves: every move with the figures that decided it
-- -----------------------------------------------------------------------------
create table routing.agent_model_moves (
  id bigint generated always as identity primary key,
  at timestamptz not null default now(),
  agent_id uuid not null references public.agents (id) on delete cascade,
  user_id uuid not null,
  execution_id text,
  direction text not null check (direction in ('up', 'down')),
  from_rung smallint not null check (from_rung between 1 and 3),
  to_rung smallint not null check (to_rung between 1 and 3),
  from_model text not null,
  to_model text not null,
  judged_model text not null,
  executions integer not null,
  successes integer not null,
  prior_mean numeric not null,
  prior_weight numeric not null,
  bound numeric not null,
  target numeric not null,
  confidence numeric not null,
  rule text not null default 'confidence' constraint rule_known check (rule in ('confidence', 'cost')),
  shortfall numeric,
  price_step numeric,
  constraint direction_matches_rungs check ((direction = 'up' and to_rung = from_rung + 1) or (direction = 'down' and to_rung = from_rung - 1))
);
comment on table routing.agent_model_moves is
  'Audit of learned moves (spec §10): agent, from -> to, the judged model''s executions and successes, the prior, the bound '
  '(upper for up, lower for down, %), the target and the confidence, and the outcome that decided it.';
comment on column routing.agent_model_moves.bound is 'up: the upper bound that fell below target; down: the lower bound that rose above it (%).';
comment on column routing.agent_model_moves.execution_id is 'The execution whose outcome decided the move.';
comment on column routing.agent_model_moves.rule is
  'confidence: the bound crossed the target; cost: the expected shortfall x the baseline price exceeded the price step x P(fine).';
comment on column routing.agent_model_moves.shortfall is
  'cost rule: E[max(0, target - p)] of the posterior, in points (%); null for the confidence rule.';
comment on column routing.agent_model_moves.price_step is
  'cost rule: the next rung''s output price minus this rung''s, as a share (%) of the baseline model''s; null for the confidence rule.';
create index agent_model_moves_at_idx on routing.agent_model_moves (at);
create index agent_model_moves_agent_at_idx on routing.agent_model_moves (agent_id, at);
comment on index routing.agent_model_moves_at_idx is 'Moves by time: the learning report ranges.';
comment on index routing.agent_model_moves_agent_at_idx is 'An agent''s moves by time.';

-- -----------------------------------------------------------------------------
-- The ladder
-- -----------------------------------------------------------------------------
create function routing._rung_model(rung integer, low_model text, medium_model text, premium_model text)
returns text
language sql immutable
set search_path = ''
as $$ select case rung when 1 then low_model when 2 then medium_model when 3 then premium_model end $$;
comment on function routing._rung_model(integer, text, text, text) is 'The model of a rung: 1 low_model, 2 medium_model, 3 premium_model.';

create function routing._rung_of(model text, low_model text, medium_model text, premium_model text)
returns integer
language sql immutable
set search_path = ''
as $$ select case model when low_model then 1 when medium_model then 2 when premium_model then 3 end $$;
comment on function routing._rung_of(text, text, text, text) is 'The lowest rung a model stands on, null off the ladder.';

create function routing._band_rung(score numeric, low_threshold numeric, medium_threshold numeric)
returns integer
language sql immutable
set search_path = ''
as $$
  -- Thresholds are inclusive upper bounds; no score is the safe side (rung 3), as rule 8's tier.
  select case when score is null then 3 when score <= low_threshold then 1 when score <= medium_threshold then 2 else 3 end
$$;
comment on function routing._band_rung(numeric, numeric, numeric) is 'The starting rung of a score: low band 1, medium 2, high or no score 3.';

create function routing._model_strength(model text, low_model text, medium_model text, premium_model text)
returns numeric
language sql stable
set search_path = ''
as $$
  select coalesce(
    routing._rung_of(_model_strength.model, low_model, medium_model, premium_model)::numeric,
    (select coalesce(max(l.rung) filter (where lp.output_per_mtok <= mp.output_per_mtok), 0) + 0.5
     from unnest(array[low_model, medium_model, premium_model]) with ordinality as l(m, rung)
     cross join lateral routing.price_in_force(l.m, now()) lp
     cross join lateral routing.price_in_force(_model_strength.model, now()) mp))
$$;
comment on function routing._model_strength(text, text, text, text) is
  'How strong a model is on the ladder: its rung, or (off the ladder) half a rung above the highest rung whose model''s '
  'output price is not above its own. The weakest answering model of an execution has the lowest.';

create function routing._answering_model(decision_id uuid, decision_model text, low_model text, medium_model text, premium_model text)
returns text
language sql stable
set search_path = ''
as $$
  -- The calls of one decision (calls_decision_idx); the weakest model that answered, else the decision's.
  select coalesce(
    (select c.model from routing.calls c
     where c.decision_id = _answering_model.decision_id and c.status = 'succeeded'
     group by c.model
     order by routing._model_strength(c.model, low_model, medium_model, premium_model), c.model
     limit 1),
    decision_model)
$$;
comment on function routing._answering_model(uuid, text, text, text, text) is
  'The model an execution counts for: the weakest model that answered one of its decision''s calls, else the decision''s model.';

-- -----------------------------------------------------------------------------
-- The rule
-- -----------------------------------------------------------------------------
create type routing.learning_judgement as (
  executions integer,      -- the agent's executions on the judged model
  successes integer,
  prior_mean numeric,      -- p0, %
  prior_weight numeric,    -- w
  upper numeric,           -- bounds of the posterior, %
  lower numeric
);
comment on type routing.learning_judgement is 'The evidence on one agent x model: its counts, the prior, and the posterior bounds (routing._judge).';

create function routing._judge(
  executions integer, successes integer, agent_executions integer, agent_successes integer,
  target numeric, prior_weight numeric, confidence numeric
) returns routing.learning_judgement
language plpgsql immutable
set search_path = ''
as $$
declare
  j routing.learning_judgement;
  earlier_n integer := greatest(coalesce(agent_executions, 0) - coalesce(executions, 0), 0);
  earlier_s integer := least(greatest(coalesce(agent_successes, 0) - coalesce(successes, 0), 0), earlier_n);
begin
  j.executions := coalesce(executions, 0);
  j.successes := coalesce(successes, 0);
  j.prior_weight := prior_weight;
  -- The earlier record, within [target, (target + 100) / 2]: it may only lend benefit of the doubt, and only so much.
  j.prior_mean := round(least(greatest(target, case when earlier_n > 0 then 100.0 * earlier_s / earlier_n else target end),
                              (target + 100) / 2), 4);
  j.upper := routing.success_bound(j.successes + prior_weight * j.prior_mean / 100, j.executions + prior_weight, confidence, 'upper');
  j.lower := routing.success_bound(j.successes + prior_weight * j.prior_mean / 100, j.executions + prior_weight, confidence, 'lower');
  return j;
end
$$;
comment on function routing._judge(integer, integer, integer, integer, numeric, numeric, numeric) is
  'Spec §10 rule: the posterior bounds of an agent''s success on a model (its counts plus prior_weight pseudo-executions at '
  'the agent''s earlier record, kept within target..(target+100)/2) at the confidence, by routing.success_bound. Up when '
  'the upper bound is below the target, or (routing._learn_from_outcome, after a failure) when the posterior''s expected '
  'shortfall x the baseline price exceeds the price step x P(p >= target); down when the lower bound clears it. Why: the '
  'agent learning migration''s header.';

-- -----------------------------------------------------------------------------
-- routing._learn_from_outcome: record_agent_execution's step
-- -----------------------------------------------------------------------------
create function routing._learn_from_outcome(
  execution routing.executions, decision routing.decisions, metrics public.agent_intensity_metrics, cfg routing.config
) returns routing.agent_model_moves
language plpgsql volatile
set search_path = ''
as $$
declare
  answered text := routing._answering_model(decision.id, decision.model, cfg.low_model, cfg.medium_model, cfg.premium_model);
  rec routing.agent_model_records;
  cur integer;
  j routing.learning_judgement;
  to_rung integer;
  dir text;
  bound numeric;
  move_rule text := 'confidence';
  rung_model text;
  base_price numeric;
  step numeric;
  a numeric;
  b numeric;
  p_below numeric;
  short numeric;
  mv routing.agent_model_moves;
begin
  -- 1. The track record: one upsert by primary key (concurrent outcomes add up under its row lock).
  insert into routing.agent_model_records as r (agent_id, model, user_id, executions, successes)
  values (execution.agent_id, answered, execution.user_id, 1, case when execution.succeeded then 1 else 0 end)
  on conflict on constraint agent_model_records_pkey do update
    set executions = r.executions + 1, successes = r.successes + excluded.successes, last_at = now()
  returning r.* into rec;

  -- 2. The agent's current rung: learned, else its score's (routing.config's thresholds).
  select l.rung into cur from routing.agent_learning l where l.agent_id = execution.agent_id;
  cur := coalesce(cur, routing._band_rung(metrics.combined_score, cfg.low_threshold, cfg.medium_threshold));

  -- 3. The rule, on the model this outcome counted for. The prior is the score's benefit of the doubt: on a
  --    rung above the score's band (the agent was moved up there) it weighs learning_moved_prior_weight.
  j := routing._judge(rec.executions, rec.successes, metrics.total_executions, metrics.successful_executions,
                      cfg.target_success_rate,
                      case when coalesce(routing._rung_of(answered, cfg.low_model, cfg.medium_model, cfg.premium_model), 0)
                                > routing._band_rung(metrics.combined_score, cfg.low_threshold, cfg.medium_threshold)
                           then cfg.learning_moved_prior_weight else cfg.learning_prior_weight end,
                      cfg.learning_confidence);
  rung_model := routing._rung_model(cur, cfg.low_model, cfg.medium_model, cfg.premium_model);
  if cur < 3 and answered = rung_model and j.upper < cfg.target_success_rate then
    to_rung := cur + 1; dir := 'up'; bound := j.upper;
  elsif cur < 3 and answered = rung_model and not execution.succeeded then
    -- The cost rule (only a failure can make it fire: a success lowers the shortfall and raises P(fine)).
    -- Output prices in force: the price step up and a failure's cost (one baseline execution).
    select p.output_per_mtok into base_price from routing.price_in_force(cfg.baseline_model, now()) p;
    select n.output_per_mtok - c.output_per_mtok into step
    from routing.price_in_force(rung_model, now()) c,
         routing.price_in_force(routing._rung_model(cur + 1, cfg.low_model, cfg.medium_model, cfg.premium_model), now()) n;
    -- A rung whose next model costs no more (a ladder of repeated models) has nothing to weigh.
    if base_price > 0 and step > 0 then
      a := j.successes + j.prior_weight * j.prior_mean / 100;
      b := j.executions + j.prior_weight - a;
      if a > 0 and b > 0 then
        p_below := routing._beta_cdf(cfg.target_success_rate / 100, a, b);
        short := routing._beta_shortfall(cfg.target_success_rate / 100, a, b);
        if short * base_price > step * (1 - p_below) then
          to_rung := cur + 1; dir := 'up'; bound := j.upper; move_rule := 'cost';
        end if;
      end if;
    end if;
  end if;
  if dir is null then
    if cur > 1 and answered = routing._rung_model(cur - 1, cfg.low_model, cfg.medium_model, cfg.premium_model)
       and answered <> rung_model and j.lower > cfg.target_success_rate then
      to_rung := cur - 1; dir := 'down'; bound := j.lower;
    else
      return null;
    end if;
  end if;

  -- 4. The move: the learned rung, and its audit row.
  insert into routing.agent_learning as l (agent_id, user_id, rung, model, from_model, direction)
  values (execution.agent_id, execution.user_id, to_rung,
          routing._rung_model(to_rung, cfg.low_model, cfg.medium_model, cfg.premium_model),
          routing._rung_model(cur, cfg.low_model, cfg.medium_model, cfg.premium_model), dir)
  on conflict on constraint agent_learning_pkey do update
    set rung = excluded.rung, model = excluded.model, from_model = excluded.from_model, direction = excluded.direction,
        since = now(), moves = l.moves + 1;
  insert into routing.agent_model_moves as m (
    agent_id, user_id, execution_id, direction, from_rung, to_rung, from_model, to_model, judged_model,
    executions, successes, prior_mean, prior_weight, bound, target, confidence, rule, shortfall, price_step)
  values (
    execution.agent_id, execution.user_id, execution.execution_id, dir, cur, to_rung,
    routing._rung_model(cur, cfg.low_model, cfg.medium_model, cfg.premium_model),
    routing._rung_model(to_rung, cfg.low_model, cfg.medium_model, cfg.premium_model), answered,
    rec.executions, rec.successes, j.prior_mean, j.prior_weight, bound, cfg.target_success_rate, cfg.learning_confidence,
    move_rule, case when move_rule = 'cost' then round(100 * short, 4) end,
    case when move_rule = 'cost' then round(100 * step / base_price, 4) end)
  returning m.* into mv;
  return mv;
end
$$;
comment on function routing._learn_from_outcome(routing.executions, routing.decisions, public.agent_intensity_metrics, routing.config) is
  'Step of record_agent_execution (same transaction): counts the outcome for the model that answered it, judges that '
  'model (routing._judge; after a failure also the cost rule on the Beta posterior) and moves the agent one rung up or '
  'down when the rule says so (agent_learning + a move row). Primary-key and price lookups only. Returns the move, or null.';

-- -----------------------------------------------------------------------------
-- Row level security and privileges: owners read their own; only the RPCs write
-- -----------------------------------------------------------------------------
alter table routing.agent_model_records enable row level security;
alter table routing.agent_learning enable row level security;
alter table routing.agent_model_moves enable row level security;
create policy "Owners can see their agents' track records" on routing.agent_model_records
  for select to authenticated using (user_id = (select auth.uid()));
create policy "Owners can see their agents' learned rungs" on routing.agent_learning
  for select to authenticated using (user_id = (select auth.uid()));
create policy "Owners can see their agents' moves" on routing.agent_model_moves
  for select to authenticated using (user_id = (select auth.uid()));
revoke all on routing.agent_model_records, routing.agent_learning, routing.agent_model_moves
  from public, anon, authenticated, service_role;
grant select on routing.agent_model_records, routing.agent_learning, routing.agent_model_moves to authenticated, service_role;

revoke all on function routing._rung_model(integer, text, text, text) from public;
revoke all on function routing._rung_of(text, text, text, text) from public;
revoke all on function routing._band_rung(numeric, numeric, numeric) from public;
revoke all on function routing._model_strength(text, text, text, text) from public;
revoke all on function routing._answering_model(uuid, text, text, text, text) from public;
revoke all on function routing._judge(integer, integer, integer, integer, numeric, numeric, numeric) from public;
revoke all on function routing._learn_from_outcome(routing.executions, routing.decisions, public.agent_intensity_metrics, routing.config) from public;
