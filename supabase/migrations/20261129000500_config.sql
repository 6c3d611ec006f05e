-- =============================================================================
-- Routing configuration (ROUTING-SPEC §3, §5, §7), its audit and its catalog presets
-- =============================================================================
-- One row, the source of truth, changed with SQL and effective on the next
-- call: every threshold, tier model, breaker and alert setting is one column
-- here (one line to change each). Environment variables read by the edge
-- function override some of them per call (routing.overridable_settings).
-- Every change is audited by trigger: who, when, old -> new. The model
-- settings switch together between named catalogs (routing.catalog_presets:
-- `current`, today's models; `plan-2025`, the plan's), and the configured
-- models that retire soon, are retired or unavailable are listed for the
-- dashboard and the report (routing._model_warnings).

-- -----------------------------------------------------------------------------
-- routing.config
-- -----------------------------------------------------------------------------
create table routing.config (
  id boolean primary key default true check (id),
  -- Switches (spec §3). Safe default: routing off until an operator enables it.
  enabled boolean not null default false,
  rollout_percentage integer not null default 100 check (rollout_percentage between 0 and 100),
  rollout_salt text not null default 'model-router-v1',
  force_model text references routing.models (model),
  force_provider text references routing.providers (provider),
  anthropic_enabled boolean not null default true,
  openai_mini_enabled boolean not null default true,
  -- Explicit model choice (the OpenAI-compatible `model` field, route_model's requested_model).
  -- Safe default: the router decides; a caller's model is ignored (and named in the warnings).
  allow_requested_model boolean not null default false,
  -- Decision rules (spec §2). Tier thresholds are inclusive upper bounds.
  low_threshold numeric(4, 2) not null default 3.9 check (low_threshold between 0 and 10),
  medium_threshold numeric(4, 2) not null default 6.9 check (medium_threshold between 0 and 10),
  min_executions integer not null default 3 check (min_executions >= 0),
  min_success_rate numeric(5, 2) not null default 85 check (min_success_rate between 0 and 100),
  failure_upgrade_count integer not null default 3 check (failure_upgrade_count >= 1),
  failure_upgrade_minutes integer not null default 60 check (failure_upgrade_minutes >= 1),
  -- Models.
  -- Models of a fresh install: today's models in the plan's three price bands (the `current`
  -- preset of routing.catalog_presets is read from these defaults; `plan-2025` is the plan's).
  baseline_model text not null default 'gpt-5.6-sol' references routing.models (model),
  premium_model text not null default 'gpt-5.6-sol' references routing.models (model),
  new_agent_model text not null default 'gpt-5.6-luna' references routing.models (model),
  low_model text not null default 'gpt-5.6-luna' references routing.models (model),
  medium_model text not null default 'claude-haiku-4-5' references routing.models (model),
  high_model text not null default 'gpt-5.6-sol' references routing.models (model),
  anthropic_substitute_model text not null default 'gpt-5.6-luna' references routing.models (model),
  openai_mini_substitute_model text not null default 'gpt-5.6-sol' references routing.models (model),
  -- Calls (spec §4) and the circuit breaker (spec §5).
  fallback_chains jsonb not null default '{"*": ["gpt-5.6-sol"], "gpt-5.6-sol": []}'::jsonb
    check (jsonb_typeof(fallback_chains) = 'object'),
  max_retries integer not null default 2 check (max_retries between 0 and 10),
  breaker_failure_threshold integer not null default 5 check (breaker_failure_threshold >= 1),
  breaker_cooldown_seconds integer not null default 60 check (breaker_cooldown_seconds >= 1),
  -- Tenants cannot hurt each other: a breaker opens only on the failures of at least this many
  -- tenants (decision user_ids), and each tenant's request rate and daily spend is bounded (0 = none).
  breaker_min_tenants integer not null default 2
    constraint breaker_min_tenants_positive check (breaker_min_tenants >= 1),
  tenant_requests_per_minute integer not null default 0
    constraint tenant_requests_per_minute_not_negative check (tenant_requests_per_minute >= 0),
  tenant_daily_spend_usd numeric(12, 2) not null default 0
    constraint tenant_daily_spend_usd_not_negative check (tenant_daily_spend_usd >= 0),
  log_level text not null default 'info' check (log_level in ('debug', 'info', 'warn', 'error')),
  -- Auto-rollback (spec §7): set by the alert evaluation, cleared only by an operator.
  rollback_tripped_at timestamptz,
  rollback_reason text,
  updated_at timestamptz not null default now(),
  updated_by text not null default current_user,
  -- Alerts (spec §7).
  auto_rollback_enabled boolean not null default true,
  alert_success_rate_min numeric(5, 2) not null default 95
    constraint alert_success_rate_min_between_0_and_100 check (alert_success_rate_min between 0 and 100),
  alert_success_window_minutes integer not null default 15
    constraint alert_success_window_between_1_and_1440 check (alert_success_window_minutes between 1 and 1440),
  alert_success_min_executions integer not null default 30
    constraint alert_success_min_executions_positive check (alert_success_min_executions >= 1),
  alert_provider_error_rate_max numeric(5, 2) not null default 10
    constraint alert_provider_error_rate_max_between_0_and_100 check (alert_provider_error_rate_max between 0 and 100),
  alert_provider_window_minutes integer not null default 5
    constraint alert_provider_window_between_1_and_1440 check (alert_provider_window_minutes between 1 and 1440),
  alert_provider_min_attempts integer not null default 20
    constraint alert_provider_min_attempts_positive check (alert_provider_min_attempts >= 1),
  alert_cost_per_execution_max numeric(12, 6) not null default 0.05
    constraint alert_cost_per_execution_max_not_negative check (alert_cost_per_execution_max >= 0),
  alert_cost_window_minutes integer not null default 60
    constraint alert_cost_window_between_1_and_1440 check (alert_cost_window_minutes between 1 and 1440),
  alert_cost_min_executions integer not null default 20
    constraint alert_cost_min_executions_positive check (alert_cost_min_executions >= 1),
  rollback_cleared_at timestamptz,
  -- Threshold advice.
  advice_min_executions integer not null default 20
    constraint advice_min_executions_positive check (advice_min_executions >= 1),
  -- The savings alert (plan §7.2).
  alert_savings_min_pct numeric(5, 2) not null default 50
    constraint alert_savings_min_pct_between_0_and_100 check (alert_savings_min_pct between 0 and 100),
  alert_savings_window_minutes integer not null default 60
    constraint alert_savings_window_between_1_and_1440 check (alert_savings_window_minutes between 1 and 1440),
  alert_savings_min_calls integer not null default 20
    constraint alert_savings_min_calls_positive check (alert_savings_min_calls >= 1),
  -- Learning from outcomes (spec §10) and the evidence-based trip (spec §7): the statistics
  -- of routing.success_bound; why these defaults: the agent learning migration.
  target_success_rate numeric(5, 2) not null default 98
    constraint target_success_rate_between_0_and_100 check (target_success_rate between 0 and 100),
  learning_confidence numeric(5, 4) not null default 0.95
    constraint learning_confidence_between_half_and_1 check (learning_confidence > 0.5 and learning_confidence < 1),
  learning_prior_weight numeric(8, 2) not null default 20
    constraint learning_prior_weight_not_negative check (learning_prior_weight >= 0),
  learning_moved_prior_weight numeric(8, 2) not null default 0
    constraint learning_moved_prior_weight_not_negative check (learning_moved_prior_weight >= 0),
  explore_percentage integer not null default 5
    constraint explore_percentage_between_0_and_20 check (explore_percentage between 0 and 20),
  alert_success_confidence numeric(5, 4) not null default 0.99
    constraint alert_success_confidence_between_half_and_1 check (alert_success_confidence > 0.5 and alert_success_confidence < 1),
  alert_control_margin numeric(5, 2) not null default 3
    constraint alert_control_margin_between_0_and_100 check (alert_control_margin between 0 and 100),
  constraint thresholds_in_order check (low_threshold <= medium_threshold)
);
comment on table routing.config is 'The one routing configuration row (ROUTING-SPEC §3); edit with SQL, effective on the next call.';
comment on column routing.config.id is 'Always true: the table holds exactly one row.';
comment on column routing.config.enabled is 'Routing on/off; environment ENABLE_INTELLIGENT_ROUTING overrides it; a rollback trip beats both.';
comment on column routing.config.rollout_percentage is 'Share of agents (by sticky bucket) that are routed; the rest are the control cohort.';
comment on column routing.config.rollout_salt is 'Salt of the sticky rollout bucket md5(salt || agent_id) mod 100; changing it reshuffles every agent.';
comment on column routing.config.force_model is 'Rule 1: every decision goes to this active model (null: not forced); FORCE_MODEL overrides it.';
comment on column routing.config.force_provider is
  'Provider of the forced model (an enabled provider of routing.providers); null = the catalog''s provider of force_model.';
comment on column routing.config.anthropic_enabled is 'false: Anthropic models are replaced by anthropic_substitute_model and left out of fallback chains.';
comment on column routing.config.openai_mini_enabled is 'false: gpt-4o-mini is replaced by openai_mini_substitute_model and left out of fallback chains.';
comment on column routing.config.allow_requested_model is
  'true: a catalog model the caller names (route_model''s requested_model, the `model` of an OpenAI request) is honoured, '
  'after rules 1-4 (forced, routing_disabled, agent_preference, rollout_control) and before rules 5-8; false (default): '
  'it is ignored and named in the decision''s warnings.';
comment on column routing.config.low_threshold is 'Rule 8: combined_score <= low_threshold is the low tier (inclusive upper bound).';
comment on column routing.config.medium_threshold is 'Rule 8: combined_score <= medium_threshold (and above low_threshold) is the medium tier.';
comment on column routing.config.min_executions is 'Rule 6: an agent with fewer executions is a new agent (new_agent_model).';
comment on column routing.config.min_success_rate is 'Rule 7: an agent whose success rate (%) is below this gets premium_model.';
comment on column routing.config.failure_upgrade_count is 'Rule 5: this many consecutive failures upgrade the agent to premium_model ...';
comment on column routing.config.failure_upgrade_minutes is 'Rule 5: ... while the last failure is at most this many minutes old.';
comment on column routing.config.baseline_model is 'The model of the disabled and control cohorts, and the price savings are measured against.';
comment on column routing.config.premium_model is 'Rules 3 (''premium''), 5 and 7: the most capable model.';
comment on column routing.config.new_agent_model is 'Rule 6: the model of new agents.';
comment on column routing.config.low_model is 'Rule 8: the model of the low tier.';
comment on column routing.config.medium_model is 'Rule 8: the model of the medium tier.';
comment on column routing.config.high_model is 'Rule 8: the model of the high tier (and of agents without a score).';
comment on column routing.config.anthropic_substitute_model is 'What replaces an Anthropic model while anthropic_enabled is false.';
comment on column routing.config.openai_mini_substitute_model is 'What replaces gpt-4o-mini while openai_mini_enabled is false.';
comment on column routing.config.fallback_chains is 'Fallback chains by primary model, {"model": ["next", ...]}; "*" is the chain of any model not listed.';
comment on column routing.config.max_retries is 'Retries of the same model after a retryable failure, before the fallback chain (spec §4).';
comment on column routing.config.breaker_failure_threshold is 'Consecutive availability failures that open a provider''s circuit (spec §5).';
comment on column routing.config.breaker_cooldown_seconds is 'Seconds an open circuit waits before one half-open trial call is let through.';
comment on column routing.config.breaker_min_tenants is
  'Distinct tenants (decision user_ids) whose availability failures the streak must hold before a circuit opens: one '
  'tenant''s failures (its long requests, its bad inputs) never open a breaker every tenant shares.';
comment on column routing.config.tenant_requests_per_minute is
  'Decisions route_model makes per tenant (the agent''s user) per UTC minute; the next is refused (RL429, HTTP 429). 0 = no limit.';
comment on column routing.config.tenant_daily_spend_usd is
  'Recorded cost (USD) per tenant per UTC day at or above which route_model refuses new decisions (RL429, HTTP 429). 0 = no limit.';
comment on column routing.config.log_level is 'The edge function''s log level: debug, info, warn or error; ROUTING_LOG_LEVEL overrides it.';
comment on column routing.config.rollback_tripped_at is 'Set when an alert tripped the automatic rollback; routing stays off until an operator clears it.';
comment on column routing.config.rollback_reason is 'Why the automatic rollback tripped (the figures of the breach).';
comment on column routing.config.updated_at is 'When the row last changed (stamped by the audit trigger).';
comment on column routing.config.updated_by is 'Who last changed the row (routing._actor(), stamped by the audit trigger).';
comment on column routing.config.auto_rollback_enabled is 'false: a routed success rate breach only fires its alert and does not trip the rollback.';
comment on column routing.config.alert_success_rate_min is
  'Routed success rate (%) below which, with alert_success_confidence, the rollback trips.';
comment on column routing.config.alert_success_window_minutes is 'Window of the routed success rate, in minutes.';
comment on column routing.config.alert_success_min_executions is
  'Counted routed executions (after the tenant rule) needed in the window before the success rate is judged; the bound does the judging.';
comment on column routing.config.alert_provider_error_rate_max is 'A provider''s error rate (% of attempts) above which its alert fires.';
comment on column routing.config.alert_provider_window_minutes is 'Window of the provider error rate, in minutes.';
comment on column routing.config.alert_provider_min_attempts is 'Attempts of a provider needed in the window before its error rate is judged.';
comment on column routing.config.alert_cost_per_execution_max is 'Cost per execution (USD) above which the cost alert fires.';
comment on column routing.config.alert_cost_window_minutes is 'Window of the cost per execution, in minutes.';
comment on column routing.config.alert_cost_min_executions is 'Executions needed in the window before the cost per execution is judged.';
comment on column routing.config.rollback_cleared_at is 'When an operator last cleared a rollback; the routed success window starts no earlier.';
comment on column routing.config.advice_min_executions is
  'Executions of a model in a score band before advise_routing_thresholds judges that band.';
comment on column routing.config.alert_savings_min_pct is
  'Routed savings (% of the baseline cost of the routed cohort''s calls) below which cost_savings_below_target fires (notify only).';
comment on column routing.config.alert_savings_window_minutes is 'Window of the routed savings, in minutes.';
comment on column routing.config.alert_savings_min_calls is 'Routed calls needed in the window before the savings are judged.';
comment on column routing.config.target_success_rate is
  'Spec §10: the success rate (%) each agent''s model must hold; below it with learning_confidence the agent moves up a rung.';
comment on column routing.config.learning_confidence is
  'Confidence of the learning bounds (one-sided): up when the upper bound < target, down when the lower bound > target.';
comment on column routing.config.learning_prior_weight is
  'Pseudo-executions of the learning prior (its mean: the agent''s earlier record, kept within target .. (target + 100) / 2).';
comment on column routing.config.learning_moved_prior_weight is
  'Pseudo-executions of the learning prior on a rung ABOVE the agent''s score band (it was moved up: its outcomes refuted '
  'its score, so its earlier record vouches for nothing there); 0 = that rung is judged on its own outcomes alone.';
comment on column routing.config.explore_percentage is
  'Share (%) of an agent''s executions offered the next cheaper rung when its evidence allows (sticky per execution); 0 = off.';
comment on column routing.config.alert_success_confidence is
  'Confidence of the routed success rule: it trips when the upper bound of the counted window is below alert_success_rate_min.';
comment on column routing.config.alert_control_margin is
  'Points the routed cohort may fall below the control cohort: it also trips when its upper bound is below control''s lower bound minus this.';

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
comment on index routing.config_changes_changed_at_idx is 'The config audit by time.';

create function routing._audit_config_change() returns trigger
language plpgsql
security definer  -- the service role updates the config; routing.config_changes is not its to write
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
comment on trigger audit_config_change on routing.config is 'Stamps updated_at / updated_by and writes routing.config_changes for every effective change.';

-- -----------------------------------------------------------------------------
-- routing.catalog_presets: named sets of the config's model settings
-- -----------------------------------------------------------------------------
-- public.apply_catalog_preset(preset) (operator commands) writes a preset's
-- values into routing.config in one audited update. `current` is read from the
-- column defaults above (their one definition); `plan-2025` is the plan's
-- catalog, on which the §10 projections and the plan's figures reproduce.
create table routing.catalog_presets (
  preset text not null check (preset ~ '^[a-z0-9][a-z0-9.-]{0,63}$'),
  setting text not null check (setting in ('baseline_model', 'premium_model', 'new_agent_model', 'low_model', 'medium_model',
                                           'high_model', 'anthropic_substitute_model', 'openai_mini_substitute_model',
                                           'fallback_chains')),
  value jsonb not null,
  primary key (preset, setting),
  constraint value_fits_setting
    check (case when setting = 'fallback_chains' then jsonb_typeof(value) = 'object' else jsonb_typeof(value) = 'string' end)
);
comment on table routing.catalog_presets is
  'Named catalogs: per preset the value of each routing.config model setting (and of fallback_chains, whose chains name '
  'models). Applied by public.apply_catalog_preset.';
comment on column routing.catalog_presets.preset is 'The preset''s name: current (the fresh install''s defaults) or plan-2025 (the plan''s models).';
comment on column routing.catalog_presets.setting is 'A routing.config model column, or fallback_chains.';
comment on column routing.catalog_presets.value is 'The value to set: a JSON string naming a catalog model, or the fallback_chains object.';

insert into routing.catalog_presets (preset, setting, value)
select 'current', s.setting, to_jsonb(c) -> s.setting
from routing.config c
cross join unnest(array['baseline_model', 'premium_model', 'new_agent_model', 'low_model', 'medium_model', 'high_model',
                        'anthropic_substitute_model', 'openai_mini_substitute_model', 'fallback_chains']) as s(setting)
where c.id;

insert into routing.catalog_presets (preset, setting, value) values
  ('plan-2025', 'baseline_model', '"gpt-4o"'),
  ('plan-2025', 'premium_model', '"gpt-4o"'),
  ('plan-2025', 'new_agent_model', '"gpt-4o-mini"'),
  ('plan-2025', 'low_model', '"gpt-4o-mini"'),
  ('plan-2025', 'medium_model', '"claude-3-haiku"'),
  ('plan-2025', 'high_model', '"gpt-4o"'),
  ('plan-2025', 'anthropic_substitute_model', '"gpt-4o-mini"'),
  ('plan-2025', 'openai_mini_substitute_model', '"gpt-4o"'),
  ('plan-2025', 'fallback_chains', '{"*": ["gpt-4o"], "gpt-4o": []}');

-- -----------------------------------------------------------------------------
-- routing._model_warnings: configured models that are retiring, retired or unavailable
-- -----------------------------------------------------------------------------
create function routing._model_warnings(cfg routing.config)
returns jsonb
language sql stable
set search_path = ''
as $$
  select coalesce(jsonb_agg(jsonb_build_object(
           'model', l.model, 'settings', to_jsonb(s.settings), 'state', l.state, 'retires_at', l.retires_at,
           'days_to_retirement', l.days_to_retirement, 'replaced_by', l.replaced_by,
           'unavailable_since', l.unavailable_since,
           'message', case l.state
             when 'retiring_soon' then format('%s (%s) retires on %s, in %s day%s: route_model will then use %s', l.model,
               array_to_string(s.settings, ', '), (timezone('UTC', l.retires_at))::date, l.days_to_retirement,
               case when l.days_to_retirement = 1 then '' else 's' end,
               coalesce(l.replaced_by, 'the next usable model of its fallback chain'))
             when 'retired' then format('%s (%s) retired on %s: route_model uses %s instead', l.model,
               array_to_string(s.settings, ', '), (timezone('UTC', l.retires_at))::date,
               coalesce(l.replaced_by, 'the next usable model of its fallback chain'))
             else format('%s (%s) is unavailable since %s (%s): route_model avoids it until public.clear_model_unavailable',
               l.model, array_to_string(s.settings, ', '), to_char(timezone('UTC', l.unavailable_since), 'YYYY-MM-DD HH24:MI "UTC"'),
               l.unavailable_reason) end)
         order by s.first_ord), '[]'::jsonb)
  from (
    select u.model, array_agg(u.setting order by u.ord) as settings, min(u.ord) as first_ord
    from unnest(array[cfg.low_model, cfg.medium_model, cfg.high_model, cfg.new_agent_model, cfg.premium_model,
                      cfg.baseline_model, cfg.anthropic_substitute_model, cfg.openai_mini_substitute_model, cfg.force_model],
                array['low_model', 'medium_model', 'high_model', 'new_agent_model', 'premium_model', 'baseline_model',
                      'anthropic_substitute_model', 'openai_mini_substitute_model', 'force_model'])
         with ordinality as u(model, setting, ord)
    where u.model is not null
    group by u.model
  ) s
  join public.routing_model_lifecycle l on l.model = s.model
  where l.state in ('retiring_soon', 'retired', 'unavailable')
$$;
comment on function routing._model_warnings(routing.config) is
  'The configured models (tiers, new agents, premium, baseline, substitutes, forced) that retire within 30 days, are '
  'retired or are unavailable: one object per model with the settings naming it, its lifecycle and a sentence. '
  'public.routing_status and get_routing_status show it as model_warnings.';

-- -----------------------------------------------------------------------------
-- Row level security and privileges
-- -----------------------------------------------------------------------------
alter table routing.catalog_presets enable row level security;
revoke all on routing.catalog_presets from public, anon, authenticated;
grant all on routing.catalog_presets to service_role;
revoke all on function routing._model_warnings(routing.config) from public;
-- public.routing_status (invoker rights) calls it as the service role.
grant execute on function routing._model_warnings(routing.config) to service_role;
alter table routing.config enable row level security;
alter table routing.config_changes enable row level security;
-- Callers never read the config directly; they get decisions. Only the service role.
revoke all on routing.config, routing.config_changes from public, anon, authenticated, service_role;
grant all on routing.config to service_role;
-- Append-only for every role but the owner: the audit trigger (SECURITY DEFINER) writes it.
grant select on routing.config_changes to service_role;
-- The audit trigger runs as its owner whoever updates the config: nobody calls it directly.
revoke all on function routing._audit_config_change() from public;
