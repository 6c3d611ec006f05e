-- =============================================================================
-- Alerts and automatic rollback (ROUTING-SPEC §7; plan §7.2, §9.3)
-- =============================================================================
-- What is done with the readings of the previous migration.
-- Where they are evaluated:
--   * record_agent_execution -> routing._after_execution_recorded: counts the
--     outcome (routing.outcome_counters) when its execution has calls recorded by
--     record_completion, and then, for a routed or control outcome, the routed
--     success rule. A breach trips the rollback in the same transaction, so the
--     very next route_model answers `routing_disabled`.
--   * record_completion -> routing._after_call_recorded: the error rule of each
--     provider that failed an attempt of the call (only a failure raises a rate),
--     and the model_unavailable rule when an attempt found its model not served
--     (record_completion marked it first: routing._mark_models_unavailable).
--   * public.evaluate_routing_alerts(): every rule, on demand and every minute by
--     pg_cron where the extension exists. Only this evaluation measures the cost
--     and savings rules and resolves a provider alert (the call hook looks at
--     failures only); clear_model_unavailable resolves model_unavailable.
-- The hooks write routing.alert_states only on a transition (ok <-> firing), so
-- no row becomes a hot spot; the evaluation refreshes every value.
-- A trip sets routing.config.rollback_tripped_at / rollback_reason (route_model
-- then answers the baseline whatever the environment says) and is cleared only
-- by public.clear_routing_rollback(note). Trips, clears, fires and resolves are
-- rows of routing.alert_events with their figures.

-- -----------------------------------------------------------------------------
-- routing.alert_states: the current state of each alert
-- -----------------------------------------------------------------------------
create table routing.alert_states (
  alert text primary key,
  rule text not null check (rule in ('auto_rollback', 'routed_success_rate', 'provider_error_rate', 'cost_per_execution',
                                    'cost_savings_below_target', 'model_unavailable')),
  provider text,
  state text not null default 'ok' check (state in ('ok', 'firing')),
  value numeric,
  sample bigint not null default 0,
  threshold numeric,
  comparator text check (comparator in ('below', 'above')),
  window_minutes integer,
  min_sample integer,
  action text not null default 'notify' check (action in ('rollback', 'notify')),
  message text,
  since timestamptz not null default now(),
  evaluated_at timestamptz
);
comment on table routing.alert_states is
  'Current state of each alert (ok / firing since when) with the figures of its last evaluation. The row auto_rollback '
  'mirrors routing.config.rollback_tripped_at. Hooks write only on a transition; evaluate_routing_alerts refreshes all.';
comment on column routing.alert_states.since is 'When the current state began.';
comment on column routing.alert_states.evaluated_at is 'When value and sample were last measured.';

insert into routing.alert_states (alert, rule, provider, action, comparator, message) values
  ('auto_rollback', 'auto_rollback', null, 'rollback', null, 'not tripped'),
  ('routed_success_rate', 'routed_success_rate', null, 'rollback', 'below', 'not evaluated yet'),
  ('cost_per_execution', 'cost_per_execution', null, 'notify', 'above', 'not evaluated yet'),
  ('cost_savings_below_target', 'cost_savings_below_target', null, 'notify', 'below', 'not evaluated yet'),
  ('model_unavailable', 'model_unavailable', null, 'notify', 'above', 'not evaluated yet');
insert into routing.alert_states (alert, rule, provider, action, comparator, message)
select 'provider_error_rate:' || b.provider, 'provider_error_rate', b.provider, 'notify', 'above', 'not evaluated yet'
from routing.provider_breakers b;

-- -----------------------------------------------------------------------------
-- routing.alert_events: trips, clears, fires and resolves, with their figures
-- -----------------------------------------------------------------------------
create table routing.alert_events (
  id bigint generated always as identity primary key,
  created_at timestamptz not null default now(),
  kind text not null check (kind in ('trip', 'clear', 'fire', 'resolve')),
  alert text not null,
  value numeric,
  sample bigint,
  threshold numeric,
  window_minutes integer,
  reason text not null,
  figures jsonb not null default '{}'::jsonb,
  actor text not null
);
comment on table routing.alert_events is
  'Audit of alerts: fire / resolve (a state change), trip (the automatic rollback, with the figures that tripped it) '
  'and clear (an operator''s clear_routing_rollback, with the note).';
