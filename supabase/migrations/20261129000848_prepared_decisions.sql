-- =============================================================================
-- Prepared decisions: route_model's answer per agent, kept until what it depends on changes
-- =============================================================================
-- Why (issue 12): a decision reads the config, the catalog, the providers, the breakers, the
-- env overrides and five rows about the agent, and runs the rules and adjustments (some forty
-- function entries). For a given agent, env and requested model the answer is the same from one
-- call to the next until one of those inputs changes, so route_model (next migration) keeps it
-- here and a call that finds it only checks the caller, reads one row, draws what is per
-- execution and writes the audit row. The rules stay where they are (routing._choose_model):
-- a prepared row is only ever the output of the full path, stored by it.
--
-- Freshness, by version numbers rather than deletes (a delete cannot see the row a concurrent
-- decider is about to commit; a version can): every change of an input bumps a version row in
-- its own transaction, and a prepared row is used only while the sums of the versions it was made
-- under are the current ones (versions only grow, so a sum changes whenever one of them does):
--   * routing.decision_inputs_version, one row per source: routing.config, routing.models,
--     routing.providers and routing.overridable_settings (one row each: rarely written), and
--     one row per provider of routing.provider_breakers, so that a breaker's version row is
--     locked in the order its breaker row is (record_completion locks breakers in provider
--     order; one shared row would make two recordings of different providers deadlock);
--   * routing.agent_decision_versions, one row per agent and source, as the rows they follow:
--     public.agents, public.agent_intensity_metrics, routing.agent_learning, and
--     routing.agent_model_records per model.
-- Row triggers: an UPDATE that matches nothing (a healthy call's breaker update) bumps nothing;
-- TRUNCATE of an input bumps the shared sum.
-- The full path reads both sums BEFORE it reads the inputs, so a row is never labelled with a
-- version newer than what it was computed from. What changes with time alone is bounded by
-- valid_until: the end of the agent's recent-failure window (rule 5, exploration), the next
-- retirement of an active model, the next end of a breaker cooldown. Not prepared at all: a
-- decision while a breaker's trial is claimable ('ready': claiming it is a write), and an
-- execution drawn to explore (the draw is per execution: routing._explore_bucket).

-- -----------------------------------------------------------------------------
-- The versions
-- -----------------------------------------------------------------------------
create table routing.decision_inputs_version (
  source text primary key,           -- config | models | providers | overridable_settings | breaker:<provider> | truncate
  version bigint not null default 0
);
comment on table routing.decision_inputs_version is
  'Per source of the shared inputs of a decision (config, catalog, providers, each breaker, overridable settings): bumped '
  'by every change; prepared decisions made under another sum of versions are not used.';

create table routing.agent_decision_versions (
  agent_id uuid not null,
  source text not null,              -- agents | metrics | learning | records:<model>
  version bigint not null default 0,
  primary key (agent_id, source)
);
comment on table routing.agent_decision_versions is
  'Per agent and source (no row = 0): bumped by every change of the agent, its metrics, its learned rung or a model''s '
  'track record; prepared decisions made under another sum are not used. No foreign key: it outlives a deleted agent harmlessly.';

create function routing._bump_decision_inputs() returns trigger
language plpgsql
security definer  -- the writers of the input tables (the service role too) may not write the versions
set search_path = ''
as $$
declare
  changed text := case when tg_level = 'STATEMENT' then 'truncate' else tg_table_name end;
begin
  -- Separate statements: a field of OLD / NEW is resolved only where it is read.
  if tg_table_name = 'provider_breakers' and tg_level = 'ROW' then
    changed := 'breaker:' || coalesce(new.provider, old.provider);
  end if;
  insert into routing.decision_inputs_version as v (source, version) values (changed, 1)
  on conflict on constraint decision_inputs_version_pkey do update set version = v.version + 1;
  return null;
end
$$;
comment on function routing._bump_decision_inputs() is
  'Trigger: a shared input of route_model changed; prepared decisions of the old versions are no longer used.';

create function routing._bump_agent_decision() returns trigger
language plpgsql
security definer  -- users write their agents and scores directly; the versions are not theirs to write
set search_path = ''
as $$
declare
  agent uuid;
  moved boolean;
  changed text := case tg_table_name when 'agents' then 'agents' when 'agent_intensity_metrics' then 'metrics'
                                    when 'agent_learning' then 'learning' end;
begin
  -- Separate statements: a field of OLD / NEW is resolved only where it is read.
  if tg_table_name = 'agents' then
    agent := old.id;  -- id is not updatable (column grants): one agent
  else
    agent := coalesce(new.agent_id, old.agent_id);
  end if;
  if tg_table_name = 'agent_model_records' then
    changed := 'records:' || coalesce(new.model, old.model);
  end if;
  insert into routing.agent_decision_versions as v (agent_id, source, version) values (agent, changed, 1)
  on conflict on constraint agent_decision_versions_pkey do update set version = v.version + 1;
  -- An update that moved the row (another agent, or another model's record) changed what it left too:
  -- that version is bumped as well.
  if tg_op = 'UPDATE' and tg_table_name <> 'agents' then
    moved := old.agent_id is distinct from new.agent_id;
    agent := old.agent_id;
    if tg_table_name = 'agent_model_records' then
      moved := moved or old.model is distinct from new.model;
      changed := 'records:' || old.model;
    end if;
    if moved then
      insert into routing.agent_decision_versions as v (agent_id, source, version) values (agent, changed, 1)
      on conflict on constraint agent_decision_versions_pkey do update set version = v.version + 1;
    end if;
  end if;
  if tg_table_name = 'agents' and tg_op = 'DELETE' then
    delete from routing.prepared_decisions p where p.agent_id = old.id;
  end if;
  return null;
end
$$;
comment on function routing._bump_agent_decision() is
  'Trigger: an agent, its metrics, learned rung or a model''s track record changed; its prepared decisions are no longer '
  'used (a deleted agent''s are deleted).';

-- Row triggers on the shared inputs: only rows that changed bump the version.
create trigger bump_decision_inputs after insert or update or delete on routing.config
  for each row execute function routing._bump_decision_inputs();
create trigger bump_decision_inputs after insert or update or delete on routing.models
  for each row execute function routing._bump_decision_inputs();
create trigger bump_decision_inputs after insert or update or delete on routing.providers
  for each row execute function routing._bump_decision_inputs();
create trigger bump_decision_inputs after insert or update or delete on routing.provider_breakers
  for each row execute function routing._bump_decision_inputs();
create trigger bump_decision_inputs after insert or update or delete on routing.overridable_settings
  for each row execute function routing._bump_decision_inputs();
comment on trigger bump_decision_inputs on routing.config is 'Prepared decisions follow config changes (routing.decision_inputs_version).';
comment on trigger bump_decision_inputs on routing.models is 'Prepared decisions follow catalog changes (routing.decision_inputs_version).';
comment on trigger bump_decision_inputs on routing.providers is 'Prepared decisions follow provider changes (routing.decision_inputs_version).';
comment on trigger bump_decision_inputs on routing.provider_breakers is
  'Prepared decisions follow breaker transitions (routing.decision_inputs_version); a healthy call writes no breaker row.';
comment on trigger bump_decision_inputs on routing.overridable_settings is
  'Prepared decisions follow the env overrides'' definitions (routing.decision_inputs_version).';

create trigger bump_agent_decision after update or delete on public.agents
  for each row execute function routing._bump_agent_decision();
create trigger bump_agent_decision after insert or update or delete on public.agent_intensity_metrics
  for each row execute function routing._bump_agent_decision();
create trigger bump_agent_decision after insert or update or delete on routing.agent_learning
  for each row execute function routing._bump_agent_decision();
create trigger bump_agent_decision after insert or update or delete on routing.agent_model_records
  for each row execute function routing._bump_agent_decision();
comment on trigger bump_agent_decision on public.agents is 'The agent''s prepared decisions follow its changes (routing.agent_decision_versions).';
comment on trigger bump_agent_decision on public.agent_intensity_metrics is
  'The agent''s prepared decisions follow its metrics (routing.agent_decision_versions).';
comment on trigger bump_agent_decision on routing.agent_learning is
  'The agent''s prepared decisions follow its learned rung (routing.agent_decision_versions).';
comment on trigger bump_agent_decision on routing.agent_model_records is
  'The agent''s prepared decisions follow its track record (routing.agent_decision_versions).';

-- TRUNCATE has no rows: any input truncated bumps the shared version (which every prepared row carries).
-- One statement trigger per input table, the shared ones and the per-agent ones alike.
do $$
declare
  input regclass;
begin
  foreach input in array array['routing.config', 'routing.models', 'routing.providers', 'routing.provider_breakers',
                               'routing.overridable_settings', 'public.agents', 'public.agent_intensity_metrics',
                               'routing.agent_learning', 'routing.agent_model_records']::regclass[] loop
    execute format('create trigger bump_decision_inputs_on_truncate after truncate on %s
                      for each statement execute function routing._bump_decision_inputs()', input);
    execute format('comment on trigger bump_decision_inputs_on_truncate on %s is %L', input,
                   'A truncated input invalidates every prepared decision.');
  end loop;
end
$$;

-- -----------------------------------------------------------------------------
-- routing.prepared_decisions
-- -----------------------------------------------------------------------------
create table routing.prepared_decisions (
  agent_id uuid not null,
  env_key text not null,             -- '' without env overrides, else md5 of the trusted caller's env
  requested_key text not null,       -- '' when the router decides, else 'model:' || the requested catalog model
  inputs_version bigint not null,    -- sum of routing.decision_inputs_version when it was computed
  agent_version bigint not null,     -- sum of the agent's routing.agent_decision_versions then
  valid_until timestamptz not null,  -- what changes with time alone (see the header)
  user_id uuid not null,             -- the agent's owner: route_model's ownership check
  tenant_limited boolean not null,   -- a tenant limit is configured: routing._admit_tenant runs
  explore_model text,                -- the cheaper rung an execution may draw (routing._choose_model)
  explore_percentage integer not null,
  -- The routing.decisions columns to write (besides agent_id, user_id, execution_id and the defaults).
  -- Columns, not a routing.decisions value: a column of its row type would block changes to that table.
  model text not null,
  provider text not null,
  tier text,
  reason text not null,
  reasoning text not null,
  cohort text not null,
  intensity_score numeric(4, 2),
  success_rate numeric(5, 2),
  total_executions integer,
  shadow_model text,
  shadow_reason text,
  baseline_model text not null,
  fallback_chain text[] not null,
  adjustments jsonb not null,
  warnings jsonb not null,
  routing_enabled boolean not null,
  -- The answer (docs/architecture.md) without decision_id, execution_id and created_at.
  answer jsonb not null,
  primary key (agent_id, env_key, requested_key)
);
comment on table routing.prepared_decisions is
  'route_model''s lone-call decision per agent x env x requested model, with its answer, used while its versions are '
  'current and before valid_until (header of this migration); written and read only by route_model.';

alter table routing.decision_inputs_version enable row level security;
alter table routing.agent_decision_versions enable row level security;
alter table routing.prepared_decisions enable row level security;
-- Owner only: route_model and the version triggers (SECURITY DEFINER, as the owner).
revoke all on routing.decision_inputs_version, routing.agent_decision_versions, routing.prepared_decisions
  from public, anon, authenticated, service_role;
revoke all on function routing._bump_decision_inputs(), routing._bump_agent_decision() from public;
