-- =============================================================================
-- Model catalog and price history
-- =============================================================================
-- Prices change; a call is costed at the price in force when it was made, so
-- prices are rows with a validity start, never updated in place. Money is numeric.

-- -----------------------------------------------------------------------------
-- routing.models
-- -----------------------------------------------------------------------------
create table routing.models (
  model text primary key check (model ~ '^[a-z0-9][a-z0-9.-]{0,63}$'),
  provider text not null check (provider in ('openai', 'anthropic')),
  active boolean not null default true,
  description text not null default '',
  created_at timestamptz not null default now()
);
comment on table routing.models is 'The models the router may choose, and the provider that serves each.';

-- -----------------------------------------------------------------------------
-- routing.model_prices
-- -----------------------------------------------------------------------------
create table routing.model_prices (
  id bigint generated always as identity primary key,
  model text not null references routing.models (model),
  effective_from timestamptz not null,
  -- USD per million tokens
  input_per_mtok numeric(12, 6) not null check (input_per_mtok >= 0),
  output_per_mtok numeric(12, 6) not null check (output_per_mtok >= 0),
  cached_input_per_mtok numeric(12, 6) not null check (cached_input_per_mtok >= 0),
  cache_write_per_mtok numeric(12, 6) not null check (cache_write_per_mtok >= 0),
  created_at timestamptz not null default now(),
  unique (model, effective_from)
);
comment on table routing.model_prices is 'List prices in USD per million tokens; the row with the latest effective_from <= t is in force at t.';

create function routing.price_in_force(p_model text, p_at timestamptz)
returns routing.model_prices
language sql stable
set search_path = ''
as $$
  select p.* from routing.model_prices p
  where p.model = p_model and p.effective_from <= p_at
  order by p.effective_from desc
  limit 1
$$;
comment on function routing.price_in_force(text, timestamptz) is 'The price row of a model in force at a time, or null.';

create function routing.cost_usd(
  price routing.model_prices, input_tokens bigint, output_tokens bigint, cached_tokens bigint, cache_write_tokens bigint
) returns numeric
language sql immutable
set search_path = ''
as $$
  -- input_tokens excludes cached and cache-write tokens, which have their own prices.
  select (coalesce(input_tokens, 0) * price.input_per_mtok
        + coalesce(output_tokens, 0) * price.output_per_mtok
        + coalesce(cached_tokens, 0) * price.cached_input_per_mtok
        + coalesce(cache_write_tokens, 0) * price.cache_write_per_mtok) / 1000000
$$;
comment on function routing.cost_usd(routing.model_prices, bigint, bigint, bigint, bigint) is 'Exact USD cost of the given tokens at a price row.';

-- -----------------------------------------------------------------------------
-- Catalog data: list prices of ROUTING-SPEC §7
-- -----------------------------------------------------------------------------
insert into routing.models (model, provider, description) values
  ('gpt-4o', 'openai', 'Premium and baseline model'),
  ('gpt-4o-mini', 'openai', 'Low-complexity tier'),
  ('gpt-3.5-turbo', 'openai', 'Legacy budget model'),
  ('claude-3-haiku', 'anthropic', 'Medium-complexity tier'),
  ('claude-3-5-haiku', 'anthropic', 'Stronger Anthropic budget model');

insert into routing.model_prices (model, effective_from, input_per_mtok, output_per_mtok, cached_input_per_mtok, cache_write_per_mtok) values
  ('gpt-4o', '2024-01-01', 2.50, 10.00, 1.25, 2.50),
  ('gpt-4o-mini', '2024-01-01', 0.15, 0.60, 0.075, 0.15),
  ('gpt-3.5-turbo', '2024-01-01', 0.50, 1.50, 0.50, 0.50),
  ('claude-3-haiku', '2024-01-01', 0.25, 1.25, 0.03, 0.30),
  ('claude-3-5-haiku', '2024-01-01', 0.80, 4.00, 0.08, 1.00);

alter table routing.models enable row level security;
alter table routing.model_prices enable row level security;
create policy "Signed-in users can read the catalog" on routing.models for select to authenticated using (true);
create policy "Signed-in users can read prices" on routing.model_prices for select to authenticated using (true);
revoke all on routing.models, routing.model_prices from public, anon, authenticated;
grant select on routing.models, routing.model_prices to authenticated;
grant all on routing.models to service_role;
-- Price history is append-only for every role but the owner: a price change is a new row with
-- its effective_from (the operator's insert); a row in force is never updated nor deleted.
grant select, insert on routing.model_prices to service_role;
revoke all on function routing.price_in_force(text, timestamptz) from public;
revoke all on function routing.cost_usd(routing.model_prices, bigint, bigint, bigint, bigint) from public;
-- Every cost is computed by these two; the invoker-rights projection calls them as the signed-in user.
grant execute on function routing.price_in_force(text, timestamptz), routing.cost_usd(routing.model_prices, bigint, bigint, bigint, bigint) to authenticated, service_role;
