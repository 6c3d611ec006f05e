-- =============================================================================
-- Operator commands (ROUTING-SPEC §3, §7; plan §9.3 rollback procedure)
-- =============================================================================
-- One SQL line each, service role / database owner only (42501 otherwise),
-- each returning the routing status as jsonb:
--   select public.get_routing_status();
--   select public.set_routing_enabled(false);              -- instant kill switch
--   select public.set_rollout_percentage(10);
--   select public.force_model('gpt-4o');                   -- null clears
--   select public.set_agent_model_preference('<agent uuid>', 'premium');  -- null clears
--   select public.clear_routing_rollback('why routing may resume');
--   select public.apply_catalog_preset('plan-2025');       -- or 'current'
--   select public.clear_model_unavailable('gpt-5.6-luna', 'why it may be used again');
-- Config changes are audited by routing.config's trigger (routing.config_changes);
-- a clear also writes a `clear` row of routing.alert_events; a model cleared is
-- audited in routing.model_events (and resolves model_unavailable); preference changes
-- (by operators or by owners) are audited in routing.agent_preference_changes
-- (the agents migration). SECURITY DEFINER because the audit tables are not
-- writable by any API role; each command checks its caller
-- (routing._require_operator) before anything else.

-- -----------------------------------------------------------------------------
-- Helpers: validation, the status
-- -----------------------------------------------------------------------------
create function routing.validate_rollout_percentage(percentage integer)
returns void
language plpgsql immutable
set search_path = ''
as $$
begin
  if percentage is null or percentage not between 0 and 100 then
    raise exception 'percentage must be an integer from 0 to 100' using errcode = '22023';
  end if;
end
$$;
comment on function routing.validate_rollout_percentage(integer) is 'Raises 22023 unless the rollout percentage is 0-100.';

create function routing.validate_operator_note(note text, purpose text default 'why routing may resume')
returns void
language plpgsql immutable
set search_path = ''
as $$
begin
  if note is null or btrim(note) = '' then
    raise exception 'note is required: say %', purpose using errcode = '22023';
  end if;
  if length(note) > 1000 then
    raise exception 'note must be at most 1000 characters' using errcode = '22023';
  end if;
end
$$;
comment on function routing.validate_operator_note(text, text) is
  'Raises 22023 unless the note is 1-1000 characters and not blank ("note is required: say <purpose>").';

create function routing.validate_catalog_preset(preset text)
returns void
language plpgsql stable
set search_path = ''
as $$
declare
  bad record;
begin
  if preset is null or not exists (select 1 from routing.catalog_presets p where p.preset = validate_catalog_preset.preset) then
    raise exception 'preset must be one of: %',
      (select string_agg(distinct p.preset, ', ' order by p.preset) from routing.catalog_presets p) using errcode = '22023';
  end if;
  -- Every model the preset names (its model settings and its chains) must be in the catalog.
  select x.setting, x.model into bad
  from (
    select p.setting, p.value #>> '{}' as model from routing.catalog_presets p
    where p.preset = validate_catalog_preset.preset and p.setting <> 'fallback_chains'
    union all
    select 'fallback_chains', ch.key from routing.catalog_presets p, jsonb_each(p.value) ch
    where p.preset = validate_catalog_preset.preset and p.setting = 'fallback_chains' and ch.key <> '*'
    union all
    select 'fallback_chains', e.m from routing.catalog_presets p, jsonb_each(p.value) ch, jsonb_array_elements_text(
             case when jsonb_typeof(ch.value) = 'array' then ch.value else '[]'::jsonb end) e(m)
    where p.preset = validate_catalog_preset.preset and p.setting = 'fallback_chains'
  ) x
  where not exists (select 1 from routing.models m where m.model = x.model and m.active)
  limit 1;
  if found then
    raise exception 'preset % names "%" in %, which is not an active model of routing.models', preset, bad.model, bad.setting
      using errcode = '22023';
  end if;
end
$$;
comment on function routing.validate_catalog_preset(text) is
  'Raises 22023 unless the preset exists ("preset must be one of: current, plan-2025") and every model it names is an '
  'active catalog model.';

