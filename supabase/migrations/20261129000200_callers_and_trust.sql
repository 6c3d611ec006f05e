-- =============================================================================
-- Callers and trust: who is calling, and who is acting
-- =============================================================================
-- Every RPC asks routing._caller() first. Trusted = the service role, or a
-- superuser / member of the owner of the `routing` schema or of the database
-- (the `postgres` role the edge function connects as). A JWT claim can lower a
-- role, never raise it. Operator-only commands call routing._require_operator.
-- routing._actor() names who acted, for the audit rows.

-- -----------------------------------------------------------------------------
-- routing.caller
-- -----------------------------------------------------------------------------
create type routing.caller as (
  api_role text,     -- anon | authenticated | service_role | owner | other
  trusted boolean,   -- env and acting_user are honoured
  user_id uuid,      -- auth.uid() of an authenticated caller
  db_role text       -- the role the rank was taken from (SET ROLE, else session user)
);
comment on type routing.caller is 'Who calls route_model: the effective API role, whether it is trusted, and its user id.';

-- -----------------------------------------------------------------------------
-- routing._caller
-- -----------------------------------------------------------------------------
create function routing._caller()
returns routing.caller
language plpgsql stable
set search_path = ''
as $$
declare
  -- Inside SECURITY DEFINER current_user is the definer: the invoker's role is the
  -- SET ROLE setting (PostgREST uses it), else the session (login) user.
  db_role text := coalesce(nullif(current_setting('role', true), 'none'), session_user::text);
  -- A session without a JWT (the edge function's own connection) has no claims to read: auth.role()
  -- and auth.uid() are SQL functions, planned again in every transaction, so they are asked only
  -- when a claim is set.
  has_claims boolean := coalesce(current_setting('request.jwt.claims', true), '') <> ''
                        or coalesce(current_setting('request.jwt.claim.role', true), '') <> ''
                        or coalesce(current_setting('request.jwt.claim.sub', true), '') <> '';
  claims_role text;
  db_rank integer;
  claims_rank integer;
  rank integer;
  who routing.caller;
begin
  -- The edge function's own connection (issue 12: the common case, answered first): no JWT, and the
  -- session is the owner of the calling SECURITY DEFINER function (current_user here), so rank 3 below.
  if not has_claims and db_role = current_user::text
     and db_role not in ('anon', 'authenticator', 'authenticated', 'service_role') then
    who.api_role := 'owner';
    who.trusted := true;
    who.db_role := db_role;
    return who;
  end if;
  claims_role := case when has_claims then auth.role() end;
  -- Ranks: -1 other, 0 anon, 1 authenticated, 2 service_role, 3 database owner / superuser.
  db_rank := case db_role
    when 'anon' then 0
    when 'authenticator' then 0
    when 'authenticated' then 1
    when 'service_role' then 2
    -- The owner of the calling SECURITY DEFINER function (current_user here) already holds every
    -- right that function uses: no catalog read for it (the edge function's own connection).
    when current_user::text then 3
    else (select case when r.rolsuper or pg_has_role(r.oid, n.nspowner, 'USAGE') or pg_has_role(r.oid, d.datdba, 'USAGE')
                      then 3 else -1 end
            from pg_catalog.pg_roles r, pg_catalog.pg_namespace n, pg_catalog.pg_database d
           where r.rolname = db_role and n.nspname = 'routing' and d.datname = current_database())
  end;
  -- JWT claims can lower the rank (a user's request), never raise it.
  claims_rank := case claims_role when 'anon' then 0 when 'authenticated' then 1 when 'service_role' then 2 end;
  rank := least(coalesce(db_rank, -1), coalesce(claims_rank, 3));
  who.api_role := case rank when 0 then 'anon' when 1 then 'authenticated' when 2 then 'service_role' when 3 then 'owner' else 'other' end;
  who.trusted := rank >= 2;
  who.user_id := case when rank = 1 and has_claims then auth.uid() end;
  who.db_role := db_role;
  return who;
end
$$;
comment on function routing._caller() is 'The effective API role of the invoker: the least of the JWT role claim and the database role (SET ROLE, else session user); trusted = service_role or a database owner / superuser.';

-- -----------------------------------------------------------------------------
-- routing._require_operator
-- -----------------------------------------------------------------------------
create function routing._require_operator(command text)
returns void
language plpgsql stable
set search_path = ''
as $$
begin
  if not (routing._caller()).trusted then
    raise exception '% requires the service role', command using errcode = '42501';
  end if;
end
$$;
comment on function routing._require_operator(text) is 'Raises 42501 "<command> requires the service role" unless the caller is the service role or a database owner.';

-- -----------------------------------------------------------------------------
-- routing._actor
-- -----------------------------------------------------------------------------
create function routing._actor() returns text
language sql stable
set search_path = ''
as $$
  -- The JWT's user (email, else id), else the JWT role, else the database user.
  select coalesce(auth.jwt() ->> 'email', auth.uid()::text, auth.role(), session_user::text)
$$;
comment on function routing._actor() is 'Who is acting, for audit rows: JWT email or sub, else JWT role, else the database user.';

-- -----------------------------------------------------------------------------
-- Privileges: private helpers (the SECURITY DEFINER RPCs run them as their owner)
-- -----------------------------------------------------------------------------
revoke all on function routing._caller() from public;
revoke all on function routing._require_operator(text) from public;
revoke all on function routing._actor() from public;
-- Every caller of routing._actor runs as the owner (the RPCs and the audit triggers are
-- SECURITY DEFINER), so no API role executes it.
