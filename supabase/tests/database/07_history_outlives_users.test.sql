-- Cost history outlives its users and agents: the foreign keys from the history tables to
-- public.agents restrict, so deleting a user (auth.users) or an agent that has decisions, calls,
-- outcomes or preference changes is refused and every row stays; a user or an agent without
-- history is still deleted (the agents and their metrics go with their user).
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(12);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): owner has a routed, recorded and reported execution;
-- newcomer has an agent that never ran; a second agent of owner never ran either
-- -----------------------------------------------------------------------------
select tests.reset_routing();
select tests.create_user('owner'), tests.create_user('newcomer');
select tests.create_agent('owner', 'Agent with history', score => 5.2, executions => 40);
select tests.create_agent('owner', 'Agent without history');
select tests.create_agent('newcomer', 'Newcomer agent', score => 2.0, executions => 3);
select tests.create_agent('owner', 'Agent with a preference change');

select tests.authenticate_as_service_role();
select public.route_model(tests.get_agent_id('Agent with history'), 'exec-kept') as kept \gset
select public.record_completion((:'kept'::jsonb ->> 'decision_id')::uuid, jsonb_build_object(
  'status', 'succeeded', 'model', :'kept'::jsonb ->> 'model', 'provider', :'kept'::jsonb ->> 'provider',
  'attempts', jsonb_build_array(jsonb_build_object('model', :'kept'::jsonb ->> 'model', 'provider', :'kept'::jsonb ->> 'provider',
    'status', 200, 'input_tokens', 1000, 'output_tokens', 100))));
select public.record_agent_execution(tests.get_agent_id('Agent with history'), 'exec-kept', true, 1100, 800);
select public.set_agent_model_preference(tests.get_agent_id('Agent with a preference change'), 'premium');
select tests.clear_authentication();

create function pg_temp.history_of(owner_id uuid) returns text language sql stable as $$
  select format('decisions=%s calls=%s attempts=%s executions=%s preference_changes=%s',
    (select count(*) from routing.decisions where user_id = owner_id),
    (select count(*) from routing.calls where user_id = owner_id),
    (select count(*) from routing.attempts where user_id = owner_id),
    (select count(*) from routing.executions where user_id = owner_id),
    (select count(*) from routing.agent_preference_changes where user_id = owner_id))
$$;

-- -----------------------------------------------------------------------------
-- The catalog: every foreign key from a history table to agents or users restricts
-- -----------------------------------------------------------------------------
select is_empty($$
  select con.conrelid::regclass::text || ' -> ' || con.confrelid::regclass::text || ' on delete ' || con.confdeltype::text
  from pg_catalog.pg_constraint con
  where con.contype = 'f'
    and con.conrelid = any (array['routing.decisions', 'routing.calls', 'routing.attempts', 'routing.executions',
                                  'routing.agent_preference_changes', 'routing.breaker_events', 'routing.alert_events',
                                  'routing.config_changes']::regclass[])
    and con.confrelid in ('public.agents'::regclass, 'auth.users'::regclass)
    and con.confdeltype <> 'r'
$$, 'Every foreign key from a history table to public.agents or auth.users is ON DELETE RESTRICT.');

-- -----------------------------------------------------------------------------
-- Database owner (as the Auth admin deletes users): a user with history stays
-- -----------------------------------------------------------------------------
select is(pg_temp.history_of(tests.get_user_id('owner')),
  'decisions=1 calls=1 attempts=1 executions=1 preference_changes=1', 'Owner has one row of every kind of history.');
select throws_ok(format('delete from auth.users where id = %L', tests.get_user_id('owner')), '23503', null,
  'Deleting a user whose agents have history is refused (foreign key violation).');
select is(pg_temp.history_of(tests.get_user_id('owner')),
  'decisions=1 calls=1 attempts=1 executions=1 preference_changes=1', 'The refused delete left all of the user''s history.');
select is((select count(*)::integer from public.agents where user_id = tests.get_user_id('owner')), 3,
  'The refused delete left all of the user''s agents, those without history included.');

select lives_ok(format('delete from auth.users where id = %L', tests.get_user_id('newcomer')),
  'A user whose agents have no history can still be deleted.');
select is((select count(*)::integer from public.agents where id = tests._named_id('agent', 'Newcomer agent')), 0,
  'The deleted user''s agent went with them.');
select is((select count(*)::integer from public.agent_intensity_metrics where agent_id = tests._named_id('agent', 'Newcomer agent')), 0,
  'The deleted user''s agent metrics (state, not history) went too.');

-- -----------------------------------------------------------------------------
-- Service role (the operator): an agent with history stays, one without can go
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select throws_ok(format('delete from public.agents where id = %L', tests.get_agent_id('Agent with history')), '23503', null,
  'The service role cannot delete an agent with decisions, calls and outcomes.');
select throws_ok(format('delete from public.agents where id = %L', tests.get_agent_id('Agent with a preference change')), '23503', null,
  'The service role cannot delete an agent whose preference change is audited.');
select lives_ok(format('delete from public.agents where id = %L', tests.get_agent_id('Agent without history')),
  'The service role can still delete an agent that never ran.');
select tests.clear_authentication();
select is(pg_temp.history_of(tests.get_user_id('owner')),
  'decisions=1 calls=1 attempts=1 executions=1 preference_changes=1', 'The refused agent deletes left all of the history.');

select * from finish();
ROLLBACK;
