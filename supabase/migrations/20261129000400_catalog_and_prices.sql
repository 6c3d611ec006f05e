-- =============================================================================
-- Providers, the model catalog, its lifecycle and price history
-- =============================================================================
-- Providers are data: a row says which wire protocol a provider speaks (kind),
-- where it is (base_url, or the env variable that overrides it) and which env
-- variable holds its key, so a third provider (a local model server, another
-- vendor) is added by SQL alone. The catalog is data too: per model its
-- provider, the id sent on the wire, its limits and capabilities (what the edge
-- function adapts a request to), and its lifecycle (deprecated_at, retires_at,
-- replaced_by; unavailable_since when the provider stopped serving it, set by
-- record_completion). Prices change; a call is costed at the price in force
-- when it was made, so prices are rows with a validity start, never updated in
-- place. Money is numeric.
--
-- Sources of the seed, all read on 2026-12-02 (details: the comments of each insert):
--   model ids      the official SDKs' model lists in node_modules: openai 6.49.0
--                  (`ChatModel`, resources/shared.d.ts) and @anthropic-ai/sdk 1.14.0
--                  (`Model`, resources/messages/messages.d.ts; DEPRECATED_MODELS)
--   limits, rules  developers.openai.com/api/docs/models/<id>;
--                  platform.claude.com/docs/en/models/<id>/overview;
--                  platform.claude.com/docs/en/build-with-claude/structured-outputs
--   prices         the same model pages; the plan's 2025 models keep their 2024 list
--                  prices (ROUTING-SPEC §7; docs.anthropic.com pricing page)
--   lifecycle      OpenAI's deprecations page as quoted by dev.to / codersera
--                  (2026-10-15, 2026-10-28); Anthropic's model deprecations page as
--                  reported by 24-ai.news, dev.to and coder/coder#22304 (2026-02/04)
-- The provider simulator's served-model table (tests/simulator/models.ts) holds
-- the same wire ids, output limits, context windows and retirement days.

-- -----------------------------------------------------------------------------
-- routing.providers
-- -----------------------------------------------------------------------------
create table routing.providers (
  provider text primary key check (provider ~ '^[a-z][a-z0-9_-]{0,31}$'),
  kind text not null check (kind in ('openai-compatible', 'anthropic')),
  base_url text check (base_url ~ '^https?://[^[:space:]]+$'),
  base_url_env text
    constraint base_url_env_is_safe check (base_url_env ~ '^[A-Z][A-Z0-9_]*$' and base_url_env !~ '^SUPABASE_'
                                           and base_url_env not in ('DATABASE_URL', 'JWT_SECRET', 'JWKS_URL')),
  api_key_env text not null
    constraint api_key_env_is_safe check (api_key_env ~ '^[A-Z][A-Z0-9_]*$' and api_key_env !~ '^SUPABASE_'
                                          and api_key_env not in ('DATABASE_URL', 'JWT_SECRET', 'JWKS_URL')),
  enabled boolean not null default true,
  description text
);
comment on table routing.providers is
  'The providers the router can call, as data: the wire protocol, where, and the env variable holding the key. Written '
  'by the service role or the owner only.';
comment on column routing.providers.provider is 'The provider''s name, as decisions, calls, attempts and breakers record it.';
comment on column routing.providers.kind is
  'The wire protocol: openai-compatible (the openai SDK''s chat completions) or anthropic (the Anthropic Messages API).';
comment on column routing.providers.base_url is 'The API base URL; null = the SDK''s default.';
comment on column routing.providers.base_url_env is
  'An env variable whose value, when set, overrides base_url (e.g. OPENAI_BASE_URL); never a SUPABASE_ variable nor '
  'one of the function''s own secrets (DATABASE_URL, JWT_SECRET, JWKS_URL).';
