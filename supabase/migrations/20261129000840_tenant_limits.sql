-- =============================================================================
-- Per-tenant request rate and daily spend limits (issue 11: tenants cannot hurt each other)
-- =============================================================================
-- routing.config.tenant_requests_per_minute and tenant_daily_spend_usd (0 = no
-- limit) bound what one tenant (the user an agent belongs to: the decision's
-- user_id) can make the shared router do. route_model calls
-- routing._admit_tenant in its own transaction for every request, a replay of an
-- already decided execution included (each call of a multi-call execution is
-- one, and each is a provider call on the operator's keys: not counting them let
-- one execution_id make unlimited calls past both limits), before it answers:
--   * requests: one counter row per tenant per UTC minute, incremented under its
--     row lock (concurrent deciders of one tenant serialize on it); the request
--     that would exceed the limit is refused and, the transaction rolled back,
--     not counted. The tenant's earlier minutes are deleted on the way (by key):
--     a tenant holds one row;
--   * spend: one row per tenant per UTC day, kept up to date by a trigger on
--     routing.calls (record_completion's transaction: the recorded cost, once
--     per call row, by its difference when a row's cost changes); a decision is
--     refused once the day's recorded spend reaches the limit. The trigger is
--     enabled only while the limit is on (tenant_daily_spend_usd > 0): without a
--     limit nothing reads the counters, so a call does not pay for them (no
--     trigger call, no upsert, no lock on its tenant's row). Turning the limit on
--     enables it and rebuilds today's rows from routing.calls in the same
--     transaction, under the ALTER TABLE's lock on routing.calls (SHARE ROW
--     EXCLUSIVE: it waits for the calls being recorded and holds new ones until
--     it commits), so the day's spend is exact from the first decision it limits
--     (routing._set_tenant_spend_counting). Days before today are not rebuilt:
--     only today's row is ever read.
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
  'Recorded cost per tenant per UTC day, kept by a trigger on routing.calls while tenant_daily_spend_usd > 0 (today''s '
  'rows rebuilt when it is turned on); route_model refuses at tenant_daily_spend_usd.';
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
comment on trigger count_tenant_spend on routing.calls is
  'Keeps routing.tenant_daily_spend in the recording transaction; enabled only while tenant_daily_spend_usd > 0.';

-- -----------------------------------------------------------------------------
-- routing._set_tenant_spend_counting: the spend trigger on while the limit is on
-- -----------------------------------------------------------------------------
create function routing._set_tenant_spend_counting(counting boolean) returns void
language plpgsql volatile
set search_path = ''  -- runs as routing.calls' owner (ALTER TABLE): the config trigger (SECURITY DEFINER) or this migration
as $$
begin
  if not counting then
    alter table routing.calls disable trigger count_tenant_spend;
    return;
  end if;
  -- The lock of the ALTER (SHARE ROW EXCLUSIVE on routing.calls) waits for the transactions
  -- recording calls and holds off new ones until this one ends: each call of today is either in
  -- the rebuild below (committed before it) or counted by the trigger (recorded after).
  alter table routing.calls enable trigger count_tenant_spend;
  delete from routing.tenant_daily_spend s where s.day = (timezone('UTC', now()))::date;
  insert into routing.tenant_daily_spend (user_id, day, spend_usd, calls)
  select c.user_id, (timezone('UTC', c.created_at))::date, sum(c.cost_usd), count(*)
  from routing.calls c
  where (timezone('UTC', c.created_at))::date = (timezone('UTC', now()))::date
  group by c.user_id, (timezone('UTC', c.created_at))::date;
end
$$;
comment on function routing._set_tenant_spend_counting(boolean) is
  'Enables the spend trigger on routing.calls and rebuilds today''s routing.tenant_daily_spend from the calls (true), or '
  'disables it (false): the counters are kept only while routing.config.tenant_daily_spend_usd > 0.';

create function routing._follow_tenant_spend_limit() returns trigger
language plpgsql
security definer  -- the service role may update routing.config; the ALTER TABLE needs routing.calls' owner
set search_path = ''
as $$
begin
  if (new.tenant_daily_spend_usd > 0) is distinct from (old.tenant_daily_spend_usd > 0) then
    perform routing._set_tenant_spend_counting(new.tenant_daily_spend_usd > 0);
  end if;
  return null;
end
$$;
comment on function routing._follow_tenant_spend_limit() is
  'Trigger: turning routing.config.tenant_daily_spend_usd on (from 0) or off (to 0) turns the spend counting on or off.';

create trigger follow_tenant_spend_limit
  after update of tenant_daily_spend_usd on routing.config
  for each row execute function routing._follow_tenant_spend_limit();
comment on trigger follow_tenant_spend_limit on routing.config is
  'Counts the tenants'' daily spend only while a daily spend limit is set (routing._set_tenant_spend_counting).';

select routing._set_tenant_spend_counting(coalesce((select c.tenant_daily_spend_usd > 0 from routing.config c where c.id), false));

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
  'route_model''s per-tenant limits: counts the request (a decision or a replay) in the tenant''s UTC minute and refuses (RL429, COLUMN the setting, '
  'DETAIL retry_after_seconds=N) past tenant_requests_per_minute or once the day''s spend reached tenant_daily_spend_usd.';


-- -----------------------------------------------------------------------------
-- Row level security and privileges: the service role reads, only the owner's functions write
-- -----------------------------------------------------------------------------
alter table routing.tenant_request_counts enable row level security;
alter table routing.tenant_daily_spend enable row level security;
revoke all on routing.tenant_request_counts, routing.tenant_daily_spend from public, anon, authenticated, service_role;
grant select on routing.tenant_request_counts, routing.tenant_daily_spend to service_role;
revoke all on function routing._count_tenant_spend(), routing._admit_tenant(uuid),
  routing._set_tenant_spend_counting(boolean), routing._follow_tenant_spend_limit()
  from public;
