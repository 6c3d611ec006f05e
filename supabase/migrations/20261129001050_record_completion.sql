-- =============================================================================
-- record_completion: a call, its attempts, exact costs, breakers (ROUTING-SPEC §4, §5, §7)
-- =============================================================================
-- Called once per route-completion request by the trusted edge function.
-- One transaction: validate the call, insert routing.calls and routing.attempts
-- with costs computed here from the catalog price in force now
-- (routing.price_in_force, routing.cost_usd), feed the attempts to the circuit
-- breakers (routing._update_breakers), mark the models an attempt found no
-- longer served (error type model_unavailable: routing._mark_models_unavailable,
-- in the catalog migration), then the alert evaluation
-- (routing._after_call_recorded, in the alerts migration). call.warnings (what
-- the edge function adapted, dropped or clamped) is stored with the call.
-- Idempotent: call.call_key (a UUID the edge function draws per call before
-- its first attempt) is stored unique in routing.calls; a repeat with the same
-- key (a retried or drained record, functions/_shared/recording/) returns the
-- first result and changes nothing (no second cost, breaker update or alert).
-- Money: exact numerics, trailing zeros trimmed (trim_scale); returned as JSON
-- strings of numeric::text, e.g. "0.02175", "0".

-- -----------------------------------------------------------------------------
-- The idempotency key of a call, and estimated token counts of an attempt
-- -----------------------------------------------------------------------------
alter table routing.calls add column call_key uuid unique;
comment on column routing.calls.call_key is
  'The edge function''s key of this call (record_completion''s call.call_key): a record sent twice is stored once. '
  'Null for calls recorded without one.';
alter table routing.attempts add column tokens_estimated boolean not null default false;
comment on column routing.attempts.tokens_estimated is
  'True when the provider reported no tokens for this (failed) attempt and the edge function estimated them '
  '(call.attempts[i].estimated): its cost is an estimate too.';

-- -----------------------------------------------------------------------------
-- routing.call_attempt: one attempt of a validated call
-- -----------------------------------------------------------------------------
create type routing.call_attempt as (
  seq integer,
  model text,
  provider text,
  http_status integer,
  error_type text,
  latency_ms integer,
  input_tokens bigint,
  output_tokens bigint,
  cached_tokens bigint,
  cache_write_tokens bigint,
  estimated boolean
);
comment on type routing.call_attempt is
  'One provider attempt of a call, parsed from record_completion''s call.attempts (seq 1..n in array order; missing tokens = 0).';

-- -----------------------------------------------------------------------------
-- routing._json_count_problem: what is wrong with a count (null = nothing)
-- -----------------------------------------------------------------------------
create function routing._json_count_problem(v jsonb) returns text
language plpgsql immutable
set search_path = ''
as $$
begin
  -- plpgsql keeps its plans for the session; a SQL function (not inlinable with its SET) is planned in every transaction
  return case
    when v is null or jsonb_typeof(v) = 'null' then null  -- missing: the caller's default
    when jsonb_typeof(v) <> 'number' then 'must be an integer >= 0'
    when v::numeric < 0 or v::numeric <> trunc(v::numeric) then 'must be an integer >= 0'
    when v::numeric > 2147483647 then 'must be at most 2147483647'
  end;
end
$$;
comment on function routing._json_count_problem(jsonb) is
  'null when a jsonb value is missing, null or an integer 0..2147483647; else the end of a stable error message.';

-- -----------------------------------------------------------------------------
-- routing.validate_call: stable 22023 messages naming the field
-- -----------------------------------------------------------------------------
create function routing.validate_call(call jsonb) returns void
language plpgsql stable
set search_path = ''
as $$
declare
  a jsonb;
  i bigint;
  field text;
  problem text;
  status numeric;
  token_field text;
  models text[];
  providers text[];
  error_types text[];
