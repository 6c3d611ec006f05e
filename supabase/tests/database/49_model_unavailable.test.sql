-- A model the provider no longer serves: record_completion marks it unavailable when an attempt
-- failed with error type model_unavailable (audited in routing.model_events, alert
-- model_unavailable), route_model avoids it from then on, and an operator clears it.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(28);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): the named actor owner with a low agent; a clean alert history
-- -----------------------------------------------------------------------------
select tests.reset_routing();
select tests.clear_alert_history();
select tests.create_user('owner');
select tests.create_agent('owner', 'low agent', 2.1, 40, 97.5);

-- The edge function's record of a call whose low model answered 404 and whose fallback answered.
create function pg_temp.record_404(decision jsonb) returns jsonb language sql as $$
  select public.record_completion((decision ->> 'decision_id')::uuid, jsonb_build_object(
    'status', 'succeeded', 'model', decision -> 'fallback_chain' ->> 0, 'provider', decision -> 'fallback_providers' ->> 0,
    'attempts', jsonb_build_array(
      jsonb_build_object('model', decision ->> 'model', 'provider', decision ->> 'provider', 'status', 404,
                         'error_type', 'model_unavailable', 'latency_ms', 40),
      jsonb_build_object('model', decision -> 'fallback_chain' ->> 0, 'provider', decision -> 'fallback_providers' ->> 0,
                         'status', 200, 'input_tokens', 100, 'output_tokens', 50))))
$$;
grant execute on function pg_temp.record_404(jsonb) to service_role;

-- -----------------------------------------------------------------------------
-- Service role (the edge function): one 404 marks the model; later decisions avoid it
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select public.route_model(tests.get_agent_id('low agent')) as first \gset
select is((:'first'::jsonb) ->> 'model', tests.configured_model('low_model'), 'The low agent is first routed to the low model.');
select pg_temp.record_404(:'first'::jsonb) as recorded \gset
select is((:'recorded'::jsonb) -> 'marked_unavailable', jsonb_build_array(tests.configured_model('low_model')),
  'record_completion answers which model it marked unavailable.');
select is((:'recorded'::jsonb) -> 'attempts' -> 0 ->> 'error_type', 'model_unavailable', 'The 404 attempt is recorded as model_unavailable.');
select is((:'recorded'::jsonb) -> 'breakers', '{"anthropic": "closed", "openai": "closed"}'::jsonb,
  'model_unavailable is no breaker failure: the provider answered.');
select is(
  (select (state, unavailable_reason)::text from public.routing_model_lifecycle where model = tests.configured_model('low_model')),
  format('(unavailable,"openai answered 404 for wire id %s: the model is not served")', tests.configured_model('low_model')),
  'The model is unavailable, with a reason naming the status and the wire id, and no provider message text.');

select public.route_model(tests.get_agent_id('low agent')) as second \gset
select is((:'second'::jsonb) ->> 'model', tests.configured_model('premium_model'),
  'The next decision avoids the unavailable model: its fallback answers at once, no attempt wasted.');
select is((:'second'::jsonb) -> 'adjustments',
  jsonb_build_array(jsonb_build_object('from', tests.configured_model('low_model'), 'to', tests.configured_model('premium_model'),
                                       'why', 'unavailable')),
  'The decision says why: unavailable.');
select is((select jsonb_agg(t ->> 'model') from jsonb_array_elements((:'second'::jsonb) -> 'targets') t),
  jsonb_build_array(tests.configured_model('premium_model')), 'The unavailable model is no target at all.');

-- Idempotent: a second 404 (a call already in flight when the first was recorded) marks nothing new.
select is(pg_temp.record_404(:'first'::jsonb) -> 'marked_unavailable', '[]'::jsonb,
  'A second 404 of a model already marked marks nothing new.');

-- -----------------------------------------------------------------------------
-- Database owner: the audit and the alert
-- -----------------------------------------------------------------------------
select tests.clear_authentication();
select is(
  (select (count(*), min(event), min(actor), min(detail ->> 'http_status'), min(detail ->> 'wire_id'), min(detail ->> 'seq'))::text
   from routing.model_events where model = tests.configured_model('low_model')),
  format('(1,marked_unavailable,record_completion,404,%s,1)', tests.configured_model('low_model')),
  'One model event audits the mark: by record_completion, the status, the wire id and the attempt.');
