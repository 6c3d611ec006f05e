-- =============================================================================
-- Environment overrides and the effective configuration (ROUTING-SPEC §3)
-- =============================================================================
-- The edge function passes the environment variables it read (as strings) to
-- route_model; routing._effective_config applies them over routing.config for
-- that one decision. The variables it honours are the rows of
-- routing.overridable_settings, read by one loop: to make a setting
-- overridable, add a row (its env variable, the routing.effective_config field
-- it sets, its value type and bounds). The edge function's list of env names
-- is tested against this table. An invalid value is ignored and named in the
-- decision's warnings; an invalid ENABLE_INTELLIGENT_ROUTING means off.

-- -----------------------------------------------------------------------------
-- routing.overridable_settings
-- -----------------------------------------------------------------------------
create table routing.overridable_settings (
  env_var text primary key check (env_var ~ '^[A-Z][A-Z0-9_]{0,63}$'),
  setting text not null unique,
  value_type text not null
    check (value_type in ('boolean', 'integer', 'numeric', 'model', 'provider', 'log_level', 'routing_switch')),
  min_value numeric,
  max_value numeric,
  description text not null,
  constraint bounds_for_numbers check ((value_type in ('integer', 'numeric')) = (min_value is not null and max_value is not null)),
  constraint bounds_in_order check (min_value >= 0 and min_value <= max_value)
);
comment on table routing.overridable_settings is
  'The environment variables that override routing.config for one decision (ROUTING-SPEC §3), read by routing._effective_config.';
comment on column routing.overridable_settings.env_var is 'The environment variable, as the edge function passes it in route_model''s env.';
comment on column routing.overridable_settings.setting is 'The routing.effective_config field it sets.';
comment on column routing.overridable_settings.value_type is
  'How the value is read: boolean (true/false, 1/0, yes/no, on/off), integer and numeric (within the bounds), model (an '
  'active catalog model), provider (an enabled provider of routing.providers), log_level, routing_switch (a boolean; '
  'invalid means off).';
comment on column routing.overridable_settings.min_value is 'Lowest accepted value of an integer or numeric setting.';
comment on column routing.overridable_settings.max_value is 'Highest accepted value of an integer or numeric setting (its digits bound the input).';
comment on column routing.overridable_settings.description is 'What the override does.';

insert into routing.overridable_settings (env_var, setting, value_type, min_value, max_value, description) values
  ('ENABLE_INTELLIGENT_ROUTING', 'routing_enabled', 'routing_switch', null, null,
   'Routing on or off (config.enabled); an invalid value means off; an auto-rollback trip beats it.'),
  ('ROUTING_PERCENTAGE', 'rollout_percentage', 'integer', 0, 100, 'Share of agents in the routed cohort (config.rollout_percentage).'),
  ('FORCE_MODEL', 'force_model', 'model', null, null, 'Rule 1: force every decision to this model (config.force_model).'),
  ('FORCE_PROVIDER', 'force_provider', 'provider', null, null,
   'The provider of the forced model (config.force_provider); else the catalog''s.'),
  ('ENABLE_ANTHROPIC_PROVIDER', 'anthropic_enabled', 'boolean', null, null,
   'false replaces Anthropic models by their substitute (config.anthropic_enabled).'),
  ('ENABLE_OPENAI_MINI', 'openai_mini_enabled', 'boolean', null, null,
   'false replaces gpt-4o-mini by its substitute (config.openai_mini_enabled).'),
  ('ROUTING_LOW_THRESHOLD', 'low_threshold', 'numeric', 0, 10,
   'Upper bound of the low tier (config.low_threshold); dropped when above the medium threshold.'),
  ('ROUTING_MEDIUM_THRESHOLD', 'medium_threshold', 'numeric', 0, 10,
   'Upper bound of the medium tier (config.medium_threshold); dropped when below the low threshold.'),
  ('ROUTING_MIN_EXECUTIONS', 'min_executions', 'integer', 0, 1000000, 'Executions before an agent is no longer new (config.min_executions).'),
  ('ROUTING_MIN_SUCCESS_RATE', 'min_success_rate', 'numeric', 0, 100,
   'Success rate (%) below which an agent gets the premium model (config.min_success_rate).'),
  ('ROUTING_LOG_LEVEL', 'log_level', 'log_level', null, null, 'The edge function''s log level (config.log_level).');