comment on column routing.alert_events.actor is 'alert-evaluator / auto-rollback for automatic events; the operator (JWT email or role, else database user) for a clear.';
create index alert_events_created_at_idx on routing.alert_events (created_at);
comment on index routing.alert_events_created_at_idx is 'The alert audit by time.';

-- -----------------------------------------------------------------------------
-- routing.alert_status: a row of public.routing_alerts
-- -----------------------------------------------------------------------------
create type routing.alert_status as (
  day date,
  alert text,
  state text,
  value numeric,
  threshold numeric,
  "window" interval,
  since timestamptz,
  rule text,
  provider text,
  comparator text,
  sample bigint,
  min_sample integer,
  action text,
  message text,
  evaluated_at timestamptz
);
comment on type routing.alert_status is 'A row of public.routing_alerts (same columns, same order): an alert''s current state and the figures of its last evaluation.';

-- -----------------------------------------------------------------------------
-- State transitions and the trip
-- -----------------------------------------------------------------------------
create function routing._record_alert_reading(r routing.alert_reading, refresh boolean, source text)
returns text
language plpgsql volatile
set search_path = ''
as $$
declare
  current_state text;
  new_state text := case when r.breached then 'firing' else 'ok' end;
  kind text;
begin
  select s.state into current_state from routing.alert_states s where s.alert = r.alert;
  if not found then
    insert into routing.alert_states (alert, rule, provider, action, comparator)
    values (r.alert, r.rule, r.provider, r.action, r.comparator)
    on conflict (alert) do nothing;
    current_state := 'ok';
  end if;

  if current_state is distinct from new_state then
    -- The state changes: one writer wins the row (the where clause is rechecked under its lock).
    update routing.alert_states s
       set state = new_state, since = now(), value = r.value, sample = r.sample, threshold = r.threshold,
           comparator = r.comparator, window_minutes = r.window_minutes, min_sample = r.min_sample,
           action = r.action, message = r.message, evaluated_at = now()
     where s.alert = r.alert and s.state is distinct from new_state;
    if found then
      kind := case new_state when 'firing' then 'fire' else 'resolve' end;
      insert into routing.alert_events (kind, alert, value, sample, threshold, window_minutes, reason, figures, actor)
      values (kind, r.alert, r.value, r.sample, r.threshold, r.window_minutes, r.message,
              r.figures || jsonb_build_object('source', source, 'comparator', r.comparator, 'min_sample', r.min_sample),
              'alert-evaluator');
      return kind;
    end if;
  elsif refresh then
    update routing.alert_states s
       set value = r.value, sample = r.sample, threshold = r.threshold, comparator = r.comparator,
           window_minutes = r.window_minutes, min_sample = r.min_sample, action = r.action,
           message = r.message, evaluated_at = now()
     where s.alert = r.alert;
  end if;
  return null;
end
$$;
comment on function routing._record_alert_reading(routing.alert_reading, boolean, text) is
  'Applies a reading to routing.alert_states: on a transition writes the state and a fire / resolve event and returns its kind; '
  'otherwise writes only when refresh is true (the periodic evaluation), so hooks do not rewrite a hot row.';

create function routing._trip_rollback(r routing.alert_reading, source text)
returns boolean
language plpgsql volatile
set search_path = ''
as $$
declare
  tripped timestamptz;
  reason text := 'auto-rollback: ' || r.message;
begin
  -- Only the first breach trips; concurrent ones find rollback_tripped_at set under the row lock.
  update routing.config c
     set rollback_tripped_at = now(), rollback_reason = reason
   where c.id and c.rollback_tripped_at is null
  returning c.rollback_tripped_at into tripped;
  if tripped is null then
    return false;
  end if;
  insert into routing.alert_events (kind, alert, value, sample, threshold, window_minutes, reason, figures, actor)
  values ('trip', r.alert, r.value, r.sample, r.threshold, r.window_minutes, reason,
          r.figures || jsonb_build_object('source', source, 'triggered_by', routing._actor(), 'tripped_at', tripped),
          'auto-rollback');
  update routing.alert_states s
     set state = 'firing', since = tripped, value = r.value, sample = r.sample, threshold = r.threshold,
         comparator = r.comparator, window_minutes = r.window_minutes, min_sample = r.min_sample,
         message = reason, evaluated_at = now()
   where s.alert = 'auto_rollback';
  return true;
