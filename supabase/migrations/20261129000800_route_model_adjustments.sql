-- =============================================================================
-- route_model's adjustments: substitutions, open circuits, fallback chains (ROUTING-SPEC §2 rule 9, §4, §5)
-- =============================================================================
-- After rules 1-8 chose a model (routing._choose_model), rule 9 adjusts it:
--   * lifecycle, for every source of the model (tier, preference, forced,
--     baseline): a model past its retires_at, marked unavailable, or of a
--     provider disabled in routing.providers cannot answer, so it is replaced
--     by its replaced_by (followed to a usable model), else the next usable
--     model of its fallback chain, else the baseline (why retired:<yyyy-mm-dd>,
--     unavailable, provider_disabled:<p>);
--   * unless forced: a model of a disabled Anthropic (or a disabled
--     gpt-4o-mini, or an inactive model) is replaced by its substitute; a model
--     whose provider circuit is open moves along its fallback chain.
-- Fallback chains never hold a model that may not be picked. Private helpers:
-- route_model (SECURITY DEFINER) runs them as their owner.

-- -----------------------------------------------------------------------------
-- routing.adjusted_choice
-- -----------------------------------------------------------------------------
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
-- Usable models, replacements, substitutions and fallback chains
-- -----------------------------------------------------------------------------
create function routing._is_usable(c routing.effective_config, model text, forced boolean)
returns boolean
language plpgsql immutable
set search_path = ''
as $$
begin
  -- plpgsql keeps its plans for the session; a SQL function (not inlinable with its SET) is planned in every transaction
  -- Active, not retired, not unavailable, its provider enabled in routing.providers; and, unless
  -- forced, not switched off by ENABLE_ANTHROPIC_PROVIDER / ENABLE_OPENAI_MINI (or their config columns).
  return coalesce(c.catalog ? model and not c.unusable ? model
                  and (forced or not (c.catalog ->> model = 'anthropic' and not c.anthropic_enabled))
                  and (forced or not (model = 'gpt-4o-mini' and not c.openai_mini_enabled)), false);
end
$$;
comment on function routing._is_usable(routing.effective_config, text, boolean) is
  'Whether route_model may pick a model now: active, not retired or unavailable, provider enabled; unless forced, not '
  'switched off by the Anthropic / gpt-4o-mini switches.';

create function routing._replacement(c routing.effective_config, model text, why text, forced boolean, seen text[])
returns text
language plpgsql immutable
set search_path = ''
as $$
declare
  r text;
  visited text[] := seen || model;
  alt text;
begin
  -- A disabled Anthropic is replaced as ENABLE_ANTHROPIC_PROVIDER=false replaces it.
  if why = 'provider_disabled:anthropic' and routing._is_usable(c, c.anthropic_substitute_model, forced)
     and not c.anthropic_substitute_model = any (visited) then
    return c.anthropic_substitute_model;
  end if;
  -- replaced_by, followed to a usable model; a cycle ends the walk.
  r := c.replaced_by ->> model;
  while r is not null and not r = any (visited) loop
    if routing._is_usable(c, r, forced) then
      return r;
    end if;
    visited := visited || r;
    r := c.replaced_by ->> r;
  end loop;
  -- Else the first usable model of its fallback chain, else the baseline.
  foreach alt in array routing._fallback_chain(c, model) loop
    if not alt = any (visited) then
      return alt;
    end if;
  end loop;
  if routing._is_usable(c, c.baseline_model, forced) and not c.baseline_model = any (visited) then
    return c.baseline_model;
  end if;
  return null;
end
$$;
comment on function routing._replacement(routing.effective_config, text, text, boolean, text[]) is
  'What replaces a model route_model may not pick (why: retired:<day>, unavailable, provider_disabled:<p>): the Anthropic '
  'substitute for a disabled Anthropic, else replaced_by followed (cycle-safe) to a usable model, else the first usable '
  'model of its fallback chain, else the baseline; null when none is usable (or all were seen).';

create function routing._substitutions(c routing.effective_config, model text, forced boolean)
returns jsonb
language plpgsql immutable
set search_path = ''
as $$
declare
  adj jsonb := '[]'::jsonb;
  m text := model;
  seen text[] := array[model];
  sub text;
  why text;
