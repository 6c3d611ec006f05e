-- =============================================================================
-- Agents and their intensity metrics (AIS)
-- =============================================================================
-- The application's own tables, in `public` because callers use them directly.
-- The AIS scores come from the existing scoring system; a user may set them.
-- The track record (executions, success, failures) is written only by
-- public.record_agent_execution. Two triggers on public.agents: a preference
-- must name 'premium' or an active model, and every preference change is
-- audited in routing.agent_preference_changes (operators and owners alike).
-- An agent's id is always gen_random_uuid(): no API role may choose it (its
-- rollout bucket derives from it, and a chosen id that collides would tell a
-- tenant that another tenant's agent exists). Deleting a user deletes their
-- agents, unless an agent has history (decisions, calls, outcomes, preference
-- changes): those foreign keys restrict, so the delete is refused.

-- -----------------------------------------------------------------------------
-- public.agents
-- -----------------------------------------------------------------------------
create table public.agents (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  name text not null check (length(name) between 1 and 200),
  -- null: let the router decide; 'premium': the premium model; else a catalog model
  -- (checked by routing._validate_agent_row, since 'premium' is not a catalog row).
  model_preference text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.agents is 'Saved automations owned by a user; each execution is routed to a model.';
comment on column public.agents.model_preference is 'null = routed; ''premium'' = the premium model; else a model of routing.models.';
create index agents_user_id_idx on public.agents (user_id);
comment on index public.agents_user_id_idx is 'A user''s agents (RLS: user_id = auth.uid()).';

-- -----------------------------------------------------------------------------
-- public.agent_intensity_metrics
-- -----------------------------------------------------------------------------
create table public.agent_intensity_metrics (
  agent_id uuid primary key references public.agents (id) on delete cascade,
  combined_score numeric(4, 2) constraint combined_score_between_0_and_10 check (combined_score between 0 and 10),
  execution_score numeric(4, 2) constraint execution_score_between_0_and_10 check (execution_score between 0 and 10),
  creation_score numeric(4, 2) constraint creation_score_between_0_and_10 check (creation_score between 0 and 10),
  total_executions integer not null default 0 constraint total_executions_not_negative check (total_executions >= 0),
  successful_executions integer not null default 0
    constraint successful_executions_within_total check (successful_executions between 0 and total_executions),
  success_rate numeric(5, 2) not null default 100 constraint success_rate_between_0_and_100 check (success_rate between 0 and 100),
  avg_tokens_per_execution numeric(14, 2) not null default 0 constraint avg_tokens_not_negative check (avg_tokens_per_execution >= 0),
  avg_execution_time_ms numeric(14, 2) not null default 0 constraint avg_time_not_negative check (avg_execution_time_ms >= 0),
  plugin_count integer not null default 0 constraint plugin_count_not_negative check (plugin_count >= 0),
  consecutive_failures integer not null default 0 constraint consecutive_failures_not_negative check (consecutive_failures >= 0),
  last_failure_at timestamptz,
  last_execution_at timestamptz,
  updated_at timestamptz not null default now(),
  -- Tokens and duration are optional per execution, so each running average has its own count
  -- of reported values. null = unknown (a row written before these counts or by hand): every
  -- past execution is then assumed to have reported a value, so a seeded average keeps its weight.
  tokens_samples integer constraint tokens_samples_not_negative check (tokens_samples >= 0),
  duration_samples integer constraint duration_samples_not_negative check (duration_samples >= 0)
);
comment on table public.agent_intensity_metrics is 'AIS complexity scores (from the scoring system) and the track record (from record_agent_execution).';
comment on column public.agent_intensity_metrics.combined_score is 'Overall complexity 0-10: 30% creation + 70% execution score.';
comment on column public.agent_intensity_metrics.success_rate is 'successful_executions / total_executions x 100.';
comment on column public.agent_intensity_metrics.consecutive_failures is 'Failures since the last success; reset by a success.';
comment on column public.agent_intensity_metrics.tokens_samples is
  'Executions that reported tokens (weight of avg_tokens_per_execution); null = assume total_executions.';
comment on column public.agent_intensity_metrics.duration_samples is
  'Executions that reported a duration (weight of avg_execution_time_ms); null = assume total_executions.';

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
-- routing.agent_preference_changes: who changed an agent's model preference
-- -----------------------------------------------------------------------------
create table routing.agent_preference_changes (
  id bigint generated always as identity primary key,
  changed_at timestamptz not null default now(),
  agent_id uuid not null references public.agents (id) on delete restrict,
  user_id uuid not null,
  changed_by text not null,
  old_preference text,
  new_preference text
);
comment on table routing.agent_preference_changes is 'Audit of public.agents.model_preference changes: who, when, old -> new (operators and owners alike).';
create index agent_preference_changes_agent_idx on routing.agent_preference_changes (agent_id, changed_at);
comment on index routing.agent_preference_changes_agent_idx is 'An agent''s preference history by time.';

create function routing._audit_agent_preference()
returns trigger
language plpgsql
security definer  -- owners update their agents directly; the audit table is not theirs to write
set search_path = ''
as $$
begin
  if new.model_preference is distinct from old.model_preference then
    insert into routing.agent_preference_changes (agent_id, user_id, changed_by, old_preference, new_preference)
    values (new.id, new.user_id, routing._actor(), old.model_preference, new.model_preference);
  end if;
  return null;
end
$$;
comment on function routing._audit_agent_preference() is 'Trigger: logs every effective change of agents.model_preference in routing.agent_preference_changes.';

create trigger audit_agent_preference
  after update of model_preference on public.agents
  for each row execute function routing._audit_agent_preference();
comment on trigger audit_agent_preference on public.agents is 'Audits model_preference changes (routing.agent_preference_changes).';

-- -----------------------------------------------------------------------------
-- Row level security: a user sees and changes only their own agents and sees their audit
-- -----------------------------------------------------------------------------
alter table public.agents enable row level security;
alter table public.agent_intensity_metrics enable row level security;

create policy "Owners can see their agents" on public.agents
  for select to authenticated using (user_id = (select auth.uid()));
create policy "Owners can create their agents" on public.agents
  for insert to authenticated with check (user_id = (select auth.uid()));
create policy "Owners can update their agents" on public.agents
  for update to authenticated using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
-- No delete for users: an agent's decisions, calls and outcomes are the audit trail and feed
-- everyone's reports and alerts. The service role may delete an agent without history; with
-- history the foreign keys of the audit tables restrict (23503) and nothing is deleted.

create policy "Owners can see their agents' metrics" on public.agent_intensity_metrics
  for select to authenticated
  using (exists (select 1 from public.agents a where a.id = agent_id and a.user_id = (select auth.uid())));
create policy "Owners can set their agents' scores" on public.agent_intensity_metrics
  for insert to authenticated
  with check (exists (select 1 from public.agents a where a.id = agent_id and a.user_id = (select auth.uid())));
create policy "Owners can update their agents' scores" on public.agent_intensity_metrics
  for update to authenticated
  using (exists (select 1 from public.agents a where a.id = agent_id and a.user_id = (select auth.uid())))
  with check (exists (select 1 from public.agents a where a.id = agent_id and a.user_id = (select auth.uid())));

-- Supabase grants everything on public to the API roles by default; narrow it.
revoke all on public.agents, public.agent_intensity_metrics from anon, authenticated, service_role;
-- Column grants: nobody but the owner chooses an id (always gen_random_uuid()), moves an agent to
-- another user or writes its timestamps. Users create, rename and set the preference (RLS: their own).
grant select, insert (user_id, name, model_preference), update (name, model_preference)
  on public.agents to authenticated;
grant select, insert (user_id, name, model_preference), update (name, model_preference), delete
  on public.agents to service_role;
-- Users set the AIS scores (spec §6); the track record (executions, success, failures) is written
-- only by record_agent_execution, so a user cannot talk their agents out of the safety rules.
grant select on public.agent_intensity_metrics to authenticated;
grant insert (agent_id, combined_score, execution_score, creation_score, plugin_count),
      update (combined_score, execution_score, creation_score, plugin_count)
  on public.agent_intensity_metrics to authenticated;
grant all on public.agent_intensity_metrics to service_role;

alter table routing.agent_preference_changes enable row level security;
create policy "Owners can see their agents' preference changes" on routing.agent_preference_changes
  for select to authenticated using (user_id = (select auth.uid()));
-- Append-only for every role but the owner: the audit trigger (SECURITY DEFINER) writes it.
revoke all on routing.agent_preference_changes from public, anon, authenticated, service_role;
grant select on routing.agent_preference_changes to authenticated, service_role;

-- The triggers run as the writer (the preference audit as its owner): nobody calls them directly.
revoke all on function routing._validate_agent_row() from public;
revoke all on function routing._audit_agent_preference() from public;
