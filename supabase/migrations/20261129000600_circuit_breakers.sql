-- =============================================================================
-- Circuit breakers, one per provider (ROUTING-SPEC §5)
-- =============================================================================
-- Shared by every function instance, so the state lives here. Healthy calls do
-- not write: a row changes only on an availability failure or a recovery.

create table routing.provider_breakers (
  provider text primary key check (provider in ('openai', 'anthropic')),
  state text not null default 'closed' check (state in ('closed', 'open', 'half_open')),
  consecutive_failures integer not null default 0 check (consecutive_failures >= 0),
  opened_at timestamptz,
  -- When the one half-open trial call was let through.
  trial_started_at timestamptz,
  last_failure_at timestamptz,
  last_error_type text,
  updated_at timestamptz not null default now()
);
comment on table routing.provider_breakers is 'Per-provider circuit: closed -> open after N availability failures -> half-open after the cooldown -> closed or open.';

insert into routing.provider_breakers (provider) values ('openai'), ('anthropic');

alter table routing.provider_breakers enable row level security;
revoke all on routing.provider_breakers from public, anon, authenticated;
grant all on routing.provider_breakers to service_role;