begin
  for i in 1..10 loop
    sub := null;
    if not c.catalog ? m then
      -- A config column naming a model since deactivated: the baseline stands in (a forced model is always active).
      exit when forced;
      sub := c.baseline_model; why := 'model_inactive:' || m;
    elsif c.unusable ? m then
      -- Retired, unavailable or of a provider disabled in routing.providers: for every source, forced included.
      why := c.unusable ->> m;
      sub := routing._replacement(c, m, why, forced, seen);
    elsif not forced and c.catalog ->> m = 'anthropic' and not c.anthropic_enabled then
      sub := c.anthropic_substitute_model; why := 'provider_disabled:anthropic';
    elsif not forced and m = 'gpt-4o-mini' and not c.openai_mini_enabled then
      sub := c.openai_mini_substitute_model; why := 'model_disabled:gpt-4o-mini';
    else
      exit;
    end if;
    exit when sub is null or sub = any (seen);
    adj := adj || jsonb_build_object('from', m, 'to', sub, 'why', why);
    seen := seen || sub;
    m := sub;
  end loop;
  return adj;
end
$$;
comment on function routing._substitutions(routing.effective_config, text, boolean) is
  'Adjustments {from,to,why} replacing a model that may not be picked: retired:<yyyy-mm-dd>, unavailable or '
  'provider_disabled:<p> (routing._replacement; forced models too), and unless forced a disabled Anthropic or '
  'gpt-4o-mini (their substitutes) or an inactive model (the baseline). Ends on a usable model, or where none is left.';

create function routing._fallback_chain(c routing.effective_config, model text)
returns text[]
language plpgsql immutable
set search_path = ''
as $$
declare
  configured jsonb := coalesce(c.fallback_chains -> model, c.fallback_chains -> '*');
begin
  -- plpgsql keeps its plans for the session; a SQL function (not inlinable with its SET) is planned in every transaction
  -- The chain configured for the model, else "*"; without the model itself, models that may not be
  -- picked (inactive, retired, unavailable, disabled) and repeats.
  if jsonb_typeof(configured) is distinct from 'array' then
    return '{}';
  end if;
  return (
    select coalesce(array_agg(x.m order by x.ord), '{}')
    from (
      select distinct on (e.m) e.m, e.ord
      from jsonb_array_elements_text(configured) with ordinality as e(m, ord)
      order by e.m, e.ord
    ) x
    where x.m <> _fallback_chain.model
      and routing._is_usable(_fallback_chain.c, x.m, false));
end
$$;
comment on function routing._fallback_chain(routing.effective_config, text) is
  'The fallback chain of a model (config.fallback_chains[model], else ["*"]) without itself, repeats and the models '
  'route_model may not pick (inactive, retired, unavailable, provider or model disabled).';

-- -----------------------------------------------------------------------------
-- routing._adjust
-- -----------------------------------------------------------------------------
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
  states jsonb := c.breaker_states;  -- read with the config (routing._effective_config)
  involved text[] := array[c.catalog ->> model];
begin
  r.warnings := '[]'::jsonb;
  -- 1. A model that may not be picked is replaced (lifecycle for every source; the switches unless forced).
  r.adjustments := routing._substitutions(c, m, forced);
  m := coalesce(r.adjustments -> -1 ->> 'to', m);
  if c.catalog ? m and not routing._is_usable(c, m, forced) then
    r.warnings := r.warnings || to_jsonb(format('%s may not be used (%s) and no usable replacement is configured: keeping it',
                                                m, coalesce(c.unusable ->> m, 'disabled')));
  end if;
  if not forced then
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
  -- FORCE_PROVIDER serves the forced model itself, not a replacement of it.
  r.provider := case when forced and r.adjustments = '[]'::jsonb then coalesce(c.force_provider, c.catalog ->> m)
                     else c.catalog ->> m end;
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
comment on function routing._adjust(routing.effective_config, text, boolean, boolean) is
  'Spec §2 rule 9: lifecycle replacements (forced included), provider substitutions and open circuits (claiming a due '
  'half-open trial when may_claim), then the fallback chain and breaker states.';

-- -----------------------------------------------------------------------------
-- Privileges: private helpers
-- -----------------------------------------------------------------------------
revoke all on function routing._is_usable(routing.effective_config, text, boolean) from public;
revoke all on function routing._replacement(routing.effective_config, text, text, boolean, text[]) from public;
revoke all on function routing._substitutions(routing.effective_config, text, boolean) from public;
revoke all on function routing._fallback_chain(routing.effective_config, text) from public;
revoke all on function routing._adjust(routing.effective_config, text, boolean, boolean) from public;