create function routing.validate_unavailable_model(model text)
returns void
language plpgsql stable
set search_path = ''
as $$
begin
  if model is null or not exists (select 1 from routing.models m where m.model = validate_unavailable_model.model) then
    raise exception 'unknown model "%": use a model of routing.models', model using errcode = '22023';
  end if;
end
$$;
comment on function routing.validate_unavailable_model(text) is 'Raises 22023 unless the model is a model of routing.models.';

create function routing.validate_forced_model(model text)
returns void
language plpgsql stable
set search_path = ''
as $$
begin
  if model is not null and not exists (select 1 from routing.models m where m.model = validate_forced_model.model and m.active) then
    raise exception 'unknown model "%": use an active model of routing.models, or null to clear', model using errcode = '22023';
  end if;
end
$$;
comment on function routing.validate_forced_model(text) is 'Raises 22023 unless the model is null or an active model of routing.models.';

create function routing._routing_status()
returns jsonb
language sql stable
set search_path = ''
as $$
  select jsonb_build_object(
    'enabled', c.enabled,
    'rollback_tripped', c.rollback_tripped_at is not null,
    -- What route_model does without environment overrides (ENABLE_INTELLIGENT_ROUTING may
    -- still switch it on or off; it can never override a trip).
    'routing_on', c.enabled and c.rollback_tripped_at is null,
    'rollout_percentage', c.rollout_percentage,
    'force_model', c.force_model,
    'force_provider', c.force_provider,
    'rollback_tripped_at', c.rollback_tripped_at,
    'rollback_reason', c.rollback_reason,
    'rollback_cleared_at', c.rollback_cleared_at,
    'auto_rollback_enabled', c.auto_rollback_enabled,
    'baseline_model', c.baseline_model,
    'updated_at', c.updated_at,
    'updated_by', c.updated_by,
    'model_warnings', routing._model_warnings(c))
  from routing.config c
  where c.id
$$;
comment on function routing._routing_status() is
  'The routing switches as jsonb: enabled, the rollback trip, rollout, forced model, last change, and the configured '
  'models to warn about (model_warnings).';

-- -----------------------------------------------------------------------------
-- The commands
-- -----------------------------------------------------------------------------
create function public.get_routing_status()
returns jsonb
language plpgsql stable
security definer  -- reads routing.config for the operator's view only
set search_path = ''
as $$
begin
  perform routing._require_operator('get_routing_status');
  return routing._routing_status();
end
$$;
comment on function public.get_routing_status() is 'Operator: the routing switches (enabled, trip, rollout, forced model). Service role only.';

create function public.set_routing_enabled(enabled boolean)
returns jsonb
language plpgsql volatile
security definer
set search_path = ''
as $$
begin
  perform routing._require_operator('set_routing_enabled');
  if set_routing_enabled.enabled is null then
    raise exception 'enabled must be true or false' using errcode = '22023';
  end if;
  update routing.config c set enabled = set_routing_enabled.enabled where c.id;
  return routing._routing_status();
end
$$;
comment on function public.set_routing_enabled(boolean) is
  'Operator: routing on / off (routing.config.enabled, audited). Does not clear an automatic rollback. Service role only.';

create function public.set_rollout_percentage(percentage integer)
returns jsonb
language plpgsql volatile
security definer
set search_path = ''
as $$
begin
  perform routing._require_operator('set_rollout_percentage');
  perform routing.validate_rollout_percentage(set_rollout_percentage.percentage);
  update routing.config c set rollout_percentage = set_rollout_percentage.percentage where c.id;
  return routing._routing_status();
end
$$;
comment on function public.set_rollout_percentage(integer) is
  'Operator: share (0-100) of agents, by sticky bucket, in the routed cohort; the rest are the control cohort. Audited. Service role only.';

create function public.force_model(model text)
returns jsonb
language plpgsql volatile
security definer
set search_path = ''
as $$
begin
  perform routing._require_operator('force_model');
  perform routing.validate_forced_model(force_model.model);
  -- The forced model is served by its catalog provider; null clears both.
  update routing.config c set force_model = force_model.model, force_provider = null where c.id;
  return routing._routing_status();
