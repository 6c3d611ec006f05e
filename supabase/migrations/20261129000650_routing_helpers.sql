-- =============================================================================
-- Routing helpers: the pieces public.route_model is made of (ROUTING-SPEC §2, §3, §5)
-- =============================================================================
-- One private helper per concern, in `routing`, prefixed `_`. None is SECURITY
-- DEFINER and none is granted to an API role: route_model (SECURITY DEFINER)
-- calls them as their owner. Where to change what:
--   * a threshold or a model of a tier   -> routing.config (one column each)
--   * the rule order                     -> routing._choose_model, in 20261129000700_route_model.sql
--   * the meaning of an env override     -> routing._effective_config
--   * substitutions, breakers, fallbacks -> routing._adjust, routing._fallback_chain

-- -----------------------------------------------------------------------------
-- Composite types
-- -----------------------------------------------------------------------------
create type routing.caller as (
  api_role text,     -- anon | authenticated | service_role | owner | other
  trusted boolean,   -- env and acting_user are honoured
  user_id uuid,      -- auth.uid() of an authenticated caller
  db_role text       -- the role the rank was taken from (SET ROLE, else session user)
);
comment on type routing.caller is 'Who calls route_model: the effective API role, whether it is trusted, and its user id.';

create type routing.effective_config as (
  routing_enabled boolean,           -- config.enabled / ENABLE_INTELLIGENT_ROUTING, and no rollback trip
  disabled_by text,                  -- null, config, ENABLE_INTELLIGENT_ROUTING or rollback
  rollout_percentage integer,
  rollout_salt text,
  force_model text,
  force_provider text,
  forced_by text,                    -- null, FORCE_MODEL or config
  anthropic_enabled boolean,
  openai_mini_enabled boolean,
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
  catalog jsonb,                     -- {model: provider} of the active models
  warnings jsonb                     -- ["NAME=value ignored: ...", ...]
);
comment on type routing.effective_config is 'routing.config with the environment overrides of one decision applied, the active catalog, and the warnings.';

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
  bucket integer                     -- rollout bucket 0-99
);
comment on type routing.agent_facts is 'What the rules read about one agent: its preference, its AIS metrics and its rollout bucket.';

create type routing.model_choice as (
  model text,
  reason text,
  cohort text,
  tier text,
  reasoning text,
  shadow_model text,
  shadow_reason text,
  warnings jsonb
);
comment on type routing.model_choice is 'The primary choice of rules 1-8, before adjustments, with the shadow choice of the disabled and control cohorts.';

create type routing.adjusted_choice as (
  model text,
  provider text,
  adjustments jsonb,                 -- [{from, to, why}]
  fallback_chain text[],
  fallback_providers text[],
  breakers jsonb,                    -- {provider: closed | open | half_open}
  warnings jsonb
);
comment on type routing.adjusted_choice is 'The model after provider substitutions and open circuits, with its fallback chain and the breaker states involved.';

-- -----------------------------------------------------------------------------
-- Input validation and the caller
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

create function routing._caller()
returns routing.caller
language plpgsql stable
set search_path = ''
as $$
declare
  -- Inside SECURITY DEFINER current_user is the definer: the invoker's role is the
  -- SET ROLE setting (PostgREST uses it), else the session (login) user.
  db_role text := coalesce(nullif(current_setting('role', true), 'none'), session_user::text);
  claims_role text := auth.role();
  db_rank integer;
  claims_rank integer;
  rank integer;
