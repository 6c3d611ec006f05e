-- The error-type vocabulary (routing.error_types): the one list of attempt error types,
-- with whether each is the caller's fault and whether it counts for the breaker;
-- record_completion's validation, the breaker and the provider error-rate alert all read it,
-- so a new row is a new type everywhere.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(17);

-- -----------------------------------------------------------------------------
-- Database owner: the list and its flags
-- -----------------------------------------------------------------------------
select results_eq(
  $$select error_type, caller_fault, breaker_failure from routing.error_types order by sort_order$$,
  $$values ('rate_limit'::text, false, true), ('insufficient_quota', false, false), ('server_error', false, true),
           ('overloaded', false, true), ('timeout', false, true), ('connection', false, true), ('auth', false, false),
           ('invalid_request', true, false), ('payload_too_large', true, false), ('malformed_response', false, true),
           ('model_unavailable', false, false), ('unknown', false, false), ('client_aborted', true, false)$$,
  'The thirteen error types of docs/architecture.md, in their documented order, with their two flags.');
select results_eq(
  $$select error_type from routing.error_types where caller_fault order by error_type$$,
  $$values ('client_aborted'::text), ('invalid_request'), ('payload_too_large')$$,
  'Exactly client_aborted, invalid_request and payload_too_large are the caller''s fault.');
select results_eq(
  $$select error_type from routing.error_types where breaker_failure order by error_type$$,
  $$values ('connection'::text), ('malformed_response'), ('overloaded'), ('rate_limit'), ('server_error'), ('timeout')$$,
  'Exactly the six availability failures count for the breaker.');
select is_empty(
  $$select error_type from routing.error_types where description is null or btrim(description) = ''$$,
  'Every error type is described.');
select throws_ok(
  $$insert into routing.error_types (error_type, caller_fault, breaker_failure, description, sort_order)
    values ('both_at_once', true, true, 'neither', 99)$$,
  '23514', null, 'An error type cannot be both the caller''s fault and a breaker failure.');

-- -----------------------------------------------------------------------------
-- Database owner: the attempts name the list (checked when written); no second copy of it
-- -----------------------------------------------------------------------------
-- No foreign key (each attempt would lock a shared row): the list is reference data no role but
-- its owner may change, so a name record_completion checked stays.
select is_empty(
  $$select r.rolname from pg_catalog.pg_roles r
    where r.rolname <> 'postgres' and not r.rolsuper and r.rolname !~ '^pg_'
      and (has_table_privilege(r.oid, 'routing.error_types', 'INSERT, UPDATE, DELETE, TRUNCATE')
           or has_any_column_privilege(r.oid, 'routing.error_types', 'INSERT, UPDATE'))$$,
  'No role but the owner may change routing.error_types (no table or column grant), which routing.attempts.error_type names.');
select is_empty(
  $$select conname from pg_catalog.pg_constraint
    where conrelid = 'routing.attempts'::regclass and contype = 'c' and pg_get_constraintdef(oid) like '%rate_limit%'$$,
  'No check constraint on routing.attempts spells the list again.');
select is_empty(
  $$select p.oid::regprocedure::text from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    where n.nspname in ('public', 'routing') and p.prosrc like '%''payload_too_large''%'$$,
  'No function in public or routing spells an error type: they read routing.error_types.');

-- -----------------------------------------------------------------------------
-- Database owner: a new row is a new error type everywhere
-- -----------------------------------------------------------------------------
select tests.reset_routing();
select tests.clear_routing_history();  -- the error-rate window must hold only this file's attempts
select tests.clear_alert_history();
create temp table ids (name text primary key, id uuid not null) on commit drop;
insert into ids values ('owner', tests.create_user('owner04@example.com'));
insert into ids select 'agent', tests.create_agent((select id from ids where name = 'owner'), 'Error-type agent');
insert into ids select 'decision', tests.create_decision((select id from ids where name = 'agent'), 'gpt-4o', 'high', 8.1, 'exec-04');
insert into routing.error_types (error_type, caller_fault, breaker_failure, description, sort_order)
values ('gateway_blocked', false, true, 'A test type: the provider''s gateway refused the request.', 14);
grant select on ids to service_role;

select ok(routing._is_availability_failure('gateway_blocked'),
  'A new breaker-failure type counts for the breaker.');

select tests.authenticate_as_service_role();
select throws_ok(
  $$select public.record_completion((select id from ids where name = 'decision'),
      '{"status": "failed", "model": "gpt-4o", "provider": "openai",
        "attempts": [{"model": "gpt-4o", "provider": "openai", "status": 503, "error_type": "not_a_type"}]}')$$,
  '22023',
  'call.attempts[1].error_type must be null or one of: rate_limit, insufficient_quota, server_error, overloaded, '
  'timeout, connection, auth, invalid_request, payload_too_large, malformed_response, model_unavailable, unknown, '
  'client_aborted, gateway_blocked',
  'record_completion lists the error types from the table, in its order, the new one last.');
select is(
  (public.record_completion((select id from ids where name = 'decision'),
     '{"status": "failed", "model": "gpt-4o", "provider": "openai",
       "attempts": [{"model": "gpt-4o", "provider": "openai", "status": 502, "error_type": "gateway_blocked"}]}')
   -> 'attempts' -> 0 ->> 'error_type'),
  'gateway_blocked', 'record_completion records an attempt of the new type.');
select tests.clear_authentication();
select is((select consecutive_failures from routing.provider_breakers where provider = 'openai'), 1,
  'The recorded attempt of the new type counted one failure on the openai breaker.');
select is(
  (select (r.figures ->> 'failed')::integer
   from routing._read_provider_error_rates((select c from routing.config c where c.id), array['openai']) r),
  1, 'The provider error-rate alert counts the new type as a provider failure.');

update routing.error_types set caller_fault = true, breaker_failure = false where error_type = 'gateway_blocked';
select ok(not routing._is_availability_failure('gateway_blocked'),
  'Once flagged the caller''s fault, the type no longer counts for the breaker.');
select is(
  (select (r.figures ->> 'failed')::integer
   from routing._read_provider_error_rates((select c from routing.config c where c.id), array['openai']) r),
  0, 'Once flagged the caller''s fault, the type no longer counts in the provider error rate.');

-- -----------------------------------------------------------------------------
-- Privileges: the service role reads the list; nobody but the owner writes it
-- -----------------------------------------------------------------------------
select ok((select relrowsecurity from pg_catalog.pg_class where oid = 'routing.error_types'::regclass),
  'Row level security is on for routing.error_types.');
select ok(has_table_privilege('service_role', 'routing.error_types', 'select')
          and not has_table_privilege('service_role', 'routing.error_types', 'insert')
          and not has_table_privilege('service_role', 'routing.error_types', 'update')
          and not has_table_privilege('authenticated', 'routing.error_types', 'select')
          and not has_table_privilege('anon', 'routing.error_types', 'select'),
  'The service role may read the error types and write none; signed-in users and anon may not read them.');

select * from finish();
ROLLBACK;
