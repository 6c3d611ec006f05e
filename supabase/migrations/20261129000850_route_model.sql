-- =============================================================================
-- public.route_model: the routing decision (ROUTING-SPEC §2), audited
-- =============================================================================
-- The rules live in ONE function, routing._choose_model (previous migration), in spec order (with
-- learned_tier and the exploration of spec §10, agent learning migration); their
-- thresholds and models are columns of routing.config (one line to change each).
-- route_model checks the caller, the input and ownership, replays a known
-- execution, reads the effective config (routing._effective_config), loads the
-- agent, asks _choose_model, applies the adjustments of rule 9 (routing._adjust)
-- and writes exactly one routing.decisions row. The answer lists the targets:
-- how to call each model of the decision (routing._targets). That full path
-- stores its decision in routing.prepared_decisions (previous migration); the
-- next call for the same agent, env and requested model, while nothing it
-- depends on has changed, reads it instead (one row) and writes its audit row.
--
-- Explicit model choice: the caller may name a catalog model (requested_model,
-- the `model` of an OpenAI-compatible request; null or 'auto' lets the router
-- decide). It must be an active model of routing.models (else 22023, whether or
-- not it is honoured). Where routing.config.allow_requested_model is true it is
-- honoured with reason requested_model, after rules 1-4 (forced, routing_disabled,
-- agent_preference, rollout_control: an operator's and the agent owner's choices,
-- and the control cohort, come first) and before rules 5-8 (the agent's record
-- and score); the adjustments of rule 9 still apply to it. Otherwise, or when a
-- rule before it decided, it is named in the decision's warnings. It is no trust
-- escalation: a user may pass it on a direct RPC too, and the config decides.

-- -----------------------------------------------------------------------------
-- Input validation
-- -----------------------------------------------------------------------------
create function routing.validate_route_input(agent_id uuid, execution_id text, env jsonb)
returns void
language plpgsql immutable
set search_path = ''
as $$
begin
  if validate_route_input.agent_id is null then
    raise exception 'route_model: agent_id is required' using errcode = '22023';
  end if;
  if validate_route_input.execution_id is not null
     and (length(validate_route_input.execution_id) not between 1 and 200 or btrim(validate_route_input.execution_id) = '') then
    raise exception 'route_model: execution_id must be 1 to 200 characters and not blank' using errcode = '22023';
  end if;
  if validate_route_input.env is not null and jsonb_typeof(validate_route_input.env) <> 'object' then
    raise exception 'route_model: env must be a JSON object of strings' using errcode = '22023';
  end if;
end
$$;
comment on function routing.validate_route_input(uuid, text, jsonb) is 'Raises 22023 with a stable message for input route_model refuses before writing anything.';

create function routing.validate_requested_model(requested_model text)
returns text
language plpgsql stable
set search_path = ''
as $$
begin
  -- null and 'auto': the router decides. The value is not echoed (the caller has it; it may be long).
  if validate_requested_model.requested_model is null or validate_requested_model.requested_model = 'auto' then
    return null;
  end if;
  if not exists (select 1 from routing.models m where m.model = validate_requested_model.requested_model and m.active) then
    raise exception 'route_model: requested_model must be an active model of routing.models, or auto'
      using errcode = '22023', column = 'requested_model';
  end if;
  return validate_requested_model.requested_model;
end
$$;
comment on function routing.validate_requested_model(text) is
  'The model route_model''s caller asked for: null for null or ''auto'', the name for an active catalog model (by primary '
  'key); anything else raises 22023 with a stable message and column requested_model (the edge function''s 404 model_not_found).';

