-- =============================================================================
-- route_model's adjustments: substitutions, open circuits, fallback chains (ROUTING-SPEC §2 rule 9, §4, §5)
-- =============================================================================
-- After rules 1-8 chose a model (routing._choose_model), rule 9 adjusts it: a
-- model of a disabled provider (or a disabled gpt-4o-mini, or an inactive
-- model) is replaced by its substitute; a model whose provider circuit is open
-- moves along its fallback chain. Private helpers: route_model (SECURITY
-- DEFINER) runs them as their owner.

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
-- Substitutions and fallback chains
-- -----------------------------------------------------------------------------
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
-- Privileges: private helpers
-- -----------------------------------------------------------------------------
revoke all on function routing._disabled_substitutions(routing.effective_config, text) from public;
revoke all on function routing._fallback_chain(routing.effective_config, text) from public;
revoke all on function routing._adjust(routing.effective_config, text, boolean, boolean) from public;