end
$$;
comment on function public.force_model(text) is
  'Operator: force every decision to one active model (rule 1), or null to stop forcing. Audited. Service role only.';

create function public.set_agent_model_preference(agent_id uuid, preference text)
returns jsonb
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  old_preference text;
  owner_id uuid;
begin
  perform routing._require_operator('set_agent_model_preference');
  if set_agent_model_preference.agent_id is null then
    raise exception 'agent_id is required' using errcode = '22023';
  end if;
  select a.model_preference, a.user_id into old_preference, owner_id
  from public.agents a where a.id = set_agent_model_preference.agent_id for update;
  if not found then
    raise exception 'agent % not found', set_agent_model_preference.agent_id using errcode = 'P0002';
  end if;
  -- routing._validate_agent_row refuses an unknown model (22023); the trigger audit_agent_preference logs the change.
  update public.agents a set model_preference = set_agent_model_preference.preference, updated_at = now()
  where a.id = set_agent_model_preference.agent_id;
  return jsonb_build_object('agent_id', set_agent_model_preference.agent_id, 'user_id', owner_id,
                            'old_preference', old_preference, 'model_preference', set_agent_model_preference.preference);
end
$$;
comment on function public.set_agent_model_preference(uuid, text) is
  'Operator: set an agent''s model preference (''premium'' or an active model; null = routed). Audited in '
  'routing.agent_preference_changes. Errors: 42501 caller, 22023 unknown model, P0002 agent not found.';

create function public.clear_routing_rollback(note text)
returns jsonb
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  cfg routing.config;
begin
  perform routing._require_operator('clear_routing_rollback');
  perform routing.validate_operator_note(clear_routing_rollback.note);
  select c.* into cfg from routing.config c where c.id for update;
  if cfg.rollback_tripped_at is null then
    return routing._routing_status() || jsonb_build_object('cleared', false);
  end if;
  -- The routed success window restarts here, so the figures that tripped do not trip again. The clear's own
  -- instant (clock_timestamp), not its transaction's start: outcomes counted earlier in the same transaction
  -- (routing.outcome_counters buckets them at the previous clear at the latest) stay before it.
  update routing.config c set rollback_tripped_at = null, rollback_reason = null, rollback_cleared_at = clock_timestamp() where c.id;
  insert into routing.alert_events (kind, alert, value, sample, threshold, window_minutes, reason, figures, actor)
  select 'clear', 'auto_rollback', s.value, s.sample, s.threshold, s.window_minutes, clear_routing_rollback.note,
         jsonb_build_object('tripped_at', cfg.rollback_tripped_at, 'tripped_reason', cfg.rollback_reason,
                            'tripped_for', (now() - cfg.rollback_tripped_at)::text),
         routing._actor()
  from routing.alert_states s where s.alert = 'auto_rollback';
  perform routing._evaluate_alerts('clear_routing_rollback');
  return routing._routing_status()
         || jsonb_build_object('cleared', true, 'tripped_at', cfg.rollback_tripped_at, 'tripped_reason', cfg.rollback_reason);
end
$$;
comment on function public.clear_routing_rollback(text) is
  'Operator: clears the automatic rollback with a note (audited: routing.alert_events clear + routing.config_changes); '
  'routing resumes as configured and the routed success window restarts. Returns cleared false when nothing was tripped.';

