-- =============================================================================
-- Supabase shim for a plain PostgreSQL
-- =============================================================================
-- What a Supabase database already has and a plain Debian PostgreSQL lacks:
-- the API roles, the `auth` schema with `auth.users` and the JWT helpers, the
-- `extensions` schema, and Supabase's default grants on `public`.
-- `scripts/db.mjs` runs this only when the database is not a Supabase one
-- (no `supabase_admin` role), so a hosted project never sees it.
-- Idempotent: safe to run on every `db:start`.

-- -----------------------------------------------------------------------------
-- Roles, as Supabase creates them
-- -----------------------------------------------------------------------------
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'service_role') then
    create role service_role nologin noinherit bypassrls;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticator') then
    create role authenticator login noinherit password 'postgres';
  end if;
end
$$;

grant anon, authenticated, service_role to authenticator;

-- -----------------------------------------------------------------------------
-- Schemas
-- -----------------------------------------------------------------------------
create schema if not exists extensions;
grant usage on schema extensions to anon, authenticated, service_role;

create schema if not exists auth;
grant usage on schema auth to anon, authenticated, service_role;

-- Supabase puts `extensions` on every role's search path (of this database: the test databases
-- made from a template get it again from scripts/db.mjs, since CREATE DATABASE does not copy it).
do $$
begin
  execute pg_catalog.format('alter database %I set search_path = "$user", public, extensions', pg_catalog.current_database());
end
$$;

-- -----------------------------------------------------------------------------
-- auth.users: the columns a seed or a trigger usually touches
-- -----------------------------------------------------------------------------
create table if not exists auth.users (
  instance_id uuid,
  id uuid primary key,
  aud varchar(255),
  role varchar(255),
  email varchar(255) unique,
  encrypted_password varchar(255),
  email_confirmed_at timestamptz,
  raw_app_meta_data jsonb,
  raw_user_meta_data jsonb,
  is_anonymous boolean not null default false,
  created_at timestamptz default now(),
  updated_at timestamptz default now()
);
comment on table auth.users is 'Local stand-in for GoTrue''s auth.users (plain PostgreSQL only).';

-- -----------------------------------------------------------------------------
-- JWT helpers, reading request.jwt.claims exactly as Supabase's do
-- -----------------------------------------------------------------------------
create or replace function auth.jwt() returns jsonb
language sql stable
set search_path = ''
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;
comment on function auth.jwt() is 'The claims of the request''s JWT (request.jwt.claims), or null.';

create or replace function auth.uid() returns uuid
language sql stable
set search_path = ''
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;
comment on function auth.uid() is 'The user id (sub claim) of the request''s JWT, or null.';

create or replace function auth.role() returns text
language sql stable
set search_path = ''
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;
comment on function auth.role() is 'The role claim of the request''s JWT, or null.';

grant execute on function auth.jwt(), auth.uid(), auth.role() to anon, authenticated, service_role;

-- -----------------------------------------------------------------------------
-- Supabase's default privileges on public: everything is granted to the API
-- roles and RLS does the filtering. Reproduced so that our migrations are
-- tested against the same defaults they meet on a hosted project.
-- -----------------------------------------------------------------------------
grant usage on schema public to anon, authenticated, service_role;
alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges in schema public grant all on functions to anon, authenticated, service_role;
alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;