end
$$;
comment on function routing._trip_rollback(routing.alert_reading, text) is
  'Trips the automatic rollback once: sets routing.config.rollback_tripped_at / rollback_reason (audited by its trigger) and logs a trip event with the figures.';

create function routing._evaluate_alerts(source text)
returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  cfg routing.config;
  r routing.alert_reading;
begin
  select c.* into cfg from routing.config c where c.id;
  for r in
    select * from routing._read_routed_success_rate(cfg)
    union all select * from routing._read_provider_error_rates(cfg)
    union all select * from routing._read_cost_per_execution(cfg)
    union all select * from routing._read_cost_savings(cfg)
    union all select * from routing._read_models_unavailable()
  loop
    perform routing._record_alert_reading(r, true, source);
    if r.breached and r.action = 'rollback' and cfg.rollback_tripped_at is null then
      perform routing._trip_rollback(r, source);
    end if;
  end loop;
  -- The counters outlive any window (at most a day) by a day, then go.
  delete from routing.outcome_counters o where o.bucket < now() - interval '2 days';
  -- The auto_rollback row follows routing.config (also when it was edited by hand).
  select c.* into cfg from routing.config c where c.id;
  update routing.alert_states s
     set state = case when cfg.rollback_tripped_at is null then 'ok' else 'firing' end,
         since = case when (cfg.rollback_tripped_at is null) = (s.state = 'ok') then s.since
                      else coalesce(cfg.rollback_tripped_at, now()) end,
         action = case when cfg.auto_rollback_enabled then 'rollback' else 'notify' end,
         message = coalesce(cfg.rollback_reason, case when cfg.rollback_tripped_at is null then 'not tripped' else 'tripped' end),
         evaluated_at = now()
   where s.alert = 'auto_rollback';
end
$$;
comment on function routing._evaluate_alerts(text) is 'Measures every rule, records transitions and fresh figures, trips the rollback on a routed success breach.';

-- -----------------------------------------------------------------------------
-- The recording hooks: alert evaluation inside record_agent_execution / record_completion
-- -----------------------------------------------------------------------------
create function routing._after_execution_recorded(execution routing.executions) returns void
language plpgsql
set search_path = ''
as $$
declare
  cohort text;
  cfg routing.config;
  r routing.alert_reading;
begin
  -- Evidence for the global guard: a routed decision whose calls the trusted record_completion recorded
  -- (calls_decision_idx). A user's direct RPCs without a provider call count for their own agents only.
  if execution.decision_id is null
     or not exists (select 1 from routing.calls c where c.decision_id = execution.decision_id) then
    return;
  end if;
  select d.cohort into cohort from routing.decisions d where d.id = execution.decision_id;
  select c.* into cfg from routing.config c where c.id;
  perform routing._count_outcome(execution, cohort, cfg);
  -- Only routed and control outcomes can move the routed success rule.
  if cohort not in ('routed', 'control') then
    return;
  end if;
  r := routing._read_routed_success_rate(cfg);
  perform routing._record_alert_reading(r, false, 'record_agent_execution');
  if r.breached and r.action = 'rollback' and cfg.rollback_tripped_at is null then
    perform routing._trip_rollback(r, 'record_agent_execution');
  end if;
end
$$;
comment on function routing._after_execution_recorded(routing.executions) is
  'HOOK of record_agent_execution (same transaction): an outcome whose execution has trusted calls is counted per minute, '
  'cohort and tenant; a routed or control one then measures the routed success rule from the counters and trips the '
  'automatic rollback on a breach. Index lookups and the window''s counter rows only.';

create function routing._after_call_recorded(call routing.calls) returns void
language plpgsql
set search_path = ''
as $$
declare
  failed text[];
  cfg routing.config;
  r routing.alert_reading;
begin
  -- Only a failed attempt can raise a provider's error rate: a healthy call costs one indexed probe.
  select array_agg(distinct a.provider) into failed
  from routing.attempts a
  join routing.error_types et on et.error_type = a.error_type
  where a.call_id = $1.id
    and not et.caller_fault;
  if failed is null then
    return;
  end if;
  select c.* into cfg from routing.config c where c.id;
  for r in select * from routing._read_provider_error_rates(cfg, failed) loop
    perform routing._record_alert_reading(r, false, 'record_completion');
  end loop;
  -- A model the provider no longer serves (record_completion has marked it): model_unavailable fires.
  if exists (select 1 from routing.attempts a where a.call_id = $1.id and a.error_type = 'model_unavailable') then
    perform routing._record_alert_reading(routing._read_models_unavailable(), false, 'record_completion');
  end if;