create function public.apply_catalog_preset(preset text)
returns jsonb
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v jsonb;
begin
  perform routing._require_operator('apply_catalog_preset');
  perform routing.validate_catalog_preset(apply_catalog_preset.preset);
  select jsonb_object_agg(p.setting, p.value) into v
  from routing.catalog_presets p where p.preset = apply_catalog_preset.preset;
  -- One update: routing.config's trigger audits every changed setting in one routing.config_changes row.
  update routing.config c set
    baseline_model = coalesce(v ->> 'baseline_model', c.baseline_model),
    premium_model = coalesce(v ->> 'premium_model', c.premium_model),
    new_agent_model = coalesce(v ->> 'new_agent_model', c.new_agent_model),
    low_model = coalesce(v ->> 'low_model', c.low_model),
    medium_model = coalesce(v ->> 'medium_model', c.medium_model),
    high_model = coalesce(v ->> 'high_model', c.high_model),
    anthropic_substitute_model = coalesce(v ->> 'anthropic_substitute_model', c.anthropic_substitute_model),
    openai_mini_substitute_model = coalesce(v ->> 'openai_mini_substitute_model', c.openai_mini_substitute_model),
    fallback_chains = coalesce(v -> 'fallback_chains', c.fallback_chains)
  where c.id;
  return routing._routing_status() || jsonb_build_object('preset', apply_catalog_preset.preset, 'applied', v);
end
$$;
comment on function public.apply_catalog_preset(text) is
  'Operator: sets routing.config''s model settings and fallback chains to a routing.catalog_presets preset (current, '
  'plan-2025) in one update, audited in routing.config_changes. Returns the routing status (with model_warnings) and the '
  'values applied. Errors: 42501 caller, 22023 unknown preset.';

create function public.clear_model_unavailable(model text, note text)
returns jsonb
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  m routing.models;
begin
  perform routing._require_operator('clear_model_unavailable');
  perform routing.validate_unavailable_model(clear_model_unavailable.model);
  perform routing.validate_operator_note(clear_model_unavailable.note, 'why the model may be used again');
  select x.* into m from routing.models x where x.model = clear_model_unavailable.model for update;
  if m.unavailable_since is null then
    return jsonb_build_object('model', m.model, 'cleared', false, 'state',
                              routing._lifecycle_state(m.retires_at, m.unavailable_since, m.deprecated_at));
  end if;
  update routing.models x set unavailable_since = null, unavailable_reason = null where x.model = m.model;
  insert into routing.model_events (model, event, actor, detail)
  values (m.model, 'cleared', routing._actor(),
          jsonb_build_object('note', clear_model_unavailable.note, 'unavailable_since', m.unavailable_since,
                             'unavailable_reason', m.unavailable_reason,
                             'unavailable_for', (now() - m.unavailable_since)::text));
  -- Resolves model_unavailable when no other model is unavailable.
  perform routing._record_alert_reading(routing._read_models_unavailable(), true, 'clear_model_unavailable');
  return jsonb_build_object('model', m.model, 'cleared', true, 'state',
                            routing._lifecycle_state(m.retires_at, null, m.deprecated_at),
                            'unavailable_since', m.unavailable_since, 'unavailable_reason', m.unavailable_reason);
end
$$;
comment on function public.clear_model_unavailable(text, text) is
  'Operator: route_model may pick the model again after record_completion marked it unavailable; audited in '
  'routing.model_events with the note, and resolves the model_unavailable alert when no model is left unavailable. '
  'Returns cleared false when the model was not unavailable. Errors: 42501 caller, 22023 unknown model or missing note.';

-- -----------------------------------------------------------------------------
-- Privileges
-- -----------------------------------------------------------------------------
revoke all on function routing.validate_rollout_percentage(integer) from public;
revoke all on function routing.validate_operator_note(text, text) from public;
revoke all on function routing.validate_catalog_preset(text) from public;
revoke all on function routing.validate_unavailable_model(text) from public;
revoke all on function routing.validate_forced_model(text) from public;
revoke all on function routing._routing_status() from public;
revoke all on function public.get_routing_status(), public.set_routing_enabled(boolean), public.set_rollout_percentage(integer),
  public.force_model(text), public.set_agent_model_preference(uuid, text), public.clear_routing_rollback(text),
  public.apply_catalog_preset(text), public.clear_model_unavailable(text, text)
  from public, anon, authenticated, service_role;
grant execute on function public.get_routing_status(), public.set_routing_enabled(boolean), public.set_rollout_percentage(integer),
  public.force_model(text), public.set_agent_model_preference(uuid, text), public.clear_routing_rollback(text),
  public.apply_catalog_preset(text), public.clear_model_unavailable(text, text)
  to service_role;
