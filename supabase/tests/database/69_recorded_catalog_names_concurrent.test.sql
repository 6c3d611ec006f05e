-- A provider's delete and a call recorded through it, in two concurrent transactions: the delete's
-- SHARE lock on routing.attempts (routing._lock_decisions_for_catalog_change) waits for every call
-- being recorded and holds off new ones, whose recording statement takes its lock before its
-- snapshot; so either the delete sees the attempt and is refused, or the call sees the provider gone
-- and is refused. Two dblink sessions play the recorder and the operator; their fixtures are
-- committed (a session cannot see another's uncommitted rows), so this file removes them before and
-- after, and writes nothing in its own transaction (which would hold the locks they wait for).
BEGIN;
create extension if not exists pgtap with schema extensions;
create extension if not exists dblink with schema extensions;
select plan(4);
-- The refused statements' errors come back as notices (tests.refusal_of reads them): read, not printed.
set local client_min_messages = warning;

-- -----------------------------------------------------------------------------
-- Two sessions of the database owner: the recorder (as the edge function's connection) and an operator
-- -----------------------------------------------------------------------------
select tests.connect_owner_sessions('recorder', 'operator');
create function pg_temp.remove_race_fixtures() returns text language sql as $$
  select extensions.dblink_exec('recorder', format($q$
    delete from routing.decisions where agent_id = %1$L;
    delete from auth.users where id = %2$L;
    delete from routing.provider_breakers where provider in ('race-provider-one', 'race-provider-two');
    delete from routing.providers where provider in ('race-provider-one', 'race-provider-two');$q$,
    tests._named_id('agent', 'race agent'), tests._named_id('user', 'race owner')))
$$;
select pg_temp.remove_race_fixtures();
select extensions.dblink_exec('recorder', $q$do $d$ begin
  perform tests.create_user('race owner');
  perform tests.create_agent('race owner', 'race agent');
  perform tests.create_decision('race agent', 'gpt-4o', 'high', 7.5, 'race-1', name => 'race decision one');
  perform tests.create_decision('race agent', 'gpt-4o', 'high', 7.5, 'race-2', name => 'race decision two');
  insert into routing.providers (provider, kind, base_url, api_key_env, description) values
    ('race-provider-one', 'openai-compatible', 'http://127.0.0.1:9/v1', 'RACE_ONE_KEY', 'test only'),
    ('race-provider-two', 'openai-compatible', 'http://127.0.0.1:9/v1', 'RACE_TWO_KEY', 'test only');
  delete from routing.provider_breakers where provider in ('race-provider-one', 'race-provider-two');
end $d$$q$);
-- One attempt on the decided model through the race's provider (the provider serves no model).
create function pg_temp.race_call(decision text, provider text) returns text language sql as $$
  select format('select public.record_completion(%L, %L)::text', tests.get_decision_id(decision),
    jsonb_build_object('status', 'succeeded', 'model', 'gpt-4o', 'provider', provider,
      'attempts', jsonb_build_array(jsonb_build_object('model', 'gpt-4o', 'provider', provider, 'status', 200,
                                                       'input_tokens', 10, 'output_tokens', 5))))
$$;

-- -----------------------------------------------------------------------------
-- The call first: the provider's delete waits for it, then sees its attempt
-- -----------------------------------------------------------------------------
select extensions.dblink_exec('recorder', 'begin');
select count(*) from extensions.dblink('recorder', pg_temp.race_call('race decision one', 'race-provider-one')) as t(r text);
select extensions.dblink_send_query('operator', $$delete from routing.providers where provider = 'race-provider-one'$$);
select pg_sleep(0.3);
select is(extensions.dblink_is_busy('operator'), 1,
  'A provider''s delete waits for the call being recorded through it.');
select extensions.dblink_exec('recorder', 'commit');
select is(tests.refusal_of('operator'),
  'ERROR:  provider race-provider-one is named by routing.attempts: it cannot be deleted or renamed',
  'Once the call commits, the waiting delete is refused: the attempt names the provider.');

-- -----------------------------------------------------------------------------
-- The delete first: the call's recording waits for it, then finds the provider gone
-- -----------------------------------------------------------------------------
select extensions.dblink_exec('operator', 'begin');
select extensions.dblink_exec('operator', $$delete from routing.providers where provider = 'race-provider-two'$$);
select extensions.dblink_send_query('recorder', pg_temp.race_call('race decision two', 'race-provider-two'));
select pg_sleep(0.3);
select is(extensions.dblink_is_busy('recorder'), 1, 'A call recorded while its provider is being deleted waits for the delete.');
select extensions.dblink_exec('operator', 'commit');
select is(tests.refusal_of('recorder'),
  'ERROR:  call.provider must be a provider of routing.providers',
  'Once the delete commits, the waiting call is refused, naming the provider: no attempt names a deleted provider.');

select pg_temp.remove_race_fixtures();
select extensions.dblink_disconnect('recorder'), extensions.dblink_disconnect('operator');

select * from finish();
ROLLBACK;