-- -----------------------------------------------------------------------------
-- The answer: a decision row as the documented jsonb, with its targets
-- -----------------------------------------------------------------------------
-- targets: what the edge function needs to call each model of the decision
-- (primary first, then the fallback chain in order) and to adapt the request
-- to it, read from routing.models and routing.providers in one query.
create function routing._targets(models text[], providers text[])
returns jsonb
language plpgsql stable  -- plpgsql keeps its plan for the session; a SQL function is planned again in every transaction
set search_path = ''
as $$
begin
  return (
    select coalesce(jsonb_agg(jsonb_build_object(
             'model', m.model, 'provider', p.provider, 'provider_kind', p.kind, 'wire_id', m.wire_id,
             'base_url', p.base_url, 'base_url_env', p.base_url_env, 'api_key_env', p.api_key_env,
             'context_window', m.context_window, 'max_output_tokens', m.max_output_tokens,
             'supports_tools', m.supports_tools, 'supports_images', m.supports_images, 'supports_pdf', m.supports_pdf,
             'supports_json_schema', m.supports_json_schema, 'supports_prefill', m.supports_prefill,
             'sampling', m.sampling, 'reasoning_effort', m.reasoning_effort)
           order by u.ord), '[]'::jsonb)
    from unnest(_targets.models, _targets.providers) with ordinality as u(model, provider, ord)
    join routing.models m on m.model = u.model
    join routing.providers p on p.provider = coalesce(u.provider, m.provider));
end
$$;
comment on function routing._targets(text[], text[]) is
  'The decision''s targets, in order: per model (with the provider that serves it in this decision) the provider''s kind, '
  'base_url, base_url_env and api_key_env, and the model''s wire id, limits, capabilities, sampling and reasoning_effort rule.';

create function routing._decision_json(
  d routing.decisions, fallback_providers text[], max_retries integer, breakers jsonb, log_level text, replayed boolean,
  targets jsonb
) returns jsonb
language plpgsql immutable  -- plpgsql: no re-planning per transaction (see routing._targets)
set search_path = ''
as $$
begin
  return jsonb_build_object(
    'decision_id', d.id, 'agent_id', d.agent_id, 'execution_id', d.execution_id,
    'model', d.model, 'provider', d.provider, 'tier', d.tier,
    'reason', d.reason, 'reasoning', d.reasoning, 'cohort', d.cohort,
    'intensity_score', d.intensity_score, 'success_rate', d.success_rate, 'total_executions', d.total_executions,
    'shadow_model', d.shadow_model, 'shadow_reason', d.shadow_reason, 'baseline_model', d.baseline_model,
    'fallback_chain', to_jsonb(d.fallback_chain), 'fallback_providers', to_jsonb(coalesce(_decision_json.fallback_providers, '{}')),
    'adjustments', d.adjustments, 'warnings', d.warnings, 'routing_enabled', d.routing_enabled,
    'max_retries', _decision_json.max_retries, 'breakers', coalesce(_decision_json.breakers, '{}'::jsonb),
    'log_level', _decision_json.log_level,
    'created_at', d.created_at, 'replayed', _decision_json.replayed, 'targets', coalesce(_decision_json.targets, '[]'::jsonb));
end
$$;
comment on function routing._decision_json(routing.decisions, text[], integer, jsonb, text, boolean, jsonb) is
  'The jsonb of docs/architecture.md for a decision row, with its targets (routing._targets).';

create function routing._replay_json(d routing.decisions)
returns jsonb
language plpgsql stable
set search_path = ''
as $$
declare
  cfg routing.config;
  providers text[];
  states jsonb;
  breakers jsonb;
begin
  select * into cfg from routing.config where id;
  select coalesce(array_agg(m.provider order by u.o), '{}') into providers
  from unnest(d.fallback_chain) with ordinality as u(f, o) join routing.models m on m.model = u.f;
  -- Breakers are read as they are now (read-only: a replay claims no trial).
  states := routing._breaker_states(cfg.breaker_cooldown_seconds);
  select coalesce(jsonb_object_agg(p, case coalesce(states ->> p, 'closed') when 'ready' then 'open' else coalesce(states ->> p, 'closed') end), '{}'::jsonb)
    into breakers
  from (select distinct unnest(d.provider || providers) as p) x;
  return routing._decision_json(d, providers, cfg.max_retries, breakers, cfg.log_level, true,
                                routing._targets(d.model || d.fallback_chain, d.provider || providers));
end
$$;
comment on function routing._replay_json(routing.decisions) is
  'The stored decision of an execution, replayed: same decision and targets, current breaker states, replayed = true.';

