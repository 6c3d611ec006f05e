-- =============================================================================
-- record_agent_execution: execution outcomes -> agent metrics (ROUTING-SPEC §6)
-- =============================================================================
-- One transaction: the outcome row (routing.executions, idempotent per
-- (agent_id, execution_id)), the agent's track record in
-- public.agent_intensity_metrics (the AIS scores are never touched here), the
-- agent's track record per model and its learned rung (routing._learn_from_outcome,
-- agent learning migration), then the alert evaluation
-- (routing._after_execution_recorded, in the alerts migration: the routed
-- success rate may trip the auto-rollback).

-- -----------------------------------------------------------------------------
-- routing.validate_execution_outcome: stable 22023 messages, nothing written
-- -----------------------------------------------------------------------------
create function routing.validate_execution_outcome(
  agent_id uuid, execution_id text, succeeded boolean, tokens integer, duration_ms integer
) returns void
language plpgsql immutable
set search_path = ''
as $$
begin
  if agent_id is null then
    raise exception 'agent_id is required' using errcode = '22023';
  end if;
  if execution_id is null then
    raise exception 'execution_id is required' using errcode = '22023';
  end if;
  if length(execution_id) not between 1 and 200 or btrim(execution_id) = '' then
    raise exception 'execution_id must be between 1 and 200 characters and not blank' using errcode = '22023';
  end if;
  if succeeded is null then
    raise exception 'succeeded is required' using errcode = '22023';
  end if;
  if tokens < 0 then
    raise exception 'tokens must be >= 0' using errcode = '22023';
  end if;
  if duration_ms < 0 then
    raise exception 'duration_ms must be >= 0' using errcode = '22023';
  end if;
end
$$;
comment on function routing.validate_execution_outcome(uuid, text, boolean, integer, integer) is
  'Raises 22023 with a stable message naming the field when an execution outcome is invalid.';

-- -----------------------------------------------------------------------------
-- public.record_agent_execution
-- -----------------------------------------------------------------------------
create function public.record_agent_execution(
  agent_id uuid,
  execution_id text,
  succeeded boolean,
  tokens integer default null,
  duration_ms integer default null,
  acting_user uuid default null
) returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  caller routing.caller := routing._caller();
  owner_id uuid;
  decision routing.decisions;
  cfg routing.config;
  exec routing.executions;
  m public.agent_intensity_metrics;
