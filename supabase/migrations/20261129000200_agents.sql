-- =============================================================================
-- Agents and their intensity metrics (AIS)
-- =============================================================================
-- The application's own tables, in `public` because callers use them directly.
-- The AIS scores come from the existing scoring system; a user may set them.

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
  updated_at timestamptz not null default now()
);
comment on table public.agent_intensity_metrics is 'AIS complexity scores (from the scoring system) and the track record (from record_agent_execution).';
comment on column public.agent_intensity_metrics.combined_score is 'Overall complexity 0-10: 30% creation + 70% execution score.';
comment on column public.agent_intensity_metrics.success_rate is 'successful_executions / total_executions x 100.';
comment on column public.agent_intensity_metrics.consecutive_failures is 'Failures since the last success; reset by a success.';

-- -----------------------------------------------------------------------------
-- Row level security: a user sees and changes only their own agents
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
-- everyone's reports and alerts; deleting an agent (which cascades) is the service role's call.

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
revoke all on public.agents, public.agent_intensity_metrics from anon, authenticated;
grant select, insert, update on public.agents to authenticated;
-- Users set the AIS scores (spec §6); the track record (executions, success, failures) is written
-- only by record_agent_execution, so a user cannot talk their agents out of the safety rules.
grant select on public.agent_intensity_metrics to authenticated;
grant insert (agent_id, combined_score, execution_score, creation_score, plugin_count),
      update (combined_score, execution_score, creation_score, plugin_count)
  on public.agent_intensity_metrics to authenticated;
grant all on public.agents, public.agent_intensity_metrics to service_role;