-- -----------------------------------------------------------------------------
-- public.route_model
-- -----------------------------------------------------------------------------
create function public.route_model(
  agent_id uuid, execution_id text default null, env jsonb default null, acting_user uuid default null,
  requested_model text default null
) returns jsonb
language plpgsql volatile
security definer  -- writes routing.decisions and reads routing.config, which callers cannot
set search_path = ''
as $$
declare
  who routing.caller := routing._caller();
  a routing.agent_facts;
  c routing.effective_config;
  ch routing.model_choice;
  adj routing.adjusted_choice;
  shadow_subs jsonb;
  d routing.decisions;
  requested text;
  p routing.prepared_decisions;
  key_env text;
  key_requested text;
  seen_inputs_version bigint;
  seen_agent_version bigint;
  result jsonb;
begin
  -- 1. The caller: anon is refused; env and acting_user only from trusted callers.
  if who.api_role = 'anon' or (who.api_role = 'authenticated' and who.user_id is null) then
    raise exception 'route_model: anonymous callers cannot route agents' using errcode = '42501';
  elsif who.api_role = 'other' then
    raise exception 'route_model: role "%" may not route agents', who.db_role using errcode = '42501';
  elsif not who.trusted and (route_model.env is not null or route_model.acting_user is not null) then
    raise exception 'route_model: env and acting_user are accepted only from trusted callers' using errcode = '42501';
  end if;

  -- 2. The input.
  perform routing.validate_route_input(route_model.agent_id, route_model.execution_id, route_model.env);

  -- 3. The prepared decision (previous migration), if it carries the current versions: one indexed
  --    read. Found, and this execution not drawn to explore: it is the decision. The audit table's
  --    lock first (the insert takes it anyway): a catalog row this decision names cannot be deleted
  --    from here to commit (routing._keep_decided_catalog, decisions migration).
  lock table routing.decisions in row exclusive mode;
  key_env := case when route_model.env is null or route_model.env = '{}'::jsonb then '' else md5(route_model.env::text) end;
  -- '' when the router decides (null, 'auto'), else 'model:' and the name: an empty or unknown name has a key of
  -- its own that no prepared row carries (the full path refuses it), never the router-decides row's.
  key_requested := case when route_model.requested_model is null or route_model.requested_model = 'auto' then ''
                        else 'model:' || route_model.requested_model end;
  select x.* into p
  from routing.prepared_decisions x
  where x.agent_id = route_model.agent_id and x.env_key = key_env and x.requested_key = key_requested
    and x.inputs_version = (select coalesce(sum(v.version), 0) from routing.decision_inputs_version v)
    and x.agent_version = (select coalesce(sum(v.version), 0) from routing.agent_decision_versions v where v.agent_id = route_model.agent_id)
    and x.valid_until > now();
  if found
     and (route_model.execution_id is null or p.explore_model is null
          or routing._explore_bucket(route_model.agent_id, route_model.execution_id) >= p.explore_percentage) then
    -- The agent check of step 4, on the owner the prepared row carries.
    if (not who.trusted and p.user_id is distinct from who.user_id)
       or (who.trusted and route_model.acting_user is not null and p.user_id <> route_model.acting_user) then
      raise exception 'agent % not found', route_model.agent_id using errcode = 'P0002';
    end if;
    -- The tenant's limits count every request, a replay too (tenant limits migration).
    if p.tenant_limited then
      perform routing._admit_tenant(p.user_id);
    end if;
    if route_model.execution_id is not null then
      select * into d from routing.decisions x
      where x.agent_id = route_model.agent_id and x.execution_id = route_model.execution_id;
      if found then
        return routing._replay_json(d);
      end if;
    end if;
    insert into routing.decisions as x (
      agent_id, user_id, execution_id, model, provider, tier, reason, reasoning, cohort,
      intensity_score, success_rate, total_executions, shadow_model, shadow_reason, baseline_model,
      fallback_chain, adjustments, warnings, routing_enabled)
    values (
      p.agent_id, p.user_id, route_model.execution_id, p.model, p.provider, p.tier, p.reason, p.reasoning, p.cohort,
      p.intensity_score, p.success_rate, p.total_executions, p.shadow_model, p.shadow_reason, p.baseline_model,
      p.fallback_chain, p.adjustments, p.warnings, p.routing_enabled)
    on conflict on constraint decisions_agent_id_execution_id_key do nothing
    returning x.* into d;
    if not found then
      -- A concurrent call decided the same execution first: this request is its replay (counted as one).
      select * into d from routing.decisions x
      where x.agent_id = route_model.agent_id and x.execution_id = route_model.execution_id;
      return routing._replay_json(d);
    end if;
    return p.answer || jsonb_build_object('decision_id', d.id, 'execution_id', d.execution_id, 'created_at', d.created_at);
  end if;

  -- Not prepared (or stale): the full path, which prepares it for the next call where it can. The
  -- versions are read before any input, so the prepared row is never newer than its label.
  select (select coalesce(sum(v.version), 0) from routing.decision_inputs_version v),
         (select coalesce(sum(v.version), 0) from routing.agent_decision_versions v where v.agent_id = route_model.agent_id)
    into seen_inputs_version, seen_agent_version;
  requested := routing.validate_requested_model(route_model.requested_model);

  -- 4. The agent: a user sees their own, acting_user narrows a trusted caller; one message, no leak.
  a := routing._load_agent(route_model.agent_id);
  if a.agent_id is null
     or (not who.trusted and a.user_id is distinct from who.user_id)
     or (who.trusted and route_model.acting_user is not null and a.user_id <> route_model.acting_user) then
    raise exception 'agent % not found', route_model.agent_id using errcode = 'P0002';
  end if;

  -- 5. The tenant's request rate and daily spend (tenant limits migration): RL429 past a limit, for
  --    every request, a replay too (each call of an execution is one).
  perform routing._admit_tenant(a.user_id);

  -- 5b. An execution already decided gets the same decision back; nothing else is written.
  if route_model.execution_id is not null then
    select * into d from routing.decisions x
    where x.agent_id = route_model.agent_id and x.execution_id = route_model.execution_id;
    if found then
      return routing._replay_json(d);
    end if;
  end if;

  -- 6. Decide: effective config, rules 1-8, then rule 9's adjustments (for forced, only the lifecycle ones).
  c := routing._effective_config(case when who.trusted then route_model.env end);
  a.bucket := routing._rollout_bucket(c.rollout_salt, a.agent_id);
  a.execution_id := route_model.execution_id;
  a.requested_model := requested;
  ch := routing._choose_model(c, a);
  if requested is not null and ch.reason <> 'requested_model' then
    -- Not honoured: said so, with why (the config, or the rule that came first).
    ch.warnings := ch.warnings || to_jsonb(case
      when not c.allow_requested_model then format('requested model %s ignored: routing.config.allow_requested_model is false', requested)
      else format('requested model %s not used: %s decided first', requested, ch.reason) end);
  end if;
  adj := routing._adjust(c, ch.model, ch.reason = 'forced', who.trusted);
  if ch.shadow_model is not null then
    -- The shadow gets the substitutions (lifecycle, disabled providers), not the breaker.
    shadow_subs := routing._substitutions(c, ch.shadow_model, false);
    ch.shadow_model := coalesce(shadow_subs -> -1 ->> 'to', ch.shadow_model);
  end if;

  -- 7. Exactly one audit row, in this transaction.
  insert into routing.decisions as x (
    agent_id, user_id, execution_id, model, provider, tier, reason, reasoning, cohort,
    intensity_score, success_rate, total_executions, shadow_model, shadow_reason, baseline_model,
    fallback_chain, adjustments, warnings, routing_enabled)
  values (
    a.agent_id, a.user_id, route_model.execution_id, adj.model, adj.provider,
    ch.tier, ch.reason, ch.reasoning, ch.cohort,
    a.combined_score, a.success_rate, a.total_executions, ch.shadow_model, ch.shadow_reason, c.baseline_model,
    adj.fallback_chain, adj.adjustments, c.warnings || ch.warnings || adj.warnings, c.routing_enabled)
  on conflict on constraint decisions_agent_id_execution_id_key do nothing  -- unique (agent_id, execution_id)
  returning x.* into d;
  if not found then
    -- A concurrent call decided the same execution first: this request is its replay (counted as one).
    select * into d from routing.decisions x
    where x.agent_id = route_model.agent_id and x.execution_id = route_model.execution_id;
    return routing._replay_json(d);
  end if;
  result := routing._decision_json(d, adj.fallback_providers, c.max_retries, adj.breakers, c.log_level, false,
                                   routing._targets(adj.model || adj.fallback_chain, adj.provider || adj.fallback_providers));

  -- 8. Prepare it for the next call, unless it holds a per-call part: an explored execution, or a breaker
  --    whose trial was claimable (a write). Labelled with the versions read before the inputs.
  if ch.reason <> 'explore_cheaper' and not c.breaker_states @? '$.* ? (@ == "ready")' then
    insert into routing.prepared_decisions as x (
      agent_id, env_key, requested_key, inputs_version, agent_version, valid_until, user_id, tenant_limited,
      explore_model, explore_percentage, model, provider, tier, reason, reasoning, cohort,
      intensity_score, success_rate, total_executions, shadow_model, shadow_reason, baseline_model,
      fallback_chain, adjustments, warnings, routing_enabled, answer)
    select a.agent_id, key_env, key_requested, seen_inputs_version, seen_agent_version,
           -- What changes with time alone: the agent's recent-failure window (rule 5, exploration), the
           -- next retirement of an active model, the next end of a breaker's cooldown.
           coalesce(least(
             nullif(greatest(a.last_failure_at + make_interval(mins => c.failure_upgrade_minutes), now()), now()),
             (select min(m.retires_at) from routing.models m where m.active and m.retires_at > now()),
             (select min(case b.state when 'open' then b.opened_at else b.trial_started_at end
                         + make_interval(secs => c.breaker_cooldown_seconds))
              from routing.provider_breakers b where b.state <> 'closed')), 'infinity'),
           a.user_id, cfg.tenant_requests_per_minute > 0 or cfg.tenant_daily_spend_usd > 0,
           ch.explore_model, c.explore_percentage, d.model, d.provider, d.tier, d.reason, d.reasoning, d.cohort,
           d.intensity_score, d.success_rate, d.total_executions, d.shadow_model, d.shadow_reason, d.baseline_model,
           d.fallback_chain, d.adjustments, d.warnings, d.routing_enabled,
           result - 'decision_id' - 'execution_id' - 'created_at'
    from routing.config cfg where cfg.id
    on conflict on constraint prepared_decisions_pkey do update set
      inputs_version = excluded.inputs_version, agent_version = excluded.agent_version, valid_until = excluded.valid_until,
      user_id = excluded.user_id, tenant_limited = excluded.tenant_limited, explore_model = excluded.explore_model,
      explore_percentage = excluded.explore_percentage, model = excluded.model, provider = excluded.provider,
      tier = excluded.tier, reason = excluded.reason, reasoning = excluded.reasoning, cohort = excluded.cohort,
      intensity_score = excluded.intensity_score, success_rate = excluded.success_rate,
      total_executions = excluded.total_executions, shadow_model = excluded.shadow_model,
      shadow_reason = excluded.shadow_reason, baseline_model = excluded.baseline_model,
      fallback_chain = excluded.fallback_chain, adjustments = excluded.adjustments, warnings = excluded.warnings,
      routing_enabled = excluded.routing_enabled, answer = excluded.answer;
  end if;
  return result;
