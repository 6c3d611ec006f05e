-- record_fail_open_completion and a model's delete, in two concurrent transactions. The fail-open
-- record writes a decision naming its model, which routing._keep_decided_catalog keeps in the catalog;
-- the record takes the decisions' lock (ROW EXCLUSIVE) before it reads the model, as route_model does,
-- and the model's delete takes SHARE on routing.decisions first (routing._lock_decisions_for_catalog_change).
-- So either the delete waits for the record and then sees its decision, or the record waits for the
-- delete and then finds the model gone. Without the record's early lock, its model read would come
-- before the wait (the decision's insert waits too, but on a snapshot that still has the model), and a
-- committed decision would name a deleted model. Two dblink sessions play the recorder and the operator;
-- their fixtures are committed, so this file removes them before and after.
BEGIN;
create extension if not exists pgtap with schema extensions;
create extension if not exists dblink with schema extensions;
select plan(5);
-- The refused statements' errors come back as notices (tests.refusal_of reads them): read, not printed.
set local client_min_messages = warning;

-- -----------------------------------------------------------------------------
-- Two sessions of the database owner: the recorder (as the edge function's connection) and an operator
-- -----------------------------------------------------------------------------
select tests.connect_owner_sessions('recorder', 'operator');
create function pg_temp.remove_race_fixtures() returns text language sql as $$
  select extensions.dblink_exec('recorder', format($q$
    delete from routing.decisions where agent_id = %1$L;
    delete from public.agents where id = %1$L;
    delete from auth.users where id = %2$L;
    delete from routing.models where model in ('fail-open-race-one', 'fail-open-race-two');$q$,
    tests._named_id('agent', 'fail-open race agent'), tests._named_id('user', 'fail-open race owner')))
$$;
select pg_temp.remove_race_fixtures();
-- Two models of their own with no price (so only the decisions can keep them), named by no decision yet.
select extensions.dblink_exec('recorder', $q$do $d$ begin
  perform tests.create_user('fail-open race owner');
  perform tests.create_agent('fail-open race owner', 'fail-open race agent');
  insert into routing.models (model, provider, wire_id, description) values
    ('fail-open-race-one', 'openai', 'fail-open-race-one', 'test only'),
    ('fail-open-race-two', 'openai', 'fail-open-race-two', 'test only');
end $d$$q$);
-- A fail-open record whose decision names the race's model; the call was answered by the priced baseline.
create function pg_temp.fail_open_record(model text) returns text language sql as $$
  select format('select public.record_fail_open_completion(%L, %L, now(), %L)::text',
    tests._named_id('agent', 'fail-open race agent'), model,
    jsonb_build_object('call_key', gen_random_uuid(), 'status', 'succeeded', 'model', 'gpt-5.6-sol', 'provider', 'openai',
      'attempts', jsonb_build_array(jsonb_build_object('model', 'gpt-5.6-sol', 'provider', 'openai', 'status', 200,
                                                       'input_tokens', 10, 'output_tokens', 5))))
$$;

-- -----------------------------------------------------------------------------
-- The record first: the model's delete waits for it, then sees its decision
-- -----------------------------------------------------------------------------
select extensions.dblink_exec('recorder', 'begin');
select count(*) from extensions.dblink('recorder', pg_temp.fail_open_record('fail-open-race-one')) as t(r text);
select extensions.dblink_send_query('operator', $$delete from routing.models where model = 'fail-open-race-one'$$);
select pg_sleep(0.3);
select is(extensions.dblink_is_busy('operator'), 1, 'A model''s delete waits for the fail-open record whose decision names it.');
select extensions.dblink_exec('recorder', 'commit');
select is(tests.refusal_of('operator'),
  'ERROR:  model fail-open-race-one is named by routing.decisions: it cannot be deleted or renamed',
  'Once the record commits, the waiting delete is refused: the fail-open decision names the model.');

-- -----------------------------------------------------------------------------
-- The delete first: the record waits for it, then finds the model gone
-- -----------------------------------------------------------------------------
select extensions.dblink_exec('operator', 'begin');
select extensions.dblink_exec('operator', $$delete from routing.models where model = 'fail-open-race-two'$$);
select extensions.dblink_send_query('recorder', pg_temp.fail_open_record('fail-open-race-two'));
select pg_sleep(0.3);
select is(extensions.dblink_is_busy('recorder'), 1, 'A fail-open record waits for the delete of its decision''s model.');
select extensions.dblink_exec('operator', 'commit');
select is(tests.refusal_of('recorder'),
  'ERROR:  model must be a catalog model',
  'Once the delete commits, the waiting record is refused: its model is no longer in the catalog.');

select is((select count(*) from routing.decisions d
           where d.agent_id = tests._named_id('agent', 'fail-open race agent')
             and not exists (select 1 from routing.models m where m.model = d.model)), 0::bigint,
  'No committed decision names a model the catalog no longer has.');

select pg_temp.remove_race_fixtures();
select extensions.dblink_disconnect('recorder'), extensions.dblink_disconnect('operator');

select * from finish();
ROLLBACK;
