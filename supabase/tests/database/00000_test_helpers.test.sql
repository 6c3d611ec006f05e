-- =============================================================================
-- pgTAP fixture helpers: schema `tests` (test-only, in the style of
-- supabase-test-helpers)
-- =============================================================================
-- The fixture plumbing the pgTAP files of supabase/tests/database share: named
-- actors (users, their agents, decisions), the routing switches, and the actor a
-- test speaks as (role + request.jwt.claims).
--
-- Never a migration: as supabase-test-helpers recommends, this is the first
-- file of the suite in alphabetical order, so both `npm test` (pg_prove over
-- the sorted files) and `supabase test db` install it before any test runs;
-- its statements run outside a transaction, so they persist for the files
-- after it. Idempotent: safe to install on every run.
--
-- Named actors: a test says tests.create_user('owner'), then
-- tests.authenticate_as('owner') or tests.get_user_id('owner'); agents and
-- decisions likewise by name. Ids are derived from the names (md5 of
-- 'user:' / 'agent:' / 'decision:' || name, as a uuid), so rollout buckets and
-- orderings are the same on every run; names repeat freely across files,
-- because every file rolls its transaction back. An id no helper ever creates
-- (a missing agent) is tests.unknown_id(name).
--
-- Nothing outlives a test: the actor helpers use set_config(..., true), like
-- SET LOCAL, and the rows the builders write go with the test's ROLLBACK. The
-- actor helpers and the name lookups are executable by the API roles, because
-- a test switches actor, or names one, while it is one of them; the fixture
-- builders are for the database owner only (revoked from PUBLIC).

set client_min_messages = warning;  -- no "already exists, skipping" notices on a re-install

create schema if not exists tests;
comment on schema tests is
  'pgTAP fixture helpers (supabase/tests/database/00000_test_helpers.test.sql): test-only, installed by the first test file, never a migration.';

-- -----------------------------------------------------------------------------
-- Names: the ids of named users, agents and decisions
-- -----------------------------------------------------------------------------
create or replace function tests._named_id(kind text, name text)
returns uuid
language sql
immutable
set search_path = ''
as $$ select pg_catalog.md5(kind || ':' || name)::uuid $$;
comment on function tests._named_id(text, text) is
  'Private to the name helpers: the id of the named user / agent / decision, md5(kind || '':'' || name) as a uuid. '
  'Deterministic, so the same names give the same rollout buckets and orderings on every run.';

create or replace function tests.unknown_id(name text)
returns uuid
language sql
immutable
set search_path = ''
as $$ select tests._named_id('unknown', name) $$;
comment on function tests.unknown_id(text) is
  'An id that no helper creates (md5(''unknown:'' || name) as a uuid), e.g. tests.unknown_id(''missing agent''): '
  'deterministic, and never the id of a named user, agent or decision.';

create or replace function tests.get_user_id(name text)
returns uuid
language plpgsql
stable
security definer  -- a test names users while it is an API role that cannot read auth.users
set search_path = ''
as $$
declare
  user_id uuid := tests._named_id('user', name);
begin
  if not exists (select 1 from auth.users u where u.id = user_id) then
    raise exception using errcode = 'P0002',
      message = pg_catalog.format('tests: no user named %L (create it first with tests.create_user)', name);
  end if;
  return user_id;
end
$$;
comment on function tests.get_user_id(text) is
  'The id of the user created by tests.create_user(name); raises P0002 for a name never created, so a typo cannot '
  'pass for a stranger. SECURITY DEFINER: callable while acting as an API role that cannot read auth.users.';

create or replace function tests.get_agent_id(name text)
returns uuid
language plpgsql
stable
security definer  -- a test names agents while it is a role that RLS keeps from seeing them
set search_path = ''
as $$
declare
  agent_id uuid := tests._named_id('agent', name);
begin
  if not exists (select 1 from public.agents a where a.id = agent_id) then
    raise exception using errcode = 'P0002',
      message = pg_catalog.format('tests: no agent named %L (create it first with tests.create_agent)', name);
  end if;
  return agent_id;