end
$$;
comment on function public.route_model(uuid, text, jsonb, uuid, text) is
  'ROUTING-SPEC §2: choose the model for an agent''s execution and audit it. Users route their own agents; service_role and '
  'database owners may pass env overrides and acting_user. requested_model (null or ''auto'': the router decides) is an '
  'active catalog model honoured where routing.config.allow_requested_model (reason requested_model, after rules 1-4), else '
  'named in the warnings. Errors: 42501 refused caller, 22023 bad input (an unknown requested_model too), P0002 agent not found, '
  'RL429 a tenant limit (routing.config.tenant_requests_per_minute / tenant_daily_spend_usd; every request counts, a replay too).';

-- -----------------------------------------------------------------------------
-- Privileges
-- -----------------------------------------------------------------------------
revoke all on function public.route_model(uuid, text, jsonb, uuid, text) from public, anon, authenticated, service_role;
grant execute on function public.route_model(uuid, text, jsonb, uuid, text) to authenticated, service_role;
revoke all on function routing.validate_route_input(uuid, text, jsonb) from public;
revoke all on function routing.validate_requested_model(text) from public;
revoke all on function routing._targets(text[], text[]) from public;
revoke all on function routing._decision_json(routing.decisions, text[], integer, jsonb, text, boolean, jsonb) from public;
revoke all on function routing._replay_json(routing.decisions) from public;
