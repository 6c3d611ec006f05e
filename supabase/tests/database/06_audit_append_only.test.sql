-- The audit trail is append-only for every role but the owner: anon, a signed-in user (owner of
-- the rows or stranger) and the service role can neither insert, update, delete nor truncate any
-- history table; the RPCs that write them (SECURITY DEFINER, owner) still do, for each role that
-- may call them; the owner (the migration role) keeps every privilege.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(34);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): the named actors owner and stranger, one agent each,
-- and one row of every history table written by the router's own functions
-- -----------------------------------------------------------------------------
select tests.reset_routing();
select tests.create_user('owner'), tests.create_user('stranger');
select tests.create_agent('owner', 'Owner agent', score => 5.2, executions => 40);
select tests.create_agent('stranger', 'Stranger agent', score => 2.0, executions => 40);

-- The history tables, in one place for every assertion below.
create function pg_temp.history_tables() returns text[] language sql immutable as $$
  select array['routing.decisions', 'routing.calls', 'routing.attempts', 'routing.executions',
               'routing.config_changes', 'routing.breaker_events', 'routing.alert_events',
               'routing.agent_preference_changes', 'routing.model_prices']
$$;

-- Every statement of one kind (insert, update, delete, truncate) on every history table, built
-- here by the owner (anon may not even name the tables), and run as the current actor: the answer
-- lists those NOT refused with 42501 insufficient_privilege (a statement that ran, or failed for
-- another reason, got past the privilege check).
create temporary table write_statements as
select k.kind, t.t as history_table,
       case k.kind
         when 'insert' then format('insert into %s default values', t.t)
         when 'update' then format('update %s set %I = %I', t.t, a.attname, a.attname)
         when 'delete' then format('delete from %s', t.t)
         when 'truncate' then format('truncate %s', t.t)
       end as statement
from unnest(pg_temp.history_tables()) with ordinality as t(t, o)
cross join (values ('insert'), ('update'), ('delete'), ('truncate')) as k(kind)
cross join lateral (
  -- The first column an UPDATE may name (an identity column GENERATED ALWAYS refuses any value).
  select x.attname from pg_catalog.pg_attribute x
  where x.attrelid = t.t::regclass and x.attnum > 0 and not x.attisdropped and x.attidentity <> 'a' and x.attgenerated = ''
  order by x.attnum limit 1) a
order by t.o;
grant select on write_statements to anon, authenticated, service_role;

create function pg_temp.unrefused(kind text) returns text[] language plpgsql as $$
declare
  st text;
  unrefused text[] := '{}';
begin
  for st in select w.statement from pg_temp.write_statements w where w.kind = unrefused.kind loop
    begin
      execute st;
      unrefused := unrefused || st;
    exception when insufficient_privilege then
      null;
    when others then
      unrefused := unrefused || (st || ' -> ' || sqlstate);
    end;
  end loop;
  return unrefused;
end
$$;

-- A fingerprint of every history row: unchanged after the refused attempts.
create function pg_temp.history_fingerprint() returns text language plpgsql as $$
declare
  t text;
  f text := '';
  part text;
