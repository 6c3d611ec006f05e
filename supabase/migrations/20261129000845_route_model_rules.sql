-- =============================================================================
-- The decision rules (ROUTING-SPEC §2 rules 1-8, §10): what route_model decides
-- =============================================================================
-- ONE function, routing._choose_model, holds the rules in spec order; their
-- thresholds and models are columns of routing.config (one line to change each).
-- Beside it: what the rules read about an agent (routing._load_agent, its sticky
-- rollout bucket) and the bounded exploration of the next cheaper rung (spec §10,
-- with the learning of the agent learning migration). public.route_model (next
-- migration) calls them; none is granted to an API role.

-- -----------------------------------------------------------------------------
-- What the rules read and return
-- -----------------------------------------------------------------------------
create type routing.agent_facts as (
  agent_id uuid,
  user_id uuid,
  model_preference text,
  preference_active boolean,         -- null without a preference; premium counts as active
  has_metrics boolean,
  combined_score numeric,
  success_rate numeric,
  total_executions integer,
  consecutive_failures integer,
  last_failure_at timestamptz,
  bucket integer,                    -- rollout bucket 0-99
  -- Learning (spec §10): the learned rung and the track record, by primary key.
  successful_executions integer,
  learned_rung integer,              -- null: the score's rung
  learned_from_model text,
  learned_direction text,
  records jsonb,                     -- {model: [executions, successes]} of routing.agent_model_records
  execution_id text,                 -- the execution being decided (exploration is sticky per execution)
  requested_model text               -- the active catalog model the caller named; null: the router decides
);
comment on type routing.agent_facts is
  'What the rules read about one agent: its preference, its AIS metrics, its rollout bucket, its learned rung and track record, '
  'and the model its caller asked for.';

create type routing.model_choice as (
  model text,
  reason text,
  cohort text,
  tier text,
  reasoning text,
  shadow_model text,
  shadow_reason text,
  warnings jsonb,
  explore_model text                 -- the cheaper rung this decision may explore, drawn per execution (spec §10)
);
comment on type routing.model_choice is
  'The primary choice of rules 1-8, before adjustments, with the shadow choice of the disabled and control cohorts and the '
  'cheaper rung an execution may draw (a lone call never explores).';

-- -----------------------------------------------------------------------------
-- The agent and its rollout bucket
-- -----------------------------------------------------------------------------
create function routing._rollout_bucket(salt text, agent_id uuid)
returns integer
language plpgsql immutable
set search_path = ''
as $$
begin
  -- plpgsql keeps its plans for the session; a SQL function (not inlinable with its SET) is planned in every transaction
  -- Sticky: the first 32 bits of md5(salt || agent_id), mod 100.
  return ((('x' || substr(md5(salt || agent_id::text), 1, 8))::bit(32)::bigint) % 100)::integer;
end
$$;
comment on function routing._rollout_bucket(text, uuid) is 'The agent''s rollout bucket 0-99: md5(rollout_salt || agent_id) mod 100; changes only with the salt.';

create function routing._load_agent(agent_id uuid)
returns routing.agent_facts
language plpgsql stable
set search_path = ''
as $$
begin
  -- plpgsql keeps its plans for the session; a SQL function (not inlinable with its SET) is planned in every transaction
  -- By name: the bucket is left null (route_model computes it with the effective salt).
  return (
  select jsonb_populate_record(null::routing.agent_facts, jsonb_build_object(
           'agent_id', a.id,
           'user_id', a.user_id,
           'model_preference', a.model_preference,
           'preference_active', case when a.model_preference is null then null
                                     when a.model_preference = 'premium' then true
                                     else coalesce(m.active, false) end,
           'has_metrics', mt.agent_id is not null,
           'combined_score', mt.combined_score,
           'success_rate', mt.success_rate,
           'total_executions', mt.total_executions,
           'consecutive_failures', mt.consecutive_failures,
           'last_failure_at', mt.last_failure_at,
           'successful_executions', mt.successful_executions,
           'learned_rung', l.rung,
           'learned_from_model', l.from_model,
           'learned_direction', l.direction,
           -- The agent's rows of its track record: a primary-key prefix range, one row per model it has used.
           'records', (select coalesce(jsonb_object_agg(r.model, jsonb_build_array(r.executions, r.successes)), '{}'::jsonb)
                       from routing.agent_model_records r where r.agent_id = a.id)))
  from public.agents a
  left join public.agent_intensity_metrics mt on mt.agent_id = a.id
  left join routing.models m on m.model = a.model_preference
  left join routing.agent_learning l on l.agent_id = a.id
  where a.id = _load_agent.agent_id);