begin
  -- Ranks: -1 other, 0 anon, 1 authenticated, 2 service_role, 3 database owner / superuser.
  db_rank := case db_role
    when 'anon' then 0
    when 'authenticator' then 0
    when 'authenticated' then 1
    when 'service_role' then 2
    else (select case when r.rolsuper or pg_has_role(r.oid, n.nspowner, 'USAGE') or pg_has_role(r.oid, d.datdba, 'USAGE')
                      then 3 else -1 end
            from pg_catalog.pg_roles r, pg_catalog.pg_namespace n, pg_catalog.pg_database d
           where r.rolname = db_role and n.nspname = 'routing' and d.datname = current_database())
  end;
  -- JWT claims can lower the rank (a user's request), never raise it.
  claims_rank := case claims_role when 'anon' then 0 when 'authenticated' then 1 when 'service_role' then 2 end;
  rank := least(coalesce(db_rank, -1), coalesce(claims_rank, 3));
  return row(
    case rank when 0 then 'anon' when 1 then 'authenticated' when 2 then 'service_role' when 3 then 'owner' else 'other' end,
    rank >= 2,
    case when rank = 1 then auth.uid() end,
    db_role
  )::routing.caller;
end
$$;
comment on function routing._caller() is 'The effective API role of the invoker: the least of the JWT role claim and the database role (SET ROLE, else session user); trusted = service_role or a database owner / superuser.';

-- -----------------------------------------------------------------------------
-- Effective configuration: routing.config + environment overrides (spec §3)
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

create function routing._effective_config(env jsonb default null)
returns routing.effective_config
language plpgsql stable
set search_path = ''
as $$
declare
  cfg routing.config;
  c routing.effective_config;
  w jsonb := '[]'::jsonb;
  k text;
  raw jsonb;
  v text;
  b boolean;
  low_from_env boolean := false;
  medium_from_env boolean := false;
  provider_from_env boolean := false;
  bool_hint constant text := 'expected true or false (also 1/0, yes/no, on/off)';
begin
  select * into cfg from routing.config where id;
  c := row(cfg.enabled, case when not cfg.enabled then 'config' end, cfg.rollout_percentage, cfg.rollout_salt,
           cfg.force_model, cfg.force_provider, case when cfg.force_model is not null then 'config' end,
           cfg.anthropic_enabled, cfg.openai_mini_enabled, cfg.low_threshold, cfg.medium_threshold,
           cfg.min_executions, cfg.min_success_rate, cfg.failure_upgrade_count, cfg.failure_upgrade_minutes,
           cfg.baseline_model, cfg.premium_model, cfg.new_agent_model, cfg.low_model, cfg.medium_model, cfg.high_model,
           cfg.anthropic_substitute_model, cfg.openai_mini_substitute_model, cfg.fallback_chains, cfg.max_retries,
           cfg.breaker_cooldown_seconds, cfg.log_level, cfg.rollback_tripped_at, null, null)::routing.effective_config;
  select coalesce(jsonb_object_agg(m.model, m.provider), '{}'::jsonb) into c.catalog
  from routing.models m where m.active;

  -- Each override: empty or null means unset; an invalid value is ignored and named.
  for k, raw in select e.key, e.value from jsonb_each(coalesce(env, '{}'::jsonb)) e loop
    v := case when jsonb_typeof(raw) in ('string', 'number', 'boolean') then btrim(raw #>> '{}') end;
    continue when jsonb_typeof(raw) = 'null' or v = '';
    if v is null then
      w := w || to_jsonb(format('%s ignored: expected a string', left(k, 100)));
      continue;
    end if;
    v := left(v, 100);
    case k
      when 'ENABLE_INTELLIGENT_ROUTING' then
        b := routing._parse_bool(v);
        c.routing_enabled := coalesce(b, false);
        c.disabled_by := case when b then null else k end;
        if b is null then
          w := w || to_jsonb(format('%s=%s invalid, routing off: %s', k, v, bool_hint));
        end if;
      when 'ROUTING_PERCENTAGE' then
        if v ~ '^[0-9]{1,3}$' and v::integer <= 100 then c.rollout_percentage := v::integer;
        else w := w || to_jsonb(format('%s=%s ignored: expected an integer from 0 to 100', k, v)); end if;
      when 'FORCE_MODEL' then
        if c.catalog ? lower(v) then c.force_model := lower(v); c.forced_by := k;
        else w := w || to_jsonb(format('%s=%s ignored: expected an active model of routing.models', k, v)); end if;
      when 'FORCE_PROVIDER' then
        if lower(v) in ('openai', 'anthropic') then c.force_provider := lower(v); provider_from_env := true;
        else w := w || to_jsonb(format('%s=%s ignored: expected openai or anthropic', k, v)); end if;
      when 'ENABLE_ANTHROPIC_PROVIDER' then
        b := routing._parse_bool(v);
        if b is null then w := w || to_jsonb(format('%s=%s ignored: %s', k, v, bool_hint));
        else c.anthropic_enabled := b; end if;
      when 'ENABLE_OPENAI_MINI' then
        b := routing._parse_bool(v);
        if b is null then w := w || to_jsonb(format('%s=%s ignored: %s', k, v, bool_hint));
        else c.openai_mini_enabled := b; end if;
      when 'ROUTING_LOW_THRESHOLD' then
        if v ~ '^[0-9]{1,2}(\.[0-9]{1,6})?$' and v::numeric <= 10 then c.low_threshold := v::numeric; low_from_env := true;
        else w := w || to_jsonb(format('%s=%s ignored: expected a number from 0 to 10', k, v)); end if;
      when 'ROUTING_MEDIUM_THRESHOLD' then
        if v ~ '^[0-9]{1,2}(\.[0-9]{1,6})?$' and v::numeric <= 10 then c.medium_threshold := v::numeric; medium_from_env := true;
        else w := w || to_jsonb(format('%s=%s ignored: expected a number from 0 to 10', k, v)); end if;
      when 'ROUTING_MIN_EXECUTIONS' then
        if v ~ '^[0-9]{1,7}$' and v::integer <= 1000000 then c.min_executions := v::integer;
        else w := w || to_jsonb(format('%s=%s ignored: expected an integer from 0 to 1000000', k, v)); end if;
      when 'ROUTING_MIN_SUCCESS_RATE' then
        if v ~ '^[0-9]{1,3}(\.[0-9]{1,6})?$' and v::numeric <= 100 then c.min_success_rate := v::numeric;
        else w := w || to_jsonb(format('%s=%s ignored: expected a number from 0 to 100', k, v)); end if;
      when 'ROUTING_LOG_LEVEL' then
        if lower(v) in ('debug', 'info', 'warn', 'error') then c.log_level := lower(v);
        else w := w || to_jsonb(format('%s=%s ignored: expected debug, info, warn or error', k, v)); end if;
      else
        -- The value is not echoed: an unknown key may hold a secret.
        w := w || to_jsonb(format('%s ignored: not a routing setting', left(k, 100)));
    end case;
  end loop;

  -- Thresholds must stay in order; an override that breaks the order is dropped.
  if c.low_threshold > c.medium_threshold and low_from_env then
    w := w || to_jsonb(format('ROUTING_LOW_THRESHOLD=%s ignored: above the medium threshold %s', c.low_threshold, c.medium_threshold));
    c.low_threshold := cfg.low_threshold;
  end if;
  if c.low_threshold > c.medium_threshold and medium_from_env then
    w := w || to_jsonb(format('ROUTING_MEDIUM_THRESHOLD=%s ignored: below the low threshold %s', c.medium_threshold, c.low_threshold));
    c.medium_threshold := cfg.medium_threshold;
  end if;
  -- A forced model that is no longer active is not forced.
  if c.forced_by = 'config' and not c.catalog ? c.force_model then
    w := w || to_jsonb(format('routing.config.force_model=%s ignored: not an active model of routing.models', c.force_model));
    c.force_model := null; c.forced_by := null;
  end if;
  -- FORCE_PROVIDER, else the catalog's provider of the forced model (spec §2 rule 1).
  if c.force_model is null then
    c.force_provider := null;
  elsif c.forced_by = 'FORCE_MODEL' and not provider_from_env then
    c.force_provider := c.catalog ->> c.force_model;
  else
    c.force_provider := coalesce(c.force_provider, c.catalog ->> c.force_model);
  end if;
  -- An auto-rollback trip turns routing off whatever the environment says (spec §3).
  if cfg.rollback_tripped_at is not null then
    c.routing_enabled := false;
    c.disabled_by := 'rollback';
  end if;
  c.warnings := w;
  return c;
end
$$;
comment on function routing._effective_config(jsonb) is 'routing.config with the spec §3 environment overrides applied; invalid values are ignored and named in warnings.';

-- -----------------------------------------------------------------------------
-- The agent and its rollout bucket
-- -----------------------------------------------------------------------------
create function routing._rollout_bucket(salt text, agent_id uuid)
returns integer
language sql immutable
set search_path = ''
as $$
  -- Sticky: the first 32 bits of md5(salt || agent_id), mod 100.
  select ((('x' || substr(md5(salt || agent_id::text), 1, 8))::bit(32)::bigint) % 100)::integer
$$;
comment on function routing._rollout_bucket(text, uuid) is 'The agent''s rollout bucket 0-99: md5(rollout_salt || agent_id) mod 100; changes only with the salt.';

create function routing._load_agent(agent_id uuid)
returns routing.agent_facts
language sql stable
set search_path = ''
as $$
  select row(a.id, a.user_id, a.model_preference,
             case when a.model_preference is null then null
                  when a.model_preference = 'premium' then true
                  else coalesce(m.active, false) end,
             mt.agent_id is not null, mt.combined_score, mt.success_rate, mt.total_executions,
             mt.consecutive_failures, mt.last_failure_at, null)::routing.agent_facts
  from public.agents a
  left join public.agent_intensity_metrics mt on mt.agent_id = a.id
  left join routing.models m on m.model = a.model_preference
  where a.id = _load_agent.agent_id
$$;
comment on function routing._load_agent(uuid) is 'One indexed read: the agent, its metrics and whether its preference is still an active model; null when absent.';

-- -----------------------------------------------------------------------------
-- Breakers, substitutions, fallback chains (spec §2 rule 9, §4, §5)
-- -----------------------------------------------------------------------------
create function routing._breaker_states(cooldown_seconds integer)
returns jsonb
language sql stable
set search_path = ''
as $$
  -- closed; open (in cooldown, or a half-open trial in flight); ready (cooldown over: a trial may be claimed)
  select coalesce(jsonb_object_agg(b.provider, case
           when b.state = 'closed' then 'closed'
           when b.state = 'open' and coalesce(b.opened_at, '-infinity') > now() - make_interval(secs => cooldown_seconds) then 'open'
           when b.state = 'half_open' and coalesce(b.trial_started_at, '-infinity') > now() - make_interval(secs => cooldown_seconds) then 'open'
           else 'ready' end), '{}'::jsonb)
  from routing.provider_breakers b
$$;
comment on function routing._breaker_states(integer) is 'Each provider''s circuit as a decider sees it: closed, open, or ready (cooldown over, trial claimable).';

create function routing._claim_trial(provider text, cooldown_seconds integer)
returns boolean
language sql volatile
set search_path = ''
as $$
  -- Atomic: of concurrent deciders, exactly one updates the row; the others see the trial in flight.
  with claimed as (
    update routing.provider_breakers b
       set state = 'half_open', trial_started_at = now(), updated_at = now()
     where b.provider = _claim_trial.provider
       and ((b.state = 'open' and coalesce(b.opened_at, '-infinity') <= now() - make_interval(secs => cooldown_seconds))
         or (b.state = 'half_open' and coalesce(b.trial_started_at, '-infinity') <= now() - make_interval(secs => cooldown_seconds)))
    returning 1
  )
  select exists (select 1 from claimed)
$$;
comment on function routing._claim_trial(text, integer) is 'Claims the single half-open trial of a provider whose cooldown is over (or whose last trial went stale); true for the claimant only.';

create function routing._disabled_substitutions(c routing.effective_config, model text)
returns jsonb
language plpgsql immutable
set search_path = ''
as $$
declare
  adj jsonb := '[]'::jsonb;
  m text := model;
  sub text;
  why text;
begin
  for i in 1..4 loop
    if not c.catalog ? m then
      -- A config column naming a model since deactivated: the baseline stands in.
      sub := c.baseline_model; why := 'model_inactive:' || m;
    elsif c.catalog ->> m = 'anthropic' and not c.anthropic_enabled then
      sub := c.anthropic_substitute_model; why := 'provider_disabled:anthropic';
    elsif m = 'gpt-4o-mini' and not c.openai_mini_enabled then
      sub := c.openai_mini_substitute_model; why := 'model_disabled:gpt-4o-mini';
    else
      exit;
    end if;
    exit when sub = m;
    adj := adj || jsonb_build_object('from', m, 'to', sub, 'why', why);
    m := sub;
  end loop;
  return adj;
end
$$;
comment on function routing._disabled_substitutions(routing.effective_config, text) is 'Adjustments {from,to,why} replacing a model of a disabled provider (or a disabled gpt-4o-mini, or an inactive model) by its substitute.';

create function routing._fallback_chain(c routing.effective_config, model text)
returns text[]
language sql immutable
set search_path = ''
as $$
  -- The chain configured for the model, else "*"; without the model itself, inactive or
  -- disabled models, and repeats.
  select coalesce(array_agg(x.m order by x.ord), '{}')
  from (
    select distinct on (e.m) e.m, e.ord
    from jsonb_array_elements_text(case when jsonb_typeof(coalesce(c.fallback_chains -> model, c.fallback_chains -> '*')) = 'array'
                                        then coalesce(c.fallback_chains -> model, c.fallback_chains -> '*') else '[]'::jsonb end)
         with ordinality as e(m, ord)
    order by e.m, e.ord
  ) x
  where x.m <> model
    and c.catalog ? x.m
    and not (c.catalog ->> x.m = 'anthropic' and not c.anthropic_enabled)
    and not (x.m = 'gpt-4o-mini' and not c.openai_mini_enabled)
$$;
comment on function routing._fallback_chain(routing.effective_config, text) is 'The fallback chain of a model (config.fallback_chains[model], else ["*"]) without itself, disabled or inactive models and repeats.';

-- may_claim: only the trusted caller (the edge function, which then calls the provider) may take
-- the one half-open trial; a user's direct RPC would claim it without ever testing the provider.
create function routing._adjust(c routing.effective_config, model text, forced boolean, may_claim boolean)
returns routing.adjusted_choice
language plpgsql volatile
set search_path = ''
as $$
declare
  r routing.adjusted_choice;
  m text := model;
  prov text;
  alt text;
  alt_prov text;
  moved boolean;
  states jsonb := routing._breaker_states(c.breaker_cooldown_seconds);
  involved text[] := array[c.catalog ->> model];
begin
  r.adjustments := '[]'::jsonb;
  r.warnings := '[]'::jsonb;
  if not forced then
    -- 1. A disabled provider (or a disabled gpt-4o-mini) is replaced by its substitute.
    r.adjustments := routing._disabled_substitutions(c, m);
    m := coalesce(r.adjustments -> -1 ->> 'to', m);
    -- 2. An open circuit moves to the next model of the chain whose circuit is not open.
    prov := c.catalog ->> m;
    if states ->> prov = 'ready' then
      states := jsonb_set(states, array[prov], to_jsonb(case when may_claim and routing._claim_trial(prov, c.breaker_cooldown_seconds) then 'half_open' else 'open' end));
    end if;
    if states ->> prov = 'open' then
      moved := false;
      foreach alt in array routing._fallback_chain(c, m) loop
        alt_prov := c.catalog ->> alt;
        if states ->> alt_prov = 'ready' then
          states := jsonb_set(states, array[alt_prov], to_jsonb(case when may_claim and routing._claim_trial(alt_prov, c.breaker_cooldown_seconds) then 'half_open' else 'open' end));
        end if;
        if coalesce(states ->> alt_prov, 'closed') in ('closed', 'half_open') then
          r.adjustments := r.adjustments || jsonb_build_object('from', m, 'to', alt, 'why', 'circuit_open:' || prov);
          involved := involved || prov;
          m := alt;
          moved := true;
          exit;
        end if;
      end loop;
      if not moved then
        r.warnings := r.warnings || to_jsonb(format('%s circuit is open and no fallback of %s is available: keeping it', prov, m));
      end if;
    end if;
  end if;
  r.model := m;
  r.provider := case when forced then coalesce(c.force_provider, c.catalog ->> m) else c.catalog ->> m end;
  if r.provider is null then
    raise exception 'route_model: no active model to route to (% is not active; check routing.config and routing.models)', m
      using errcode = '55000';
  end if;
  r.fallback_chain := routing._fallback_chain(c, m);
  select coalesce(array_agg(c.catalog ->> f order by o), '{}') into r.fallback_providers
  from unnest(r.fallback_chain) with ordinality as u(f, o);
  involved := involved || r.provider || r.fallback_providers;
  -- 'ready' that this decision did not claim is reported as open: half_open means "yours to try".
  select coalesce(jsonb_object_agg(p, case coalesce(states ->> p, 'closed') when 'ready' then 'open' else coalesce(states ->> p, 'closed') end), '{}'::jsonb)
    into r.breakers
  from (select distinct unnest(involved) as p) x where p is not null;
  return r;
end
$$;
comment on function routing._adjust(routing.effective_config, text, boolean, boolean) is 'Spec §2 rule 9: provider substitutions and open circuits (claiming a due half-open trial when may_claim), then the fallback chain and breaker states.';

-- -----------------------------------------------------------------------------
-- Agent model preference: 'premium' or an active catalog model
-- -----------------------------------------------------------------------------
create function routing._validate_agent_row()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.model_preference is not null
     and (tg_op = 'INSERT' or new.model_preference is distinct from old.model_preference)
     and new.model_preference <> 'premium'
     and not exists (select 1 from routing.models m where m.model = new.model_preference and m.active) then
    raise exception 'unknown model "%": use "premium" or a model of routing.models', new.model_preference
      using errcode = '22023';
  end if;
  return new;
end
$$;
comment on function routing._validate_agent_row() is 'Trigger: agents.model_preference must be null, ''premium'' or an active model of routing.models (22023).';

create trigger validate_agent_row
  before insert or update of model_preference on public.agents
  for each row execute function routing._validate_agent_row();
comment on trigger validate_agent_row on public.agents is 'Refuses a model_preference that is neither ''premium'' nor an active catalog model.';

-- -----------------------------------------------------------------------------
-- Privileges: helpers are private (route_model runs them as their owner)
-- -----------------------------------------------------------------------------
revoke all on function routing.validate_route_input(uuid, text, jsonb) from public;
revoke all on function routing._caller() from public;
revoke all on function routing._parse_bool(text) from public;
revoke all on function routing._effective_config(jsonb) from public;
revoke all on function routing._rollout_bucket(text, uuid) from public;
revoke all on function routing._load_agent(uuid) from public;
revoke all on function routing._breaker_states(integer) from public;
revoke all on function routing._claim_trial(text, integer) from public;
revoke all on function routing._disabled_substitutions(routing.effective_config, text) from public;
revoke all on function routing._fallback_chain(routing.effective_config, text) from public;
revoke all on function routing._adjust(routing.effective_config, text, boolean, boolean) from public;
revoke all on function routing._validate_agent_row() from public;
-- Reports group decisions by bucket; the service role may compute one.
grant execute on function routing._rollout_bucket(text, uuid) to service_role;
