-- record_fail_open_completion (issue 11, a database outage with fail-open): a call the edge
-- function answered while route_model was unreachable is recorded afterwards with its decision
-- (reason and cohort fail_open, created_at = when it was decided), exactly once per call key.
-- Per actor: anon and a signed-in user may not call it; the service role records, once; the
-- database owner records too, and the function checks the caller itself.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(23);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): the named actors owner (an agent) and stranger
-- -----------------------------------------------------------------------------
select tests.create_user('owner'), tests.create_user('stranger');
select tests.create_agent('owner', 'Owner agent');
select tests.reset_routing();

create function pg_temp.a_call(key text) returns jsonb language sql as $$
  select jsonb_build_object('call_key', key, 'status', 'succeeded', 'model', 'gpt-5.6-sol', 'provider', 'openai',
    'latency_ms', 40, 'warnings', jsonb_build_array('routing database unreachable: fail-open to gpt-5.6-sol'),
    'attempts', jsonb_build_array(jsonb_build_object('model', 'gpt-5.6-sol', 'provider', 'openai', 'status', 200,
      'latency_ms', 40, 'input_tokens', 1000, 'output_tokens', 100)))
$$;
create function pg_temp.record(key text, acting uuid default null, at timestamptz default now() - interval '10 minutes') returns jsonb
language sql as $$
  select public.record_fail_open_completion(tests.get_agent_id('Owner agent'), 'gpt-5.6-sol', at, pg_temp.a_call(key), 'exec-fo-1', acting)
$$;
create function pg_temp.footprint() returns text language sql as $$
  select ((select count(*) from routing.decisions), (select count(*) from routing.calls), (select count(*) from routing.attempts))::text
$$;
create temp table seen (label text primary key, value jsonb, print text) on commit drop;
grant all on seen to service_role;

-- -----------------------------------------------------------------------------
-- Anon
-- -----------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$select pg_temp.record('6f1c1f8e-1d1a-4c1b-9a55-0b0000000001')$$, '42501',
  'permission denied for function record_fail_open_completion', 'The anon key cannot record a fail-open call.');

-- -----------------------------------------------------------------------------
-- Owner (authenticated)
-- -----------------------------------------------------------------------------
select tests.authenticate_as('owner');
select throws_ok($$select pg_temp.record('6f1c1f8e-1d1a-4c1b-9a55-0b0000000001')$$, '42501',
  'permission denied for function record_fail_open_completion',
  'A signed-in user cannot record a fail-open call, even for their own agent.');

-- -----------------------------------------------------------------------------
-- Service role: the call once, with its decision
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();
insert into seen select 'first', pg_temp.record('6f1c1f8e-1d1a-4c1b-9a55-0b0000000001', tests.get_user_id('owner'),
  '2026-11-29 12:00:00+00'), pg_temp.footprint();
insert into seen select 'repeat', pg_temp.record('6f1c1f8e-1d1a-4c1b-9a55-0b0000000001', tests.get_user_id('owner'),
  '2026-11-29 12:00:00+00'), pg_temp.footprint();

select is((select value ->> 'repeated' from seen where label = 'first'), 'false', 'The first record of a fail-open call is not a repeat.');
select is((select value ->> 'cost_usd' from seen where label = 'first'),
  (select trim_scale(routing.cost_usd(routing.price_in_force('gpt-5.6-sol', now()), 1000, 100, 0, 0))::text),
  'The call is costed by routing.cost_usd at the price in force.');
select is((select value ->> 'repeated' from seen where label = 'repeat'), 'true', 'The same key again says it is a repeat.');
select is((select value ->> 'call_id' from seen where label = 'repeat'), (select value ->> 'call_id' from seen where label = 'first'),
  'The repeat answers the first record''s call.');
select is((select print from seen where label = 'repeat'), (select print from seen where label = 'first'),
  'The repeat writes no second decision, call or attempt.');
select is((select count(*)::integer from routing.calls where call_key = '6f1c1f8e-1d1a-4c1b-9a55-0b0000000001'), 1,
  'One call row holds the key.');