end
$$;
comment on function routing._load_agent(uuid) is
  'Indexed reads only: the agent, its metrics, whether its preference is still an active model, its learned rung and its '
  'track record per model (primary keys); null when absent.';

-- -----------------------------------------------------------------------------
-- Exploration (spec §10 "Down"): the next cheaper rung on a sticky share of executions
-- -----------------------------------------------------------------------------
create function routing._explore_bucket(agent_id uuid, execution_id text)
returns integer
language plpgsql immutable
set search_path = ''
as $$
begin
  -- plpgsql keeps its plans for the session; a SQL function (not inlinable with its SET) is planned in every
  -- transaction, and a prepared decision draws this for every execution (route_model).
  -- Sticky per execution: the first 32 bits of md5('explore:' || agent_id || ':' || execution_id), mod 100.
  return ((('x' || substr(md5('explore:' || agent_id::text || ':' || execution_id), 1, 8))::bit(32)::bigint) % 100)::integer;
end
$$;
comment on function routing._explore_bucket(uuid, text) is
  'The exploration bucket 0-99 of an execution: md5(''explore:'' || agent_id || '':'' || execution_id) mod 100; a replay gets the same.';

create function routing._explore_model(c routing.effective_config, a routing.agent_facts, rung integer)
returns text
language plpgsql stable
set search_path = ''
as $$
declare
  cheaper text := routing._rung_model(rung - 1, c.low_model, c.medium_model, c.premium_model);
  j routing.learning_judgement;
begin
  -- Off, the bottom rung, or a failure within the recent_failures window. The per-execution draw is
  -- routing._choose_model's (so a prepared decision knows whether an execution could explore).
  if c.explore_percentage <= 0 or rung <= 1
     or a.last_failure_at > now() - make_interval(mins => c.failure_upgrade_minutes) then
    return null;
  end if;
  if cheaper is null or cheaper = routing._rung_model(rung, c.low_model, c.medium_model, c.premium_model)
     or not c.catalog ? cheaper then
    return null;
  end if;
  -- The agent first shows how it does on its own rung (min_executions outcomes there): one that fails
  -- there moves up, never down.
  if coalesce((a.records -> routing._rung_model(rung, c.low_model, c.medium_model, c.premium_model) ->> 0)::integer, 0)
     < c.min_executions then
    return null;
  end if;
  -- The evidence must still allow the cheaper rung: not already judged short of the target on it.
  j := routing._judge((a.records -> cheaper ->> 0)::integer, (a.records -> cheaper ->> 1)::integer,
                      a.total_executions, a.successful_executions,
                      c.target_success_rate, c.learning_prior_weight, c.learning_confidence);
  if j.upper < c.target_success_rate then
    return null;
  end if;
  return cheaper;
end
$$;
comment on function routing._explore_model(routing.effective_config, routing.agent_facts, integer) is
  'The next cheaper rung''s model when the agent may explore it (an execution then draws it on explore_percentage of '
  'executions by routing._explore_bucket, in routing._choose_model); null when exploration is off, on the bottom rung, after a '
  'failure within failure_upgrade_minutes, before min_executions outcomes on its own rung''s model, or when the evidence on '
  'the cheaper model already says it falls short of the target.';

