-- =============================================================================
-- record_fail_open_completion: a call answered while the database was unreachable (issue 11)
-- =============================================================================
-- With ROUTER_FAIL_OPEN=true the edge function answers on the baseline model when route_model
-- cannot be reached: there is no decision row then. The call's record waits in the function's
-- outbox with what its decision needs (the agent, the verified user, the model, when), and once
-- the database is back this function writes the decision (reason and cohort fail_open, created_at
-- = when it was decided) and the call (public.record_completion: costs, breakers, alerts) in one
-- transaction. Idempotent by call.call_key: a record sent again (a retried or drained record)
-- returns the first result and writes nothing.
-- The decision's execution_id is null (the execution is named in its reasoning): the execution
-- may already have, or may get, a decision of its own from route_model, which a fail-open row
-- must never replace (route_model replays the stored decision of an execution).
-- SECURITY DEFINER because no API role may insert history (docs/architecture.md, "Who may write
-- what"); the caller is checked first (service role or owner only).

-- -----------------------------------------------------------------------------
-- public.record_fail_open_completion
-- -----------------------------------------------------------------------------
create function public.record_fail_open_completion(
  agent_id uuid,
  model text,
  decided_at timestamptz,
  call jsonb,
  execution_id text default null,
  acting_user uuid default null)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  agent public.agents;
  m routing.models;
  key uuid;
  c routing.calls;
  d routing.decisions;
  new_decision_id uuid;
begin
  -- 1. The caller: the trusted edge function (service role) or an operator.
  perform routing._require_operator('record_fail_open_completion');

  -- 2. The input.
  if record_fail_open_completion.agent_id is null then
    raise exception 'agent_id is required' using errcode = '22023';
  end if;
  if record_fail_open_completion.decided_at is null or record_fail_open_completion.decided_at > now() + interval '5 minutes' then
    raise exception 'decided_at is required and may not be in the future' using errcode = '22023';
  end if;
  if record_fail_open_completion.execution_id is not null
     and (length(record_fail_open_completion.execution_id) not between 1 and 200
          or btrim(record_fail_open_completion.execution_id) = '') then
    -- The same rule as route_model's and record_agent_execution's (validate_route_input).
    raise exception 'execution_id must be 1 to 200 characters and not blank' using errcode = '22023';
  end if;
  if jsonb_typeof(record_fail_open_completion.call -> 'call_key') is distinct from 'string'
     or record_fail_open_completion.call ->> 'call_key' !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    raise exception 'call.call_key must be a UUID' using errcode = '22023';
  end if;
  -- The audit table's lock before the catalog read, as route_model: the model this decision names
  -- cannot be deleted from here to commit (routing._keep_decided_catalog, decisions migration).
  lock table routing.decisions in row exclusive mode;
  select mm.* into m from routing.models mm where mm.model = record_fail_open_completion.model;
  if not found then
    raise exception 'model must be a catalog model' using errcode = '22023';
  end if;
  -- The agent must exist and, for a user's call, be theirs: fail-open answered before anyone could check.
  select a.* into agent from public.agents a where a.id = record_fail_open_completion.agent_id;
  if not found or (record_fail_open_completion.acting_user is not null and agent.user_id <> record_fail_open_completion.acting_user) then
    raise exception 'agent % not found', record_fail_open_completion.agent_id using errcode = 'P0002';
  end if;

  -- 3. A repeat (same key): the first result, nothing written. The lock serializes two sends of one
  -- key (record_completion takes the same lock again, in the same transaction).
  key := (record_fail_open_completion.call ->> 'call_key')::uuid;
  perform pg_advisory_xact_lock(hashtextextended(key::text, 0));
  select cc.* into c from routing.calls cc where cc.call_key = key;
  if found then
    select dd.* into d from routing.decisions dd where dd.id = c.decision_id;
    if d.reason <> 'fail_open' or d.agent_id <> agent.id then
      raise exception 'call.call_key % belongs to another decision', key using errcode = '22023';
    end if;
    return routing._stored_call_json(c);
  end if;

  -- 4. The decision as it was made, then the call (validated by record_completion: an invalid call
  -- raises and rolls the decision back with it).
  insert into routing.decisions (
    created_at, agent_id, user_id, execution_id, model, provider, tier, reason, reasoning, cohort,
    baseline_model, fallback_chain, warnings, routing_enabled)
  values (
    record_fail_open_completion.decided_at, agent.id, agent.user_id, null, m.model, m.provider, null, 'fail_open',
    'The routing database was unreachable: the edge function sent the call to ' || m.model || ' (fail-open)'
      || coalesce(' for execution ' || record_fail_open_completion.execution_id, '') || '.',
    'fail_open', (select cf.baseline_model from routing.config cf where cf.id), '{}',
    jsonb_build_array('routing database unreachable: fail-open to ' || m.model), false)
  returning id into new_decision_id;

  return public.record_completion(new_decision_id, record_fail_open_completion.call);
end
$$;
comment on function public.record_fail_open_completion(uuid, text, timestamptz, jsonb, text, uuid) is
  'Records a call the edge function answered fail-open (database unreachable, ROUTER_FAIL_OPEN=true): writes its decision '
  '(reason and cohort fail_open, created_at = decided_at, execution_id null, the execution named in the reasoning) and the '
  'call through record_completion, in one transaction, once per call.call_key (a repeat answers the first result with '
  'repeated true). Trusted callers only. Errors: 42501 caller, 22023 input, P0002 agent missing or not acting_user''s.';

-- -----------------------------------------------------------------------------
-- Privileges: the service role only (owners and superusers can always call it)
-- -----------------------------------------------------------------------------
revoke all on function public.record_fail_open_completion(uuid, text, timestamptz, jsonb, text, uuid)
  from public, anon, authenticated, service_role;
grant execute on function public.record_fail_open_completion(uuid, text, timestamptz, jsonb, text, uuid) to service_role;
