-- An outcome and its execution's first call record written by two concurrent transactions are
-- counted for the global guard exactly once: record_completion's hook (routing._after_first_call_recorded)
-- and record_agent_execution both hold the execution's lock (routing._lock_execution) while they look
-- for the other, so the later one waits for the earlier to commit and then sees its row. Two sessions
-- opened with dblink play the recorder (record_completion) and the reporter (record_agent_execution);
-- their fixtures are committed (a session cannot see another's uncommitted rows), so this file
-- removes them before and after.
BEGIN;
create extension if not exists pgtap with schema extensions;
create extension if not exists dblink with schema extensions;
select plan(6);

-- -----------------------------------------------------------------------------
-- Two sessions of the database owner (trusted callers, as the edge function's connection)
-- -----------------------------------------------------------------------------
select tests.connect_owner_sessions('recorder', 'reporter');

create function pg_temp.remove_race_fixtures() returns text language sql as $$
  select extensions.dblink_exec('recorder', format($q$
    delete from routing.outcome_counters where user_id = %3$L;
    delete from routing.decisions where agent_id = %1$L;
    delete from routing.executions where agent_id = %1$L;
    delete from auth.users where id = %3$L;$q$,
    tests._named_id('agent', 'counting race agent'), null, tests._named_id('user', 'counting race owner')))
$$;
select pg_temp.remove_race_fixtures();
select extensions.dblink_exec('recorder', $q$do $d$ begin
  perform tests.create_user('counting race owner');
  perform tests.create_agent('counting race owner', 'counting race agent', score => 2.1, executions => 40);
  perform public.route_model(tests.get_agent_id('counting race agent'), 'count-race-' || g) from generate_series(1, 2) g;
end $d$$q$);

-- The call of an execution as the edge function records it: one 200 attempt on the decision's model.
create function pg_temp.record_call_sql(execution text) returns text language sql as $$
  select format('select public.record_completion(%L, %L)::text', d.id, jsonb_build_object(
    'status', 'succeeded', 'model', d.model, 'provider', d.provider, 'call_key', gen_random_uuid(),
    'attempts', jsonb_build_array(jsonb_build_object('model', d.model, 'provider', d.provider, 'status', 200,
                                                      'input_tokens', 50, 'output_tokens', 50))))
  from routing.decisions d
  where d.agent_id = tests.get_agent_id('counting race agent') and d.execution_id = execution
$$;
create function pg_temp.counted() returns integer language sql volatile as $$
  select coalesce(sum(o.executions), 0)::integer from routing.outcome_counters o
  where o.user_id = tests.get_user_id('counting race owner')
$$;

-- -----------------------------------------------------------------------------
-- The call first: its transaction holds the lock, the outcome waits, then sees the call and counts itself
-- -----------------------------------------------------------------------------
select extensions.dblink_exec('recorder', 'begin');
select count(*) from extensions.dblink('recorder', pg_temp.record_call_sql('count-race-1')) as t(r text);
select extensions.dblink_send_query('reporter', format('select public.record_agent_execution(%L, %L, true)::text',
                                                       tests.get_agent_id('counting race agent'), 'count-race-1'));
select pg_sleep(0.3);
select is(extensions.dblink_is_busy('reporter'), 1,
  'An outcome reported while its execution''s first call is being recorded waits for the call''s transaction.');
select extensions.dblink_exec('recorder', 'commit');
select count(*) from extensions.dblink_get_result('reporter') as t(r text);
select count(*) from extensions.dblink_get_result('reporter') as t(r text);  -- the end of its results
select is(pg_temp.counted(), 1, 'Once the call commits, the waiting outcome sees it and counts for the global guard once.');

-- -----------------------------------------------------------------------------
-- The outcome first: its transaction holds the lock, the call's record waits, then counts the outcome
-- -----------------------------------------------------------------------------
select extensions.dblink_exec('reporter', 'begin');
select count(*) from extensions.dblink('reporter', format('select public.record_agent_execution(%L, %L, true)::text',
                                                          tests.get_agent_id('counting race agent'), 'count-race-2')) as t(r text);
select is(pg_temp.counted(), 1, 'An outcome whose execution has no recorded call yet counts nothing ...');
select extensions.dblink_send_query('recorder', pg_temp.record_call_sql('count-race-2'));
select pg_sleep(0.3);
select is(extensions.dblink_is_busy('recorder'), 1,
  '... and the first call recorded meanwhile waits for the outcome''s transaction.');
select extensions.dblink_exec('reporter', 'commit');
select count(*) from extensions.dblink_get_result('recorder') as t(r text);
select count(*) from extensions.dblink_get_result('recorder') as t(r text);  -- the end of its results
select is(pg_temp.counted(), 2, 'Once the outcome commits, the waiting call''s record counts it, once.');
select is((select count(*)::integer from routing.calls c join routing.decisions d on d.id = c.decision_id
           where d.agent_id = tests.get_agent_id('counting race agent')), 2, 'Both calls are recorded.');

select pg_temp.remove_race_fixtures();
select extensions.dblink_disconnect('recorder'), extensions.dblink_disconnect('reporter');

select * from finish();
ROLLBACK;