select tests.clear_authentication();
create temp table fo on commit drop as
select d.* from routing.decisions d join routing.calls c on c.decision_id = d.id
where c.call_key = '6f1c1f8e-1d1a-4c1b-9a55-0b0000000001';
select is((select (reason, cohort, model, provider, tier, routing_enabled)::text from fo),
  '(fail_open,fail_open,gpt-5.6-sol,openai,,f)', 'The decision is a fail-open one on the model that answered.');
select is((select created_at from fo), '2026-11-29 12:00:00+00'::timestamptz, 'The decision is dated when it was made, not when recorded.');
select is((select (agent_id, user_id)::text from fo), (tests.get_agent_id('Owner agent'), tests.get_user_id('owner'))::text,
  'The decision belongs to the agent and its user.');
select is((select execution_id from fo), null, 'The decision takes no execution''s place (execution_id null).');
select matches((select reasoning from fo), 'for execution exec-fo-1', 'The reasoning names the execution.');
select is((select (c.agent_id, c.user_id, c.model, c.status)::text from routing.calls c where c.call_key = '6f1c1f8e-1d1a-4c1b-9a55-0b0000000001'),
  (tests.get_agent_id('Owner agent'), tests.get_user_id('owner'), 'gpt-5.6-sol', 'succeeded')::text, 'The call is stored for the agent.');

-- Refusals write nothing.
select tests.authenticate_as_service_role();
insert into seen select 'before refusals', null, pg_temp.footprint();
select throws_ok($$select pg_temp.record('6f1c1f8e-1d1a-4c1b-9a55-0b0000000002', tests.get_user_id('stranger'))$$, 'P0002',
  format('agent %s not found', tests.get_agent_id('Owner agent')), 'Another user''s agent is refused as a missing one.');
select throws_ok($$select public.record_fail_open_completion(tests.unknown_id('agent'), 'gpt-5.6-sol', now(),
    pg_temp.a_call('6f1c1f8e-1d1a-4c1b-9a55-0b0000000002'))$$, 'P0002', null, 'An unknown agent is refused.');
select throws_ok($$select pg_temp.record(null)$$, '22023', 'call.call_key must be a UUID', 'A call without a key is refused.');
select throws_ok($$select pg_temp.record('6f1c1f8e-1d1a-4c1b-9a55-0b0000000002', null, now() + interval '1 hour')$$, '22023',
  'decided_at is required and may not be in the future', 'A decision dated in the future is refused.');
select throws_ok($$select public.record_fail_open_completion(tests.get_agent_id('Owner agent'), 'gpt-5.6-sol', now(),
    pg_temp.a_call('6f1c1f8e-1d1a-4c1b-9a55-0b0000000002') - 'attempts')$$, '22023', 'call.attempts must be a non-empty array',
  'An invalid call is refused by record_completion''s validation.');
select is((select pg_temp.footprint()), (select print from seen where label = 'before refusals'),
  'A refused record leaves no decision behind (one transaction).');

-- -----------------------------------------------------------------------------
-- Database owner, and a key another decision holds
-- -----------------------------------------------------------------------------
select tests.clear_authentication();
select tests.create_decision('Owner agent', 'claude-3-haiku', 'medium', 5.2, 'exec-fo-2', name => 'a routed decision');
select public.record_completion(tests.get_decision_id('a routed decision'), pg_temp.a_call('6f1c1f8e-1d1a-4c1b-9a55-0b0000000003'));
select throws_ok($$select pg_temp.record('6f1c1f8e-1d1a-4c1b-9a55-0b0000000003')$$, '22023',
  'call.call_key 6f1c1f8e-1d1a-4c1b-9a55-0b0000000003 belongs to another decision',
  'A key already recorded for a routed decision is refused.');
select is(pg_temp.record('6f1c1f8e-1d1a-4c1b-9a55-0b0000000004') ->> 'repeated', 'false', 'The database owner records a fail-open call.');

-- -----------------------------------------------------------------------------
-- Defence in depth: the function checks the caller itself
-- -----------------------------------------------------------------------------
grant execute on function public.record_fail_open_completion(uuid, text, timestamptz, jsonb, text, uuid) to authenticated;
select tests.authenticate_as('owner');
select throws_ok($$select pg_temp.record('6f1c1f8e-1d1a-4c1b-9a55-0b0000000005')$$, '42501',
  'record_fail_open_completion requires the service role', 'Even if granted by mistake, a signed-in user is refused.');

select * from finish();
ROLLBACK;