alter table routing.overridable_settings enable row level security;
revoke all on routing.overridable_settings from public, anon, authenticated, service_role;
grant select on routing.overridable_settings to service_role;

-- -----------------------------------------------------------------------------
-- routing.effective_config: the configuration of one decision
-- -----------------------------------------------------------------------------
-- Built by name from routing.config (fields named like its columns are copied),
-- so a new setting is one field here and one column there.
create type routing.effective_config as (
  routing_enabled boolean,           -- config.enabled / ENABLE_INTELLIGENT_ROUTING, and no rollback trip
  disabled_by text,                  -- null, config, the env variable, or rollback
  rollout_percentage integer,
  rollout_salt text,
  force_model text,
  force_provider text,
  forced_by text,                    -- null, config, or the env variable
  anthropic_enabled boolean,
  openai_mini_enabled boolean,
  allow_requested_model boolean,
  low_threshold numeric,
  medium_threshold numeric,
  min_executions integer,
  min_success_rate numeric,
  failure_upgrade_count integer,
  failure_upgrade_minutes integer,
  baseline_model text,
  premium_model text,
  new_agent_model text,
  low_model text,
  medium_model text,
  high_model text,
  anthropic_substitute_model text,
  openai_mini_substitute_model text,
  fallback_chains jsonb,
  max_retries integer,
  breaker_cooldown_seconds integer,
  log_level text,
  rollback_tripped_at timestamptz,
  -- Learning (spec §10).
  target_success_rate numeric,
  learning_confidence numeric,
  learning_prior_weight numeric,
  explore_percentage integer,
  catalog jsonb,                     -- {model: provider} of the active models
  replaced_by jsonb,                 -- {model: replaced_by} of the active models that name a replacement
  unusable jsonb,                    -- {model: why} of the active models route_model may not pick now:
                                     --   retired:<yyyy-mm-dd> | unavailable | provider_disabled:<provider in routing.providers>
  enabled_providers text[],          -- the providers of routing.providers that are enabled
  warnings jsonb,                    -- ["NAME=value ignored: ...", ...]
  breaker_states jsonb               -- routing._breaker_states now: {provider: closed | open | ready}
);
comment on type routing.effective_config is
  'routing.config with the environment overrides of one decision applied, the active catalog with its lifecycle (the '
  'models that may not be picked now, and their replacements), the enabled providers, the warnings, and the circuit '
  'breaker states the decision sees.';

-- -----------------------------------------------------------------------------
-- Reading one value
-- -----------------------------------------------------------------------------
create function routing._parse_bool(value text)
returns boolean
language sql immutable
set search_path = ''
as $$
  select case lower(btrim(value))
    when 'true' then true when '1' then true when 'yes' then true when 'on' then true
    when 'false' then false when '0' then false when 'no' then false when 'off' then false
  end
$$;
comment on function routing._parse_bool(text) is 'true/false, 1/0, yes/no, on/off (any case) -> boolean; anything else -> null.';

create function routing._parse_override(
  value_type text, min_value numeric, max_value numeric, raw text, catalog jsonb, enabled_providers text[],
  out value jsonb, out expected text
)
language plpgsql immutable
set search_path = ''
as $$
declare
  -- Integer digits allowed: those of the upper bound (100 -> 3), so no input can overflow.
  digits text := length(trunc(max_value)::text)::text;
begin
  case value_type
    when 'boolean', 'routing_switch' then
      value := to_jsonb(routing._parse_bool(raw));
      expected := 'true or false (also 1/0, yes/no, on/off)';
    when 'integer' then
      if raw ~ ('^[0-9]{1,' || digits || '}$') then
        if raw::numeric between min_value and max_value then value := to_jsonb(raw::numeric); end if;
      end if;
      expected := format('an integer from %s to %s', trim_scale(min_value), trim_scale(max_value));
    when 'numeric' then
      if raw ~ ('^[0-9]{1,' || digits || '}(\.[0-9]{1,6})?$') then
        if raw::numeric between min_value and max_value then value := to_jsonb(raw::numeric); end if;
      end if;
      expected := format('a number from %s to %s', trim_scale(min_value), trim_scale(max_value));
    when 'model' then
      if catalog ? lower(raw) then value := to_jsonb(lower(raw)); end if;
      expected := 'an active model of routing.models';
    when 'provider' then
      if lower(raw) = any (enabled_providers) then value := to_jsonb(lower(raw)); end if;
      expected := 'a provider of routing.providers';
    when 'log_level' then
      if lower(raw) in ('debug', 'info', 'warn', 'error') then value := to_jsonb(lower(raw)); end if;
      expected := 'debug, info, warn or error';
  end case;
