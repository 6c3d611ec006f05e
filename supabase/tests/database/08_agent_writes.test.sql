-- public.agents writes: no API role chooses an agent's id (always gen_random_uuid(), so nobody
-- picks a rollout bucket), nor moves an agent to another user, nor stamps its timestamps; a user
-- still creates, renames and sets the preference of their own agents. A stranger learns nothing
-- of another tenant's agent from an insert or update: each attempt answers exactly as it does
-- for an id that does not exist.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(24);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): the named actors owner and stranger, one agent each
-- -----------------------------------------------------------------------------
select tests.create_user('owner'), tests.create_user('stranger');
select tests.create_agent('owner', 'Owner agent', score => 5.2, executions => 40);
select tests.create_agent('stranger', 'Stranger agent');

-- What a statement answers, as the current actor: its SQLSTATE and message, else the rows it touched.
create function pg_temp.answer_of(statement text) returns text language plpgsql as $$
declare
  touched bigint;
begin
  execute statement;
  get diagnostics touched = row_count;
  return format('ok, %s rows', touched);
exception when others then
  return sqlstate || ' ' || sqlerrm;
end
$$;

-- -----------------------------------------------------------------------------
-- Anon
-- -----------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$insert into public.agents (user_id, name) values (tests.unknown_id('anon user'), 'anon agent')$$,
  '42501', 'permission denied for table agents', 'The anon key cannot create an agent.');

-- -----------------------------------------------------------------------------
-- Owner (authenticated): what users may do today
-- -----------------------------------------------------------------------------
select tests.authenticate_as('owner');
select lives_ok($$insert into public.agents (user_id, name, model_preference)
                  values (tests.get_user_id('owner'), 'Created by the owner', 'gpt-4o-mini')$$,
  'An owner can create an agent (name and preference), without an id.');
select is((select count(*)::integer from public.agents where name = 'Created by the owner' and id is not null
             and id <> tests._named_id('agent', 'Created by the owner')), 1,
  'The created agent got an id of the database''s choosing.');
select is(pg_temp.answer_of(format($$update public.agents set name = 'Renamed by the owner' where id = %L$$, tests.get_agent_id('Owner agent'))),
  'ok, 1 rows', 'An owner can rename their agent.');
select is(pg_temp.answer_of(format($$update public.agents set model_preference = 'premium' where id = %L$$, tests.get_agent_id('Owner agent'))),
  'ok, 1 rows', 'An owner can set their agent''s model preference.');
select is(pg_temp.answer_of(format($$update public.agent_intensity_metrics set combined_score = 6.0 where agent_id = %L$$, tests.get_agent_id('Owner agent'))),
  'ok, 1 rows', 'An owner can set their agent''s AIS score.');

select throws_ok(format($$insert into public.agents (id, user_id, name) values (%L, %L, 'Chosen id')$$,
                        tests.unknown_id('chosen by the owner'), tests.get_user_id('owner')),
  '42501', 'permission denied for table agents', 'An owner cannot choose a new agent''s id (and so its rollout bucket).');
select throws_ok(format($$update public.agents set id = %L where id = %L$$, tests.unknown_id('re-chosen'), tests.get_agent_id('Owner agent')),
  '42501', 'permission denied for table agents', 'An owner cannot change their agent''s id.');
select throws_ok(format($$update public.agents set user_id = %L where id = %L$$, tests.get_user_id('stranger'), tests.get_agent_id('Owner agent')),
  '42501', 'permission denied for table agents', 'An owner cannot give their agent to another user.');
select throws_ok(format($$update public.agents set created_at = now() - interval '1 year' where id = %L$$, tests.get_agent_id('Owner agent')),
  '42501', 'permission denied for table agents', 'An owner cannot rewrite their agent''s timestamps.');

-- -----------------------------------------------------------------------------
-- Stranger (authenticated): another tenant's agent answers as a missing one
-- -----------------------------------------------------------------------------
select tests.authenticate_as('stranger');
select is(
  pg_temp.answer_of(format($$insert into public.agents (id, user_id, name) values (%L, %L, 'x')$$, tests.get_agent_id('Owner agent'), tests.get_user_id('stranger'))),
  pg_temp.answer_of(format($$insert into public.agents (id, user_id, name) values (%L, %L, 'x')$$, tests.unknown_id('missing agent'), tests.get_user_id('stranger'))),
  'A stranger inserting another tenant''s agent id gets the answer of an unknown id (no 23505 agents_pkey).');