end
$$;
comment on function routing._after_call_recorded(routing.calls) is
  'HOOK of record_completion (same transaction): for each provider that failed an attempt of the call, measures its error '
  'rate over its window and fires its alert on a breach; fires model_unavailable when an attempt found its model not served.';

-- -----------------------------------------------------------------------------
-- public.routing_alerts and public.evaluate_routing_alerts()
-- -----------------------------------------------------------------------------
create view public.routing_alerts with (security_invoker = true) as
select (timezone('UTC', s.since))::date as day,
       s.alert, s.state, s.value, s.threshold, make_interval(mins => s.window_minutes) as "window", s.since,
       s.rule, s.provider, s.comparator, s.sample, s.min_sample, s.action, s.message, s.evaluated_at
from routing.alert_states s;
comment on view public.routing_alerts is
  'Current alert states (ok / firing since when) with the figures of their last evaluation (evaluated_at). Global figures: '
  'the service role sees them; a signed-in user sees no row (RLS); anon may not select.';
comment on column public.routing_alerts.day is 'UTC date of since (the start of the current state).';
comment on column public.routing_alerts.alert is
  'auto_rollback, routed_success_rate, provider_error_rate:<provider>, cost_per_execution, cost_savings_below_target or model_unavailable.';
comment on column public.routing_alerts.value is
  '% for the rates and the savings, USD per execution for the cost, the number of unavailable models; null without a sample.';
comment on column public.routing_alerts."window" is 'The window the value was measured over (quote it: "window").';
comment on column public.routing_alerts.action is 'rollback: a breach trips the automatic rollback; notify: alert only.';

create function public.evaluate_routing_alerts()
returns setof routing.alert_status
language plpgsql volatile
security definer  -- writes routing.alert_states / alert_events / config, which API roles cannot
set search_path = ''
as $$
begin
  perform routing._require_operator('evaluate_routing_alerts');
  perform routing._evaluate_alerts('evaluate_routing_alerts');
  -- The view's rows, as its owner sees them (all of them).
  return query
  select a.* from public.routing_alerts a
  order by case a.rule when 'auto_rollback' then 0 when 'routed_success_rate' then 1 when 'provider_error_rate' then 2
                      when 'cost_per_execution' then 3 when 'cost_savings_below_target' then 4 else 5 end, a.alert;
end
$$;
comment on function public.evaluate_routing_alerts() is
  'Evaluates every alert rule now (recording transitions, tripping the rollback on a routed success breach) and returns '
  'the alert states. Service role / owner only (42501). Scheduled every minute by pg_cron where available.';

-- -----------------------------------------------------------------------------
-- pg_cron: every minute, only where the extension exists (not locally)
-- -----------------------------------------------------------------------------
select routing._schedule_where_cron('routing-evaluate-alerts', '* * * * *', 'select count(*) from public.evaluate_routing_alerts()');

-- -----------------------------------------------------------------------------
-- Row level security and privileges
-- -----------------------------------------------------------------------------
alter table routing.alert_states enable row level security;
alter table routing.alert_events enable row level security;
-- Alert figures are global (every tenant's traffic): no policy for authenticated, so a
-- signed-in user reading public.routing_alerts gets no row; the service role bypasses RLS.
revoke all on routing.alert_states, routing.alert_events from public, anon, authenticated, service_role;
grant select on routing.alert_states to authenticated;
grant select on routing.alert_states, routing.alert_events to service_role;

revoke all on public.routing_alerts from public, anon, authenticated, service_role;
grant select on public.routing_alerts to authenticated, service_role;

revoke all on function routing._record_alert_reading(routing.alert_reading, boolean, text) from public;
revoke all on function routing._trip_rollback(routing.alert_reading, text) from public;
revoke all on function routing._evaluate_alerts(text) from public;
revoke all on function routing._after_execution_recorded(routing.executions) from public;
revoke all on function routing._after_call_recorded(routing.calls) from public;
revoke all on function public.evaluate_routing_alerts() from public, anon, authenticated, service_role;
grant execute on function public.evaluate_routing_alerts() to service_role;