end
$$;
comment on function routing._parse_override(text, numeric, numeric, text, jsonb, text[]) is
  'One override value read as its value_type (routing.overridable_settings): value = the jsonb to set (null when invalid), '
  'expected = what a valid value is, as the warning says it.';

-- -----------------------------------------------------------------------------
-- routing._effective_config
-- -----------------------------------------------------------------------------
create function routing._effective_config(env jsonb default null)
returns routing.effective_config
language plpgsql stable
set search_path = ''
as $$
declare
  c routing.effective_config;
  configured jsonb;
  catalog jsonb;
  replaced_by jsonb;
  unusable jsonb;
  enabled_providers text[];
  breaker_states jsonb;
  configured_low numeric;
  configured_medium numeric;
  w jsonb := '[]'::jsonb;
  overrides jsonb := '{}'::jsonb;  -- {setting: value} of the valid overrides
  sources jsonb := '{}'::jsonb;    -- {setting: env variable} of the same
  o record;
  v text;
  p record;
begin
  -- One statement reads what a decision needs besides the agent: the config row (by name), the
  -- active catalog and its lifecycle now (a handful of rows), the enabled providers and the breakers.
  select to_jsonb(cfg) || jsonb_build_object(
           'routing_enabled', cfg.enabled,
           'disabled_by', case when not cfg.enabled then 'config' end,
           'forced_by', case when cfg.force_model is not null then 'config' end,
           'warnings', '[]'::jsonb),
         cat.catalog, cat.replaced_by, cat.unusable,
         array(select pv.provider from routing.providers pv where pv.enabled order by pv.provider),
         routing._breaker_states(cfg.breaker_cooldown_seconds)
    into configured, catalog, replaced_by, unusable, enabled_providers, breaker_states
  from routing.config cfg
  cross join lateral (
    select coalesce(jsonb_object_agg(x.model, x.provider), '{}'::jsonb) as catalog,
           coalesce(jsonb_object_agg(x.model, x.replaced_by) filter (where x.replaced_by is not null), '{}'::jsonb) as replaced_by,
           coalesce(jsonb_object_agg(x.model, x.why) filter (where x.why is not null), '{}'::jsonb) as unusable
    from (
      select m.model, m.provider, m.replaced_by,
             -- Only a model with a retirement date or marked unavailable can be retired or unavailable:
             -- the others skip the call (a function call per model is most of this read's cost).
             case case when m.retires_at is not null or m.unavailable_since is not null
                       then routing._lifecycle_state(m.retires_at, m.unavailable_since, m.deprecated_at) end
               when 'retired' then 'retired:' || to_char(timezone('UTC', m.retires_at), 'YYYY-MM-DD')
               when 'unavailable' then 'unavailable'
               else case when not pv.enabled then 'provider_disabled:' || pv.provider end end as why
      from routing.models m
      join routing.providers pv on pv.provider = m.provider
      where m.active
    ) x
  ) cat
  where cfg.id;
  -- The columns by name; the catalog's maps are set as they are (not through the by-name record).
  c := jsonb_populate_record(null::routing.effective_config, configured);
  c.catalog := catalog;
  c.replaced_by := replaced_by;
  c.unusable := unusable;
  c.enabled_providers := enabled_providers;
  c.breaker_states := breaker_states;
  configured_low := c.low_threshold;
  configured_medium := c.medium_threshold;

  -- Each override, in the order of env's keys: empty or null means unset; an invalid value is ignored and named.
  -- No environment (the edge function's usual case): no query.
  if env is not null and env <> '{}'::jsonb then
    for o in
      select e.key, e.value, s.setting, s.value_type, s.min_value, s.max_value
      from jsonb_each(coalesce(env, '{}'::jsonb)) with ordinality as e(key, value, ord)
      left join routing.overridable_settings s on s.env_var = e.key
      order by e.ord
    loop
      v := case when jsonb_typeof(o.value) in ('string', 'number', 'boolean') then btrim(o.value #>> '{}') end;
      continue when jsonb_typeof(o.value) = 'null' or v = '';
      if v is null then
        w := w || to_jsonb(format('%s ignored: expected a string', left(o.key, 100)));
        continue;
      end if;
      v := left(v, 100);
      if o.setting is null then
        -- The value is not echoed: an unknown key may hold a secret.
        w := w || to_jsonb(format('%s ignored: not a routing setting', left(o.key, 100)));
        continue;
      end if;
      select * into p from routing._parse_override(o.value_type, o.min_value, o.max_value, v, c.catalog, c.enabled_providers);
      if o.value_type = 'routing_switch' then
        -- Safe default: a switch that cannot be read is off.
        overrides := overrides || jsonb_build_object(o.setting, coalesce(p.value, 'false'::jsonb),
                                                     'disabled_by', case when p.value = 'true'::jsonb then null else o.key end);
        if p.value is null then
          w := w || to_jsonb(format('%s=%s invalid, routing off: expected %s', o.key, v, p.expected));
        end if;
      elsif p.value is null then
        w := w || to_jsonb(format('%s=%s ignored: expected %s', o.key, v, p.expected));
      else
        overrides := overrides || jsonb_build_object(o.setting, p.value);
        sources := sources || jsonb_build_object(o.setting, o.key);
      end if;
    end loop;
  end if;
  if overrides <> '{}'::jsonb then
    c := jsonb_populate_record(c, overrides);
  end if;

  -- Thresholds must stay in order; an override that breaks the order is dropped.
  if c.low_threshold > c.medium_threshold and sources ? 'low_threshold' then
    w := w || to_jsonb(format('%s=%s ignored: above the medium threshold %s', sources ->> 'low_threshold', c.low_threshold, c.medium_threshold));
    c.low_threshold := configured_low;
  end if;
  if c.low_threshold > c.medium_threshold and sources ? 'medium_threshold' then
    w := w || to_jsonb(format('%s=%s ignored: below the low threshold %s', sources ->> 'medium_threshold', c.medium_threshold, c.low_threshold));
    c.medium_threshold := configured_medium;
  end if;
  -- A forced model that is no longer active is not forced.
  c.forced_by := coalesce(sources ->> 'force_model', c.forced_by);
  if c.forced_by = 'config' and not c.catalog ? c.force_model then
    w := w || to_jsonb(format('routing.config.force_model=%s ignored: not an active model of routing.models', c.force_model));
    c.force_model := null; c.forced_by := null;
  end if;
  -- A configured force_provider since disabled in routing.providers is not used.
  if c.force_model is not null and c.force_provider is not null and not c.force_provider = any (c.enabled_providers) then
    w := w || to_jsonb(format('routing.config.force_provider=%s ignored: not an enabled provider of routing.providers', c.force_provider));
    c.force_provider := null;
  end if;
  -- The env's FORCE_PROVIDER, else the catalog's provider of the forced model (spec §2 rule 1).
  if c.force_model is null then
    c.force_provider := null;
  elsif sources ? 'force_model' and not sources ? 'force_provider' then
    c.force_provider := c.catalog ->> c.force_model;
  else
    c.force_provider := coalesce(c.force_provider, c.catalog ->> c.force_model);
  end if;
  -- An auto-rollback trip turns routing off whatever the environment says (spec §3).
  if c.rollback_tripped_at is not null then
    c.routing_enabled := false;
    c.disabled_by := 'rollback';
  end if;
  c.warnings := w;
  return c;
end
$$;
comment on function routing._effective_config(jsonb) is
  'routing.config with the environment overrides of routing.overridable_settings applied (spec §3), the active catalog '
  'and its lifecycle now (routing._lifecycle_state, routing.providers.enabled); invalid values are ignored and named in warnings.';

-- -----------------------------------------------------------------------------
-- Privileges: private helpers (route_model runs them as its owner)
-- -----------------------------------------------------------------------------
revoke all on function routing._parse_bool(text) from public;
revoke all on function routing._parse_override(text, numeric, numeric, text, jsonb, text[]) from public;
revoke all on function routing._effective_config(jsonb) from public;