comment on column routing.providers.api_key_env is
  'The env variable holding the provider''s key: ^[A-Z][A-Z0-9_]*$, never a SUPABASE_ variable nor one of the function''s '
  'own secrets (DATABASE_URL, JWT_SECRET, JWKS_URL), so that no row can make the function send a Supabase secret to a URL.';
comment on column routing.providers.enabled is
  'false: the provider''s models are replaced at decision time (adjustment provider_disabled:<provider>) and left out of '
  'fallback chains, as ENABLE_ANTHROPIC_PROVIDER=false does for anthropic; FORCE_PROVIDER refuses it.';
comment on column routing.providers.description is 'What the provider is, for operators.';

insert into routing.providers (provider, kind, base_url, base_url_env, api_key_env, description) values
  ('openai', 'openai-compatible', null, 'OPENAI_BASE_URL', 'OPENAI_API_KEY', 'OpenAI chat completions (official openai SDK).'),
  ('anthropic', 'anthropic', null, 'ANTHROPIC_BASE_URL', 'ANTHROPIC_API_KEY', 'Anthropic Messages API (official @anthropic-ai/sdk).');

-- -----------------------------------------------------------------------------
-- routing.models
-- -----------------------------------------------------------------------------
create table routing.models (
  model text primary key check (model ~ '^[a-z0-9][a-z0-9.-]{0,63}$'),
  provider text not null references routing.providers (provider),
  active boolean not null default true,
  description text not null default '',
  created_at timestamptz not null default now(),
  -- The wire: what is sent, and what the model accepts.
  wire_id text not null check (wire_id ~ '^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,199}$'),
  context_window integer check (context_window > 0),
  max_output_tokens integer not null default 4096 check (max_output_tokens > 0),
  supports_tools boolean not null default false,
  supports_images boolean not null default false,
  supports_pdf boolean not null default false,
  supports_json_schema boolean not null default false,
  supports_prefill boolean not null default false,
  sampling text not null default 'any' check (sampling in ('any', 'temperature_or_top_p', 'none', 'effort_none')),
  reasoning_effort text not null default 'unsupported' check (reasoning_effort in ('unsupported', 'any', 'none_with_tools')),
  -- Lifecycle.
  deprecated_at timestamptz,
  retires_at timestamptz,
  replaced_by text references routing.models (model),
  unavailable_since timestamptz,
  unavailable_reason text check (length(unavailable_reason) <= 500),
  constraint replaced_by_another_model check (replaced_by <> model),
  constraint unavailable_with_reason check ((unavailable_since is null) = (unavailable_reason is null))
);
comment on table routing.models is
  'The models the router may choose: the name callers and reports see, its provider, the wire id, limits, capabilities '
  'and lifecycle.';
comment on column routing.models.model is 'The name callers, decisions and reports use (config columns, preferences, FORCE_MODEL).';
comment on column routing.models.provider is 'The provider that serves the model (routing.providers).';
comment on column routing.models.active is 'false: out of the catalog (a config column naming it falls back to the baseline).';
comment on column routing.models.description is 'What the model is for, for operators.';
comment on column routing.models.created_at is 'When the row was added.';
comment on column routing.models.wire_id is
  'The id sent to the provider''s API (e.g. claude-haiku-4-5-20251001); defaults to model when inserted without one.';
comment on column routing.models.context_window is 'Input + output tokens the model takes; null when not published.';
comment on column routing.models.max_output_tokens is
  'The largest max_tokens the API accepts; the function clamps to it. Default 4096, the smallest limit of any model the '
  'providers serve, so a model added without its limit is never sent a max_tokens it refuses.';
comment on column routing.models.supports_tools is 'Function / tool calling.';
comment on column routing.models.supports_images is 'Image input.';
comment on column routing.models.supports_pdf is 'PDF input (OpenAI file part; Anthropic document block).';
comment on column routing.models.supports_json_schema is
  'Structured output constrained by a JSON schema (OpenAI response_format json_schema; Anthropic output_config.format).';
