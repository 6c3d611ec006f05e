-- Warnings in the call's record: record_completion's call.warnings (what the edge function
-- adapted, dropped or clamped) is validated and stored in routing.calls.warnings.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(11);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): the named actor owner, an agent and a decision of it
-- -----------------------------------------------------------------------------
select tests.reset_routing();
select tests.create_user('owner');
select tests.create_agent('owner', 'warned agent', 5.2, 40, 97.5);
select tests.create_decision(agent => 'warned agent', model => 'claude-haiku-4-5', tier => 'medium', score => 5.2, name => 'warned');

-- A call of the decision with the given warnings (absent when null).
create function pg_temp.call(warnings jsonb) returns jsonb language sql as $$
  select jsonb_build_object('status', 'succeeded', 'model', 'claude-haiku-4-5', 'provider', 'anthropic',
    'attempts', jsonb_build_array(jsonb_build_object('model', 'claude-haiku-4-5', 'provider', 'anthropic', 'status', 200,
                                                     'input_tokens', 10, 'output_tokens', 5)))
    || case when warnings is null then '{}'::jsonb else jsonb_build_object('warnings', warnings) end
$$;
create function pg_temp.refused(warnings jsonb) returns text language sql as $$
  select format('select public.record_completion(%L, %L)', tests.get_decision_id('warned'), pg_temp.call(warnings))
$$;
grant execute on function pg_temp.call(jsonb), pg_temp.refused(jsonb) to service_role;

-- -----------------------------------------------------------------------------
-- Service role (the edge function)
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select public.record_completion(tests.get_decision_id('warned'), pg_temp.call(
  '["top_p dropped: claude-haiku-4-5 accepts temperature or top_p, not both", "max_tokens clamped from 100000 to 64000"]'))
  as warned \gset
select is((:'warned'::jsonb) -> 'warnings',
  '["top_p dropped: claude-haiku-4-5 accepts temperature or top_p, not both", "max_tokens clamped from 100000 to 64000"]'::jsonb,
  'record_completion answers the warnings it stored.');
select is((select warnings from routing.calls where id = ((:'warned'::jsonb) ->> 'call_id')::uuid),
  '["top_p dropped: claude-haiku-4-5 accepts temperature or top_p, not both", "max_tokens clamped from 100000 to 64000"]'::jsonb,
  'The call''s record holds its warnings, in order.');
select public.record_completion(tests.get_decision_id('warned'), pg_temp.call(null)) as unwarned \gset
select is((select warnings from routing.calls where id = ((:'unwarned'::jsonb) ->> 'call_id')::uuid),
  '[]'::jsonb, 'A call without warnings records an empty list.');
select public.record_completion(tests.get_decision_id('warned'),
  pg_temp.call((select jsonb_agg(repeat('w', 500)) from generate_series(1, 50)))) as fifty \gset
select is((select jsonb_array_length(warnings) from routing.calls where id = ((:'fifty'::jsonb) ->> 'call_id')::uuid),
  50, 'Fifty warnings of 500 characters are accepted.');
select throws_ok(pg_temp.refused('"dropped top_p"'), '22023', 'call.warnings must be an array of strings',
  'Warnings that are not an array are refused.');
select throws_ok(pg_temp.refused((select jsonb_agg('w'::text) from generate_series(1, 51))), '22023',
  'call.warnings must have at most 50 entries', 'More than 50 warnings are refused.');
select throws_ok(pg_temp.refused(jsonb_build_array('ok', repeat('w', 501))), '22023',
  'call.warnings[2] must be a string of at most 500 characters', 'A warning longer than 500 characters is refused, by its position.');
select throws_ok(pg_temp.refused('["ok", {"dropped": "top_p"}]'), '22023',
  'call.warnings[2] must be a string of at most 500 characters', 'A warning that is not a string is refused.');

-- -----------------------------------------------------------------------------
-- Owner: reads the warnings of their own calls
-- -----------------------------------------------------------------------------
select tests.authenticate_as('owner');
select is((select count(*) from routing.calls where jsonb_array_length(warnings) > 0), 2::bigint,
  'The owner sees the warnings of their own calls.');

-- -----------------------------------------------------------------------------
-- Catalog
-- -----------------------------------------------------------------------------
select tests.clear_authentication();
select is((select (is_nullable, column_default)::text from information_schema.columns
           where table_schema = 'routing' and table_name = 'calls' and column_name = 'warnings'),
  '(NO,''[]''::jsonb)', 'routing.calls.warnings is jsonb not null default [].');
select throws_ok($$update routing.calls set warnings = '{"a": 1}'$$, '23514', null, 'The column holds only an array.');

select * from finish();
ROLLBACK;
