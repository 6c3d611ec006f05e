-- =============================================================================
-- Circuit breakers, one per provider (ROUTING-SPEC §5)
-- =============================================================================
-- Shared by every function instance, so the state lives here. Healthy calls do
-- not write: a row changes only on an availability failure or a recovery.
--   * route_model reads the states (routing._breaker_states) and, for the
--     trusted edge function, claims the one half-open trial once the cooldown
--     is over (routing._claim_trial: open -> half_open);
--   * record_completion feeds a call's attempts to routing._update_breakers when
--     the call had an availability failure or succeeded on a provider whose
--     breaker is not (closed, 0 failures); a healthy call does not call it:
--     the error types flagged breaker_failure in routing.error_types count;
--     other errors neither count nor reset;
--     closed -> open at config.breaker_failure_threshold consecutive failures
--     that come from at least config.breaker_min_tenants tenants (the call's
--     tenant: its decision's user_id), so one tenant's failures alone never
--     open a circuit other tenants use (it keeps counting, and the first
--     failure of another tenant opens it); unless no other tenant made an
--     attempt on that provider within config.alert_provider_window_minutes
--     (a project whose agents one user owns, or a quiet hour): the circuit is
--     then the lone tenant's own, and its failures open it;
--     half_open -> open again on failure; a success resets a row that is not
--     already (closed, 0 failures); a success on a healthy row neither writes
--     nor locks it (no hot row). Rows are locked in provider name order
--     (anthropic, openai, ...) to avoid deadlocks;
--   * public.reset_circuit_breaker is the operator's override.
-- Every state change made by recording, and every operator reset, is logged
-- in routing.breaker_events. Every provider of routing.providers has a row: a
-- provider added by SQL gets its closed breaker from a trigger.

-- -----------------------------------------------------------------------------
-- routing.provider_breakers
-- -----------------------------------------------------------------------------
create table routing.provider_breakers (
  provider text primary key references routing.providers (provider),
  state text not null default 'closed' check (state in ('closed', 'open', 'half_open')),
  consecutive_failures integer not null default 0 check (consecutive_failures >= 0),
  opened_at timestamptz,
  -- When the one half-open trial call was let through.
  trial_started_at timestamptz,
  last_failure_at timestamptz,
  last_error_type text,
  -- Distinct tenants of the current failure streak (at most breaker_min_tenants are kept).
  failure_tenants uuid[] not null default '{}',
  updated_at timestamptz not null default now()
);
comment on table routing.provider_breakers is 'Per-provider circuit: closed -> open after N availability failures -> half-open after the cooldown -> closed or open.';
comment on column routing.provider_breakers.failure_tenants is
  'The distinct tenants (decision user_ids) whose availability failures make up the current streak, at most '
  'config.breaker_min_tenants of them; emptied with the streak.';

insert into routing.provider_breakers (provider) select p.provider from routing.providers p;

create function routing._create_provider_breaker() returns trigger
language plpgsql
set search_path = ''  -- runs as whoever adds the provider: the service role or the owner, who may write breakers
as $$
begin
  insert into routing.provider_breakers (provider) values (new.provider) on conflict (provider) do nothing;
  return new;
end
$$;
comment on function routing._create_provider_breaker() is 'Trigger: a provider added to routing.providers gets a closed circuit breaker.';

create trigger create_provider_breaker
  after insert on routing.providers
  for each row execute function routing._create_provider_breaker();
comment on trigger create_provider_breaker on routing.providers is 'Gives every new provider its routing.provider_breakers row.';

-- -----------------------------------------------------------------------------
-- routing.breaker_events: the transitions' audit
-- -----------------------------------------------------------------------------
create table routing.breaker_events (
  id bigint generated always as identity primary key,
  created_at timestamptz not null default now(),
  provider text not null references routing.provider_breakers (provider),
  from_state text not null check (from_state in ('closed', 'open', 'half_open')),
  to_state text not null check (to_state in ('closed', 'open', 'half_open')),
  reason text not null check (reason in ('failure_threshold', 'trial_failed', 'recovered', 'operator_reset')),
  consecutive_failures integer not null,
  last_error_type text,
  call_id uuid references routing.calls (id) on delete set null,
  changed_by text not null
);
comment on table routing.breaker_events is
  'Audit of circuit-breaker transitions made by record_completion and of operator resets (reset_circuit_breaker).';
create index breaker_events_provider_created_idx on routing.breaker_events (provider, created_at);
comment on index routing.breaker_events_provider_created_idx is 'A provider''s breaker history by time.';

-- -----------------------------------------------------------------------------
-- Reading the states and claiming the half-open trial (route_model)
-- -----------------------------------------------------------------------------
create function routing._breaker_states(cooldown_seconds integer)
returns jsonb
language plpgsql stable
set search_path = ''
as $$
begin
  -- plpgsql keeps its plans for the session; a SQL function (not inlinable with its SET) is planned in every transaction
  -- closed; open (in cooldown, or a half-open trial in flight); ready (cooldown over: a trial may be claimed)
  return (
    select coalesce(jsonb_object_agg(b.provider, case
             when b.state = 'closed' then 'closed'
             when b.state = 'open' and coalesce(b.opened_at, '-infinity') > now() - make_interval(secs => _breaker_states.cooldown_seconds) then 'open'
             when b.state = 'half_open' and coalesce(b.trial_started_at, '-infinity') > now() - make_interval(secs => _breaker_states.cooldown_seconds) then 'open'
             else 'ready' end), '{}'::jsonb)
    from routing.provider_breakers b);
end
$$;
comment on function routing._breaker_states(integer) is 'Each provider''s circuit as a decider sees it: closed, open, or ready (cooldown over, trial claimable).';

create function routing._claim_trial(provider text, cooldown_seconds integer)
returns boolean
language plpgsql volatile
set search_path = ''
as $$
begin
  -- plpgsql keeps its plans for the session; a SQL function (not inlinable with its SET) is planned in every transaction
  -- Atomic: of concurrent deciders, exactly one updates the row; the others see the trial in flight.
  update routing.provider_breakers b
     set state = 'half_open', trial_started_at = now(), updated_at = now()
   where b.provider = _claim_trial.provider
     and ((b.state = 'open' and coalesce(b.opened_at, '-infinity') <= now() - make_interval(secs => _claim_trial.cooldown_seconds))
       or (b.state = 'half_open' and coalesce(b.trial_started_at, '-infinity') <= now() - make_interval(secs => _claim_trial.cooldown_seconds)));
  return found;
end
$$;
comment on function routing._claim_trial(text, integer) is 'Claims the single half-open trial of a provider whose cooldown is over (or whose last trial went stale); true for the claimant only.';

-- -----------------------------------------------------------------------------
-- Classification of an attempt
-- -----------------------------------------------------------------------------
create function routing._is_availability_failure(error_type text) returns boolean
language plpgsql stable
set search_path = ''
as $$
begin
  -- plpgsql keeps its plans for the session; a SQL function (not inlinable with its SET) is planned in every transaction
  return coalesce((select t.breaker_failure from routing.error_types t where t.error_type = _is_availability_failure.error_type), false);
end
$$;
comment on function routing._is_availability_failure(text) is
  'True for the error types that count for the circuit breaker: breaker_failure in routing.error_types (ROUTING-SPEC §5).';

create function routing._is_successful_attempt(http_status integer, error_type text) returns boolean
language plpgsql immutable
set search_path = ''
as $$
begin
  -- plpgsql keeps its plans for the session; a SQL function (not inlinable with its SET) is planned in every transaction
  return _is_successful_attempt.error_type is null
     and (_is_successful_attempt.http_status is null or _is_successful_attempt.http_status between 200 and 299);
end
$$;
comment on function routing._is_successful_attempt(integer, text) is
  'True for an attempt that got an answer: no error type and an HTTP 2xx (or no status).';

-- -----------------------------------------------------------------------------
-- routing.breaker_outcome: what one call says about one provider
-- -----------------------------------------------------------------------------
create type routing.breaker_outcome as (
  provider text,
  -- at least one successful attempt on this provider in the call
  any_success boolean,
  -- availability failures after the provider's last success in the call (all of them if none)
  trailing_failures integer,
  -- error type of the last of those failures
  last_error_type text
);
comment on type routing.breaker_outcome is
  'A call''s attempts folded per provider: any success, availability failures after the last success, last error type.';

create function routing._breaker_outcomes(call_id uuid) returns setof routing.breaker_outcome
language plpgsql stable
set search_path = ''
as $$
begin
  -- plpgsql keeps its plans for the session; a SQL function (not inlinable with its SET) is planned in every transaction
  return query
  with a as (
    select att.provider, att.seq,
           routing._is_successful_attempt(att.http_status, att.error_type) as ok,
           routing._is_availability_failure(att.error_type) as down,
           att.error_type
    from routing.attempts att
    where att.call_id = _breaker_outcomes.call_id
  ), marked as (
    select a.*, coalesce(max(a.seq) filter (where a.ok) over (partition by a.provider), 0) as last_ok_seq
    from a
  )
  select m.provider,
         bool_or(m.ok),
         (count(*) filter (where m.down and m.seq > m.last_ok_seq))::integer,
         (array_agg(m.error_type order by m.seq desc) filter (where m.down and m.seq > m.last_ok_seq))[1]
  from marked m
  group by m.provider
  order by m.provider;
end
$$;
comment on function routing._breaker_outcomes(uuid) is
  'The recorded attempts of a call folded per provider (routing.breaker_outcome), in provider order.';

-- -----------------------------------------------------------------------------
-- routing._breaker_tenants_suffice: may a streak of these tenants open the circuit?
-- -----------------------------------------------------------------------------
create function routing._breaker_tenants_suffice(provider text, tenants uuid[], min_tenants integer, window_minutes integer)
returns boolean
language plpgsql stable
set search_path = ''
as $$
begin
  if cardinality(tenants) >= min_tenants then
    return true;
  end if;
  -- Fewer tenants than the rule asks: theirs alone only when no other tenant used the provider in the window
  -- (attempts_created_provider_idx; read only once a streak reaches the threshold, on the failure path).
  return not exists (
    select 1 from routing.attempts a
    where a.created_at > now() - make_interval(mins => window_minutes) and a.provider = _breaker_tenants_suffice.provider
      and a.user_id <> all (tenants));
end
$$;
comment on function routing._breaker_tenants_suffice(text, uuid[], integer, integer) is
  'Whether a failure streak of these tenants may open the provider''s circuit: at least min_tenants of them, or no other '
  'tenant with an attempt on the provider within window_minutes (the circuit is then theirs alone).';

-- -----------------------------------------------------------------------------
-- routing._update_breakers: apply a recorded call to the breakers
-- -----------------------------------------------------------------------------
create function routing._update_breakers(call_id uuid) returns void
language plpgsql
set search_path = ''
as $$
declare
  o routing.breaker_outcome;
  b routing.provider_breakers;
  threshold integer;
  min_tenants integer;
  tenant uuid;
  provider_window integer;
  new_tenants uuid[];
  new_state text;
  new_failures integer;
  new_opened_at timestamptz;
  why text;
begin
  select c.breaker_failure_threshold, c.breaker_min_tenants, c.alert_provider_window_minutes
    into threshold, min_tenants, provider_window from routing.config c;
  threshold := coalesce(threshold, 5);
  min_tenants := coalesce(min_tenants, 2);
  -- The call's tenant: the user its decision was made for.
  select d.user_id into tenant
  from routing.calls k join routing.decisions d on d.id = k.decision_id
  where k.id = _update_breakers.call_id;

  -- Fixed order (anthropic, openai): concurrent calls lock rows in the same order.
  for o in select * from routing._breaker_outcomes(_update_breakers.call_id) order by 1 loop
    continue when o.trailing_failures = 0 and not o.any_success; -- only non-availability errors

    if o.trailing_failures = 0 then
      -- Only successes: leave a healthy row alone, without even locking it.
      perform 1 from routing.provider_breakers pb
      where pb.provider = o.provider and (pb.state <> 'closed' or pb.consecutive_failures <> 0);
      continue when not found;
    end if;

    select pb.* into b from routing.provider_breakers pb where pb.provider = o.provider for update;
    continue when not found;
    if b.consecutive_failures = 0 then
      b.failure_tenants := '{}';  -- no streak (a reset that only zeroed the count): no tenants of one
    end if;

    if o.any_success then
      -- The provider answered: reset, then count the failures that came after.
      continue when o.trailing_failures = 0 and b.state = 'closed' and b.consecutive_failures = 0;
      new_failures := o.trailing_failures;
      new_tenants := case when new_failures > 0 then array[tenant] else '{}'::uuid[] end;
      new_state := case when new_failures >= threshold
                             and routing._breaker_tenants_suffice(o.provider, new_tenants, min_tenants, provider_window)
                        then 'open' else 'closed' end;
      new_opened_at := case when new_state = 'open' then now() end;
    else
      new_failures := b.consecutive_failures + o.trailing_failures;
      new_tenants := case when tenant = any (b.failure_tenants) or cardinality(b.failure_tenants) >= min_tenants
                          then b.failure_tenants else b.failure_tenants || tenant end;
      if b.state = 'half_open' then
        new_state := 'open';                  -- the trial failed: a new cooldown
        new_opened_at := now();
      elsif b.state = 'open' then
        new_state := 'open';                  -- calls that got through anyway: keep the cooldown
        new_opened_at := b.opened_at;
      elsif new_failures >= threshold
            and routing._breaker_tenants_suffice(o.provider, new_tenants, min_tenants, provider_window) then
        new_state := 'open';
        new_opened_at := now();
      else
        new_state := 'closed';
        new_opened_at := null;
      end if;
    end if;

    update routing.provider_breakers pb set
      state = new_state,
      consecutive_failures = new_failures,
      failure_tenants = new_tenants,
      opened_at = new_opened_at,
      trial_started_at = null,
      last_failure_at = case when o.trailing_failures > 0 then now() else pb.last_failure_at end,
      last_error_type = case when o.trailing_failures > 0 then o.last_error_type else pb.last_error_type end,
      updated_at = now()
    where pb.provider = o.provider;

    if new_state <> b.state then
      why := case
        when new_state = 'closed' then 'recovered'
        when b.state = 'half_open' then 'trial_failed'
        else 'failure_threshold'
      end;
      insert into routing.breaker_events (provider, from_state, to_state, reason, consecutive_failures, last_error_type, call_id, changed_by)
      values (o.provider, b.state, new_state, why, new_failures, o.last_error_type, _update_breakers.call_id, 'record_completion');
    end if;
  end loop;
end
$$;
comment on function routing._update_breakers(uuid) is
  'Applies a recorded call''s attempts to routing.provider_breakers (ROUTING-SPEC §5); healthy successes write nothing.';

-- -----------------------------------------------------------------------------
-- routing._stored_breaker_states: {provider: state}
-- -----------------------------------------------------------------------------
create function routing._stored_breaker_states() returns jsonb
language plpgsql stable
set search_path = ''
as $$
begin
  -- plpgsql keeps its plans for the session; a SQL function (not inlinable with its SET) is planned in every transaction
  return (select coalesce(jsonb_object_agg(pb.provider, pb.state order by pb.provider), '{}'::jsonb)
          from routing.provider_breakers pb);
end
$$;
comment on function routing._stored_breaker_states() is 'Every provider''s stored breaker state as {"anthropic": "closed", "openai": "open"}. Read-only.';

-- -----------------------------------------------------------------------------
-- public.reset_circuit_breaker: the operator's override
-- -----------------------------------------------------------------------------
create function public.reset_circuit_breaker(provider text) returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  b routing.provider_breakers;
begin
  perform routing._require_operator('reset_circuit_breaker');
  if reset_circuit_breaker.provider is null
     or not exists (select 1 from routing.providers p where p.provider = reset_circuit_breaker.provider) then
    raise exception 'provider must be a provider of routing.providers' using errcode = '22023';
  end if;

  select pb.* into b from routing.provider_breakers pb where pb.provider = reset_circuit_breaker.provider for update;
  if not found then
    raise exception 'provider % not found', reset_circuit_breaker.provider using errcode = 'P0002';
  end if;

  -- last_failure_at / last_error_type stay as history.
  update routing.provider_breakers pb
  set state = 'closed', consecutive_failures = 0, failure_tenants = '{}', opened_at = null, trial_started_at = null,
      updated_at = now()
  where pb.provider = b.provider;

  insert into routing.breaker_events (provider, from_state, to_state, reason, consecutive_failures, last_error_type, changed_by)
  values (b.provider, b.state, 'closed', 'operator_reset', b.consecutive_failures, b.last_error_type,
          routing._actor());

  return jsonb_build_object(
    'provider', b.provider, 'state', 'closed',
    'previous_state', b.state, 'previous_consecutive_failures', b.consecutive_failures);
end
$$;
comment on function public.reset_circuit_breaker(text) is
  'Operator override: closes a provider''s circuit and zeroes its failures, logged in routing.breaker_events. Service role / owner only.';

-- -----------------------------------------------------------------------------
-- Row level security and privileges: helpers are private (the RPCs run them as their owner)
-- -----------------------------------------------------------------------------
alter table routing.provider_breakers enable row level security;
alter table routing.breaker_events enable row level security;
revoke all on routing.provider_breakers, routing.breaker_events from public, anon, authenticated;
grant all on routing.provider_breakers to service_role;
grant select on routing.breaker_events to service_role;
revoke all on function routing._breaker_states(integer), routing._claim_trial(text, integer),
  routing._is_availability_failure(text), routing._is_successful_attempt(integer, text),
  routing._breaker_outcomes(uuid), routing._update_breakers(uuid), routing._stored_breaker_states(),
  routing._breaker_tenants_suffice(text, uuid[], integer, integer)
  from public;
revoke all on function routing._create_provider_breaker() from public;
revoke all on function public.reset_circuit_breaker(text) from public, anon, authenticated, service_role;
grant execute on function public.reset_circuit_breaker(text) to service_role;