-- -----------------------------------------------------------------------------
-- The decision rules, first match wins
-- -----------------------------------------------------------------------------
create function routing._choose_model(c routing.effective_config, a routing.agent_facts)
returns routing.model_choice
language plpgsql stable
set search_path = ''
as $$
declare
  -- The score band, reported whenever a score exists (thresholds are inclusive upper bounds).
  band text := case when a.combined_score is null then null
                    when a.combined_score <= c.low_threshold then 'low'
                    when a.combined_score <= c.medium_threshold then 'medium'
                    else 'high' end;
  -- The agent's rung: learned from its outcomes, else its score's.
  rung integer := coalesce(a.learned_rung, routing._band_rung(a.combined_score, c.low_threshold, c.medium_threshold));
  cheaper text;
  merit routing.model_choice;   -- rules 5-8: the agent's record and score
  routed routing.model_choice;  -- rules 3-8: the decision when routing is on, the shadow when off
  ch routing.model_choice;      -- the answer of rules 1 and 2
  w jsonb := '[]'::jsonb;
begin
  -- Rule 1, forced: FORCE_MODEL or config.force_model. No shadow; only lifecycle adjustments (routing._adjust).
  if c.force_model is not null then
    ch.model := c.force_model;
    ch.reason := 'forced';
    ch.cohort := 'forced';
    ch.tier := band;
    ch.reasoning := case c.forced_by when 'config' then 'Forced by routing.config.force_model' else 'Forced by ' || c.forced_by end;
    ch.warnings := w;
    return ch;
  end if;

  -- Rules 5-8 are evaluated first because rules 2 and 4 record them as the shadow.
  merit.cohort := 'routed';
  merit.tier := band;
  merit.warnings := w;
  if a.consecutive_failures >= c.failure_upgrade_count
     and a.last_failure_at > now() - make_interval(mins => c.failure_upgrade_minutes) then
    -- Rule 5, recent_failures: lapses by itself once the last failure leaves the window.
    merit.model := c.premium_model;
    merit.reason := 'recent_failures';
    merit.reasoning := format('Recent failures (%s in %s min) - premium model', a.consecutive_failures, c.failure_upgrade_minutes);
  elsif not a.has_metrics or a.total_executions < c.min_executions then
    -- Rule 6, new_agent: no metrics row, or too few executions to judge.
    merit.model := c.new_agent_model;
    merit.reason := 'new_agent';
    merit.reasoning := format('New agent (%s of %s executions) - safe default', coalesce(a.total_executions, 0), c.min_executions);
  elsif a.success_rate < c.min_success_rate then
    -- Rule 7, low_success_rate.
    merit.model := c.premium_model;
    merit.reason := 'low_success_rate';
    merit.reasoning := format('Low success rate (%s%% < %s%%) - premium model', a.success_rate, c.min_success_rate);
  elsif a.learned_rung is not null then
    -- Rule 8, learned_tier (spec §10): the rung the agent's own outcomes moved it to.
    merit.model := routing._rung_model(a.learned_rung, c.low_model, c.medium_model, c.premium_model);
    merit.reason := 'learned_tier';
    merit.reasoning := format('Learned tier (rung %s of 3, moved %s from %s by its outcomes) - %s',
                              a.learned_rung, a.learned_direction, a.learned_from_model, merit.model);
  elsif band = 'low' then
    -- Rule 8, tier: score <= low_threshold.
    merit.model := c.low_model;
    merit.reason := 'tier';
    merit.reasoning := format('Low complexity (%s) - efficient model', a.combined_score);
  elsif band = 'medium' then
    -- Rule 8, tier: score <= medium_threshold.
    merit.model := c.medium_model;
    merit.reason := 'tier';
    merit.reasoning := format('Medium complexity (%s) - balanced model', a.combined_score);
  elsif band = 'high' then
    -- Rule 8, tier: above medium_threshold.
    merit.model := c.high_model;
    merit.reason := 'tier';
    merit.reasoning := format('High complexity (%s) - most capable model', a.combined_score);
  else
    -- Rule 8 without a score (band is null): the safe side is the high tier.
    merit.model := c.high_model;
    merit.reason := 'tier';
    merit.reasoning := format('No complexity score (%s executions) - most capable model', a.total_executions);
    merit.warnings := jsonb_build_array(format('agent %s has no combined_score: routed to the high tier', a.agent_id));
  end if;

  if a.model_preference is not null and not a.preference_active then
    w := w || to_jsonb(format('model_preference "%s" ignored: not an active model of routing.models', a.model_preference));
  end if;

  if a.model_preference is not null and a.preference_active then
    -- Rule 3, agent_preference: 'premium' means premium_model.
    routed.model := case when a.model_preference = 'premium' then c.premium_model else a.model_preference end;
    routed.reason := 'agent_preference';
    routed.cohort := 'routed';
    routed.tier := band;
    routed.reasoning := case when a.model_preference = 'premium' then format('Agent preference: premium (%s)', c.premium_model)
                             else format('Agent preference: %s', a.model_preference) end;
    routed.warnings := w;
  elsif a.bucket >= c.rollout_percentage then
    -- Rule 4, rollout_control: the sticky bucket is outside the rollout; rules 5-8 are the shadow.
    routed.model := c.baseline_model;
    routed.reason := 'rollout_control';
    routed.cohort := 'control';
    routed.tier := band;
    routed.reasoning := format('Rollout control (bucket %s >= %s%%) - baseline model', a.bucket, c.rollout_percentage);
    routed.shadow_model := merit.model;
    routed.shadow_reason := merit.reason;
    routed.warnings := w || merit.warnings;
  elsif a.requested_model is not null and c.allow_requested_model then
    -- requested_model: the caller's explicit choice, where the config allows it; before the agent's record (rules 5-8).
    routed.model := a.requested_model;
    routed.reason := 'requested_model';
    routed.cohort := 'routed';
    routed.tier := band;
    routed.reasoning := format('Requested by the caller: %s', a.requested_model);
    routed.warnings := w;
  else
    routed := merit;
    routed.warnings := w || merit.warnings;
  end if;

  -- Rule 2, routing_disabled (config, env, or an auto-rollback trip): baseline, rules 3-8 as the shadow.
  if not c.routing_enabled then
    ch.model := c.baseline_model;
    ch.reason := 'routing_disabled';
    ch.cohort := 'disabled';
    ch.tier := band;
    ch.reasoning := case when c.disabled_by = 'rollback' then 'Routing rolled back automatically - baseline model'
                         when c.disabled_by is null or c.disabled_by = 'config' then 'Routing disabled - baseline model'
                         else format('Routing disabled by %s - baseline model', c.disabled_by) end;
    ch.shadow_model := routed.model;
    ch.shadow_reason := routed.reason;
    ch.warnings := routed.warnings;
    return ch;
  end if;

  -- Exploration (spec §10): a routed tier or learned_tier decision may try the next cheaper rung. Never a
  -- preference, the control cohort, a forced model or an upgrade (they matched above); never in a shadow.
  -- The draw is sticky per execution (routing._explore_bucket); a lone call (no execution to learn from) never explores.
  if routed.cohort = 'routed' and routed.reason in ('tier', 'learned_tier') then
    cheaper := routing._explore_model(c, a, rung);
    routed.explore_model := cheaper;
    if cheaper is not null and a.execution_id is not null
       and routing._explore_bucket(a.agent_id, a.execution_id) < c.explore_percentage then
      routed.reasoning := format('Exploring %s (%s%% of executions) - one rung below %s', cheaper, c.explore_percentage, routed.model);
      routed.model := cheaper;
      routed.reason := 'explore_cheaper';
    end if;
  end if;
  return routed;
end
$$;
comment on function routing._choose_model(routing.effective_config, routing.agent_facts) is
  'ROUTING-SPEC §2 rules 1-8 in one place: forced, routing_disabled, agent_preference, rollout_control, requested_model '
  '(where config.allow_requested_model), recent_failures, new_agent, low_success_rate, learned_tier, tier; then exploration '
  'of the next cheaper rung (explore_cheaper, routed only).';


-- -----------------------------------------------------------------------------
-- Privileges
-- -----------------------------------------------------------------------------
revoke all on function routing._rollout_bucket(text, uuid) from public;
revoke all on function routing._load_agent(uuid) from public;
revoke all on function routing._explore_bucket(uuid, text) from public;
revoke all on function routing._explore_model(routing.effective_config, routing.agent_facts, integer) from public;
revoke all on function routing._choose_model(routing.effective_config, routing.agent_facts) from public;
-- Reports group decisions by bucket; the service role may compute one.
grant execute on function routing._rollout_bucket(text, uuid) to service_role;
