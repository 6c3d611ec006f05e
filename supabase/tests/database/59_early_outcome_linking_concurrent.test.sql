-- An outcome and its decision written by two concurrent transactions are still linked: each side
-- takes the execution's lock (routing._lock_execution) before it looks for the other, so the
-- later one waits for the earlier to commit and then sees its row. Two sessions opened with
-- dblink play route_model and record_agent_execution; their fixtures are committed (a session
-- cannot see another's uncommitted rows), so this file removes them before and after.
BEGIN;
create extension if not exists pgtap with schema extensions;
create extension if not exists dblink with schema extensions;
select plan(6);

-- -----------------------------------------------------------------------------
-- Two sessions of the database owner (trusted callers, as the edge function's connection)
-- -----------------------------------------------------------------------------
select tests.connect_owner_sessions('decider', 'reporter');

create function pg_temp.remove_race_fixtures() returns text language sql as $$
  select extensions.dblink_exec('decider', format($q$
    delete from routing.decisions where agent_id in (%1$L, %2$L);
    delete from routing.executions where agent_id in (%1$L, %2$L);
    delete from auth.users where id = %3$L;$q$,
    tests._named_id('agent', 'race agent one'), tests._named_id('agent', 'race agent two'), tests._named_id('user', 'race owner')))
$$;
select pg_temp.remove_race_fixtures();
select extensions.dblink_exec('decider', $q$do $d$ begin
  perform tests.create_user('race owner');
  perform tests.create_agent('race owner', 'race agent one', score => 5.2, executions => 40);
  perform tests.create_agent('race owner', 'race agent two', score => 5.2, executions => 40);
end $d$$q$);

create function pg_temp.linked_decision(agent text, execution_id text) returns uuid language sql volatile as $$
  select e.decision_id from routing.executions e
  where e.agent_id = tests.get_agent_id(agent) and e.execution_id = linked_decision.execution_id
$$;

-- -----------------------------------------------------------------------------
-- The decision first: its transaction holds the lock, the outcome waits for its commit
-- -----------------------------------------------------------------------------
select extensions.dblink_exec('decider', 'begin');
select r::jsonb ->> 'decision_id' as first_decision
from extensions.dblink('decider', format('select public.route_model(%L, %L)::text',
                                         tests.get_agent_id('race agent one'), 'exec-race-1')) as t(r text) \gset
select extensions.dblink_send_query('reporter', format('select public.record_agent_execution(%L, %L, true)::text',
                                                       tests.get_agent_id('race agent one'), 'exec-race-1'));
select pg_sleep(0.3);
select is(extensions.dblink_is_busy('reporter'), 1,
  'An outcome reported while its decision is being written waits for the decision''s transaction.');
select extensions.dblink_exec('decider', 'commit');
select is((select r::jsonb ->> 'decision_id' from extensions.dblink_get_result('reporter') as t(r text)), :'first_decision',
  'Once the decision commits, the waiting outcome is recorded with it.');
select count(*) from extensions.dblink_get_result('reporter') as t(r text);  -- the end of its results
select is(pg_temp.linked_decision('race agent one', 'exec-race-1')::text, :'first_decision',
  'The stored outcome is linked to the concurrent decision.');

-- -----------------------------------------------------------------------------
-- The outcome first: its transaction holds the lock, the decision waits for its commit
-- -----------------------------------------------------------------------------
select extensions.dblink_exec('reporter', 'begin');
select count(*) from extensions.dblink('reporter', format('select public.record_agent_execution(%L, %L, true)::text',
                                                          tests.get_agent_id('race agent two'), 'exec-race-2')) as t(r text);
select extensions.dblink_send_query('decider', format('select public.route_model(%L, %L)::text',
                                                      tests.get_agent_id('race agent two'), 'exec-race-2'));
select pg_sleep(0.3);
select is(extensions.dblink_is_busy('decider'), 1,
  'A decision written while its outcome is being recorded waits for the outcome''s transaction.');
select extensions.dblink_exec('reporter', 'commit');
select r::jsonb ->> 'decision_id' as second_decision
from extensions.dblink_get_result('decider') as t(r text) \gset
select count(*) from extensions.dblink_get_result('decider') as t(r text);  -- the end of its results
select isnt(:'second_decision'::uuid, null::uuid, 'Once the outcome commits, the waiting decision is written.');
select is(pg_temp.linked_decision('race agent two', 'exec-race-2')::text, :'second_decision',
  'The committed outcome is linked to the decision that waited for it.');

select pg_temp.remove_race_fixtures();
select extensions.dblink_disconnect('decider'), extensions.dblink_disconnect('reporter');

select * from finish();
ROLLBACK;
