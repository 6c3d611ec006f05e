-- =============================================================================
-- Schemas
-- =============================================================================
-- `routing` holds the router's internals; `public` only what callers use.
create schema if not exists routing;
comment on schema routing is 'Internals of the model router: catalog, config, audit, calls, breakers. Not exposed through the API.';
revoke all on schema routing from public;
grant usage on schema routing to authenticated, service_role;

-- =============================================================================
-- Scheduling: pg_cron where the extension exists (hosted projects), nothing elsewhere
-- =============================================================================
create function routing._schedule_where_cron(job text, schedule text, command text)
returns void
language plpgsql
set search_path = ''
as $$
begin
  if not exists (select 1 from pg_catalog.pg_available_extensions where name = 'pg_cron') then
    return;
  end if;
  begin
    create extension if not exists pg_cron with schema pg_catalog;
    perform cron.schedule(job, schedule, command);
  exception when others then
    -- A project without the rights to schedule still migrates; the warning says what to run instead.
    raise warning 'pg_cron is available but the job % was not created (%): run % (%) from another scheduler', job, sqlerrm, command, schedule;
  end;
end
$$;
comment on function routing._schedule_where_cron(text, text, text) is
  'Schedules a pg_cron job (name, cron schedule, command) where the extension is available, else does nothing; a '
  'failure to schedule is a warning naming the command to run from another scheduler. Run by the migrations.';
revoke all on function routing._schedule_where_cron(text, text, text) from public;