end
$$;
comment on function tests.get_agent_id(text) is
  'The id of the agent created by tests.create_agent(owner, name); raises P0002 for a name never created (for a '
  'missing agent use tests.unknown_id). SECURITY DEFINER: callable as a stranger, whom RLS keeps from the agent.';

create or replace function tests.get_decision_id(name text)
returns uuid
language plpgsql
stable
security definer  -- a test names decisions while it is a role that cannot read routing.decisions
set search_path = ''
as $$
declare
  decision_id uuid := tests._named_id('decision', name);
begin
  if not exists (select 1 from routing.decisions d where d.id = decision_id) then
    raise exception using errcode = 'P0002',
      message = pg_catalog.format('tests: no decision named %L (create it first with tests.create_decision)', name);
  end if;
  return decision_id;
end
$$;
comment on function tests.get_decision_id(text) is
  'The id of the decision created by tests.create_decision(..., name => name); raises P0002 for a name never created. '
  'SECURITY DEFINER: callable as the service role or a user, who cannot read every decision.';

create or replace function tests._user_email(name text)
returns text
language sql
immutable
set search_path = ''
as $$ select pg_catalog.lower(pg_catalog.replace(name, ' ', '-')) || '@test.local' $$;
comment on function tests._user_email(text) is
  'Private to the name helpers: the email of the named user, its name lower-cased with spaces as dashes @test.local (owner@test.local).';

create or replace function tests.user_claims(name text)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select pg_catalog.jsonb_build_object('sub', tests.get_user_id(name), 'role', 'authenticated',
                                       'email', tests._user_email(name))
$$;
comment on function tests.user_claims(text) is
  'The JWT claims of the named user as a Supabase session token carries them: {"sub": tests.get_user_id(name), '
  '"role": "authenticated", "email": tests._user_email(name)}. tests.authenticate_as(name) sets them; a test that sets '
  'request.jwt.claims itself (a database-owner session carrying a user''s token) uses them too.';

-- -----------------------------------------------------------------------------
-- Actors: who the next statements run as
-- -----------------------------------------------------------------------------
create or replace function tests._set_actor(role text, claims text)
returns void
language plpgsql
set search_path = ''
as $$
begin
  -- Switching roles is for test sessions: a session opened by a superuser or by
  -- the owner of this schema (who installed it), never a login such as
  -- PostgREST's authenticator, which is a member of service_role too.
  if not exists (
    select 1 from pg_catalog.pg_roles r, pg_catalog.pg_namespace n
    where r.rolname = session_user and n.nspname = 'tests'
      and (r.rolsuper or pg_catalog.pg_has_role(r.oid, n.nspowner, 'MEMBER'))
  ) then
    raise exception using errcode = '42501',
      message = pg_catalog.format('tests helpers may switch roles only in a session of the database owner, not of %s', session_user);
  end if;
  -- As SET LOCAL: both end with the transaction. The claims first: after the
  -- role, this function runs as that role.
  perform pg_catalog.set_config('request.jwt.claims', claims, true);
  perform pg_catalog.set_config('role', role, true);
end
$$;
comment on function tests._set_actor(text, text) is
  'Private to the actor helpers: SET LOCAL ROLE role and request.jwt.claims = claims (transaction-local, set_config(..., true)); '
  'raises 42501 unless the session user is a superuser or a member of the owner of schema tests.';

create or replace function tests.authenticate_as(name text)
returns void
language sql
set search_path = ''
as $$ select tests._set_actor('authenticated', tests.user_claims(name)::text) $$;
comment on function tests.authenticate_as(text) is
  'Act as the named user (tests.create_user(name)) until the transaction ends: SET LOCAL ROLE authenticated with '
  'JWT claims tests.user_claims(name) = {"sub", "role": "authenticated", "email"}, as a Supabase session token carries.';

create or replace function tests.authenticate_as(user_id uuid, email text default null)
returns void
language sql
set search_path = ''
as $$
  select tests._set_actor('authenticated',
    (pg_catalog.jsonb_build_object('sub', user_id, 'role', 'authenticated')
     || case when email is null then '{}'::jsonb else pg_catalog.jsonb_build_object('email', email) end)::text)