begin
  -- The names the call may use, in one statement: each field below is then checked in memory.
  select array(select m.model from routing.models m), array(select p.provider from routing.providers p),
         array(select t.error_type from routing.error_types t)
    into models, providers, error_types;
  if call is null or jsonb_typeof(call) <> 'object' then
    raise exception 'call must be a JSON object' using errcode = '22023';
  end if;
  if jsonb_typeof(call -> 'status') is distinct from 'string' or call ->> 'status' not in ('succeeded', 'failed') then
    raise exception 'call.status must be one of: succeeded, failed' using errcode = '22023';
  end if;
  if jsonb_typeof(call -> 'model') is distinct from 'string' or not (call ->> 'model') = any (models) then
    raise exception 'call.model must be a catalog model' using errcode = '22023';
  end if;
  if jsonb_typeof(call -> 'provider') is distinct from 'string' or not (call ->> 'provider') = any (providers) then
    raise exception 'call.provider must be a provider of routing.providers' using errcode = '22023';
  end if;
  if coalesce(jsonb_typeof(call -> 'fallback_used'), 'null') not in ('boolean', 'null') then
    raise exception 'call.fallback_used must be a boolean' using errcode = '22023';
  end if;
  problem := routing._json_count_problem(call -> 'latency_ms');
  if problem is not null then
    raise exception 'call.latency_ms %', problem using errcode = '22023';
  end if;
  if coalesce(jsonb_typeof(call -> 'call_key'), 'null') <> 'null'
     and (jsonb_typeof(call -> 'call_key') <> 'string'
          or call ->> 'call_key' !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$') then
    raise exception 'call.call_key must be a UUID or null' using errcode = '22023';
  end if;
  if jsonb_typeof(call -> 'attempts') is distinct from 'array' or jsonb_array_length(call -> 'attempts') = 0 then
    raise exception 'call.attempts must be a non-empty array' using errcode = '22023';
  end if;
  if jsonb_array_length(call -> 'attempts') > 100 then
    raise exception 'call.attempts must have at most 100 entries' using errcode = '22023';
  end if;
  if coalesce(jsonb_typeof(call -> 'warnings'), 'null') not in ('array', 'null') then
    raise exception 'call.warnings must be an array of strings' using errcode = '22023';
  end if;
  if jsonb_array_length(coalesce(nullif(call -> 'warnings', 'null'::jsonb), '[]'::jsonb)) > 50 then
    raise exception 'call.warnings must have at most 50 entries' using errcode = '22023';
  end if;
  for a, i in select e.value, e.ordinality from jsonb_array_elements(call -> 'warnings') with ordinality e
              where jsonb_typeof(call -> 'warnings') = 'array' loop
    if jsonb_typeof(a) <> 'string' or length(a #>> '{}') > 500 then
      raise exception 'call.warnings[%] must be a string of at most 500 characters', i using errcode = '22023';
    end if;
  end loop;

  -- Attempts are numbered from 1, as their seq: call.attempts[1] is the first.
  for a, i in select e.value, e.ordinality from jsonb_array_elements(call -> 'attempts') with ordinality e loop
    field := format('call.attempts[%s]', i);
    if jsonb_typeof(a) <> 'object' then
      raise exception '% must be a JSON object', field using errcode = '22023';
    end if;
    if jsonb_typeof(a -> 'model') is distinct from 'string' or not (a ->> 'model') = any (models) then
      raise exception '%.model must be a catalog model', field using errcode = '22023';
    end if;
    if jsonb_typeof(a -> 'provider') is distinct from 'string' or not (a ->> 'provider') = any (providers) then
      raise exception '%.provider must be a provider of routing.providers', field using errcode = '22023';
    end if;
    status := case when jsonb_typeof(a -> 'status') = 'number' then (a -> 'status')::numeric end;
    if coalesce(jsonb_typeof(a -> 'status'), 'null') <> 'null'
       and (status is null or status <> trunc(status) or status not between 100 and 599) then
      raise exception '%.status must be an HTTP status code (100-599) or null', field using errcode = '22023';
    end if;
    if coalesce(jsonb_typeof(a -> 'error_type'), 'null') <> 'null'
       and (jsonb_typeof(a -> 'error_type') <> 'string' or not (a ->> 'error_type') = any (error_types)) then
      raise exception '%.error_type must be null or one of: %', field,
        (select string_agg(t.error_type, ', ' order by t.sort_order) from routing.error_types t) using errcode = '22023';
    end if;
    if a ->> 'error_type' is null and status is not null and status not between 200 and 299 then
      raise exception '%.error_type is required when status is not 2xx', field using errcode = '22023';
    end if;
    if coalesce(jsonb_typeof(a -> 'estimated'), 'null') not in ('boolean', 'null') then
      raise exception '%.estimated must be a boolean', field using errcode = '22023';
    end if;
    problem := routing._json_count_problem(a -> 'latency_ms');
    if problem is not null then
      raise exception '%.latency_ms %', field, problem using errcode = '22023';
    end if;
    foreach token_field in array array['input_tokens', 'output_tokens', 'cached_tokens', 'cache_write_tokens'] loop
      problem := routing._json_count_problem(a -> token_field);
      if problem is not null then
        raise exception '%.% %', field, token_field, problem using errcode = '22023';
      end if;
    end loop;
    if (routing.price_in_force(a ->> 'model', now())).id is null then
      raise exception '%.model has no price in force', field using errcode = '22023';
    end if;
  end loop;
end
$$;
comment on function routing.validate_call(jsonb) is
  'Raises 22023 with a stable message naming the field (e.g. call.attempts[1].input_tokens must be an integer >= 0, '
  'call.warnings[2] must be a string of at most 500 characters) when record_completion''s call is invalid.';

-- -----------------------------------------------------------------------------
-- routing._call_attempts: the attempts of a validated call
-- -----------------------------------------------------------------------------
create function routing._call_attempts(call jsonb) returns setof routing.call_attempt
language plpgsql immutable
set search_path = ''
as $$
begin
  -- plpgsql keeps its plans for the session; a SQL function (not inlinable with its SET) is planned in every transaction
  return query
  select e.ordinality::integer,
         e.value ->> 'model',
         e.value ->> 'provider',
         (e.value ->> 'status')::numeric::integer,
         e.value ->> 'error_type',
         (e.value ->> 'latency_ms')::numeric::integer,
         coalesce((e.value ->> 'input_tokens')::numeric::bigint, 0),
         coalesce((e.value ->> 'output_tokens')::numeric::bigint, 0),
         coalesce((e.value ->> 'cached_tokens')::numeric::bigint, 0),
         coalesce((e.value ->> 'cache_write_tokens')::numeric::bigint, 0),
         coalesce((e.value ->> 'estimated')::boolean, false)
  from jsonb_array_elements(_call_attempts.call -> 'attempts') with ordinality e
  order by e.ordinality;
end
$$;
comment on function routing._call_attempts(jsonb) is
  'call.attempts as routing.call_attempt rows, seq 1..n. Assumes routing.validate_call passed.';

-- -----------------------------------------------------------------------------
-- routing._recorded_call_json: what record_completion answers for a stored call
-- -----------------------------------------------------------------------------
create function routing._recorded_call_json(c routing.calls, marked text[], breakers jsonb) returns jsonb
language plpgsql stable
set search_path = ''
as $$
begin
  -- plpgsql keeps its plans for the session; a SQL function (not inlinable with its SET) is planned in every transaction
  return jsonb_build_object(
    'call_id', c.id,
    'call_key', c.call_key,
    'decision_id', c.decision_id,
    'status', c.status,
    'model', c.model,
    'provider', c.provider,
    'fallback_used', c.fallback_used,
    'attempt_count', c.attempt_count,
    'cost_usd', c.cost_usd::text,
    'baseline_cost_usd', c.baseline_cost_usd::text,
    'savings_usd', trim_scale(c.baseline_cost_usd - c.cost_usd)::text,
    'attempts', (select jsonb_agg(jsonb_build_object(
                   'seq', na.seq, 'model', na.model, 'provider', na.provider, 'status', na.http_status,
                   'error_type', na.error_type, 'price_id', na.price_id, 'cost_usd', na.cost_usd::text,
                   'estimated', na.tokens_estimated)
                 order by na.seq)
                 from routing.attempts na where na.call_id = c.id),
    'breakers', _recorded_call_json.breakers,
    'warnings', c.warnings,
    'marked_unavailable', to_jsonb(_recorded_call_json.marked));
end
$$;
comment on function routing._recorded_call_json(routing.calls, text[], jsonb) is
  'record_completion''s answer for a stored call, with the stored breaker states (routing._stored_breaker_states) it read '
  '(the first record of a repeated key answers the same, marked_unavailable empty).';

-- -----------------------------------------------------------------------------
-- public.record_completion
-- -----------------------------------------------------------------------------
create function public.record_completion(decision_id uuid, call jsonb) returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  d routing.decisions;
  baseline_price routing.model_prices;
  c routing.calls;
  attempts routing.call_attempt[];
  marked text[] := '{}';
  key uuid;
  breakers jsonb;
  breakers_change boolean;
begin
  -- 1. The caller: the trusted edge function (service role) or an operator.
  perform routing._require_operator('record_completion');

  -- 2. The input, then the decision it belongs to.
  if record_completion.decision_id is null then
    raise exception 'decision_id is required' using errcode = '22023';
  end if;
  perform routing.validate_call(record_completion.call);

  select dd.* into d from routing.decisions dd where dd.id = record_completion.decision_id;
  if not found then
    raise exception 'decision % not found', record_completion.decision_id using errcode = 'P0002';
  end if;
  -- A repeat of a recorded call (same key): the first result, nothing changed. The advisory lock
  -- serializes two concurrent sends of one key, so the second sees the first's row.
  key := (record_completion.call ->> 'call_key')::uuid;
  if key is not null then
    perform pg_advisory_xact_lock(hashtextextended(key::text, 0));
    select cc.* into c from routing.calls cc where cc.call_key = key;
    if found then
      if c.decision_id is distinct from d.id then
        raise exception 'call.call_key % belongs to another decision', key using errcode = '22023';
      end if;
      return routing._recorded_call_json(c, '{}'::text[], routing._stored_breaker_states()) || jsonb_build_object('repeated', true);
    end if;
  end if;

  baseline_price := routing.price_in_force(d.baseline_model, now());
  if baseline_price.id is null then
    raise exception 'baseline model % has no price in force', d.baseline_model;
  end if;

  -- 3. The call and its attempts (call.attempts read once), costed at the prices in force now.
  attempts := array(select p from routing._call_attempts(record_completion.call) p);
  with a as (
    select p.*, pr.id as price_id,
           trim_scale(routing.cost_usd(pr, p.input_tokens, p.output_tokens, p.cached_tokens, p.cache_write_tokens)) as cost
    from unnest(attempts) p
    cross join lateral routing.price_in_force(p.model, now()) pr
  ), totals as (
    select count(*)::integer as n,
           sum(a.input_tokens)::bigint as input_tokens, sum(a.output_tokens)::bigint as output_tokens,
           sum(a.cached_tokens)::bigint as cached_tokens, sum(a.cache_write_tokens)::bigint as cache_write_tokens,
           trim_scale(sum(a.cost)) as cost,
           bool_or(a.model <> d.model) as other_model
    from a
  ), new_call as (
    insert into routing.calls (
      decision_id, agent_id, user_id, execution_id, status, model, provider, fallback_used, attempt_count,
      input_tokens, output_tokens, cached_tokens, cache_write_tokens, cost_usd, baseline_model, baseline_cost_usd, latency_ms,
      warnings, call_key)
    select d.id, d.agent_id, d.user_id, d.execution_id,
           record_completion.call ->> 'status', record_completion.call ->> 'model', record_completion.call ->> 'provider',
           coalesce((record_completion.call ->> 'fallback_used')::boolean, t.other_model), t.n,
           t.input_tokens, t.output_tokens, t.cached_tokens, t.cache_write_tokens, t.cost,
           d.baseline_model,
           trim_scale(routing.cost_usd(baseline_price, t.input_tokens, t.output_tokens, t.cached_tokens, t.cache_write_tokens)),
           (record_completion.call ->> 'latency_ms')::numeric::integer,
           coalesce(nullif(record_completion.call -> 'warnings', 'null'::jsonb), '[]'::jsonb), key
    from totals t
    returning *
  ), new_attempts as (
    insert into routing.attempts (
      call_id, user_id, seq, model, provider, http_status, error_type, latency_ms,
      input_tokens, output_tokens, cached_tokens, cache_write_tokens, price_id, cost_usd, tokens_estimated)
    select nc.id, nc.user_id, a.seq, a.model, a.provider, a.http_status, a.error_type, a.latency_ms,
           a.input_tokens, a.output_tokens, a.cached_tokens, a.cache_write_tokens, a.price_id, a.cost, a.estimated
    from a cross join new_call nc
    returning *
  )
  select nc.* into c from new_call nc, (select count(*) from new_attempts) inserted;

  -- 4. The circuit breakers (ROUTING-SPEC §5), read once with the answer's states. A call changes
  --    them only with an availability failure, or with a success on a provider whose breaker is
  --    not healthy (not closed, or counting failures): a healthy call writes and locks nothing.
  select routing._stored_breaker_states(),
         exists (select 1 from routing.provider_breakers pb
                 where (pb.state <> 'closed' or pb.consecutive_failures <> 0)
                   and pb.provider in (select x.provider from unnest(attempts) x
                                       where routing._is_successful_attempt(x.http_status, x.error_type)))
    into breakers, breakers_change;
  if breakers_change
     or exists (select 1 from unnest(attempts) x where x.error_type is not null and routing._is_availability_failure(x.error_type)) then
    perform routing._update_breakers(c.id);
    breakers := routing._stored_breaker_states();
  end if;

  -- 5. Models the provider no longer serves: route_model avoids them from now on.
  if exists (select 1 from unnest(attempts) x where x.error_type = 'model_unavailable') then
    marked := routing._mark_models_unavailable(c.id);
  end if;

  -- 6. Alert evaluation (the error rate of each provider that failed an attempt, model_unavailable; §7).
  perform routing._after_call_recorded(c);

  return routing._recorded_call_json(c, marked, breakers) || jsonb_build_object('repeated', false);
end
$$;
comment on function public.record_completion(uuid, jsonb) is
  'Records a route-completion call and its attempts with exact costs (price in force now; baseline = same tokens at the '
  'baseline model''s price) with its warnings, updates the circuit breakers and marks unavailable the models an attempt '
  'found not served (model_unavailable). Trusted callers only. Money as JSON strings (numeric::text, trailing zeros '
  'trimmed). Errors: 42501 caller, 22023 input (message names the field), P0002 decision not found.';

-- -----------------------------------------------------------------------------
-- Privileges: helpers are private (the RPC runs them as its owner); the RPC
-- is for the service role only (owners and superusers can always call it).
-- -----------------------------------------------------------------------------
revoke all on function routing._json_count_problem(jsonb), routing.validate_call(jsonb), routing._call_attempts(jsonb),
  routing._recorded_call_json(routing.calls, text[], jsonb)
  from public;
revoke all on function public.record_completion(uuid, jsonb) from public, anon, authenticated, service_role;
grant execute on function public.record_completion(uuid, jsonb) to service_role;