comment on column routing.models.supports_prefill is
  'A trailing assistant message is continued (Anthropic prefill); false: it must be sent as a normal turn. false for '
  'OpenAI, which has no prefill.';
comment on column routing.models.reasoning_effort is
  'What the model does with OpenAI''s reasoning_effort (and verbosity) in chat completions: unsupported (not a reasoning '
  'model: both are refused, so they are dropped), any (taken at every effort), none_with_tools (function tools only at '
  'effort none, which must be sent: the GPT-5.6 family refuses tools at its default effort and at any other).';
comment on column routing.models.sampling is
  'The sampling parameters the model accepts: any (temperature and top_p together), temperature_or_top_p (one of them), '
  'none (reasoning models that take only the default sampling: non-default values are refused), effort_none (as none, '
  'but temperature, top_p and log probabilities are taken at reasoning_effort none: GPT-5.1 and later).';
comment on column routing.models.deprecated_at is 'When the provider announced the model''s deprecation (still served until retires_at).';
comment on column routing.models.retires_at is
  'When the provider stops serving the model: from then route_model never picks it (adjustment retired:<yyyy-mm-dd>).';
comment on column routing.models.replaced_by is
  'What route_model takes instead of the model once it is retired or unavailable (followed to a usable model); null: '
  'the next usable model of its fallback chain.';
comment on column routing.models.unavailable_since is
  'Set by record_completion when an attempt failed with error type model_unavailable; route_model avoids the model '
  'until public.clear_model_unavailable.';
comment on column routing.models.unavailable_reason is 'Why the model is unavailable: the HTTP status and wire id (no provider message text).';

create function routing._default_wire_id() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.wire_id := coalesce(new.wire_id, new.model);
  return new;
end
$$;
comment on function routing._default_wire_id() is 'Trigger: a model inserted or updated without a wire id is sent under its own name.';

create trigger default_wire_id
  before insert or update of wire_id on routing.models
  for each row execute function routing._default_wire_id();
comment on trigger default_wire_id on routing.models is 'Fills wire_id with model when it is not given.';

-- -----------------------------------------------------------------------------
-- routing.model_events: marking a model unavailable, and clearing it
-- -----------------------------------------------------------------------------
create table routing.model_events (
  id bigint generated always as identity primary key,
  model text not null references routing.models (model),
  event text not null check (event in ('marked_unavailable', 'cleared')),
  actor text not null,
  detail jsonb not null default '{}'::jsonb,
  at timestamptz not null default now()
);
comment on table routing.model_events is
  'Audit of a model''s availability: marked_unavailable (by record_completion, with the call, status and wire id) and '
  'cleared (by an operator''s clear_model_unavailable, with the note).';
comment on column routing.model_events.actor is 'record_completion for a mark; the operator (JWT email or role, else database user) for a clear.';
comment on column routing.model_events.detail is 'The figures of the event: call_id, seq, http_status, provider, wire_id; or the note and the state cleared.';
create index model_events_model_at_idx on routing.model_events (model, at);
comment on index routing.model_events_model_at_idx is 'A model''s availability history by time.';

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
language plpgsql stable
set search_path = ''
as $$
begin
  -- plpgsql keeps its plans for the session; a SQL function (not inlinable with its SET) is planned in every transaction
  return (select p from routing.model_prices p
          where p.model = p_model and p.effective_from <= p_at
          order by p.effective_from desc
          limit 1);
end
$$;
comment on function routing.price_in_force(text, timestamptz) is 'The price row of a model in force at a time, or null.';

create function routing.cost_usd(
  price routing.model_prices, input_tokens bigint, output_tokens bigint, cached_tokens bigint, cache_write_tokens bigint
) returns numeric
language plpgsql immutable
set search_path = ''
as $$
begin
  -- plpgsql keeps its plans for the session; a SQL function (not inlinable with its SET) is planned in every transaction
  -- input_tokens excludes cached and cache-write tokens, which have their own prices.
  return (coalesce(cost_usd.input_tokens, 0) * price.input_per_mtok
        + coalesce(cost_usd.output_tokens, 0) * price.output_per_mtok
        + coalesce(cost_usd.cached_tokens, 0) * price.cached_input_per_mtok
        + coalesce(cost_usd.cache_write_tokens, 0) * price.cache_write_per_mtok) / 1000000;