$$;
comment on function tests.authenticate_as(uuid, text) is
  'The id form of tests.authenticate_as(name), for a test that holds a user id rather than a name: SET LOCAL ROLE '
  'authenticated with JWT claims {"sub": user_id, "role": "authenticated"} (and "email" when given). The user need not exist.';

create or replace function tests.authenticate_as_service_role()
returns void
language sql
set search_path = ''
as $$ select tests._set_actor('service_role', '{"role": "service_role"}') $$;
comment on function tests.authenticate_as_service_role() is
  'Act as the service role until the transaction ends: SET LOCAL ROLE service_role with JWT claims {"role": "service_role"}.';

create or replace function tests.authenticate_as_anon()
returns void
language sql
set search_path = ''
as $$ select tests._set_actor('anon', '{"role": "anon"}') $$;
comment on function tests.authenticate_as_anon() is
  'Act as the anon key until the transaction ends: SET LOCAL ROLE anon with JWT claims {"role": "anon"}.';

create or replace function tests.clear_authentication()
returns void
language sql
set search_path = ''
as $$ select tests._set_actor('none', '') $$;
comment on function tests.clear_authentication() is
  'Back to the database owner until the transaction ends: SET LOCAL ROLE none (the session user) and no JWT claims. '
  'Unlike supabase-test-helpers, this is not anon: use tests.authenticate_as_anon() for that.';

-- -----------------------------------------------------------------------------
-- Users, agents, decisions
-- -----------------------------------------------------------------------------
create or replace function tests.create_user(name text)
returns uuid
language sql
set search_path = ''
as $$
  insert into auth.users (id, email, raw_user_meta_data)
  values (tests._named_id('user', name), tests._user_email(name), pg_catalog.jsonb_build_object('test_name', name))
  returning id
$$;
comment on function tests.create_user(text) is
  'Inserts the named user into auth.users (id md5(''user:'' || name), email tests._user_email(name), e.g. '
  'owner@test.local, raw_user_meta_data {"test_name": name}) and returns the id; see tests.get_user_id and tests.authenticate_as.';

-- Before named actors this form had `id uuid default null`, which would make
-- tests.create_user('owner') ambiguous: drop it on a re-install.
drop function if exists tests.create_user(text, uuid);
create or replace function tests.create_user(email text, id uuid)
returns uuid
language sql
set search_path = ''
as $$
  insert into auth.users (id, email) values (create_user.id, create_user.email) returning id
$$;
comment on function tests.create_user(text, uuid) is
  'The id form of tests.create_user(name), for a test that chooses the id itself: inserts a user with this email and id '
  'into auth.users and returns the id.';

create or replace function tests.create_agent(
  owner uuid, name text, score numeric default null, executions integer default null, success_rate numeric default null,
  id uuid default null, model_preference text default null, consecutive_failures integer default 0,
  last_failure_at timestamptz default null)
returns uuid
language plpgsql
set search_path = ''
as $$
declare
  agent_id uuid;
begin
  if executions is null
     and (score is not null or success_rate is not null or consecutive_failures <> 0 or last_failure_at is not null) then
    raise exception using errcode = '22023',
      message = 'tests.create_agent: a score, success rate or failures need executions (no metrics row without them)';
  end if;
  insert into public.agents (id, user_id, name, model_preference)
  values (coalesce(create_agent.id, pg_catalog.gen_random_uuid()), owner, name, model_preference)
  returning agents.id into agent_id;
  if executions is not null then
    insert into public.agent_intensity_metrics (agent_id, combined_score, total_executions, successful_executions,
                                                success_rate, consecutive_failures, last_failure_at)
    values (agent_id, score, executions, pg_catalog.floor(executions * coalesce(success_rate, 100) / 100),
            coalesce(success_rate, 100), consecutive_failures, last_failure_at);
  end if;
  return agent_id;
end
$$;
comment on function tests.create_agent(uuid, text, numeric, integer, numeric, uuid, text, integer, timestamptz) is
  'Inserts an agent of the user owner (id, else a random one; optional model_preference) and returns its id. With executions '
  'it also writes the agent_intensity_metrics row: combined_score = score, success_rate (default 100), successful executions '
  '= floor(executions x success_rate / 100), consecutive_failures, last_failure_at. Without executions: no metrics row. '
  'The named form tests.create_agent(owner => ''owner'', name => ...) calls it.';

