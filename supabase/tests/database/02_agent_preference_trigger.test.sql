-- public.agents.model_preference: 'premium' or an active catalog model, else 22023.
BEGIN;
create extension if not exists pgtap with schema extensions;
select plan(10);

select tests.create_user('owner-02@test.local', '02000000-0000-4000-a000-000000000001');

-- -----------------------------------------------------------------------------
-- Database owner
-- -----------------------------------------------------------------------------
select lives_ok($$ insert into public.agents (id, user_id, name, model_preference) values
  ('02000000-0000-4000-b000-000000000001', '02000000-0000-4000-a000-000000000001', 'premium', 'premium') $$,
  'A preference of premium is accepted.');
select lives_ok($$ insert into public.agents (id, user_id, name, model_preference) values
  ('02000000-0000-4000-b000-000000000002', '02000000-0000-4000-a000-000000000001', 'catalog', 'claude-3-5-haiku') $$,
  'A preference for an active catalog model is accepted.');
select lives_ok($$ insert into public.agents (id, user_id, name) values
  ('02000000-0000-4000-b000-000000000003', '02000000-0000-4000-a000-000000000001', 'routed') $$,
  'No preference is accepted.');
select throws_ok($$ insert into public.agents (user_id, name, model_preference) values
  ('02000000-0000-4000-a000-000000000001', 'bad', 'gpt-9') $$,
  '22023', 'unknown model "gpt-9": use "premium" or a model of routing.models',
  'A preference for an unknown model is refused.');
select throws_ok($$ update public.agents set model_preference = 'Premium' where id = '02000000-0000-4000-b000-000000000003' $$,
  '22023', 'unknown model "Premium": use "premium" or a model of routing.models',
  'Changing a preference to an unknown model is refused (names are case-sensitive).');

update routing.models set active = false where model = 'claude-3-5-haiku';
select throws_ok($$ update public.agents set model_preference = 'claude-3-5-haiku' where id = '02000000-0000-4000-b000-000000000003' $$,
  '22023', 'unknown model "claude-3-5-haiku": use "premium" or a model of routing.models',
  'A preference for an inactive model cannot be set.');
select lives_ok($$ update public.agents set name = 'renamed', model_preference = model_preference where id = '02000000-0000-4000-b000-000000000002' $$,
  'An agent whose preferred model became inactive can still be edited.');
update routing.models set active = true where model = 'claude-3-5-haiku';

-- -----------------------------------------------------------------------------
-- Owner (authenticated, through RLS)
-- -----------------------------------------------------------------------------
select tests.authenticate_as('02000000-0000-4000-a000-000000000001');
select lives_ok($$ update public.agents set model_preference = 'gpt-4o-mini' where id = '02000000-0000-4000-b000-000000000003' $$,
  'An owner can set a catalog model as preference.');
select throws_ok($$ insert into public.agents (user_id, name, model_preference) values
  ('02000000-0000-4000-a000-000000000001', 'bad', 'claude-opus') $$,
  '22023', 'unknown model "claude-opus": use "premium" or a model of routing.models',
  'An owner cannot create an agent preferring an unknown model.');
select is((select model_preference from public.agents where id = '02000000-0000-4000-b000-000000000003'), 'gpt-4o-mini',
  'The owner''s accepted preference is stored.');

select * from finish();
ROLLBACK;
