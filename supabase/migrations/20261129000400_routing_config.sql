-- =============================================================================
-- Routing configuration (ROUTING-SPEC §3) and its audit
-- =============================================================================
-- One row, the source of truth, changed with SQL and effective on the next
-- call. Environment variables read by the edge function override it per call.
-- Every change is audited by trigger: who, when, old -> new.

-- -----------------------------------------------------------------------------
-- routing.config
-- -----------------------------------------------------------------------------
create table routing.config (
  id boolean primary key default true check (id),
  -- Safe default: routing off until an operator enables it.
  enabled boolean not null default false,
  rollout_percentage integer not null default 100 check (rollout_percentage between 0 and 100),
  -- Changing the salt reshuffles every agent's rollout bucket.
  rollout_salt text not null default 'model-router-v1',
  force_model text references routing.models (model),
  force_provider text check (force_provider in ('openai', 'anthropic')),
  anthropic_enabled boolean not null default true,
  openai_mini_enabled boolean not null default true,
  -- Tier thresholds are inclusive upper bounds: score <= low_threshold is low.
  low_threshold numeric(4, 2) not null default 3.9 check (low_threshold between 0 and 10),
  medium_threshold numeric(4, 2) not null default 6.9 check (medium_threshold between 0 and 10),
  min_executions integer not null default 3 check (min_executions >= 0),
  min_success_rate numeric(5, 2) not null default 85 check (min_success_rate between 0 and 100),
  failure_upgrade_count integer not null default 3 check (failure_upgrade_count >= 1),
  failure_upgrade_minutes integer not null default 60 check (failure_upgrade_minutes >= 1),
  baseline_model text not null default 'gpt-4o' references routing.models (model),
  premium_model text not null default 'gpt-4o' references routing.models (model),
  new_agent_model text not null default 'gpt-4o-mini' references routing.models (model),
  low_model text not null default 'gpt-4o-mini' references routing.models (model),
  medium_model text not null default 'claude-3-haiku' references routing.models (model),
  high_model text not null default 'gpt-4o' references routing.models (model),
  -- What replaces a model whose provider (or, for gpt-4o-mini, whose flag) is disabled.
  anthropic_substitute_model text not null default 'gpt-4o-mini' references routing.models (model),
  openai_mini_substitute_model text not null default 'gpt-4o' references routing.models (model),
  -- Fallback chains by primary model; "*" is the default for any model not listed.
  fallback_chains jsonb not null default '{"*": ["gpt-4o"], "gpt-4o": []}'::jsonb
    check (jsonb_typeof(fallback_chains) = 'object'),
  max_retries integer not null default 2 check (max_retries between 0 and 10),
  breaker_failure_threshold integer not null default 5 check (breaker_failure_threshold >= 1),
  breaker_cooldown_seconds integer not null default 60 check (breaker_cooldown_seconds >= 1),
  log_level text not null default 'info' check (log_level in ('debug', 'info', 'warn', 'error')),
  -- Auto-rollback (§7): set by the alert evaluation, cleared only by an operator.
  rollback_tripped_at timestamptz,
  rollback_reason text,
  updated_at timestamptz not null default now(),
  updated_by text not null default current_user,
  constraint thresholds_in_order check (low_threshold <= medium_threshold)
);
comment on table routing.config is 'The one routing configuration row (ROUTING-SPEC §3); edit with SQL, effective on the next call.';
comment on column routing.config.enabled is 'Routing on/off; environment ENABLE_INTELLIGENT_ROUTING overrides it; a rollback trip beats both.';
comment on column routing.config.rollout_percentage is 'Share of agents (by sticky bucket) that are routed; the rest are the control cohort.';
comment on column routing.config.rollback_tripped_at is 'Set when an alert tripped the automatic rollback; routing stays off until an operator clears it.';

insert into routing.config (id) values (true);

-- -----------------------------------------------------------------------------
-- routing.config_changes: who changed what, when
-- -----------------------------------------------------------------------------
create table routing.config_changes (
  id bigint generated always as identity primary key,
  changed_at timestamptz not null default now(),
  changed_by text not null,
  old_values jsonb not null,
  new_values jsonb not null
);
comment on table routing.config_changes is 'Audit of every change to routing.config: only the changed keys, old -> new.';
create index config_changes_changed_at_idx on routing.config_changes (changed_at);

create function routing._actor() returns text
language sql stable
set search_path = ''
as $$
  -- The JWT's user (email, else id), else the JWT role, else the database user.
  select coalesce(auth.jwt() ->> 'email', auth.uid()::text, auth.role(), session_user::text)
$$;
comment on function routing._actor() is 'Who is acting, for audit rows: JWT email or sub, else JWT role, else the database user.';

create function routing._audit_config_change() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  old_json jsonb := to_jsonb(old) - 'updated_at' - 'updated_by';
  new_json jsonb := to_jsonb(new) - 'updated_at' - 'updated_by';
  changed_old jsonb;
  changed_new jsonb;
begin
  select coalesce(jsonb_object_agg(o.key, o.value), '{}'), coalesce(jsonb_object_agg(o.key, new_json -> o.key), '{}')
    into changed_old, changed_new
  from jsonb_each(old_json) o
  where o.value is distinct from new_json -> o.key;
  if changed_old = '{}'::jsonb then
    return new;
  end if;
  new.updated_at := now();
  new.updated_by := routing._actor();
  insert into routing.config_changes (changed_by, old_values, new_values)
  values (new.updated_by, changed_old, changed_new);
  return new;
end
$$;
comment on function routing._audit_config_change() is 'Trigger: stamps and audits every effective change of routing.config.';

create trigger audit_config_change
  before update on routing.config
  for each row execute function routing._audit_config_change();

alter table routing.config enable row level security;
alter table routing.config_changes enable row level security;
-- Callers never read the config directly; they get decisions. Only the service role.
revoke all on routing.config, routing.config_changes from public, anon, authenticated;
grant all on routing.config, routing.config_changes to service_role;
revoke all on function routing._actor() from public;
-- The audit trigger runs as whoever updates the config (the service role included).
grant execute on function routing._actor() to service_role;
revoke all on function routing._audit_config_change() from public;