create or replace function tests.create_agent(
  owner text, name text, score numeric default null, executions integer default null, success_rate numeric default null,
  model_preference text default null, consecutive_failures integer default 0, last_failure_at timestamptz default null)
returns uuid
language sql
set search_path = ''
as $$
  select tests.create_agent(tests.get_user_id(owner), name, score, executions, success_rate, tests._named_id('agent', name),
                            model_preference, consecutive_failures, last_failure_at)
$$;
comment on function tests.create_agent(text, text, numeric, integer, numeric, text, integer, timestamptz) is
  'Inserts the named agent (id md5(''agent:'' || name), so names are unique within a test) of the named user owner, with '
  'the metrics of tests.create_agent(uuid, ...), and returns its id; see tests.get_agent_id.';

create or replace function tests.create_decision(
  agent uuid, model text, tier text, score numeric, execution_id text default null, id uuid default null,
  baseline_model text default 'gpt-4o')
returns uuid
language plpgsql
set search_path = ''
as $$
declare
  decision_id uuid;
begin
  -- As route_model writes a tier decision of a routed agent (rule 8).
  insert into routing.decisions (id, agent_id, user_id, execution_id, model, provider, tier, reason, reasoning, cohort,
                                 intensity_score, baseline_model, routing_enabled)
  select coalesce(create_decision.id, pg_catalog.gen_random_uuid()), a.id, a.user_id, create_decision.execution_id,
         m.model, m.provider, create_decision.tier, 'tier',
         pg_catalog.format('%s complexity (%s) - %s model', pg_catalog.initcap(create_decision.tier), create_decision.score,
                           case create_decision.tier when 'low' then 'budget' when 'medium' then 'balanced' else 'premium' end),
         'routed', create_decision.score, create_decision.baseline_model, true
  from public.agents a, routing.models m
  where a.id = create_decision.agent and m.model = create_decision.model
  returning decisions.id into decision_id;
  if decision_id is null then
    raise exception using errcode = 'P0002',
      message = pg_catalog.format('tests.create_decision: no agent %s or no model %s', agent, model);
  end if;
  return decision_id;
end
$$;
comment on function tests.create_decision(uuid, text, text, numeric, text, uuid, text) is
  'Inserts a routing.decisions row as route_model writes a routed tier decision (reason tier, e.g. "Medium complexity (5.2) '
  '- balanced model"): the agent''s owner, the model''s catalog provider; returns its id (id, else a random one). '
  'The named form tests.create_decision(agent => ''owner agent'', ..., name => ...) calls it.';

create or replace function tests.create_decision(
  agent text, model text, tier text, score numeric, execution_id text default null, name text default null,
  baseline_model text default 'gpt-4o')
returns uuid
language sql
set search_path = ''
as $$
  select tests.create_decision(tests.get_agent_id(agent), model, tier, score, execution_id,
                               case when name is not null then tests._named_id('decision', name) end, baseline_model)
$$;
comment on function tests.create_decision(text, text, text, numeric, text, text, text) is
  'tests.create_decision(uuid, ...) for the named agent; a named decision (name => ...) has the id md5(''decision:'' || name), '
  'see tests.get_decision_id; without a name its id is random. Returns the id.';