end
$$;
comment on function routing.cost_usd(routing.model_prices, bigint, bigint, bigint, bigint) is 'Exact USD cost of the given tokens at a price row.';

-- -----------------------------------------------------------------------------
-- Lifecycle: the state of a model now, and marking it unavailable
-- -----------------------------------------------------------------------------
create function routing._lifecycle_state(retires_at timestamptz, unavailable_since timestamptz, deprecated_at timestamptz)
returns text
language plpgsql stable
set search_path = ''
as $$
begin
  -- plpgsql keeps its plans for the session; a SQL function (not inlinable with its SET) is planned in every transaction
  return case
    when retires_at <= now() then 'retired'
    when unavailable_since is not null then 'unavailable'
    when retires_at <= now() + interval '30 days' then 'retiring_soon'
    when deprecated_at <= now() then 'deprecated'
    else 'active' end;
end
$$;
comment on function routing._lifecycle_state(timestamptz, timestamptz, timestamptz) is
  'A model''s lifecycle state now: retired (past retires_at), unavailable (marked by record_completion), retiring_soon '
  '(retires within 30 days), deprecated, or active. The one definition route_model, the view and the warnings read.';

create function routing._mark_models_unavailable(call_id uuid)
returns text[]
language plpgsql volatile
set search_path = ''
as $$
declare
  a record;
  marked text[] := '{}';
begin
  -- Each model that an attempt of the call found no longer served, once (idempotent when already marked).
  for a in
    select distinct on (att.model) att.model, att.provider, att.seq, att.http_status, m.wire_id
    from routing.attempts att
    join routing.models m on m.model = att.model
    where att.call_id = _mark_models_unavailable.call_id and att.error_type = 'model_unavailable'
    order by att.model, att.seq
  loop
    update routing.models m
       set unavailable_since = now(),
           unavailable_reason = format('%s answered %s for wire id %s: the model is not served',
                                       a.provider, coalesce(a.http_status::text, 'no status'), a.wire_id)
     where m.model = a.model and m.unavailable_since is null;
    continue when not found;
    insert into routing.model_events (model, event, actor, detail)
    values (a.model, 'marked_unavailable', 'record_completion',
            jsonb_build_object('call_id', _mark_models_unavailable.call_id, 'seq', a.seq, 'http_status', a.http_status,
                               'provider', a.provider, 'wire_id', a.wire_id));
    marked := marked || a.model;
  end loop;
  return marked;
end
$$;
comment on function routing._mark_models_unavailable(uuid) is
  'Called by record_completion: marks unavailable every model an attempt of the call failed with model_unavailable '
  '(unavailable_since, a reason naming the status and wire id) and audits it in routing.model_events; returns the models '
  'newly marked (none when already marked).';

-- -----------------------------------------------------------------------------
-- public.routing_model_lifecycle
-- -----------------------------------------------------------------------------
create view public.routing_model_lifecycle with (security_invoker = true) as
select m.model,
       m.provider,
       m.wire_id,
       m.deprecated_at,
       m.retires_at,
       m.replaced_by,
       (timezone('UTC', m.retires_at))::date - (timezone('UTC', now()))::date as days_to_retirement,
       m.unavailable_since,
       routing._lifecycle_state(m.retires_at, m.unavailable_since, m.deprecated_at) as state,
       m.unavailable_reason
from routing.models m
where m.active;
comment on view public.routing_model_lifecycle is
  'Each active model''s lifecycle now: deprecation, retirement (days to it), replacement, availability, and its state. '
  'Read by the dashboard and the report to warn.';