begin
  -- 1. The caller, before anything else.
  if not caller.trusted and (caller.api_role <> 'authenticated' or caller.user_id is null) then
    raise exception 'record_agent_execution requires a signed-in user or the service role' using errcode = '42501';
  end if;
  if not caller.trusted and record_agent_execution.acting_user is not null then
    raise exception 'acting_user may only be passed by a trusted caller' using errcode = '42501';
  end if;

  -- 2. The input.
  perform routing.validate_execution_outcome(
    record_agent_execution.agent_id, record_agent_execution.execution_id, record_agent_execution.succeeded,
    record_agent_execution.tokens, record_agent_execution.duration_ms);

  -- 3. The agent, visible to this caller (same message whether missing or not owned).
  select a.user_id into owner_id from public.agents a where a.id = record_agent_execution.agent_id;
  if owner_id is null
     or (not caller.trusted and owner_id <> caller.user_id)
     or (record_agent_execution.acting_user is not null and owner_id <> record_agent_execution.acting_user) then
    raise exception 'agent % not found', record_agent_execution.agent_id using errcode = 'P0002';
  end if;

  -- 4. The outcome row: the first report of an execution id wins.
  select d.* into decision
  from routing.decisions d
  where d.agent_id = record_agent_execution.agent_id and d.execution_id = record_agent_execution.execution_id;

  insert into routing.executions as e (agent_id, execution_id, user_id, decision_id, succeeded, tokens, duration_ms)
  values (record_agent_execution.agent_id, record_agent_execution.execution_id, owner_id, decision.id,
          record_agent_execution.succeeded, record_agent_execution.tokens, record_agent_execution.duration_ms)
  on conflict on constraint executions_pkey do nothing
  returning e.* into exec;

  if exec.agent_id is null then
    -- A repeat (or a concurrent twin that committed first): change nothing.
    select e.* into exec from routing.executions e
    where e.agent_id = record_agent_execution.agent_id and e.execution_id = record_agent_execution.execution_id;
    select x.* into m from public.agent_intensity_metrics x where x.agent_id = record_agent_execution.agent_id;
    return jsonb_build_object(
      'recorded', false, 'duplicate', true,
      'agent_id', exec.agent_id, 'execution_id', exec.execution_id, 'decision_id', exec.decision_id,
      'succeeded', exec.succeeded,
      'total_executions', m.total_executions, 'success_rate', m.success_rate,
      'consecutive_failures', m.consecutive_failures);
  end if;

  -- 5. The track record. ON CONFLICT DO UPDATE works on the latest row version
  --    under its lock, so concurrent executions of one agent add up exactly.
  insert into public.agent_intensity_metrics as x (
    agent_id, total_executions, successful_executions, success_rate,
    avg_tokens_per_execution, tokens_samples, avg_execution_time_ms, duration_samples,
    consecutive_failures, last_failure_at, last_execution_at, updated_at)
  values (
    exec.agent_id, 1, case when exec.succeeded then 1 else 0 end, case when exec.succeeded then 100 else 0 end,
    coalesce(exec.tokens, 0), case when exec.tokens is null then 0 else 1 end,
    coalesce(exec.duration_ms, 0), case when exec.duration_ms is null then 0 else 1 end,
    case when exec.succeeded then 0 else 1 end, case when exec.succeeded then null else now() end, now(), now())
  on conflict on constraint agent_intensity_metrics_pkey do update set
    total_executions = x.total_executions + 1,
    successful_executions = x.successful_executions + excluded.successful_executions,
    success_rate = round((x.successful_executions + excluded.successful_executions) * 100.0 / (x.total_executions + 1), 2),
    -- Running averages over the reported values only: avg += (v - avg) / n.
    avg_tokens_per_execution = case
      when exec.tokens is null then x.avg_tokens_per_execution
      else x.avg_tokens_per_execution
           + (exec.tokens - x.avg_tokens_per_execution) / (coalesce(x.tokens_samples, x.total_executions) + 1)
    end,
    tokens_samples = coalesce(x.tokens_samples, x.total_executions) + excluded.tokens_samples,
    avg_execution_time_ms = case
      when exec.duration_ms is null then x.avg_execution_time_ms
      else x.avg_execution_time_ms
           + (exec.duration_ms - x.avg_execution_time_ms) / (coalesce(x.duration_samples, x.total_executions) + 1)
    end,
    duration_samples = coalesce(x.duration_samples, x.total_executions) + excluded.duration_samples,
    consecutive_failures = case when exec.succeeded then 0 else x.consecutive_failures + 1 end,
    last_failure_at = case when exec.succeeded then x.last_failure_at else now() end,
    last_execution_at = now(),
    updated_at = now()
  returning x.* into m;

  -- 6. Learning (ROUTING-SPEC §10): the track record of the answering model, and a move when the evidence says so.
  if decision.id is not null then
    select c.* into cfg from routing.config c where c.id;
    perform routing._learn_from_outcome(exec, decision, m, cfg);
  end if;

  -- 7. Alert evaluation (the routed success rate and the auto-rollback, ROUTING-SPEC §7).
  perform routing._after_execution_recorded(exec);

  return jsonb_build_object(
    'recorded', true, 'duplicate', false,
    'agent_id', exec.agent_id, 'execution_id', exec.execution_id, 'decision_id', exec.decision_id,
    'succeeded', exec.succeeded,
    'total_executions', m.total_executions, 'success_rate', m.success_rate,
    'consecutive_failures', m.consecutive_failures);
end
$$;
comment on function public.record_agent_execution(uuid, text, boolean, integer, integer, uuid) is
  'Records an execution outcome and updates the agent''s metrics (ROUTING-SPEC §6). Idempotent per (agent_id, execution_id): '
  'a repeat returns {"recorded": false, "duplicate": true} and changes nothing. authenticated: own agents, no acting_user; '
  'service role / owner: any agent, acting_user must own it. Errors: 42501 caller, 22023 input, P0002 agent not found.';

-- -----------------------------------------------------------------------------
-- Privileges
-- -----------------------------------------------------------------------------
-- Helpers are private: the RPC runs them as its owner.
revoke all on function routing.validate_execution_outcome(uuid, text, boolean, integer, integer) from public;
-- Supabase's default privileges grant new public functions to every API role: narrow them.
revoke all on function public.record_agent_execution(uuid, text, boolean, integer, integer, uuid) from public, anon, authenticated, service_role;
grant execute on function public.record_agent_execution(uuid, text, boolean, integer, integer, uuid) to authenticated, service_role;
