-- public.agents.model_preference: 'premium' or an active catalog model, else 22023.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(10);

-- -----------------------------------------------------------------------------
-- Fixtures (database owner): the named actor owner
-- -----------------------------------------------------------------------------
select tests.create_user('owner');

-- -----------------------------------------------------------------------------
-- Database owner
-- -----------------------------------------------------------------------------
select lives_ok($$ select tests.create_agent('owner', 'premium agent', model_preference => 'premium') $$,
  'A preference of premium is accepted.');
select lives_ok($$ select tests.create_agent('owner', 'catalog agent', model_preference => 'claude-3-5-haiku') $$,
  'A preference for an active catalog model is accepted.');
select lives_ok($$ select tests.create_agent('owner', 'routed agent') $$,
  'No preference is accepted.');
select throws_ok($$ insert into public.agents (user_id, name, model_preference) values
  (tests.get_user_id('owner'), 'bad', 'gpt-9') $$,
  '22023', 'unknown model "gpt-9": use "premium" or a model of routing.models',
  'A preference for an unknown model is refused.');
select throws_ok($$ update public.agents set model_preference = 'Premium' where id = tests.get_agent_id('routed agent') $$,
  '22023', 'unknown model "Premium": use "premium" or a model of routing.models',
  'Changing a preference to an unknown model is refused (names are case-sensitive).');

update routing.models set active = false where model = 'claude-3-5-haiku';
select throws_ok($$ update public.agents set model_preference = 'claude-3-5-haiku' where id = tests.get_agent_id('routed agent') $$,
  '22023', 'unknown model "claude-3-5-haiku": use "premium" or a model of routing.models',
  'A preference for an inactive model cannot be set.');
select lives_ok($$ update public.agents set name = 'renamed', model_preference = model_preference where id = tests.get_agent_id('catalog agent') $$,
  'An agent whose preferred model became inactive can still be edited.');
update routing.models set active = true where model = 'claude-3-5-haiku';

-- -----------------------------------------------------------------------------
-- Owner (authenticated, through RLS)
-- -----------------------------------------------------------------------------
select tests.authenticate_as('owner');
select lives_ok($$ update public.agents set model_preference = 'gpt-4o-mini' where id = tests.get_agent_id('routed agent') $$,
  'An owner can set a catalog model as preference.');
select throws_ok($$ insert into public.agents (user_id, name, model_preference) values
  (tests.get_user_id('owner'), 'bad', 'claude-opus') $$,
  '22023', 'unknown model "claude-opus": use "premium" or a model of routing.models',
  'An owner cannot create an agent preferring an unknown model.');
select is((select model_preference from public.agents where id = tests.get_agent_id('routed agent')), 'gpt-4o-mini',
  'The owner''s accepted preference is stored.');

select * from finish();
ROLLBACK;
