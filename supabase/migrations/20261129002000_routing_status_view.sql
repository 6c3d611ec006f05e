-- =============================================================================
-- Routing status view: the switchboard at a glance, for reports and the dashboard
-- =============================================================================
-- routing.config is the service role's; this view gives the report one place to
-- read whether routing is on, how far it is rolled out, and the circuits.

create view public.routing_status with (security_invoker = true) as
select c.enabled,
       c.rollout_percentage,
       c.force_model,
       c.rollback_tripped_at,
       c.rollback_reason,
       (c.enabled and c.rollback_tripped_at is null and c.force_model is null) as routing_active,
       c.baseline_model,
       c.updated_at,
       c.updated_by,
       (select jsonb_object_agg(b.provider, b.state order by b.provider) from routing.provider_breakers b) as breakers
from routing.config c;
comment on view public.routing_status is
  'Routing switchboard: the config row''s switches (ignoring per-call environment overrides), whether a rollback has '
  'tripped, and each provider circuit''s stored state. Service role only (routing.config is not visible to users).';
comment on column public.routing_status.routing_active is 'Routing decides by tier: enabled, not tripped, no model forced.';

revoke all on public.routing_status from public, anon, authenticated;
grant select on public.routing_status to service_role;
