-- =============================================================================
-- Demo seed: users and agents across every tier and override (local / demo only)
-- =============================================================================
-- Applied by `supabase db push --include-seed` (scripts/db.mjs). Idempotent: fixed
-- ids, upserts. Routing is switched ON here for the demo; the migration's safe
-- default (routing.config.enabled = false) is what a real project starts with.
--
-- Users (auth.users)
--   00000000-0000-4000-a000-000000000001  alice@example.com  owns every demo agent below
--   00000000-0000-4000-a000-000000000002  bob@example.com    the stranger: owns one agent, sees none of alice's
--   00000000-0000-4000-a000-000000000003  ops@example.com    operator (routes with the service role)
--
-- Agents (owner alice unless noted). Expected decision with the default config (the `current` catalog preset;
-- `select public.apply_catalog_preset('plan-2025')` routes to the plan's models, retired ones replaced):
--   id                                     name                                 score  execs  success  -> model (reason)
--   00000000-0000-4000-b000-000000000001   Low: inbox triage                     2.10     40   97.50%  -> gpt-5.6-luna (tier low)
--   00000000-0000-4000-b000-000000000002   Low boundary: 3.9                     3.90     40   97.50%  -> gpt-5.6-luna (tier low)
--   00000000-0000-4000-b000-000000000003   Medium: weekly report                 5.20     40   97.50%  -> claude-haiku-4-5 (tier medium)
--   00000000-0000-4000-b000-000000000004   Medium boundary: 3.95                 3.95     40   97.50%  -> claude-haiku-4-5 (tier medium)
--   00000000-0000-4000-b000-000000000005   Medium boundary: 6.9                  6.90     40   97.50%  -> claude-haiku-4-5 (tier medium)
--   00000000-0000-4000-b000-000000000006   High: contract analysis               8.40     40   97.50%  -> gpt-5.6-sol (tier high)
--   00000000-0000-4000-b000-000000000007   High boundary: 6.95                   6.95     40   97.50%  -> gpt-5.6-sol (tier high)
--   00000000-0000-4000-b000-000000000008   New agent: 1 execution                2.00      1  100.00%  -> gpt-5.6-luna (new_agent)
--   00000000-0000-4000-b000-000000000009   Low success: 80%                      2.00     20   80.00%  -> gpt-5.6-sol (low_success_rate)
--   00000000-0000-4000-b000-000000000010   Recent failures: 3 in the last hour   3.00     30   90.00%  -> gpt-5.6-sol (recent_failures; lapses 60 min after seeding)
--   00000000-0000-4000-b000-000000000011   Preference: premium                   2.10     40   97.50%  -> gpt-5.6-sol (agent_preference)
--   00000000-0000-4000-b000-000000000012   Preference: claude-sonnet-5-5         8.40     40   97.50%  -> claude-sonnet-5-5 (agent_preference)
--   00000000-0000-4000-b000-000000000013   No metrics yet                           -      -        -  -> gpt-5.6-luna (new_agent)
--   00000000-0000-4000-b000-000000000014   No score: 50 executions                  -     50   96.00%  -> gpt-5.6-sol (tier, warning)
--   00000000-0000-4000-b000-000000000021   Bob: stranger's agent (owner bob)     5.20     40   97.50%  -> claude-haiku-4-5 (tier medium)
--
-- Try: select public.route_model('00000000-0000-4000-b000-000000000003');
-- These users have no password: act as them with request.jwt.claims, or pass acting_user as a trusted caller.

-- -----------------------------------------------------------------------------
-- Users
-- -----------------------------------------------------------------------------
insert into auth.users (instance_id, id, aud, role, email, email_confirmed_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
values
  ('00000000-0000-0000-0000-000000000000', '00000000-0000-4000-a000-000000000001', 'authenticated', 'authenticated',
   'alice@example.com', now(), '{"provider": "email", "providers": ["email"]}', '{"name": "Alice (agent owner)"}', now(), now()),
  ('00000000-0000-0000-0000-000000000000', '00000000-0000-4000-a000-000000000002', 'authenticated', 'authenticated',
   'bob@example.com', now(), '{"provider": "email", "providers": ["email"]}', '{"name": "Bob (stranger)"}', now(), now()),
  ('00000000-0000-0000-0000-000000000000', '00000000-0000-4000-a000-000000000003', 'authenticated', 'authenticated',
   'ops@example.com', now(), '{"provider": "email", "providers": ["email"]}', '{"name": "Ops (operator)"}', now(), now())
on conflict (id) do nothing;

-- -----------------------------------------------------------------------------
-- Agents
-- -----------------------------------------------------------------------------
insert into public.agents (id, user_id, name, model_preference) values
  ('00000000-0000-4000-b000-000000000001', '00000000-0000-4000-a000-000000000001', 'Low: inbox triage', null),
  ('00000000-0000-4000-b000-000000000002', '00000000-0000-4000-a000-000000000001', 'Low boundary: 3.9', null),
  ('00000000-0000-4000-b000-000000000003', '00000000-0000-4000-a000-000000000001', 'Medium: weekly report', null),
  ('00000000-0000-4000-b000-000000000004', '00000000-0000-4000-a000-000000000001', 'Medium boundary: 3.95', null),
  ('00000000-0000-4000-b000-000000000005', '00000000-0000-4000-a000-000000000001', 'Medium boundary: 6.9', null),
  ('00000000-0000-4000-b000-000000000006', '00000000-0000-4000-a000-000000000001', 'High: contract analysis', null),
  ('00000000-0000-4000-b000-000000000007', '00000000-0000-4000-a000-000000000001', 'High boundary: 6.95', null),
  ('00000000-0000-4000-b000-000000000008', '00000000-0000-4000-a000-000000000001', 'New agent: 1 execution', null),
  ('00000000-0000-4000-b000-000000000009', '00000000-0000-4000-a000-000000000001', 'Low success: 80%', null),
  ('00000000-0000-4000-b000-000000000010', '00000000-0000-4000-a000-000000000001', 'Recent failures: 3 in the last hour', null),
  ('00000000-0000-4000-b000-000000000011', '00000000-0000-4000-a000-000000000001', 'Preference: premium', 'premium'),
  ('00000000-0000-4000-b000-000000000012', '00000000-0000-4000-a000-000000000001', 'Preference: claude-sonnet-5-5', 'claude-sonnet-5-5'),
  ('00000000-0000-4000-b000-000000000013', '00000000-0000-4000-a000-000000000001', 'No metrics yet', null),
  ('00000000-0000-4000-b000-000000000014', '00000000-0000-4000-a000-000000000001', 'No score: 50 executions', null),
  ('00000000-0000-4000-b000-000000000021', '00000000-0000-4000-a000-000000000002', 'Bob: stranger''s agent', null)
on conflict (id) do update
  set user_id = excluded.user_id, name = excluded.name, model_preference = excluded.model_preference;

-- -----------------------------------------------------------------------------
-- Intensity metrics (the AIS scores come from the scoring system; set by hand here)
-- -----------------------------------------------------------------------------
insert into public.agent_intensity_metrics (
  agent_id, combined_score, execution_score, creation_score, total_executions, successful_executions, success_rate,
  avg_tokens_per_execution, avg_execution_time_ms, consecutive_failures, last_failure_at, last_execution_at)
values
  ('00000000-0000-4000-b000-000000000001', 2.10, 2.00, 2.33, 40, 39, 97.50, 1800, 2100, 0, now() - interval '3 days', now() - interval '1 hour'),
  ('00000000-0000-4000-b000-000000000002', 3.90, 3.90, 3.90, 40, 39, 97.50, 2600, 3000, 0, now() - interval '3 days', now() - interval '1 hour'),
  ('00000000-0000-4000-b000-000000000003', 5.20, 5.50, 4.50, 40, 39, 97.50, 4200, 5200, 0, now() - interval '3 days', now() - interval '1 hour'),
  ('00000000-0000-4000-b000-000000000004', 3.95, 3.95, 3.95, 40, 39, 97.50, 2700, 3100, 0, now() - interval '3 days', now() - interval '1 hour'),
  ('00000000-0000-4000-b000-000000000005', 6.90, 6.90, 6.90, 40, 39, 97.50, 6100, 7000, 0, now() - interval '3 days', now() - interval '1 hour'),
  ('00000000-0000-4000-b000-000000000006', 8.40, 8.80, 7.47, 40, 39, 97.50, 9800, 14000, 0, now() - interval '3 days', now() - interval '1 hour'),
  ('00000000-0000-4000-b000-000000000007', 6.95, 6.95, 6.95, 40, 39, 97.50, 6200, 7100, 0, now() - interval '3 days', now() - interval '1 hour'),
  ('00000000-0000-4000-b000-000000000008', 2.00, 2.00, 2.00, 1, 1, 100.00, 1500, 1900, 0, null, now() - interval '1 hour'),
  ('00000000-0000-4000-b000-000000000009', 2.00, 2.00, 2.00, 20, 16, 80.00, 1700, 2000, 0, now() - interval '2 days', now() - interval '1 hour'),
  ('00000000-0000-4000-b000-000000000010', 3.00, 3.00, 3.00, 30, 27, 90.00, 2300, 2800, 3, now() - interval '10 minutes', now() - interval '10 minutes'),
  ('00000000-0000-4000-b000-000000000011', 2.10, 2.00, 2.33, 40, 39, 97.50, 1800, 2100, 0, now() - interval '3 days', now() - interval '1 hour'),
  ('00000000-0000-4000-b000-000000000012', 8.40, 8.80, 7.47, 40, 39, 97.50, 9800, 14000, 0, now() - interval '3 days', now() - interval '1 hour'),
  ('00000000-0000-4000-b000-000000000014', null, null, null, 50, 48, 96.00, 3000, 4000, 0, now() - interval '5 days', now() - interval '1 hour'),
  ('00000000-0000-4000-b000-000000000021', 5.20, 5.50, 4.50, 40, 39, 97.50, 4200, 5200, 0, now() - interval '3 days', now() - interval '1 hour')
on conflict (agent_id) do update
  set combined_score = excluded.combined_score, execution_score = excluded.execution_score,
      creation_score = excluded.creation_score, total_executions = excluded.total_executions,
      successful_executions = excluded.successful_executions, success_rate = excluded.success_rate,
      avg_tokens_per_execution = excluded.avg_tokens_per_execution, avg_execution_time_ms = excluded.avg_execution_time_ms,
      consecutive_failures = excluded.consecutive_failures, last_failure_at = excluded.last_failure_at,
      last_execution_at = excluded.last_execution_at, updated_at = now();

-- 'No metrics yet' has no metrics row at all.
delete from public.agent_intensity_metrics where agent_id = '00000000-0000-4000-b000-000000000013';

-- -----------------------------------------------------------------------------
-- Routing on for the demo (audited by routing.config's trigger when it changes)
-- -----------------------------------------------------------------------------
update routing.config set enabled = true where id and not enabled;
