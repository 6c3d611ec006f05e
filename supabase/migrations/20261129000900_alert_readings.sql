-- =============================================================================
-- Alert readings: what each alert rule measures (ROUTING-SPEC §7; plan §7.2, §9.3)
-- =============================================================================
-- Five rules. Their thresholds are columns of routing.config (one line to
-- change each, audited by its trigger like every other setting):
--   routed_success_rate  the ROUTED cohort's success over alert_success_window_minutes
--                        (15), judged on EVIDENCE (spec §7, §10): it breaches when the
--                        alert_success_confidence (0.99) upper bound of the counted
--                        window (routing.success_bound) is below alert_success_rate_min
--                        (95%), or below the control cohort's lower bound minus
--                        alert_control_margin (3 points) where a control cohort
--                        reported, with at least alert_success_min_executions (30)
--                        counted: fires and TRIPS the automatic rollback (unless
--                        auto_rollback_enabled is false: then it only fires).
--   provider_error_rate  per provider: failed attempts (any error type that is not
--                        the caller's fault in routing.error_types) / attempts above
--                        alert_provider_error_rate_max (10%) over 5 min, >= 20 attempts.
--   cost_per_execution   cost of all calls of the executions recorded in the last
--                        60 min / those executions above $0.05, >= 20 executions
--                        (executions with calls recorded by record_completion only).
--   cost_savings_below_target  savings of the ROUTED cohort's calls (baseline cost vs
--                        actual) below alert_savings_min_pct (50%) over
--                        alert_savings_window_minutes (60), >= alert_savings_min_calls
--                        (20) calls: notify only (plan §7.2), so a silent failover to
--                        a dearer model is seen even when its cause is new.
--   model_unavailable    any catalog model marked unavailable (record_completion saw
--                        the provider no longer serve it): firing until an operator
--                        clears every one (public.clear_model_unavailable).
--
-- Evidence one tenant cannot forge (routed_success_rate):
--   * an outcome counts only when its execution has calls recorded by
--     record_completion (trusted callers only): a user's direct route_model +
--     record_agent_execution, with no provider call, moves that user's own agents
--     (learning) but not the global guard; one outcome per execution (the
--     primary key of routing.executions);
--   * per cohort, each tenant (user) weighs at most as much as the second largest
--     one (its counts scaled down to that size); then, with three or more tenants,
--     the tenant whose removal raises the judged rate most (the failing end) AND
--     the one whose removal lowers it most (the succeeding end) are left out, with
--     two tenants the one at the failing end (for control: the succeeding end).
--     So one tenant can neither trip the rollback for everyone with fabricated
--     failures (left out at the failing end) nor mask the others' breach with
--     fabricated successes (left out at the succeeding end). A window with a single tenant is judged only when no other
--     tenant has counted outcomes of the cohort in routing.outcome_counters (kept
--     two days: a one-team project, nobody else's evidence to forge); in a shared
--     project one tenant alone in a quiet window decides nothing, and its own
--     agents are still moved by their outcomes (learning).
--   * incremental: routing.outcome_counters holds per-minute counts by cohort and
--     tenant, one upsert per counted outcome; the reading sums at most
--     (window + 1) minutes x tenants rows, never the outcomes themselves.
-- The other readings are an index range scan of their window only
-- (attempts_created_provider_idx, executions_recorded_at_idx with calls_decision_idx
-- lookups). What is done with a reading (states, events, the trip) is in the
-- next migration.

-- -----------------------------------------------------------------------------
-- routing.outcome_counters: counted outcomes per minute, cohort and tenant
-- -----------------------------------------------------------------------------
create table routing.outcome_counters (
  bucket timestamptz not null,
  cohort text not null check (cohort in ('forced', 'disabled', 'control', 'routed')),
  user_id uuid not null,
  executions integer not null default 0 constraint executions_not_negative check (executions >= 0),
  successes integer not null default 0 constraint successes_within_executions check (successes between 0 and executions),
  primary key (bucket, cohort, user_id)
);
comment on table routing.outcome_counters is
  'Outcomes that count for the global guard (their execution has calls recorded by record_completion), per minute, cohort '
  'and tenant; written by record_agent_execution''s hook, read by the routed success rule. Buckets older than two days are '
  'pruned by evaluate_routing_alerts.';
create index outcome_counters_cohort_user_idx on routing.outcome_counters (cohort, user_id);
comment on index routing.outcome_counters_cohort_user_idx is
  'The first and last tenant of a cohort (two index probes): whether a lone tenant in a window is the only one that reported.';
comment on column routing.outcome_counters.bucket is
  'The minute (date_trunc) of the outcomes, or the time of the last rollback clear when that is later, so a window that '
  'restarts at a clear leaves out what came before it in the same minute.';

create function routing._count_outcome(execution routing.executions, cohort text, cfg routing.config)
returns void
language sql volatile
set search_path = ''
as $$
  insert into routing.outcome_counters as o (bucket, cohort, user_id, executions, successes)
  values (greatest(date_trunc('minute', now()), coalesce(cfg.rollback_cleared_at, '-infinity')), cohort, execution.user_id,
          1, case when execution.succeeded then 1 else 0 end)
  on conflict on constraint outcome_counters_pkey do update
    set executions = o.executions + 1, successes = o.successes + excluded.successes
$$;
comment on function routing._count_outcome(routing.executions, text, routing.config) is
  'Adds one counted outcome to its minute, cohort and tenant in routing.outcome_counters (one upsert).';

-- -----------------------------------------------------------------------------
-- routing._window_evidence: one cohort's counted window under the tenant rule
-- -----------------------------------------------------------------------------
create type routing.window_evidence as (
  executions numeric,          -- judged (capped, one tenant left out)
  successes numeric,
  raw_executions bigint,       -- every counted outcome of the window
  raw_successes bigint,
  tenants integer,
  capped_at numeric,           -- the second largest tenant's executions: nobody weighs more (null: one tenant)
  left_out uuid,               -- the tenant left out at leave_out's end (null: one tenant)
  left_out_executions bigint,
  also_left_out uuid,          -- with three or more tenants, the one left out at the other end
  also_left_out_executions bigint,
  lone_tenant_unjudged boolean -- one tenant alone in the window while others reported in the cohort: nothing judged
);
comment on type routing.window_evidence is 'A cohort''s counted outcomes over a window, raw and as judged under the tenant rule.';

create function routing._window_evidence(window_start timestamptz, cohort text, leave_out text)
returns routing.window_evidence
language plpgsql stable
set search_path = ''
set plan_cache_mode = force_custom_plan
as $$
declare
  w routing.window_evidence;
begin
  -- A custom plan on every call (plan_cache_mode): window_start is a plain value when the query is planned,
  -- so the primary key's range on bucket is used; a generic plan would guess a third of the table.
  with t as (
    select o.user_id, sum(o.executions)::numeric as n, sum(o.successes)::numeric as s
    from routing.outcome_counters o
    where o.bucket >= window_start and o.cohort = _window_evidence.cohort
    group by o.user_id
  ), cap as (
    select (select t.n from t order by t.n desc offset 1 limit 1) as second
  ), weighted as (
    select t.user_id, t.n, t.s,
           least(t.n, coalesce(cap.second, t.n)) as wn,
           t.s * least(t.n, coalesce(cap.second, t.n)) / t.n as ws
    from t, cap
    where t.n > 0
  ), k as (
    select count(*) as tenants, sum(x.wn) as wn, sum(x.ws) as ws from weighted x
  ), influence as (
    -- Each tenant's pull on the judged rate: the rate of the others without it. The failing end is the tenant
    -- whose removal raises the rate most, the succeeding end the one whose removal lowers it most.
    select x.user_id, x.n, (k.ws - x.ws) / nullif(k.wn - x.wn, 0) as others_rate
    from weighted x, k
  ), out as (
    -- The end leave_out names, from two tenants on.
    select i.user_id from influence i, k
    where k.tenants >= 2
    order by case leave_out when 'failures' then i.others_rate else -i.others_rate end desc, i.n desc, i.user_id
    limit 1
  ), also_out as (
    -- The other end, from three tenants on.
    select i.user_id from influence i, k
    where k.tenants >= 3 and i.user_id <> (select user_id from out)
    order by case leave_out when 'failures' then -i.others_rate else i.others_rate end desc, i.n desc, i.user_id
    limit 1
  ), lone as (
    -- One tenant alone: judged only when no other tenant reported in this cohort (the counters' first and
    -- last tenant are the same one, two index probes): a one-team project.
    select k.tenants = 1
           and (select o.user_id from routing.outcome_counters o where o.cohort = _window_evidence.cohort
                order by o.user_id limit 1)
               is distinct from
               (select o.user_id from routing.outcome_counters o where o.cohort = _window_evidence.cohort
                order by o.user_id desc limit 1) as unjudged
    from k
  ), judged as (
    select x.* from weighted x, lone
    where not lone.unjudged
      and x.user_id is distinct from (select user_id from out)
      and x.user_id is distinct from (select user_id from also_out)
  )
  select coalesce((select sum(j.wn) from judged j), 0), coalesce((select sum(j.ws) from judged j), 0),
         coalesce(sum(x.n), 0)::bigint, coalesce(sum(x.s), 0)::bigint, count(*)::integer,
         (select second from cap), (select user_id from out),
         (sum(x.n) filter (where x.user_id = (select user_id from out)))::bigint,
         (select user_id from also_out),
         (sum(x.n) filter (where x.user_id = (select user_id from also_out)))::bigint,
         (select unjudged from lone)
    into w.executions, w.successes, w.raw_executions, w.raw_successes, w.tenants, w.capped_at, w.left_out, w.left_out_executions,
         w.also_left_out, w.also_left_out_executions, w.lone_tenant_unjudged
  from weighted x;
  return w;
end
$$;
comment on function routing._window_evidence(timestamptz, text, text) is
  'A cohort''s counted outcomes since window_start (routing.outcome_counters) under the tenant rule: each tenant capped at '
  'the second largest tenant''s executions; with two tenants the one whose removal raises the rate most (leave_out = '
  'failures) or lowers it most (leave_out = successes) left out, with three or more also the one at the other end; a lone '
  'tenant judged only when no other tenant has counted outcomes of the cohort (routing.outcome_counters).';

-- -----------------------------------------------------------------------------
-- routing.alert_reading
-- -----------------------------------------------------------------------------
create type routing.alert_reading as (
  alert text,            -- routed_success_rate | provider_error_rate:<provider> | cost_per_execution
                         -- | cost_savings_below_target | model_unavailable
  rule text,
  provider text,
  comparator text,       -- below | above: the direction that breaches
  value numeric,         -- the figure (%, or USD per execution); null without a sample
  sample bigint,         -- executions or attempts in the window
  threshold numeric,
  window_minutes integer,
  min_sample integer,
  breached boolean,      -- sample >= min_sample and value beyond the threshold
  action text,           -- rollback | notify
  message text,
  figures jsonb
);
comment on type routing.alert_reading is 'One rule measured over its window now: the value, the sample, the threshold and whether it is breached.';

-- -----------------------------------------------------------------------------
-- Readings: one windowed range scan each, fields set by name
-- -----------------------------------------------------------------------------
create function routing._read_routed_success_rate(cfg routing.config)
returns routing.alert_reading
language plpgsql stable
set search_path = ''
as $$
declare
  -- Whole minutes (the counters' buckets), not before the last clear.
  window_start timestamptz := greatest(date_trunc('minute', now() - make_interval(mins => cfg.alert_success_window_minutes)),
                                       coalesce(cfg.rollback_cleared_at, '-infinity'));
  routed routing.window_evidence := routing._window_evidence(window_start, 'routed', 'failures');
  control routing.window_evidence := routing._window_evidence(window_start, 'control', 'successes');
  upper numeric := routing.success_bound(routed.successes, routed.executions, cfg.alert_success_confidence, 'upper');
  control_lower numeric := routing.success_bound(control.successes, control.executions, cfg.alert_success_confidence, 'lower');
  rate numeric := 100.0 * routed.successes / nullif(routed.executions, 0);
  judged boolean := routed.executions >= cfg.alert_success_min_executions;
  below_min boolean := judged and upper < cfg.alert_success_rate_min;
  below_control boolean := judged and control.executions >= cfg.alert_success_min_executions
                           and upper < control_lower - cfg.alert_control_margin;
  pct text := trim_scale(round(cfg.alert_success_confidence * 100, 2))::text;
  r routing.alert_reading;
begin
  r.alert := 'routed_success_rate';
  r.rule := 'routed_success_rate';
  r.comparator := 'below';
  r.value := round(rate, 2);
  r.sample := round(routed.executions);
  r.threshold := cfg.alert_success_rate_min;
  r.window_minutes := cfg.alert_success_window_minutes;
  r.min_sample := cfg.alert_success_min_executions;
  r.breached := coalesce(below_min or below_control, false);
  r.action := case when cfg.auto_rollback_enabled then 'rollback' else 'notify' end;
  r.message := format('routed success rate %s%% over %s min (%s of %s counted executions succeeded; %s%% upper bound %s%%; '
                      'trips below %s%%%s, judged from %s executions)',
                      coalesce(round(rate, 2)::text, '-'), cfg.alert_success_window_minutes,
                      trim_scale(round(routed.successes, 2)), trim_scale(round(routed.executions, 2)), pct,
                      trim_scale(round(upper, 2)), cfg.alert_success_rate_min,
                      case when control.executions >= cfg.alert_success_min_executions
                           then format(' or %s points under control''s lower bound %s%%', trim_scale(cfg.alert_control_margin),
                                       trim_scale(round(control_lower, 2))) else '' end,
                      cfg.alert_success_min_executions);
  r.figures := jsonb_build_object(
    'executions', trim_scale(round(routed.executions, 4)), 'succeeded', trim_scale(round(routed.successes, 4)),
    'failed', trim_scale(round(routed.executions - routed.successes, 4)),
    'upper_bound', trim_scale(upper), 'confidence', trim_scale(cfg.alert_success_confidence),
    'breach', case when below_min then 'threshold' when below_control then 'control' end,
    'counted_executions', routed.raw_executions, 'counted_succeeded', routed.raw_successes,
    'tenants', routed.tenants, 'capped_at', routed.capped_at, 'left_out_tenant', routed.left_out,
    'left_out_executions', routed.left_out_executions, 'also_left_out_tenant', routed.also_left_out,
    'also_left_out_executions', routed.also_left_out_executions, 'lone_tenant_unjudged', routed.lone_tenant_unjudged,
    'control', jsonb_build_object('executions', trim_scale(round(control.executions, 4)),
                                  'succeeded', trim_scale(round(control.successes, 4)),
                                  'lower_bound', trim_scale(control_lower), 'margin', trim_scale(cfg.alert_control_margin)),
    'window_start', window_start);
  return r;
end
$$;
comment on function routing._read_routed_success_rate(routing.config) is
  'The routed cohort''s success over the window (whole minutes, not before the last rollback clear) from '
  'routing.outcome_counters under the tenant rule; breached when its upper bound is below alert_success_rate_min, or below '
  'the control cohort''s lower bound minus alert_control_margin, with alert_success_min_executions judged.';

create function routing._read_provider_error_rates(cfg routing.config, providers text[] default null)
returns setof routing.alert_reading
language plpgsql stable
set search_path = ''
as $$
declare
  window_start timestamptz := now() - make_interval(mins => cfg.alert_provider_window_minutes);
  a record;
  r routing.alert_reading;
begin
  for a in
    select b.provider, t.n, t.failed, t.error_types
    from routing.provider_breakers b
    cross join lateral (
      select coalesce(sum(x.n), 0)::bigint as n,
             -- A failure is any error type that is not the caller's own fault.
             coalesce(sum(x.n) filter (where et.caller_fault is false), 0)::bigint as failed,
             coalesce(jsonb_object_agg(x.error_type, x.n) filter (where x.error_type is not null), '{}'::jsonb) as error_types
      from (
        select att.error_type, count(*) as n
        from routing.attempts att
        where att.created_at > window_start
          and att.provider = b.provider
        group by att.error_type
      ) x
      left join routing.error_types et on et.error_type = x.error_type
    ) t
    where providers is null or b.provider = any (providers)
    order by b.provider
  loop
    r := null;
    r.alert := 'provider_error_rate:' || a.provider;
    r.rule := 'provider_error_rate';
    r.provider := a.provider;
    r.comparator := 'above';
    r.value := round(100.0 * a.failed / nullif(a.n, 0), 2);
    r.sample := a.n;
    r.threshold := cfg.alert_provider_error_rate_max;
    r.window_minutes := cfg.alert_provider_window_minutes;
    r.min_sample := cfg.alert_provider_min_attempts;
    r.breached := coalesce(a.n >= cfg.alert_provider_min_attempts
                           and 100.0 * a.failed / nullif(a.n, 0) > cfg.alert_provider_error_rate_max, false);
    r.action := 'notify';
    r.message := format('%s error rate %s%% over %s min (%s of %s attempts failed; fires above %s%%, judged from %s attempts)',
                        a.provider, coalesce(round(100.0 * a.failed / nullif(a.n, 0), 2)::text, '-'),
                        cfg.alert_provider_window_minutes, a.failed, a.n, cfg.alert_provider_error_rate_max,
                        cfg.alert_provider_min_attempts);
    r.figures := jsonb_build_object('attempts', a.n, 'failed', a.failed, 'error_types', a.error_types);
    return next r;
  end loop;
end
$$;
comment on function routing._read_provider_error_rates(routing.config, text[]) is
  'Each provider''s error rate over the window: attempts failed with an error type that is not the caller''s fault (routing.error_types) / attempts.';

create function routing._read_cost_per_execution(cfg routing.config)
returns routing.alert_reading
language plpgsql stable
set search_path = ''
as $$
declare
  window_start timestamptz := now() - make_interval(mins => cfg.alert_cost_window_minutes);
  n bigint;
  cost numeric;
  per_execution numeric;
  r routing.alert_reading;
begin
  -- Only executions with calls recorded by record_completion (trusted): a user's direct route_model +
  -- record_agent_execution, with no provider call, would otherwise dilute the figure at no cost.
  select count(*), coalesce(sum(k.cost), 0) into n, cost
  from routing.executions e
  cross join lateral (select sum(c.cost_usd) as cost from routing.calls c where c.decision_id = e.decision_id) k
  where e.recorded_at > window_start
    and e.decision_id is not null
    and k.cost is not null;
  per_execution := cost / nullif(n, 0);
  r.alert := 'cost_per_execution';
  r.rule := 'cost_per_execution';
  r.comparator := 'above';
  r.value := trim_scale(round(per_execution, 10));
  r.sample := n;
  r.threshold := cfg.alert_cost_per_execution_max;
  r.window_minutes := cfg.alert_cost_window_minutes;
  r.min_sample := cfg.alert_cost_min_executions;
  r.breached := coalesce(n >= cfg.alert_cost_min_executions and per_execution > cfg.alert_cost_per_execution_max, false);
  r.action := 'notify';
  r.message := format('cost per execution $%s over %s min ($%s for %s executions; fires above $%s, judged from %s executions)',
                      coalesce(trim_scale(round(per_execution, 6))::text, '-'), cfg.alert_cost_window_minutes,
                      trim_scale(cost), n, trim_scale(cfg.alert_cost_per_execution_max), cfg.alert_cost_min_executions);
  r.figures := jsonb_build_object('executions', n, 'cost_usd', trim_scale(cost));
  return r;
end
$$;
comment on function routing._read_cost_per_execution(routing.config) is
  'Cost of all calls of the executions recorded in the window / those executions (all cohorts; executions with at least '
  'one call recorded by record_completion), in exact USD.';

create function routing._read_cost_savings(cfg routing.config)
returns routing.alert_reading
language plpgsql stable
set search_path = ''
as $$
declare
  window_start timestamptz := now() - make_interval(mins => cfg.alert_savings_window_minutes);
  n bigint;
  actual numeric;
  baseline numeric;
  pct numeric;
  r routing.alert_reading;
begin
  select count(*), coalesce(sum(c.cost_usd), 0), coalesce(sum(c.baseline_cost_usd), 0) into n, actual, baseline
  from routing.calls c
  join routing.decisions d on d.id = c.decision_id
  where c.created_at > window_start
    and d.cohort = 'routed';
  pct := 100 * (baseline - actual) / nullif(baseline, 0);
  r.alert := 'cost_savings_below_target';
  r.rule := 'cost_savings_below_target';
  r.comparator := 'below';
  r.value := round(pct, 2);
  r.sample := n;
  r.threshold := cfg.alert_savings_min_pct;
  r.window_minutes := cfg.alert_savings_window_minutes;
  r.min_sample := cfg.alert_savings_min_calls;
  r.breached := coalesce(n >= cfg.alert_savings_min_calls and pct < cfg.alert_savings_min_pct, false);
  r.action := 'notify';
  r.message := format('routed savings %s%% over %s min ($%s saved of a $%s baseline over %s routed calls; fires below %s%%, judged from %s calls)',
                      coalesce(round(pct, 2)::text, '-'), cfg.alert_savings_window_minutes, trim_scale(baseline - actual),
                      trim_scale(baseline), n, cfg.alert_savings_min_pct, cfg.alert_savings_min_calls);
  r.figures := jsonb_build_object('calls', n, 'cost_usd', trim_scale(actual), 'baseline_cost_usd', trim_scale(baseline),
                                  'savings_usd', trim_scale(baseline - actual));
  return r;
end
$$;
comment on function routing._read_cost_savings(routing.config) is
  'Plan §7.2: the savings of the routed cohort''s calls made in the window, 100 x (baseline cost - actual) / baseline '
  'cost; calls by created_at, decisions by key.';

create function routing._read_models_unavailable()
returns routing.alert_reading
language plpgsql stable
set search_path = ''
as $$
declare
  n bigint;
  model_list jsonb;
  names text;
  r routing.alert_reading;
begin
  select count(*),
         coalesce(jsonb_agg(jsonb_build_object('model', m.model, 'since', m.unavailable_since, 'reason', m.unavailable_reason)
                            order by m.unavailable_since, m.model), '[]'::jsonb),
         string_agg(m.model, ', ' order by m.unavailable_since, m.model)
    into n, model_list, names
  from routing.models m
  where m.unavailable_since is not null;
  r.alert := 'model_unavailable';
  r.rule := 'model_unavailable';
  r.comparator := 'above';
  r.value := n;
  r.sample := n;
  r.threshold := 0;
  r.min_sample := 1;
  r.breached := n > 0;
  r.action := 'notify';
  r.message := case when n = 0 then 'every catalog model is served'
                    else format('%s unavailable model%s: %s (route_model avoids %s until public.clear_model_unavailable)',
                                n, case when n = 1 then '' else 's' end, names, case when n = 1 then 'it' else 'them' end) end;
  r.figures := jsonb_build_object('models', model_list);
  return r;
end
$$;
comment on function routing._read_models_unavailable() is
  'The catalog models marked unavailable (routing.models.unavailable_since): firing while there is at least one.';

-- -----------------------------------------------------------------------------
-- Privileges: private (the SECURITY DEFINER recording and evaluation run them)
-- -----------------------------------------------------------------------------
revoke all on function routing._read_routed_success_rate(routing.config) from public;
revoke all on function routing._count_outcome(routing.executions, text, routing.config) from public;
revoke all on function routing._window_evidence(timestamptz, text, text) from public;
alter table routing.outcome_counters enable row level security;
-- Global figures: no policy for users; the service role reads them, only the hook writes.
revoke all on routing.outcome_counters from public, anon, authenticated, service_role;
grant select on routing.outcome_counters to service_role;
revoke all on function routing._read_provider_error_rates(routing.config, text[]) from public;
revoke all on function routing._read_cost_per_execution(routing.config) from public;
revoke all on function routing._read_cost_savings(routing.config) from public;
revoke all on function routing._read_models_unavailable() from public;
