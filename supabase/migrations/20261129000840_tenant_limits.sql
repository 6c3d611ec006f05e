-- =============================================================================
-- Per-tenant request rate and daily spend limits (issue 11: tenants cannot hurt each other)
-- =============================================================================
-- routing.config.tenant_requests_per_minute and tenant_daily_spend_usd (0 = no
-- limit) bound what one tenant (the user an agent belongs to: the decision's
-- user_id) can make the shared router do. route_model calls
-- routing._admit_tenant in its own transaction, after a replay of an already
-- decided execution (never refused) and before it writes the decision:
--   * requests: one counter row per tenant per UTC minute, incremented under its
--     row lock (concurrent deciders of one tenant serialize on it); the request
--     that would exceed the limit is refused and, the transaction rolled back,
--     not counted. The tenant's earlier minutes are deleted on the way (by key):
--     a tenant holds one row;
--   * spend: one row per tenant per UTC day, kept up to date by a trigger on
--     routing.calls (record_completion's transaction: the recorded cost, once
--     per call row, by its difference when a row's cost changes); a decision is
--     refused once the day's recorded spend reaches the limit.
-- No history is scanned. A refusal raises SQLSTATE RL429 with a stable message,
-- COLUMN the config setting that refused, and DETAIL `retry_after_seconds=N`
-- (to the next minute, or to the next UTC midnight): the edge function answers
-- HTTP 429 in OpenAI's shape with a retry-after header.

-- -----------------------------------------------------------------------------
-- routing.tenant_request_counts / routing.tenant_daily_spend
-- -----------------------------------------------------------------------------
create table routing.tenant_request_counts (
  user_id uuid not null,
  minute timestamptz not null,
  requests integer not null check (requests >= 0),
  primary key (user_id, minute)
);
comment on table routing.tenant_request_counts is
  'Decisions made per tenant in its current UTC minute (routing._admit_tenant); earlier minutes are deleted as it goes.';
comment on column routing.tenant_request_counts.user_id is 'The tenant: the user the agents belong to.';
comment on column routing.tenant_request_counts.minute is 'The UTC minute counted (date_trunc(''minute'', now())).';
comment on column routing.tenant_request_counts.requests is 'Decisions route_model made for the tenant in that minute.';

create table routing.tenant_daily_spend (
  user_id uuid not null,
  day date not null,
  spend_usd numeric not null default 0,
  calls integer not null default 0 check (calls >= 0),
  primary key (user_id, day)
);
comment on table routing.tenant_daily_spend is
  'Recorded cost per tenant per UTC day, kept by a trigger on routing.calls; route_model refuses at tenant_daily_spend_usd.';
comment on column routing.tenant_daily_spend.user_id is 'The tenant: the user the calls were made for.';
comment on column routing.tenant_daily_spend.day is 'The UTC day of the calls'' created_at.';
comment on column routing.tenant_daily_spend.spend_usd is 'Sum of routing.calls.cost_usd of the tenant that day.';
comment on column routing.tenant_daily_spend.calls is 'Calls recorded for the tenant that day.';

-- -----------------------------------------------------------------------------
-- routing._count_tenant_spend: the trigger on routing.calls
-- -----------------------------------------------------------------------------
create function routing._count_tenant_spend() returns trigger
language plpgsql
set search_path = ''  -- runs as whoever records calls: record_completion's owner (or the owner)
as $$
begin
  if tg_op = 'UPDATE' and new.cost_usd is not distinct from old.cost_usd
     and new.user_id = old.user_id and new.created_at = old.created_at then
    return null;
  end if;
  if tg_op = 'UPDATE' then
    update routing.tenant_daily_spend s
       set spend_usd = s.spend_usd - old.cost_usd, calls = greatest(s.calls - 1, 0)
     where s.user_id = old.user_id and s.day = (timezone('UTC', old.created_at))::date;
  end if;
  insert into routing.tenant_daily_spend as s (user_id, day, spend_usd, calls)
  values (new.user_id, (timezone('UTC', new.created_at))::date, new.cost_usd, 1)
  on conflict (user_id, day) do update set spend_usd = s.spend_usd + excluded.spend_usd, calls = s.calls + 1;
  return null;
end
$$;
comment on function routing._count_tenant_spend() is
  'Trigger: adds a recorded call''s cost to its tenant''s UTC day in routing.tenant_daily_spend (a changed cost by its difference).';

create trigger count_tenant_spend
  after insert or update of cost_usd, user_id, created_at on routing.calls
  for each row execute function routing._count_tenant_spend();
comment on trigger count_tenant_spend on routing.calls is 'Keeps routing.tenant_daily_spend in the recording transaction.';

-- -----------------------------------------------------------------------------
-- routing._admit_tenant: route_model's limit check
-- -----------------------------------------------------------------------------
create function routing._admit_tenant(tenant_id uuid) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  cfg routing.config;
  this_minute timestamptz := date_trunc('minute', now());
  used integer;
  spent numeric;
begin
  select * into cfg from routing.config c where c.id;
  if coalesce(cfg.tenant_daily_spend_usd, 0) > 0 then
    select s.spend_usd into spent from routing.tenant_daily_spend s
    where s.user_id = _admit_tenant.tenant_id and s.day = (timezone('UTC', now()))::date;
    if coalesce(spent, 0) >= cfg.tenant_daily_spend_usd then
      raise exception 'route_model: the tenant''s daily spend limit is reached (routing.config.tenant_daily_spend_usd)'
        using errcode = 'RL429', column = 'tenant_daily_spend_usd',
              detail = format('retry_after_seconds=%s',
                greatest(1, ceil(extract(epoch from (date_trunc('day', timezone('UTC', now())) + interval '1 day'
                                                    - timezone('UTC', now())))))::integer);
    end if;
  end if;
  if coalesce(cfg.tenant_requests_per_minute, 0) > 0 then
    insert into routing.tenant_request_counts as r (user_id, minute, requests)
    values (_admit_tenant.tenant_id, this_minute, 1)
    on conflict (user_id, minute) do update set requests = r.requests + 1
    returning r.requests into used;
    if used = 1 then
      delete from routing.tenant_request_counts r where r.user_id = _admit_tenant.tenant_id and r.minute < this_minute;
    end if;
    if used > cfg.tenant_requests_per_minute then
      -- The transaction rolls back: the refused request is not counted.
      raise exception 'route_model: the tenant''s request rate limit is reached (routing.config.tenant_requests_per_minute)'
        using errcode = 'RL429', column = 'tenant_requests_per_minute',
              detail = format('retry_after_seconds=%s',
                greatest(1, ceil(extract(epoch from (this_minute + interval '1 minute' - now())))::integer));
    end if;
  end if;
end
$$;
comment on function routing._admit_tenant(uuid) is
  'route_model''s per-tenant limits: counts the decision in the tenant''s UTC minute and refuses (RL429, COLUMN the setting, '
  'DETAIL retry_after_seconds=N) past tenant_requests_per_minute or once the day''s spend reached tenant_daily_spend_usd.';

create function routing._release_tenant_request(tenant_id uuid) returns void
language sql volatile
set search_path = ''
as $$
  update routing.tenant_request_counts r set requests = r.requests - 1
  where r.user_id = _release_tenant_request.tenant_id and r.minute = date_trunc('minute', now()) and r.requests > 0
$$;
comment on function routing._release_tenant_request(uuid) is
  'Uncounts a decision route_model did not make after all (a concurrent call decided the execution first: a replay).';

-- -----------------------------------------------------------------------------
-- Row level security and privileges: the service role reads, only the owner's functions write
-- -----------------------------------------------------------------------------
alter table routing.tenant_request_counts enable row level security;
alter table routing.tenant_daily_spend enable row level security;
revoke all on routing.tenant_request_counts, routing.tenant_daily_spend from public, anon, authenticated, service_role;
grant select on routing.tenant_request_counts, routing.tenant_daily_spend to service_role;
revoke all on function routing._count_tenant_spend(), routing._admit_tenant(uuid), routing._release_tenant_request(uuid)
  from public;