begin
  foreach t in array pg_temp.history_tables() loop
    execute format('select count(*) || '':'' || coalesce(md5(string_agg(x::text, '','' order by x::text)), '''') from %s x', t)
      into part;
    f := f || t || '=' || part || ';';
  end loop;
  return f;
end
$$;

-- A call its decision's model answered in one attempt, as the edge function reports it.
create function pg_temp.one_attempt_call(decision jsonb, input_tokens integer, output_tokens integer)
returns jsonb language sql immutable as $$
  select jsonb_build_object('status', 'succeeded', 'model', decision ->> 'model', 'provider', decision ->> 'provider',
    'attempts', jsonb_build_array(jsonb_build_object('model', decision ->> 'model', 'provider', decision ->> 'provider',
      'status', 200, 'input_tokens', input_tokens, 'output_tokens', output_tokens)))
$$;

-- One row in each history table, written the way production writes it: route_model, record_completion,
-- record_agent_execution, the operator commands and the audit triggers, as the service role.
select tests.authenticate_as_service_role();
select public.route_model(tests.get_agent_id('Owner agent'), 'exec-fixture') as fixture_decision \gset
select public.record_completion((:'fixture_decision'::jsonb ->> 'decision_id')::uuid,
                                pg_temp.one_attempt_call(:'fixture_decision'::jsonb, 1000, 100));
select public.record_agent_execution(tests.get_agent_id('Owner agent'), 'exec-fixture', true, 1100, 900);
select public.set_agent_model_preference(tests.get_agent_id('Owner agent'), 'premium');
select public.reset_circuit_breaker('anthropic');
select tests.clear_authentication();
update routing.config set rollback_tripped_at = now(), rollback_reason = 'fixture' where id;
select tests.authenticate_as_service_role();
select public.clear_routing_rollback('fixture: cleared for the append-only test');
select tests.clear_authentication();

create function pg_temp.row_count(t text) returns bigint language plpgsql as $$
declare n bigint;
begin
  execute format('select count(*) from %s', t) into n;
  return n;
end
$$;
select is_empty($$ select t from unnest(pg_temp.history_tables()) t where pg_temp.row_count(t) = 0 $$,
  'The fixtures wrote at least one row in every history table, so every refused write had rows to change.');

select pg_temp.history_fingerprint() as fingerprint_before \gset

-- -----------------------------------------------------------------------------
-- The catalog: no role but the owner holds a write privilege on a history table
-- -----------------------------------------------------------------------------
select is_empty($$
  select c.oid::regclass::text || ': ' || coalesce(r.rolname, 'PUBLIC') || ' ' || acl.privilege_type
  from pg_catalog.pg_class c
  cross join lateral aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) acl
  left join pg_catalog.pg_roles r on r.oid = acl.grantee
  where c.oid = any (pg_temp.history_tables()::regclass[])
    and acl.grantee <> c.relowner
    and acl.privilege_type in ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE')
    -- The documented exception: an operator changes a price by inserting a new row.
    and not (c.oid = 'routing.model_prices'::regclass and r.rolname = 'service_role' and acl.privilege_type = 'INSERT')
  union all
  select c.oid::regclass::text || '.' || a.attname || ': ' || coalesce(r.rolname, 'PUBLIC') || ' ' || acl.privilege_type
  from pg_catalog.pg_class c
  join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attacl is not null
  cross join lateral aclexplode(a.attacl) acl
  left join pg_catalog.pg_roles r on r.oid = acl.grantee
  where c.oid = any (pg_temp.history_tables()::regclass[])
    and acl.grantee <> c.relowner
    and acl.privilege_type in ('INSERT', 'UPDATE')
$$, 'No role but the table owner holds INSERT, UPDATE, DELETE or TRUNCATE on a history table (the service role''s price insert excepted).');

select ok(
  (select bool_and(has_table_privilege('service_role', t, 'select')) from unnest(pg_temp.history_tables()) t),
  'The service role can still read every history table.');

-- -----------------------------------------------------------------------------
-- Anon
-- -----------------------------------------------------------------------------
select tests.authenticate_as_anon();
select is(pg_temp.unrefused('insert'), '{}'::text[], 'The anon key cannot insert into any history table.');
select is(pg_temp.unrefused('update'), '{}'::text[], 'The anon key cannot update any history table.');
select is(pg_temp.unrefused('delete'), '{}'::text[], 'The anon key cannot delete from any history table.');
select is(pg_temp.unrefused('truncate'), '{}'::text[], 'The anon key cannot truncate any history table.');

-- -----------------------------------------------------------------------------
-- Owner (authenticated): the rows are theirs and visible, still not theirs to change
-- -----------------------------------------------------------------------------
select tests.authenticate_as('owner');
select ok((select count(*) from routing.decisions) > 0 and (select count(*) from routing.executions) > 0
          and (select count(*) from routing.calls) > 0 and (select count(*) from routing.agent_preference_changes) > 0,
  'An owner sees their own decisions, calls, outcomes and preference changes.');
select is(pg_temp.unrefused('insert'), '{}'::text[], 'An owner cannot insert into any history table.');
select is(pg_temp.unrefused('update'), '{}'::text[], 'An owner cannot update any history table, not even their own rows.');
select is(pg_temp.unrefused('delete'), '{}'::text[], 'An owner cannot delete from any history table, not even their own rows.');
select is(pg_temp.unrefused('truncate'), '{}'::text[], 'An owner cannot truncate any history table.');


-- -----------------------------------------------------------------------------
-- Stranger (authenticated)
-- -----------------------------------------------------------------------------
select tests.authenticate_as('stranger');
select is(pg_temp.unrefused('insert'), '{}'::text[], 'A stranger cannot insert into any history table.');
select is(pg_temp.unrefused('update'), '{}'::text[], 'A stranger cannot update any history table.');
select is(pg_temp.unrefused('delete'), '{}'::text[], 'A stranger cannot delete from any history table.');
select is(pg_temp.unrefused('truncate'), '{}'::text[], 'A stranger cannot truncate any history table.');

-- -----------------------------------------------------------------------------
-- Service role (the edge function's side)
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select is(pg_temp.unrefused('insert'), array['insert into routing.model_prices default values -> 23502'],
  'The service role cannot insert into any history table except a new price row.');
select is(pg_temp.unrefused('update'), '{}'::text[], 'The service role cannot update any history table.');
select is(pg_temp.unrefused('delete'), '{}'::text[], 'The service role cannot delete from any history table.');
select is(pg_temp.unrefused('truncate'), '{}'::text[], 'The service role cannot truncate any history table.');

select tests.clear_authentication();
select is(pg_temp.history_fingerprint(), :'fingerprint_before',
  'The refused writes of every role left every history row as it was.');

-- -----------------------------------------------------------------------------
-- The writing RPCs still write, for each role that may call them
-- -----------------------------------------------------------------------------
select tests.authenticate_as('owner');
select ok((public.route_model(tests.get_agent_id('Owner agent'), 'exec-by-owner') ->> 'decision_id') is not null,
  'An owner''s route_model still writes its decision.');
select is(public.record_agent_execution(tests.get_agent_id('Owner agent'), 'exec-by-owner', true) ->> 'recorded', 'true',
  'An owner''s record_agent_execution still writes the outcome.');
update public.agents set model_preference = 'gpt-4o-mini' where id = tests.get_agent_id('Owner agent');
select tests.clear_authentication();
select is((select count(*)::integer from routing.agent_preference_changes
           where agent_id = tests.get_agent_id('Owner agent') and new_preference = 'gpt-4o-mini'), 1,
  'An owner''s preference change is still audited.');

select tests.authenticate_as_service_role();
select public.route_model(tests.get_agent_id('Stranger agent'), 'exec-by-service') as service_decision \gset
select is(public.record_completion((:'service_decision'::jsonb ->> 'decision_id')::uuid,
                                   pg_temp.one_attempt_call(:'service_decision'::jsonb, 500, 50)) ->> 'attempt_count', '1',
  'The service role''s record_completion still writes the call and its attempt.');
select is(public.record_agent_execution(tests.get_agent_id('Stranger agent'), 'exec-by-service', false) ->> 'recorded', 'true',
  'The service role''s record_agent_execution still writes the outcome.');
select lives_ok($$update routing.config set max_retries = 1 where id$$,
  'The service role can still update the config directly.');
select lives_ok($$insert into routing.model_prices (model, effective_from, input_per_mtok, output_per_mtok, cached_input_per_mtok, cache_write_per_mtok)
                  values ('gpt-4o', now() + interval '1 day', 2.00, 8.00, 1.00, 2.00)$$,
  'The service role can still add a price that takes effect later.');
select tests.clear_authentication();
select is((select changed_by || ' ' || new_values::text from routing.config_changes order by id desc limit 1),
  'service_role {"max_retries": 1}',
  'A direct config update by the service role is audited in routing.config_changes (the trigger writes it as owner).');
select is((select count(*)::integer from routing.breaker_events where reason = 'operator_reset' and changed_by = 'service_role'), 1,
  'reset_circuit_breaker still logs its breaker event.');
select is((select count(*)::integer from routing.alert_events where kind = 'clear' and actor = 'service_role'), 1,
  'clear_routing_rollback still logs its alert event.');

-- -----------------------------------------------------------------------------
-- Database owner (the migration role): every privilege remains
-- -----------------------------------------------------------------------------
select lives_ok($$update routing.executions set recorded_at = recorded_at - interval '1 day'
                  where execution_id = 'exec-by-service'$$,
  'The database owner can still update an outcome.');
select lives_ok($$delete from routing.decisions where execution_id = 'exec-by-owner'$$,
  'The database owner can still delete a decision.');
select lives_ok(format('truncate %s', array_to_string(pg_temp.history_tables(), ', ')),
  'The database owner can still truncate the history tables.');

select * from finish();
ROLLBACK;
