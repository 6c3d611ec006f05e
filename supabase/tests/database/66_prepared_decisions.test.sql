-- Prepared decisions (prepared decisions migration): route_model answers a repeat call from the
-- agent's prepared row, and only while nothing it was computed from has changed: the agent's
-- metrics, the config, the catalog, the breakers; never while a breaker's trial is claimable.
-- A tampered prepared row makes the hit path visible: its reasoning shows only if it is used.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(17);

select tests.create_user('owner'), tests.create_user('stranger');
select tests.create_agent('owner', 'prepared agent', 2.1, 40, 99);
select tests.reset_routing();

create function pg_temp.route(execution text default null) returns jsonb language sql as $$
  select public.route_model(tests.get_agent_id('prepared agent'), execution)
$$;
create function pg_temp.tamper() returns void language sql as $$
  update routing.prepared_decisions set reasoning = 'tampered', answer = answer || '{"reasoning": "tampered"}'
  where agent_id = tests.get_agent_id('prepared agent')
$$;

-- -----------------------------------------------------------------------------
-- A repeat call uses the prepared row
-- -----------------------------------------------------------------------------
select pg_temp.route() as first \gset
select is((select count(*)::integer from routing.prepared_decisions where agent_id = tests.get_agent_id('prepared agent')), 1,
  'The first decision prepared the agent''s row.');
select pg_temp.route() as second \gset
select is((:'second'::jsonb) - 'decision_id' - 'created_at', (:'first'::jsonb) - 'decision_id' - 'created_at',
  'A repeat call answers the same decision ...');
select isnt((:'second'::jsonb) ->> 'decision_id', (:'first'::jsonb) ->> 'decision_id', '... with its own audit row.');
select is((select reasoning from routing.decisions where id = ((:'second'::jsonb) ->> 'decision_id')::uuid),
  (:'first'::jsonb) ->> 'reasoning', 'The audit row holds the answered decision.');
select pg_temp.tamper();
select is(pg_temp.route() ->> 'reasoning', 'tampered', 'A current prepared row is the decision (the hit path).');

-- -----------------------------------------------------------------------------
-- Each input changed: the decision is made again
-- -----------------------------------------------------------------------------
update public.agent_intensity_metrics set combined_score = 8.4 where agent_id = tests.get_agent_id('prepared agent');
select is(pg_temp.route() ->> 'tier', 'high', 'The agent''s metrics changed: decided again (high tier now).');
select pg_temp.tamper();
update routing.config set high_model = tests.configured_model('medium_model');
select is(pg_temp.route() ->> 'model', tests.configured_model('medium_model'), 'The config changed: decided again.');
select pg_temp.tamper();
update routing.models set description = description || ' ' where model = tests.configured_model('medium_model');
select isnt(pg_temp.route() ->> 'reasoning', 'tampered', 'A catalog row changed: decided again.');
select pg_temp.tamper();
update routing.prepared_decisions set valid_until = now() where agent_id = tests.get_agent_id('prepared agent');
select isnt(pg_temp.route() ->> 'reasoning', 'tampered', 'Past its valid_until: decided again.');

-- -----------------------------------------------------------------------------
-- A claimable breaker trial is never prepared; an execution's exploration draw is its own
-- -----------------------------------------------------------------------------
delete from routing.prepared_decisions;
update routing.provider_breakers set state = 'open', opened_at = now() - interval '1 hour'
where provider = (select provider from routing.models where model = tests.configured_model('medium_model'));
select is(pg_temp.route() ->> 'reason', 'tier', 'With a breaker''s trial claimable the decision is made ...');
select is((select count(*)::integer from routing.prepared_decisions), 0, '... and not prepared.');
select tests.reset_routing();
select pg_temp.route() as lone \gset
select is((select explore_model from routing.prepared_decisions where agent_id = tests.get_agent_id('prepared agent')),
  null, 'An agent without outcomes on its own rung''s model has no cheaper rung to explore.');

-- -----------------------------------------------------------------------------
-- Database owner: a requested model outside the catalog, and a metrics row moved to another agent
-- -----------------------------------------------------------------------------
select pg_temp.route();
select throws_ok($$ select public.route_model(tests.get_agent_id('prepared agent'), null, null, null, '') $$, '22023',
  'route_model: requested_model must be an active model of routing.models, or auto',
  'An empty requested model is refused while the agent has a prepared row, as without one.');
select is((select count(*)::integer from routing.prepared_decisions
           where agent_id = tests.get_agent_id('prepared agent') and requested_key <> ''), 0,
  'A refused requested model prepares nothing.');
select tests.create_agent('owner', 'agent without metrics');
select pg_temp.route();
select pg_temp.tamper();
update public.agent_intensity_metrics set agent_id = tests.get_agent_id('agent without metrics')
where agent_id = tests.get_agent_id('prepared agent');
select is(pg_temp.route() ->> 'reason', 'new_agent',
  'A metrics row moved to another agent: the agent it left is decided again (new agent now).');
select is((public.route_model(tests.get_agent_id('agent without metrics')) ->> 'intensity_score')::numeric, 8.4,
  'The agent it moved to is decided on it.');

select tests.authenticate_as('stranger');
select throws_ok($$ select public.route_model(tests.get_agent_id('prepared agent')) $$, 'P0002',
  format('agent %s not found', tests.get_agent_id('prepared agent')),
  'A stranger gets not found from a prepared row too.');

select * from finish();
ROLLBACK;
