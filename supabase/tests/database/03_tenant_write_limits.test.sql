-- What a signed-in user may not do to shared state: delete an agent (and with it the audit trail
-- that feeds everyone's reports and alerts), rewrite an agent's track record, or take the one
-- half-open circuit trial with a direct RPC that never calls the provider.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(9);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): the named actor owner and two agents of theirs
-- -----------------------------------------------------------------------------
select tests.reset_routing();
select tests.create_user('owner');
select tests.create_agent('owner', 'Medium agent', score => 5.2, executions => 40, success_rate => 97);
select tests.create_agent('owner', 'Agent without metrics');
-- Anthropic's circuit opened two minutes ago: its cooldown (60 s) is over, a trial is claimable.
update routing.provider_breakers set state = 'open', consecutive_failures = 5, opened_at = now() - interval '2 minutes'
 where provider = 'anthropic';

-- -----------------------------------------------------------------------------
-- Owner
-- -----------------------------------------------------------------------------
select tests.authenticate_as('owner');

select throws_ok($$delete from public.agents where id = tests.get_agent_id('Medium agent')$$,
  '42501', 'permission denied for table agents', 'An owner cannot delete an agent, which would erase its audit trail.');
select lives_ok($$update public.agent_intensity_metrics set combined_score = 6.1, plugin_count = 4
                  where agent_id = tests.get_agent_id('Medium agent')$$,
  'An owner can set the AIS scores of their agent.');
select throws_ok($$update public.agent_intensity_metrics set success_rate = 100, consecutive_failures = 0
                   where agent_id = tests.get_agent_id('Medium agent')$$,
  '42501', 'permission denied for table agent_intensity_metrics', 'An owner cannot rewrite the success rate or failures.');
select lives_ok($$insert into public.agent_intensity_metrics (agent_id, combined_score)
                  values (tests.get_agent_id('Agent without metrics'), 2.5)$$,
  'An owner can create the metrics row with a score.');
select throws_ok($$insert into public.agent_intensity_metrics (agent_id, combined_score, total_executions)
                   values (tests.get_agent_id('Agent without metrics'), 2.5, 1000)$$,
  '42501', 'permission denied for table agent_intensity_metrics', 'An owner cannot invent a track record.');

select is((public.route_model(tests.get_agent_id('Medium agent')) -> 'adjustments' -> 0 ->> 'why'),
  'circuit_open:anthropic', 'A user''s direct route_model treats a claimable circuit as open and moves to the fallback.');

select tests.clear_authentication();
select is((select state from routing.provider_breakers where provider = 'anthropic'), 'open',
  'A user''s direct route_model does not take the half-open trial.');

-- -----------------------------------------------------------------------------
-- Service role (the edge function's side)
-- -----------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select is(public.route_model(tests.get_agent_id('Medium agent')) ->> 'model', (select medium_model from routing.config),
  'The trusted caller takes the trial and keeps the medium model.');
select tests.clear_authentication();
select is((select state from routing.provider_breakers where provider = 'anthropic'), 'half_open',
  'The trusted caller''s decision leaves the circuit half-open for its trial call.');

select * from finish();
ROLLBACK;