select is(
  pg_temp.answer_of(format($$insert into public.agents (id, user_id, name) values (%L, %L, 'x')$$, tests.get_agent_id('Owner agent'), tests.get_user_id('stranger'))),
  '42501 permission denied for table agents', 'That answer is the refusal of any chosen id.');
select is(
  pg_temp.answer_of(format($$update public.agents set id = %L where id = %L$$, tests.get_agent_id('Owner agent'), tests.get_agent_id('Stranger agent'))),
  pg_temp.answer_of(format($$update public.agents set id = %L where id = %L$$, tests.unknown_id('missing agent'), tests.get_agent_id('Stranger agent'))),
  'A stranger moving their agent onto another tenant''s id gets the answer of an unknown id.');
select is(
  pg_temp.answer_of(format($$update public.agents set name = 'hijacked' where id = %L$$, tests.get_agent_id('Owner agent'))),
  pg_temp.answer_of(format($$update public.agents set name = 'hijacked' where id = %L$$, tests.unknown_id('missing agent'))),
  'A stranger renaming another tenant''s agent gets the answer of an unknown id.');
select is(
  pg_temp.answer_of(format($$update public.agents set name = 'hijacked' where id = %L$$, tests.get_agent_id('Owner agent'))),
  'ok, 0 rows', 'That answer is: no row touched.');
select is(
  pg_temp.answer_of(format($$insert into public.agent_intensity_metrics (agent_id, combined_score) values (%L, 9.9)$$, tests.get_agent_id('Owner agent'))),
  pg_temp.answer_of(format($$insert into public.agent_intensity_metrics (agent_id, combined_score) values (%L, 9.9)$$, tests.unknown_id('missing agent'))),
  'A stranger scoring another tenant''s agent gets the answer of an unknown id (no 23505, no 23503).');
select is(
  pg_temp.answer_of(format($$update public.agent_intensity_metrics set combined_score = 9.9 where agent_id = %L$$, tests.get_agent_id('Owner agent'))),
  pg_temp.answer_of(format($$update public.agent_intensity_metrics set combined_score = 9.9 where agent_id = %L$$, tests.unknown_id('missing agent'))),
  'A stranger rescoring another tenant''s agent gets the answer of an unknown id.');
select is(
  pg_temp.answer_of(format($$insert into public.agents (user_id, name) values (%L, 'x')$$, tests.get_user_id('owner'))),
  pg_temp.answer_of(format($$insert into public.agents (user_id, name) values (%L, 'x')$$, tests.unknown_id('missing user'))),
  'A stranger creating an agent for another user gets the answer of an unknown user.');

-- -----------------------------------------------------------------------------
-- Service role: creates agents for anyone, chooses no id either
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select lives_ok(format($$insert into public.agents (user_id, name) values (%L, 'Created by the service role')$$, tests.get_user_id('owner')),
  'The service role can create an agent for a user.');
select throws_ok(format($$insert into public.agents (id, user_id, name) values (%L, %L, 'Chosen id')$$,
                        tests.unknown_id('chosen by the service role'), tests.get_user_id('owner')),
  '42501', 'permission denied for table agents', 'The service role cannot choose an agent''s id either.');
select throws_ok(format($$update public.agents set user_id = %L where id = %L$$, tests.get_user_id('stranger'), tests.get_agent_id('Owner agent')),
  '42501', 'permission denied for table agents', 'The service role cannot move an agent (and its history''s owner) to another user.');

-- -----------------------------------------------------------------------------
-- Database owner: the fixtures' named ids
-- -----------------------------------------------------------------------------
select tests.clear_authentication();
select lives_ok(format($$insert into public.agents (id, user_id, name) values (%L, %L, 'Owner-chosen id')$$,
                       tests._named_id('agent', 'Owner-chosen id'), tests.get_user_id('owner')),
  'The database owner can still choose an id (the test fixtures do).');
select is((select name || ' / ' || model_preference from public.agents where id = tests.get_agent_id('Owner agent')),
  'Renamed by the owner / premium', 'The stranger''s attempts left the owner''s agent as the owner set it.');
select is((select combined_score from public.agent_intensity_metrics where agent_id = tests.get_agent_id('Owner agent')),
  6.00::numeric(4, 2), 'The stranger''s attempts left the owner''s score as the owner set it.');

select * from finish();
ROLLBACK;
