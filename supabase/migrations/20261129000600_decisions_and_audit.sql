-- =============================================================================
-- Decisions and their audit trail: decisions, calls, attempts, executions
-- =============================================================================
-- Written only by the router's SECURITY DEFINER functions; a user reads the
-- rows of their own agents (user_id is copied onto each row so RLS is cheap).
-- Append-only for every role but the owner: no API role may insert, update,
-- delete or truncate them (the owner's functions write them). The history
-- outlives its agents and users: the foreign keys to public.agents restrict,
-- so deleting a user or an agent with history is refused and nothing cascades.
-- An outcome reported before its decision is linked when the decision is
-- written (routing._link_early_outcome), in route_model's transaction.

-- -----------------------------------------------------------------------------
-- routing.decisions: one row per routing decision, written in its transaction
-- -----------------------------------------------------------------------------
create table routing.decisions (
  id uuid primary key default gen_random_uuid(),
  created_at timestamptz not null default now(),
  agent_id uuid not null references public.agents (id) on delete restrict,
  user_id uuid not null,
  execution_id text check (length(execution_id) between 1 and 200),
  -- model, provider, shadow_model and baseline_model name catalog rows: no foreign keys (their
  -- per-row checks and the catalog row locks they take were a fifth of a decision's cost), kept
  -- by routing._keep_decided_catalog instead (below).
  model text not null,
  provider text not null,
  tier text check (tier in ('low', 'medium', 'high')),
  reason text not null check (reason in ('forced', 'routing_disabled', 'agent_preference', 'rollout_control',
                                         'requested_model', 'recent_failures', 'new_agent', 'low_success_rate', 'learned_tier', 'tier',
                                         'explore_cheaper', 'fail_open')),
  reasoning text not null,
  -- fail_open: made by the edge function while the database was unreachable (ROUTER_FAIL_OPEN=true),
  -- written afterwards with its call by public.record_fail_open_completion.
  cohort text not null check (cohort in ('forced', 'disabled', 'control', 'routed', 'fail_open')),
  intensity_score numeric(4, 2),
  success_rate numeric(5, 2),
  total_executions integer,
  -- What rules 3-8 would have chosen, recorded for the disabled and control cohorts.
  shadow_model text,
  shadow_reason text,
  baseline_model text not null,
  fallback_chain text[] not null default '{}',
  adjustments jsonb not null default '[]'::jsonb,
  warnings jsonb not null default '[]'::jsonb,
  routing_enabled boolean not null,
  unique (agent_id, execution_id)
);
comment on table routing.decisions is 'The audit row of every routing decision (ROUTING-SPEC §2), one per execution or lone call.';
-- Decisions are read by id (calls and executions join them by decision_id), by (agent_id,
-- execution_id) and by their owner: no index by time alone, which every decision would pay to
-- maintain for no reader (the reports read calls and executions by time).
create index decisions_user_created_idx on routing.decisions (user_id, created_at);
comment on index routing.decisions_user_created_idx is 'A user''s decisions by time (RLS).';

-- -----------------------------------------------------------------------------
-- The catalog rows decisions name: never deleted or renamed while named
-- -----------------------------------------------------------------------------
-- What the foreign keys did, without a check per decision or call: the writers of decisions take
-- their names from the catalog (route_model from routing.models / routing.providers through its
-- config, record_fail_open_completion from routing.models), and a catalog row named by a decision
-- cannot be deleted or renamed (23503, as the foreign keys answered); nor can a provider an
-- attempt names (routing.calls and routing.attempts below: their models are held by their price
-- rows). No race with a decision or an attempt being written: the deleting statement first takes
-- a SHARE lock on routing.decisions (and for a provider on routing.attempts), which waits for
-- every transaction that wrote or is about to write one (route_model and
-- record_fail_open_completion take their ROW EXCLUSIVE lock before they read the catalog, the
-- recording statement of record_completion before its snapshot) and holds off new ones until the
-- delete commits; the check then sees them all.
create function routing._lock_decisions_for_catalog_change() returns trigger
language plpgsql
security definer  -- the service role may change the catalog; only the owner locks the audit table
set search_path = ''
as $$
begin
  lock table routing.decisions in share mode;
  if tg_table_name = 'providers' then
    lock table routing.attempts in share mode;
  end if;
  return null;
end
$$;
comment on function routing._lock_decisions_for_catalog_change() is
  'Trigger: before a catalog delete or rename, waits for the decisions (and for a provider the attempts) being written '
  '(routing._keep_decided_catalog sees them).';

create function routing._keep_decided_catalog() returns trigger
language plpgsql
security definer  -- reads routing.decisions, which the service role may not read in full
set search_path = ''
as $$
begin
  if tg_table_name = 'models' then
    if (tg_op = 'DELETE' or new.model is distinct from old.model) and exists (
         select 1 from routing.decisions d
         where d.model = old.model or d.shadow_model = old.model or d.baseline_model = old.model) then
      raise exception 'model % is named by routing.decisions: it cannot be deleted or renamed', old.model
        using errcode = '23503';
    end if;
  elsif tg_op = 'DELETE' or new.provider is distinct from old.provider then
    if exists (select 1 from routing.decisions d where d.provider = old.provider) then
      raise exception 'provider % is named by routing.decisions: it cannot be deleted or renamed', old.provider
        using errcode = '23503';
    end if;
    -- A call's provider is one of its attempts' (record_completion): the attempts answer for both.
    if exists (select 1 from routing.attempts a where a.provider = old.provider) then
      raise exception 'provider % is named by routing.attempts: it cannot be deleted or renamed', old.provider
        using errcode = '23503';
    end if;
  end if;
  return null;
end
$$;
comment on function routing._keep_decided_catalog() is
  'Trigger: refuses (23503) deleting or renaming a routing.models / routing.providers row that a decision names, or a '
  'provider an attempt names, as a foreign key would, without a check per decision or call.';

create trigger lock_decisions_for_catalog_change before delete or update of model on routing.models
  for each statement execute function routing._lock_decisions_for_catalog_change();
create trigger lock_decisions_for_catalog_change before delete or update of provider on routing.providers
  for each statement execute function routing._lock_decisions_for_catalog_change();
create trigger keep_decided_catalog after delete or update of model on routing.models
  for each row execute function routing._keep_decided_catalog();
create trigger keep_decided_catalog after delete or update of provider on routing.providers
  for each row execute function routing._keep_decided_catalog();
comment on trigger lock_decisions_for_catalog_change on routing.models is
  'Serializes a model delete or rename with the decisions being written (routing._keep_decided_catalog).';
comment on trigger lock_decisions_for_catalog_change on routing.providers is
  'Serializes a provider delete or rename with the decisions and attempts being written (routing._keep_decided_catalog).';
comment on trigger keep_decided_catalog on routing.models is 'A model a decision names is not deleted or renamed.';
comment on trigger keep_decided_catalog on routing.providers is 'A provider a decision or an attempt names is not deleted or renamed.';

-- -----------------------------------------------------------------------------
-- routing.calls and routing.attempts
-- -----------------------------------------------------------------------------
-- A call is recorded once per route-completion request, so what its insert maintains is kept to
-- what a reader needs. agent_id and baseline_model are copied from the call's decision, whose own
-- foreign key (to public.agents, restrict) and catalog trigger (routing._keep_decided_catalog)
-- already hold them: a second check per call (and the index an agent's delete would need for it)
-- would guard nothing more.
create table routing.calls (
  id uuid primary key default gen_random_uuid(),
  created_at timestamptz not null default now(),
  decision_id uuid not null references routing.decisions (id) on delete cascade,
  agent_id uuid not null,
  user_id uuid not null,
  execution_id text,
  status text not null check (status in ('succeeded', 'failed')),
  -- model and provider: those of one of the call's attempts (record_completion checks), so the
  -- attempts' rules below hold them.
  model text not null,
  provider text not null,
  fallback_used boolean not null default false,
  attempt_count integer not null check (attempt_count >= 1),
  input_tokens bigint not null default 0 check (input_tokens >= 0),
  output_tokens bigint not null default 0 check (output_tokens >= 0),
  cached_tokens bigint not null default 0 check (cached_tokens >= 0),
  cache_write_tokens bigint not null default 0 check (cache_write_tokens >= 0),
  cost_usd numeric not null default 0,
  baseline_model text not null,
  baseline_cost_usd numeric not null default 0,
  latency_ms integer check (latency_ms >= 0),
  warnings jsonb not null default '[]'::jsonb check (jsonb_typeof(warnings) = 'array')
);
comment on table routing.calls is 'One route-completion request: the model that answered (or last tried), tokens and exact cost vs the baseline.';
comment on column routing.calls.agent_id is 'The agent of the call''s decision (copied from it; the decision''s foreign key restricts its delete).';
comment on column routing.calls.baseline_model is 'The baseline model of the call''s decision (copied from it; the catalog row is kept by routing._keep_decided_catalog).';
comment on column routing.calls.warnings is
  'What the edge function adapted, dropped or clamped for this call (record_completion''s call.warnings): at most 50 '
  'strings of at most 500 characters.';
-- The indexes of routing.calls and who reads them (each is maintained by every call's insert):
--   calls_pkey (id)                 the attempts' and breaker events' foreign keys, _update_breakers;
--   calls_call_key_key (call_key)   record_completion's idempotency (ON CONFLICT), GET .../v1/calls/{call_key};
--   calls_created_at_idx            the savings alert's window (created_at > now() - window);
--   calls_decision_idx              the calls of a decision: cost per execution, cohort comparison, learning,
--                                   the cascade of a decision's delete;
--   calls_user_created_idx          a user's calls by time under RLS (user_id = auth.uid());
--   calls_utc_day_idx               the report views' day filter (reports migration). Kept beside
--                                   calls_created_at_idx although each insert maintains both (one WAL
--                                   record per call): a view's `where day = d` cannot become a created_at
--                                   range, and without it (no pg_cron rollups: every day live) each day
--                                   asked for would read every call (pgTAP 70_call_day_bounds).
-- No index by agent: nothing reads calls by agent (an agent's delete is refused by its decisions).
create index calls_created_at_idx on routing.calls (created_at);
create index calls_decision_idx on routing.calls (decision_id);
create index calls_user_created_idx on routing.calls (user_id, created_at);
comment on index routing.calls_created_at_idx is 'Calls by time: the savings alert''s window.';
comment on index routing.calls_decision_idx is 'The calls of a decision (cost per execution, cohort comparison).';
comment on index routing.calls_user_created_idx is 'A user''s calls by time (RLS).';

create table routing.attempts (
  id bigint generated always as identity primary key,
  created_at timestamptz not null default now(),
  call_id uuid not null references routing.calls (id) on delete cascade,
  user_id uuid not null,
  seq integer not null check (seq >= 1),
  -- No foreign keys to the catalog: every call and attempt would lock the same few shared catalog
  -- rows (one provider row for every tenant's calls), each check a query and a row lock. The names
  -- are checked when record_completion writes them, and kept afterwards by what the catalog allows:
  --   model     the catalog model of price_id (record_completion prices each attempt at its own
  --             model's price in force); routing.model_prices is history no one but the owner
  --             deletes or updates (its price rows stay), and its foreign key refuses deleting or
  --             renaming a model with prices;
  --   provider  routing._keep_decided_catalog refuses deleting or renaming a provider an attempt names;
  --   error_type routing.error_types is reference data only the owner (migrations) writes;
  --   price_id  a routing.model_prices row, never deleted (above).
  model text not null,
  provider text not null,
  http_status integer,
  error_type text,
  latency_ms integer check (latency_ms >= 0),
  input_tokens bigint not null default 0 check (input_tokens >= 0),
  output_tokens bigint not null default 0 check (output_tokens >= 0),
  cached_tokens bigint not null default 0 check (cached_tokens >= 0),
  cache_write_tokens bigint not null default 0 check (cache_write_tokens >= 0),
  price_id bigint,
  cost_usd numeric not null default 0,
  unique (call_id, seq)
);
comment on table routing.attempts is 'Every provider request inside a call: retries and fallbacks each add one.';
comment on column routing.attempts.error_type is 'Why the attempt failed: a routing.error_types row; null on success.';
-- Its indexes: attempts_pkey (id, the identity); attempts_call_id_seq_key (call_id, seq): a call's attempts
-- (the answer of a repeat, breakers, alerts, unavailable models) and the cascade of a call's delete;
-- attempts_created_provider_idx: the provider error-rate alert's window.
create index attempts_created_provider_idx on routing.attempts (created_at, provider);
comment on index routing.attempts_created_provider_idx is 'Attempts by time and provider: the provider error-rate window.';

-- -----------------------------------------------------------------------------
-- routing.executions: outcomes reported per execution (ROUTING-SPEC §6)
-- -----------------------------------------------------------------------------
create table routing.executions (
  agent_id uuid not null references public.agents (id) on delete restrict,
  execution_id text not null check (length(execution_id) between 1 and 200),
  user_id uuid not null,
  decision_id uuid references routing.decisions (id) on delete set null,
  succeeded boolean not null,
  tokens integer check (tokens >= 0),
  duration_ms integer check (duration_ms >= 0),
  recorded_at timestamptz not null default now(),
  primary key (agent_id, execution_id)
);
comment on table routing.executions is 'Execution outcomes; each updates the agent''s metrics once (idempotent per execution id).';
create index executions_recorded_at_idx on routing.executions (recorded_at);
create index executions_decision_idx on routing.executions (decision_id);
comment on index routing.executions_recorded_at_idx is 'Outcomes by time: the routed success and cost windows.';
comment on index routing.executions_decision_idx is 'The outcome of a decision.';

-- -----------------------------------------------------------------------------
-- Linking an outcome and its decision, whichever arrives first
-- -----------------------------------------------------------------------------
-- record_agent_execution links the decision it finds; an outcome reported
-- before its decision is linked when route_model writes the decision. Both
-- sides take one transaction lock per (agent_id, execution_id) before they
-- look, so two concurrent transactions cannot each miss the other's row: the
-- later one waits for the earlier to commit and then sees its row.
create function routing._lock_execution(agent_id uuid, execution_id text)
returns void
language plpgsql
set search_path = ''
as $$
begin
  -- plpgsql keeps its plans for the session; a SQL function (not inlinable with its SET) is planned in every transaction
  perform pg_catalog.pg_advisory_xact_lock(
    pg_catalog.hashtextextended('routing.executions:' || _lock_execution.agent_id::text || ':' || _lock_execution.execution_id, 0));
end
$$;
comment on function routing._lock_execution(uuid, text) is
  'Transaction lock on one (agent_id, execution_id): serializes writing its decision and its outcome, so each sees the other.';

create function routing._link_early_outcome()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  perform routing._lock_execution(new.agent_id, new.execution_id);
  -- The primary key (agent_id, execution_id) finds the outcome; only an unlinked one is set.
  update routing.executions e set decision_id = new.id
  where e.agent_id = new.agent_id and e.execution_id = new.execution_id and e.decision_id is null;
  return null;
end
$$;
comment on function routing._link_early_outcome() is
  'Trigger: a new decision for (agent_id, execution_id) links the outcome already reported for it (decision_id was null).';

create trigger link_early_outcome
  after insert on routing.decisions
  for each row when (new.execution_id is not null)
  execute function routing._link_early_outcome();
comment on trigger link_early_outcome on routing.decisions is
  'Links an execution outcome reported before its decision, in the decision''s transaction (route_model).';

create function routing._link_outcome_decision()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  perform routing._lock_execution(new.agent_id, new.execution_id);
  if new.decision_id is null then
    -- Under the lock: a decision committed meanwhile is visible now (unique (agent_id, execution_id)).
    select d.id into new.decision_id
    from routing.decisions d
    where d.agent_id = new.agent_id and d.execution_id = new.execution_id;
  end if;
  return new;
end
$$;
comment on function routing._link_outcome_decision() is
  'Trigger: an outcome without a decision_id takes the decision of its (agent_id, execution_id), looked up under the execution lock.';

create trigger link_outcome_decision
  before insert on routing.executions
  for each row execute function routing._link_outcome_decision();
comment on trigger link_outcome_decision on routing.executions is
  'Links a new outcome to its decision, seeing a decision committed by a concurrent route_model (routing._lock_execution).';

-- -----------------------------------------------------------------------------
-- Row level security: owners read their own rows; writes go through functions
-- -----------------------------------------------------------------------------
alter table routing.decisions enable row level security;
alter table routing.calls enable row level security;
alter table routing.attempts enable row level security;
alter table routing.executions enable row level security;

create policy "Owners can see their decisions" on routing.decisions
  for select to authenticated using (user_id = (select auth.uid()));
create policy "Owners can see their calls" on routing.calls
  for select to authenticated using (user_id = (select auth.uid()));
create policy "Owners can see their attempts" on routing.attempts
  for select to authenticated using (user_id = (select auth.uid()));
create policy "Owners can see their executions" on routing.executions
  for select to authenticated using (user_id = (select auth.uid()));

-- Append-only for every role but the owner: the API roles read; route_model, record_completion and
-- record_agent_execution (SECURITY DEFINER, owner) write. No UPDATE / DELETE / TRUNCATE for anyone else.
revoke all on routing.decisions, routing.calls, routing.attempts, routing.executions
  from public, anon, authenticated, service_role;
grant select on routing.decisions, routing.calls, routing.attempts, routing.executions to authenticated, service_role;
-- The linking triggers run as the writer (the owner's functions): nobody calls them directly.
revoke all on function routing._lock_execution(uuid, text) from public;
revoke all on function routing._link_early_outcome() from public;
revoke all on function routing._link_outcome_decision() from public;
revoke all on function routing._lock_decisions_for_catalog_change(), routing._keep_decided_catalog() from public;