-- -----------------------------------------------------------------------------
-- Routing state: switches, breakers, history
-- -----------------------------------------------------------------------------
create or replace function tests.reset_routing()
returns void
language plpgsql
set search_path = ''
as $$
begin
  -- Every setting back to its column default (thresholds, models, chains, alert
  -- thresholds, no force, no rollback trip), with routing on. Only effective
  -- changes are audited by routing.config's trigger.
  execute (
    select pg_catalog.format('update routing.config set enabled = true, %s where id',
                             pg_catalog.string_agg(pg_catalog.format('%I = default', a.attname), ', ' order by a.attnum))
    from pg_catalog.pg_attribute a
    where a.attrelid = 'routing.config'::pg_catalog.regclass and a.attnum > 0 and not a.attisdropped
      and a.attname not in ('id', 'enabled', 'updated_at', 'updated_by'));
  -- Every provider enabled and every model served (rows already so are not written).
  update routing.providers set enabled = true where not enabled;
  update routing.models set unavailable_since = null, unavailable_reason = null where unavailable_since is not null;
  -- Healthy breakers; rows already healthy are not written (nor locked).
  update routing.provider_breakers
  set state = 'closed', consecutive_failures = 0, opened_at = null, trial_started_at = null, last_failure_at = null,
      last_error_type = null, failure_tenants = '{}'
  where state <> 'closed' or consecutive_failures <> 0 or cardinality(failure_tenants) <> 0 or opened_at is not null or trial_started_at is not null;
end
$$;
comment on function tests.reset_routing() is
  'routing.config back to its defaults with routing on (100% rollout, nothing forced, no rollback trip, both providers on), '
  'every provider of routing.providers enabled, no model marked unavailable, and every provider circuit closed with no failures.';

create or replace function tests.clear_routing_history()
returns void
language sql
set search_path = ''
as $$
  delete from routing.decisions;  -- and, by cascade, their calls and attempts
  delete from routing.executions;
  delete from routing.outcome_counters;
  delete from routing.agent_model_records;
  delete from routing.agent_learning;
  delete from routing.agent_model_moves;
  delete from routing.report_rollups;
  delete from routing.latency_rollups;
  delete from routing.report_stale_days;
  update routing.report_rollup_state set rolled_through = null, refreshed_at = null;
$$;
comment on function tests.clear_routing_history() is
  'A clean slate for reports: deletes every decision (with its calls and attempts), every execution outcome, the '
  'outcome counters of the routed success rule, every track record, learned rung and move, and the report and latency rollups '
  'with the days noted for rebuilding (every report live again).';

create or replace function tests.clear_alert_history()
returns void
language sql
set search_path = ''
as $$
  delete from routing.alert_events;
  update routing.alert_states set state = 'ok', since = pg_catalog.now(), value = null, sample = 0, evaluated_at = null;
$$;
comment on function tests.clear_alert_history() is
  'Deletes every alert event and puts every alert state back to ok, never evaluated.';

create or replace function tests.configured_model(setting text)
returns text
language plpgsql
stable
security definer  -- a test states "the medium model" while it is a role that cannot read routing.config
set search_path = ''
as $$
declare
  model text;
begin
  if setting not in ('baseline_model', 'premium_model', 'new_agent_model', 'low_model', 'medium_model', 'high_model',
                     'anthropic_substitute_model', 'openai_mini_substitute_model', 'force_model') then
    raise exception using errcode = '22023',
      message = pg_catalog.format('tests.configured_model: %L is not a model setting of routing.config', setting);
  end if;
  execute pg_catalog.format('select %I from routing.config where id', setting) into model;
  return model;
end
$$;
comment on function tests.configured_model(text) is
  'The model a routing.config model setting names now (e.g. tests.configured_model(''medium_model'')), so a test states '
  'the rule ("the medium agent gets the medium model") rather than an id. SECURITY DEFINER: callable by any actor.';

create or replace function tests.use_plan_2025_catalog()
returns void
language plpgsql
set search_path = ''
as $$
begin
  -- The plan's tier models, baseline, substitutes and chains (an audited operator command) ...
  perform public.apply_catalog_preset('plan-2025');
  -- ... in the plan's world, where its models were still served: no deprecation, retirement or unavailability
  -- of the models priced in the plan (their 2024 list prices), so its figures do not depend on today's date.
  update routing.models m
     set deprecated_at = null, retires_at = null, unavailable_since = null, unavailable_reason = null
   where exists (select 1 from routing.model_prices p where p.model = m.model and p.effective_from < '2025-01-01');
end
$$;
comment on function tests.use_plan_2025_catalog() is
  'For the tests that reproduce the plan''s figures: applies the plan-2025 catalog preset and lifts today''s lifecycle '
  '(deprecation, retirement, unavailability) of the plan''s models (those priced before 2025), as in the plan''s 2025. '
  'The test''s ROLLBACK undoes both.';