comment on column public.routing_model_lifecycle.days_to_retirement is 'UTC days from today to retires_at (negative once retired); null without a retirement.';
comment on column public.routing_model_lifecycle.state is
  'active | deprecated | retiring_soon (retires within 30 days) | retired (route_model replaces it) | unavailable '
  '(marked by record_completion; route_model avoids it until cleared).';
comment on column public.routing_model_lifecycle.unavailable_reason is 'Why the model is unavailable (status and wire id).';

-- -----------------------------------------------------------------------------
-- Catalog data
-- -----------------------------------------------------------------------------
-- Today's models, in the plan's three price bands (efficient / balanced / most
-- capable). Limits and capabilities from the model pages read 2026-12-02:
--   gpt-5.6-*          developers.openai.com/api/docs/models/gpt-5.6-{luna,terra,sol}: 1,050,000 context,
--                      128,000 output; reasoning models (default effort medium): temperature / top_p / log
--                      probabilities only at the default, or at reasoning_effort none (OpenAI's GPT-5.1 / 5.2
--                      guide), so sampling effort_none; tools, images, PDF file parts, response_format json_schema;
--                      function tools in chat completions only with reasoning_effort none sent (a request with
--                      tools and no effort, or another one, is a 400: "Function tools with reasoning_effort are not
--                      supported for gpt-5.6-luna in /v1/chat/completions ... set reasoning_effort to 'none'",
--                      BerriAI/litellm#34569, fazer-ai/agents#66), so reasoning_effort none_with_tools.
--   claude-haiku-4-5   platform.claude.com/docs/en/models/haiku-4-5/overview: 200K / 64K; one of temperature or
--                      top_p; prefill accepted; structured outputs GA for Haiku 4.5 (build-with-claude/
--                      structured-outputs). Wire id: the dated snapshot of the SDK's list.
--   claude-sonnet-5-5  platform.claude.com/docs/en/models/sonnet-5-5/overview: 1M / 128K; non-default temperature,
--                      top_p or top_k refused (sampling none); prefill refused; forced tool use refused;
--                      output_config.format JSON schema.
insert into routing.models (model, provider, wire_id, context_window, max_output_tokens, supports_tools, supports_images,
                            supports_pdf, supports_json_schema, supports_prefill, sampling, reasoning_effort, description) values
  ('gpt-5.6-sol', 'openai', 'gpt-5.6-sol', 1050000, 128000, true, true, true, true, false, 'effort_none', 'none_with_tools',
   'Most capable band: high tier, premium and baseline of a fresh install'),
  ('gpt-5.6-terra', 'openai', 'gpt-5.6-terra', 1050000, 128000, true, true, true, true, false, 'effort_none', 'none_with_tools',
   'Balanced band on OpenAI'),
  ('gpt-5.6-luna', 'openai', 'gpt-5.6-luna', 1050000, 128000, true, true, true, true, false, 'effort_none', 'none_with_tools',
   'Efficient band: low tier, new agents and Anthropic substitute of a fresh install'),
  ('claude-sonnet-5-5', 'anthropic', 'claude-sonnet-5-5', 1000000, 128000, true, true, true, true, false, 'none',
   'unsupported', 'Balanced band on Anthropic (current Sonnet)'),
  ('claude-haiku-4-5', 'anthropic', 'claude-haiku-4-5-20251001', 200000, 64000, true, true, true, true, true,
   'temperature_or_top_p', 'unsupported', 'Medium tier of a fresh install');

-- The plan's 2025 models, kept for the plan-2025 preset and history, with their real lifecycle (read 2026-12-02):
--   gpt-4o, gpt-4o-mini  deprecated (OpenAI deprecations page, quoted 2026-10-15 by dev.to importstatic and
--                        2026-10-28 by codersera: deprecated_at = the earliest of those dates, the announcement's
--                        own date not found), shut down 2027-01-14. The page recommends gpt-6-luna, which the
--                        pinned openai SDK 6.49 does not list: replaced_by is gpt-5.6-sol / gpt-5.6-luna, the
--                        models of the same bands it does list.
--   gpt-3.5-turbo        shut down 2026-10-23 -> gpt-5.6-terra (the page's replacement; same source).
--   claude-3-haiku       wire id claude-3-haiku-20240307 (the name had no such id); retired 2026-04-19 (some
--                        reports say 04-20) -> claude-haiku-4-5 (24-ai.news, dev.to flarecanary, gate.com, 2026-04).
--   claude-3-5-haiku     wire id claude-3-5-haiku-20241022; retired 2026-02-19 -> claude-haiku-4-5 (coder/coder#22304).
-- For the Claude 3 models the announcement date was not found: deprecated_at = retires_at (no later than).
-- Their limits are the providers' published ones (gpt-4o 128K / 16,384; gpt-3.5-turbo 16,385 / 4,096; Claude 3
-- Haiku 200K / 4,096; Claude 3.5 Haiku 200K / 8,192); capabilities as they were served (no JSON-schema output
-- before gpt-4o-2024-08-06 nor on Claude 3; no PDF or image input on gpt-3.5-turbo nor Claude 3.5 Haiku's API).
insert into routing.models (model, provider, wire_id, context_window, max_output_tokens, supports_tools, supports_images,
                            supports_pdf, supports_json_schema, supports_prefill, sampling, deprecated_at, retires_at,
                            replaced_by, description) values
  ('gpt-4o', 'openai', 'gpt-4o', 128000, 16384, true, true, true, true, false, 'any',
   '2026-10-15 00:00+00', '2027-01-14 00:00+00', 'gpt-5.6-sol', 'The plan''s premium and baseline model (plan-2025 preset)'),
  ('gpt-4o-mini', 'openai', 'gpt-4o-mini', 128000, 16384, true, true, true, true, false, 'any',
   '2026-10-15 00:00+00', '2027-01-14 00:00+00', 'gpt-5.6-luna', 'The plan''s low tier (plan-2025 preset)'),
  ('gpt-3.5-turbo', 'openai', 'gpt-3.5-turbo', 16385, 4096, true, false, false, false, false, 'any',
   '2026-10-15 00:00+00', '2026-10-23 00:00+00', 'gpt-5.6-terra', 'Legacy budget model (retired)'),
  ('claude-3-haiku', 'anthropic', 'claude-3-haiku-20240307', 200000, 4096, true, true, false, false, true, 'any',
   '2026-04-19 00:00+00', '2026-04-19 00:00+00', 'claude-haiku-4-5', 'The plan''s medium tier (plan-2025 preset; retired)'),
  ('claude-3-5-haiku', 'anthropic', 'claude-3-5-haiku-20241022', 200000, 8192, true, false, false, false, true, 'any',
   '2026-02-19 00:00+00', '2026-02-19 00:00+00', 'claude-haiku-4-5', 'Stronger Anthropic budget model of the plan (retired)');

-- Prices, USD per MTok: input / output / cached read / cache write.
--   The plan's models: their 2024 list prices (ROUTING-SPEC §7), unchanged.
--   gpt-5.6-sol    $4 / $20 / $0.40 / $5.00 from its launch (2026-06-26, limited preview), a promotional price the
--                  model page stated "at least until 2026-11-21"; the list price $5 / $30 / $0.50 / $6.25 from
--                  2026-11-22 (developers.openai.com/api/docs/models/gpt-5.6-sol, read 2026-12-02).
--   gpt-5.6-luna   $0.20 / $1.20 / $0.02 / $0.25 (developers.openai.com/api/docs/models/gpt-5.6-luna, read 2026-12-02);
--   gpt-5.6-terra  $2 / $12 / $0.20 / $2.50 (the Luna page's comparison, read 2026-12-02). GPT-5.6 cache writes
--                  cost 1.25 x input. No earlier price was confirmed by a primary source (launch-day reports quote
--                  $1 / $6 and $2.50 / $15), so both are in force from the day they were read.
--   claude-haiku-4-5   $1 / $5 / $0.10 / $1.25 (5-minute write) since its release (2025-10-15).
--   claude-sonnet-5-5  $2 / $10 / $0.20 / $2.50 (5-minute write), in force from the day read (no history found).
insert into routing.model_prices (model, effective_from, input_per_mtok, output_per_mtok, cached_input_per_mtok, cache_write_per_mtok) values
  ('gpt-4o', '2024-01-01', 2.50, 10.00, 1.25, 2.50),
  ('gpt-4o-mini', '2024-01-01', 0.15, 0.60, 0.075, 0.15),
  ('gpt-3.5-turbo', '2024-01-01', 0.50, 1.50, 0.50, 0.50),
  ('claude-3-haiku', '2024-01-01', 0.25, 1.25, 0.03, 0.30),
  ('claude-3-5-haiku', '2024-01-01', 0.80, 4.00, 0.08, 1.00),
  ('gpt-5.6-sol', '2026-06-26 00:00+00', 4.00, 20.00, 0.40, 5.00),
  ('gpt-5.6-sol', '2026-11-22 00:00+00', 5.00, 30.00, 0.50, 6.25),
  ('gpt-5.6-luna', '2026-12-02 00:00+00', 0.20, 1.20, 0.02, 0.25),
  ('gpt-5.6-terra', '2026-12-02 00:00+00', 2.00, 12.00, 0.20, 2.50),
  ('claude-haiku-4-5', '2025-10-15 00:00+00', 1.00, 5.00, 0.10, 1.25),
  ('claude-sonnet-5-5', '2026-12-02 00:00+00', 2.00, 10.00, 0.20, 2.50);

-- -----------------------------------------------------------------------------
-- Row level security and privileges: the catalog is read by signed-in users;
-- providers and model events by the service role; written by the service role / owner
-- -----------------------------------------------------------------------------
alter table routing.providers enable row level security;
alter table routing.models enable row level security;
alter table routing.model_prices enable row level security;
alter table routing.model_events enable row level security;
create policy "Signed-in users can read the catalog" on routing.models for select to authenticated using (true);
create policy "Signed-in users can read prices" on routing.model_prices for select to authenticated using (true);
revoke all on routing.providers, routing.models, routing.model_prices, routing.model_events from public, anon, authenticated;
grant select on routing.models, routing.model_prices to authenticated;
grant all on routing.providers, routing.models to service_role;
-- Price history is append-only for every role but the owner: a price change is a new row with
-- its effective_from (the operator's insert); a row in force is never updated nor deleted.
grant select, insert on routing.model_prices to service_role;
-- Model events are an audit trail, written by record_completion and clear_model_unavailable only.
revoke all on routing.model_events from service_role;
grant select on routing.model_events to service_role;
revoke all on public.routing_model_lifecycle from public, anon, authenticated, service_role;
grant select on public.routing_model_lifecycle to authenticated, service_role;
revoke all on function routing.price_in_force(text, timestamptz) from public;
revoke all on function routing.cost_usd(routing.model_prices, bigint, bigint, bigint, bigint) from public;
-- Every cost is computed by these two; the invoker-rights projection calls them as the signed-in user.
grant execute on function routing.price_in_force(text, timestamptz), routing.cost_usd(routing.model_prices, bigint, bigint, bigint, bigint) to authenticated, service_role;
revoke all on function routing._default_wire_id() from public;
revoke all on function routing._mark_models_unavailable(uuid) from public;
-- The lifecycle view runs as its reader.
revoke all on function routing._lifecycle_state(timestamptz, timestamptz, timestamptz) from public;
grant execute on function routing._lifecycle_state(timestamptz, timestamptz, timestamptz) to authenticated, service_role;
