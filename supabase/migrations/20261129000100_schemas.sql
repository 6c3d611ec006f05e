-- =============================================================================
-- Schemas
-- =============================================================================
-- `routing` holds the router's internals; `public` only what callers use.
create schema if not exists routing;
comment on schema routing is 'Internals of the model router: catalog, config, audit, calls, breakers. Not exposed through the API.';
revoke all on schema routing from public;
grant usage on schema routing to authenticated, service_role;