-- -----------------------------------------------------------------------------
-- Completions
-- -----------------------------------------------------------------------------
create or replace function tests.record_completion_for(
  decision jsonb, input_tokens integer, output_tokens integer, cached_tokens integer default 0, latency_ms integer default 100)
returns jsonb
language sql
set search_path = ''
as $$
  select public.record_completion((decision ->> 'decision_id')::uuid, pg_catalog.jsonb_build_object(
    'status', 'succeeded', 'model', decision ->> 'model', 'provider', decision ->> 'provider', 'latency_ms', latency_ms,
    'attempts', pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
      'model', decision ->> 'model', 'provider', decision ->> 'provider', 'status', 200, 'latency_ms', latency_ms,
      'input_tokens', input_tokens, 'output_tokens', output_tokens, 'cached_tokens', cached_tokens))))
$$;
comment on function tests.record_completion_for(jsonb, integer, integer, integer, integer) is
  'Records, with public.record_completion, a call of a route_model answer (jsonb) that its model answered in one '
  'attempt (HTTP 200) with these tokens and latency; returns record_completion''s answer.';

-- -----------------------------------------------------------------------------
-- Concurrent sessions: dblink connections of the database owner
-- -----------------------------------------------------------------------------
create or replace function tests.connect_owner_sessions(variadic names text[])
returns void
language plpgsql
set search_path = ''
as $$
begin
  -- Each a session of its own on this database as the session user (a trusted caller, as the edge
  -- function's connection), through the server's socket: a concurrency test plays one actor per session.
  -- plpgsql: dblink is created by the test that uses it, after this file.
  perform extensions.dblink_connect(n, pg_catalog.format('dbname=%s host=%s port=%s user=%s', pg_catalog.current_database(),
            pg_catalog.split_part(pg_catalog.current_setting('unix_socket_directories'), ',', 1),
            pg_catalog.current_setting('port'), session_user))
  from unnest(names) n;
end
$$;
comment on function tests.connect_owner_sessions(text[]) is
  'Opens one dblink connection per name, each a new session of the session user on this database (needs the dblink '
  'extension in schema extensions); a concurrency test sends each actor''s statements to its own connection.';

create or replace function tests.refusal_of(session text)
returns text
language plpgsql
set search_path = ''
as $$
declare
  refusal text;
begin
  -- The statement the session was sent (dblink_send_query) ends: its rows are read without raising
  -- (fail false), then the end of its results, so the session takes the next statement.
  perform count(*) from extensions.dblink_get_result(session, false) as t(r text);
  refusal := pg_catalog.split_part(extensions.dblink_error_message(session), E'\n', 1);
  perform count(*) from extensions.dblink_get_result(session, false) as t(r text);
  return refusal;
end
$$;
comment on function tests.refusal_of(text) is
  'Waits for the statement a dblink session was sent to end and returns the first line of its error (''ERROR:  ...''), '
  'or ''OK'' when it succeeded; the session is then free for the next statement.';

-- -----------------------------------------------------------------------------
-- Privileges: the API roles may switch actor and look names up (a test does so
-- while it is one of them); only the owner may build fixtures.
-- -----------------------------------------------------------------------------
revoke all on all functions in schema tests from public;
grant usage on schema tests to anon, authenticated, service_role;
grant execute on function tests._set_actor(text, text), tests.authenticate_as(text), tests.authenticate_as(uuid, text),
  tests.authenticate_as_service_role(), tests.authenticate_as_anon(), tests.clear_authentication(),
  tests._named_id(text, text), tests._user_email(text), tests.unknown_id(text), tests.get_user_id(text),
  tests.get_agent_id(text), tests.get_decision_id(text), tests.user_claims(text), tests.configured_model(text)
  to anon, authenticated, service_role;

-- -----------------------------------------------------------------------------
-- The file is a test too (pg_prove needs a plan from every file)
-- -----------------------------------------------------------------------------
reset client_min_messages;
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(1);
select has_schema('tests', 'The pgTAP fixture helpers are installed in schema tests.');
select * from finish();
ROLLBACK;