select is(
  (select (count(*), min(detail ->> 'call_id'))::text from routing.model_events where event = 'marked_unavailable'),
  format('(1,%s)', (:'recorded'::jsonb) ->> 'call_id'), 'The event names the call that found the model not served.');
select is((select (state, value, action)::text from routing.alert_states where alert = 'model_unavailable'), '(firing,1,notify)',
  'The model_unavailable alert fires (notify only) with one unavailable model.');
select is((select message from routing.alert_states where alert = 'model_unavailable'),
  format('1 unavailable model: %s (route_model avoids it until public.clear_model_unavailable)', tests.configured_model('low_model')),
  'The alert says which model and how to clear it.');
select is((select count(*) from routing.alert_events where alert = 'model_unavailable' and kind = 'fire'), 1::bigint,
  'It fired once, whatever the number of 404s.');
select is(
  (select state from public.evaluate_routing_alerts() where alert = 'model_unavailable'), 'firing',
  'The periodic evaluation keeps it firing while the model is unavailable.');
select is((select rollback_tripped_at from routing.config), null, 'An unavailable model never trips the rollback.');

-- -----------------------------------------------------------------------------
-- Owner: may not clear, may not read the events
-- -----------------------------------------------------------------------------
select tests.authenticate_as('owner');
select throws_ok($$select public.clear_model_unavailable('gpt-5.6-luna', 'it is back')$$, '42501',
  'permission denied for function clear_model_unavailable', 'A signed-in user may not clear an unavailable model.');
select throws_ok($$select * from routing.model_events$$, '42501', 'permission denied for table model_events',
  'A signed-in user cannot read the model events.');

-- -----------------------------------------------------------------------------
-- Service role (an operator): clearing, audited
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select throws_ok($$select public.clear_model_unavailable('gpt-9', 'it is back')$$, '22023',
  'unknown model "gpt-9": use a model of routing.models', 'Clearing an unknown model is refused.');
select throws_ok($$select public.clear_model_unavailable('gpt-5.6-luna', '  ')$$, '22023',
  'note is required: say why the model may be used again', 'Clearing needs a note.');
select throws_ok($$insert into routing.model_events (model, event, actor) values ('gpt-5.6-luna', 'cleared', 'me')$$, '42501',
  'permission denied for table model_events', 'The service role cannot write the audit directly.');
select is(
  public.clear_model_unavailable(tests.configured_model('low_model'), 'the provider serves it again') - 'unavailable_since',
  jsonb_build_object('model', tests.configured_model('low_model'), 'cleared', true, 'state', 'active',
                     'unavailable_reason', format('openai answered 404 for wire id %s: the model is not served', tests.configured_model('low_model'))),
  'clear_model_unavailable clears the model and says what it cleared.');
select is(public.clear_model_unavailable(tests.configured_model('low_model'), 'again') ->> 'cleared', 'false',
  'Clearing a model that is not unavailable changes nothing.');
select is(public.route_model(tests.get_agent_id('low agent')) ->> 'model', tests.configured_model('low_model'),
  'Once cleared, route_model picks the model again.');

-- -----------------------------------------------------------------------------
-- Database owner: the clear's audit and the resolved alert
-- -----------------------------------------------------------------------------
select tests.clear_authentication();
select is(
  (select (event, actor, detail ->> 'note', detail ? 'unavailable_since')::text from routing.model_events
   where event = 'cleared'),
  '(cleared,service_role,"the provider serves it again",t)', 'The clear is audited with who, the note and what was cleared.');
select is((select (state, value)::text from routing.alert_states where alert = 'model_unavailable'), '(ok,0)',
  'The alert resolves once no model is unavailable.');
select is((select count(*) from routing.alert_events where alert = 'model_unavailable' and kind = 'resolve'), 1::bigint,
  'The resolve is an alert event.');
select is((select count(*) from routing.model_events where event = 'cleared'), 1::bigint,
  'The clear of a model that was not unavailable wrote no event.');

select * from finish();
ROLLBACK;
