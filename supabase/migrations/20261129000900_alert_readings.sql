-- =============================================================================
-- Alert readings: what each alert rule measures (ROUTING-SPEC §7; plan §7.2, §9.3)
-- =============================================================================
-- Five rules. Their thresholds are columns of routing.config (one line to
-- change each, audited by its trigger like every other setting):
--   routed_success_rate  success rate of the executions of the ROUTED cohort below
--                        alert_success_rate_min (95%) over alert_success_window_minutes
--                        (15), with at least alert_success_min_executions (50):
--                        fires and TRIPS the automatic rollback (unless
--                        auto_rollback_enabled is false: then it only fires).
--   provider_error_rate  per provider: failed attempts (any error type that is not
--                        the caller's fault in routing.error_types) / attempts above
--                        alert_provider_error_rate_max (10%) over 5 min, >= 20 attempts.
--   cost_per_execution   cost of all calls of the executions recorded in the last
--                        60 min / those executions above $0.05, >= 20 executions.
--   cost_savings_below_target  savings of the ROUTED cohort's calls (baseline cost vs
--                        actual) below alert_savings_min_pct (50%) over
--                        alert_savings_window_minutes (60), >= alert_savings_min_calls
--                        (20) calls: notify only (plan §7.2), so a silent failover to
--                        a dearer model is seen even when its cause is new.
--   model_unavailable    any catalog model marked unavailable (record_completion saw
--                        the provider no longer serve it): firing until an operator
--                        clears every one (public.clear_model_unavailable).
-- Each reading is an index range scan of its window only
-- (executions_recorded_at_idx, attempts_created_provider_idx, then primary key /
-- calls_decision_idx lookups; never a scan of the history). What is done with
-- a reading (states, events, the trip) is in the next migration.

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
-- PL/pgSQL on purpose: the window start is a plain value when the query is
-- planned, so the planner picks the index range scan (a SQL function would be
-- planned with an opaque parameter, estimated at a third of the table).
create function routing._read_routed_success_rate(cfg routing.config)
returns routing.alert_reading
language plpgsql stable
set search_path = ''
as $$
declare
  window_start timestamptz := greatest(now() - make_interval(mins => cfg.alert_success_window_minutes),
                                       coalesce(cfg.rollback_cleared_at, '-infinity'));
  n bigint;
  ok bigint;
  rate numeric;
  r routing.alert_reading;
begin
  select count(*), count(*) filter (where e.succeeded) into n, ok
  from routing.executions e
  join routing.decisions d on d.id = e.decision_id
  where e.recorded_at > window_start
    and d.cohort = 'routed';
  rate := 100.0 * ok / nullif(n, 0);
  r.alert := 'routed_success_rate';
  r.rule := 'routed_success_rate';
  r.comparator := 'below';
  r.value := round(rate, 2);
  r.sample := n;
  r.threshold := cfg.alert_success_rate_min;
  r.window_minutes := cfg.alert_success_window_minutes;
  r.min_sample := cfg.alert_success_min_executions;
  r.breached := coalesce(n >= cfg.alert_success_min_executions and rate < cfg.alert_success_rate_min, false);
  r.action := case when cfg.auto_rollback_enabled then 'rollback' else 'notify' end;
  r.message := format('routed success rate %s%% over %s min (%s of %s executions succeeded; trips below %s%%, judged from %s executions)',
                      coalesce(round(rate, 2)::text, '-'), cfg.alert_success_window_minutes, ok, n,
                      cfg.alert_success_rate_min, cfg.alert_success_min_executions);
  r.figures := jsonb_build_object('executions', n, 'succeeded', ok, 'failed', n - ok, 'window_start', window_start);
  return r;
end
$$;
comment on function routing._read_routed_success_rate(routing.config) is
  'The routed cohort''s success rate over the window (not before the last rollback clear): executions by recorded_at, decisions by key.';

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
  select count(*), coalesce(sum(k.cost), 0) into n, cost
  from routing.executions e
  cross join lateral (select coalesce(sum(c.cost_usd), 0) as cost from routing.calls c where c.decision_id = e.decision_id) k
  where e.recorded_at > window_start
    and e.decision_id is not null;
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
  'Cost of all calls of the executions recorded in the window / those executions (all cohorts), in exact USD.';

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
revoke all on function routing._read_provider_error_rates(routing.config, text[]) from public;
revoke all on function routing._read_cost_per_execution(routing.config) from public;
revoke all on function routing._read_cost_savings(routing.config) from public;
revoke all on function routing._read_models_unavailable() from public;
