-- =============================================================================
-- record_completion: a call, its attempts, exact costs, breakers (ROUTING-SPEC §4, §5, §7)
-- =============================================================================
-- Called once per route-completion request by the trusted edge function.
-- One transaction; for a healthy call: the decision's read, the call's shape
-- checked by one jsonpath, then one statement that parses call.attempts once,
-- checks the catalog names, prices each attempt and the baseline at the price
-- in force now (routing.price_in_force's rule), costs them (routing.cost_usd)
-- and inserts routing.calls and its routing.attempts. Only a call that needs them calls
-- the rest: the circuit breakers (routing._update_breakers) on an
-- availability failure or a success on a provider whose breaker is not
-- healthy; the models an attempt found no longer served (error type
-- model_unavailable: routing._mark_models_unavailable, in the catalog
-- migration); the alert evaluation (routing._after_call_recorded, in the alerts
-- migration) when an attempt failed through no fault of the caller. A call
-- that fails the check is handed to routing.validate_call, which names the
-- first wrong field. call.warnings (what the edge function adapted, dropped or
-- clamped) is stored with the call.
-- Idempotent: call.call_key (a UUID the edge function draws per call before
-- its first attempt) is stored unique in routing.calls; a repeat with the same
-- key (a retried or drained record, functions/_shared/recording/) returns the
-- first result and changes nothing (no second cost, breaker update or alert):
-- its insert does nothing ON CONFLICT, and a concurrent send of the same key
-- waits on the unique index for the first to commit, then answers its result.
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
  end loop;
  if not exists (select 1 from jsonb_array_elements(call -> 'attempts') e
                 where e.value ->> 'model' = call ->> 'model' and e.value ->> 'provider' = call ->> 'provider') then
    raise exception 'call.model and call.provider must be those of one of call.attempts (the one that answered, or the last tried)'
      using errcode = '22023';
  end if;
end
$$;
comment on function routing.validate_call(jsonb) is
  'Raises 22023 with a stable message naming the field (e.g. call.attempts[1].input_tokens must be an integer >= 0, '
  'call.warnings[2] must be a string of at most 500 characters) when record_completion''s call is invalid. The error path: '
  'record_completion checks the same rules in its recording statement and calls this only when they fail.';

-- -----------------------------------------------------------------------------
-- routing._require_prices: a valid call whose models the catalog has not priced
-- -----------------------------------------------------------------------------
create function routing._require_prices(call jsonb) returns void
language plpgsql stable
set search_path = ''
as $$
declare
  a jsonb;
  i bigint;
begin
  -- Not the call's fault but the catalog's (a model added before its price): 55000, which the edge
  -- function's outbox keeps and sends again, so the record is stored once the price lands. Checked
  -- after every rule of routing.validate_call, so a record that can never be stored is refused (22023)
  -- at once instead of waiting for a price.
  for a, i in select e.value, e.ordinality from jsonb_array_elements(call -> 'attempts') with ordinality e loop
    if (routing.price_in_force(a ->> 'model', now())).id is null then
      raise exception 'call.attempts[%].model has no price in force', i using errcode = '55000';
    end if;
  end loop;
end
$$;
comment on function routing._require_prices(jsonb) is
  'Raises 55000 (call.attempts[n].model has no price in force) for a call routing.validate_call accepts whose attempt''s '
  'model has no price in force now: the catalog''s to fix; the record can be sent again once the price lands.';


-- -----------------------------------------------------------------------------
-- routing._recorded_call_json: what record_completion answers for a stored call
-- -----------------------------------------------------------------------------
create function routing._recorded_call_json(c routing.calls, attempts routing.attempts[], marked text[], breakers jsonb)
returns jsonb
language plpgsql immutable
set search_path = ''
as $$
begin
  -- The attempts come in as rows (the fresh record's RETURNING, or a repeat's read): no second read of the table.
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
                 from unnest(_recorded_call_json.attempts) na),
    'breakers', _recorded_call_json.breakers,
    'warnings', c.warnings,
    'marked_unavailable', to_jsonb(_recorded_call_json.marked));
end
$$;
comment on function routing._recorded_call_json(routing.calls, routing.attempts[], text[], jsonb) is
  'record_completion''s answer for a stored call and its attempts (rows, in any order), with the stored breaker states '
  '(routing._stored_breaker_states) it read (the first record of a repeated key answers the same, marked_unavailable empty).';

-- -----------------------------------------------------------------------------
-- routing._stored_call_json: the answer for a call recorded before (a repeated key)
-- -----------------------------------------------------------------------------
create function routing._stored_call_json(c routing.calls) returns jsonb
language plpgsql stable
set search_path = ''
as $$
begin
  return routing._recorded_call_json(c, array(select a from routing.attempts a where a.call_id = c.id),
                                     '{}'::text[], routing._stored_breaker_states())
         || jsonb_build_object('repeated', true);
end
$$;
comment on function routing._stored_call_json(routing.calls) is
  'The answer to a repeat of a recorded call (same call_key, record_completion or record_fail_open_completion): the stored '
  'call and attempts, the breaker states now, repeated true.';

-- -----------------------------------------------------------------------------
-- routing._after_first_call_recorded: an outcome that came before its execution's first call record
-- -----------------------------------------------------------------------------
-- The edge function answers first and records the call in the background, so an agent's outcome
-- (record_agent_execution) can arrive before the record of its execution's only call. Its hook then
-- found no trusted call and counted nothing for the global guard; the execution's first recorded
-- call counts it now, once, evaluated as its outcome would have been. Under the execution's lock
-- (routing._lock_execution, which record_agent_execution holds while it counts): an outcome being
-- recorded at the same time either sees this call and counts itself, or is seen here.
create function routing._after_first_call_recorded(d routing.decisions, call_id uuid)
returns void
language plpgsql
set search_path = ''
as $$
declare
  e routing.executions;
begin
  -- A later call of the execution (an earlier one is committed): that one's record, or the outcome's own
  -- hook, counted it. No lock needed for that: a committed call is seen by every outcome recorded after it.
  if exists (select 1 from routing.calls c where c.decision_id = d.id and c.id <> call_id) then
    return;
  end if;
  perform routing._lock_execution(d.agent_id, d.execution_id);
  select x.* into e from routing.executions x
  where x.agent_id = d.agent_id and x.execution_id = d.execution_id and x.decision_id = d.id;
  if not found or exists (select 1 from routing.calls c where c.decision_id = d.id and c.id <> call_id) then
    return;  -- no outcome yet (its own hook will see this call), or a concurrent first call's record counted it
  end if;
  perform routing._after_execution_recorded(e);
end
$$;
comment on function routing._after_first_call_recorded(routing.decisions, uuid) is
  'HOOK of record_completion for a new call of a decision with an execution_id: when the execution''s outcome was reported '
  'before any of its calls was recorded, counts it for the global guard now (routing._after_execution_recorded), once.';

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
  r record;
  c routing.calls;
  marked text[] := '{}';
  key uuid;
  breakers jsonb;
begin
  -- 1. The caller: the trusted edge function (service role) or an operator.
  perform routing._require_operator('record_completion');
  if record_completion.decision_id is null then
    raise exception 'decision_id is required' using errcode = '22023';
  end if;

  -- 2. The decision it belongs to (an invalid call is reported before an unknown decision).
  select dd.* into d from routing.decisions dd where dd.id = record_completion.decision_id;
  if not found then
    perform routing.validate_call(record_completion.call);
    raise exception 'decision % not found', record_completion.decision_id using errcode = 'P0002';
  end if;

  -- 3. The call's shape, in one pass over the jsonb by one jsonpath (evaluated in C, compiled once
  --    per session with the plan): the same rules as routing.validate_call but the catalog names,
  --    checked in the statement below. A call that fails either check goes to routing.validate_call,
  --    which raises 22023 naming the first wrong field.
  if not coalesce(record_completion.call @@ '
           $.type() == "object"
           && $.status.type() == "string" && ($.status == "succeeded" || $.status == "failed")
           && $.model.type() == "string" && $.provider.type() == "string"
           && (!exists($.fallback_used) || $.fallback_used == null || $.fallback_used.type() == "boolean")
           && (!exists($.latency_ms) || $.latency_ms == null || ($.latency_ms.type() == "number" && $.latency_ms >= 0 && $.latency_ms <= 2147483647 && $.latency_ms.floor() == $.latency_ms))
           && (!exists($.call_key) || $.call_key == null || ($.call_key.type() == "string" && $.call_key like_regex "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$" flag "i"))
           && $.attempts.type() == "array" && $.attempts.size() >= 1 && $.attempts.size() <= 100
           && (!exists($.warnings) || $.warnings == null || ($.warnings.type() == "array" && $.warnings.size() <= 50 && !exists($.warnings[*] ? (@.type() != "string" || @ like_regex "^.{250}.{250}." flag "s"))))
           && !exists($.attempts[*] ? (!(@.type() == "object" && @.model.type() == "string" && @.provider.type() == "string" && (!exists(@.status) || @.status == null || (@.status.type() == "number" && @.status >= 100 && @.status <= 599 && @.status.floor() == @.status)) && (!exists(@.error_type) || @.error_type == null || @.error_type.type() == "string") && ((exists(@.error_type) && @.error_type != null) || !exists(@.status) || @.status == null || (@.status >= 200 && @.status <= 299)) && (!exists(@.estimated) || @.estimated == null || @.estimated.type() == "boolean") && (!exists(@.latency_ms) || @.latency_ms == null || (@.latency_ms.type() == "number" && @.latency_ms >= 0 && @.latency_ms <= 2147483647 && @.latency_ms.floor() == @.latency_ms)) && (!exists(@.input_tokens) || @.input_tokens == null || (@.input_tokens.type() == "number" && @.input_tokens >= 0 && @.input_tokens <= 2147483647 && @.input_tokens.floor() == @.input_tokens)) && (!exists(@.output_tokens) || @.output_tokens == null || (@.output_tokens.type() == "number" && @.output_tokens >= 0 && @.output_tokens <= 2147483647 && @.output_tokens.floor() == @.output_tokens)) && (!exists(@.cached_tokens) || @.cached_tokens == null || (@.cached_tokens.type() == "number" && @.cached_tokens >= 0 && @.cached_tokens <= 2147483647 && @.cached_tokens.floor() == @.cached_tokens)) && (!exists(@.cache_write_tokens) || @.cache_write_tokens == null || (@.cache_write_tokens.type() == "number" && @.cache_write_tokens >= 0 && @.cache_write_tokens <= 2147483647 && @.cache_write_tokens.floor() == @.cache_write_tokens)))))'::jsonpath, false) then
    perform routing.validate_call(record_completion.call);
    raise exception 'record_completion: the call passed routing.validate_call but not its shape check' using errcode = 'XX000';
  end if;

  -- 4. One statement: parse call.attempts once (typed, jsonb_to_recordset), check the names
  --    against the catalog, price each attempt and the baseline at the price in force now, cost each attempt
  --    (routing.cost_usd), insert the call and its attempts (one multi-row insert), and classify
  --    the attempts for the breakers and alerts. A repeat of a recorded call_key inserts nothing
  --    (ON CONFLICT: a concurrent send of the same key waits for the first to commit).
  with e as materialized (
    select x.ord::integer as seq, x.model, x.provider, x.status::integer as http_status, x.error_type,
           x.latency_ms::integer as latency_ms,
           coalesce(x.input_tokens, 0)::bigint as input_tokens, coalesce(x.output_tokens, 0)::bigint as output_tokens,
           coalesce(x.cached_tokens, 0)::bigint as cached_tokens, coalesce(x.cache_write_tokens, 0)::bigint as cache_write_tokens,
           coalesce(x.estimated, false) as estimated,
           exists (select 1 from routing.providers pv where pv.provider = x.provider) as known_provider,
           (select et from routing.error_types et where et.error_type = x.error_type) as et,
           -- The price in force now: the row with the latest effective_from <= now() (routing.price_in_force's
           -- rule, one index probe here without its call).
           (select p from routing.model_prices p
            where p.model = x.model and p.effective_from <= now()
            order by p.effective_from desc
            limit 1) as pr
    from rows from (jsonb_to_recordset(record_completion.call -> 'attempts')
                    as (model text, provider text, status numeric, error_type text, latency_ms numeric, input_tokens numeric,
                        output_tokens numeric, cached_tokens numeric, cache_write_tokens numeric, estimated boolean))
         with ordinality x(model, provider, status, error_type, latency_ms, input_tokens, output_tokens, cached_tokens,
                           cache_write_tokens, estimated, ord)
  ), a as materialized (
    select e.seq, e.model, e.provider, e.http_status, e.error_type, e.latency_ms, e.input_tokens, e.output_tokens,
           e.cached_tokens, e.cache_write_tokens, e.estimated,
           (e.pr).id as price_id, (e.et).breaker_failure, (e.et).caller_fault,
           (e.pr).id is not null and e.known_provider and (e.error_type is null or (e.et).error_type is not null) as ok,
           trim_scale(routing.cost_usd(e.pr, e.input_tokens, e.output_tokens, e.cached_tokens, e.cache_write_tokens)) as cost
    from e
  ), sums as (
    select coalesce(bool_and(a.ok), false)
           -- The call's model and provider are one attempt's (the model that answered, or was tried
           -- last): the attempts' price rows and provider check hold them (no foreign keys, decisions
           -- and audit migration).
           and coalesce(bool_or(a.model = record_completion.call ->> 'model' and a.provider = record_completion.call ->> 'provider'), false) as ok,
           count(*)::integer as n,
           sum(a.input_tokens)::bigint as input_tokens, sum(a.output_tokens)::bigint as output_tokens,
           sum(a.cached_tokens)::bigint as cached_tokens, sum(a.cache_write_tokens)::bigint as cache_write_tokens,
           trim_scale(sum(a.cost)) as cost,
           bool_or(a.model <> d.model) as other_model,
           -- What the call asks of the breakers and the alerts (ROUTING-SPEC §5, §7).
           coalesce(bool_or(a.breaker_failure), false) as availability_failure,
           coalesce(array_agg(distinct a.provider) filter (where a.error_type is null
                      and (a.http_status is null or a.http_status between 200 and 299)), '{}') as answered_by,
           coalesce(bool_or(a.caller_fault is false), false) as provider_failure,
           coalesce(bool_or(a.error_type = 'model_unavailable'), false) as model_unavailable
    from a
  ), t as (
    -- The baseline: the same tokens at the baseline model's price in force now.
    select s.*,
           (select trim_scale(routing.cost_usd(p, s.input_tokens, s.output_tokens, s.cached_tokens, s.cache_write_tokens))
            from routing.model_prices p
            where p.model = d.baseline_model and p.effective_from <= now()
            order by p.effective_from desc
            limit 1) as baseline_cost
    from sums s
  ), new_call as (
    insert into routing.calls as nc (
      decision_id, agent_id, user_id, execution_id, status, model, provider, fallback_used, attempt_count,
      input_tokens, output_tokens, cached_tokens, cache_write_tokens, cost_usd, baseline_model, baseline_cost_usd, latency_ms,
      warnings, call_key)
    select d.id, d.agent_id, d.user_id, d.execution_id,
           record_completion.call ->> 'status', record_completion.call ->> 'model', record_completion.call ->> 'provider',
           coalesce((record_completion.call ->> 'fallback_used')::boolean, t.other_model), t.n,
           t.input_tokens, t.output_tokens, t.cached_tokens, t.cache_write_tokens, t.cost,
           d.baseline_model,
           t.baseline_cost,
           (record_completion.call ->> 'latency_ms')::numeric::integer,
           coalesce(nullif(record_completion.call -> 'warnings', 'null'::jsonb), '[]'::jsonb),
           (record_completion.call ->> 'call_key')::uuid
    from t
    where t.ok and t.baseline_cost is not null
    on conflict (call_key) do nothing
    returning nc
  ), new_attempts as (
    insert into routing.attempts as na (
      call_id, user_id, seq, model, provider, http_status, error_type, latency_ms,
      input_tokens, output_tokens, cached_tokens, cache_write_tokens, price_id, cost_usd, tokens_estimated)
    select (k.nc).id, (k.nc).user_id, a.seq, a.model, a.provider, a.http_status, a.error_type, a.latency_ms,
           a.input_tokens, a.output_tokens, a.cached_tokens, a.cache_write_tokens, a.price_id, a.cost, a.estimated
    from a cross join new_call k
    returning na
  )
  select t.ok, t.availability_failure, t.answered_by, t.provider_failure, t.model_unavailable,
         (select k.nc from new_call k) as stored_call,
         (select array_agg(k.na) from new_attempts k) as stored_attempts,
         -- The answer's breaker states: routing._stored_breaker_states' read, here without its call.
         (select coalesce(jsonb_object_agg(pb.provider, pb.state order by pb.provider), '{}'::jsonb)
          from routing.provider_breakers pb) as breakers,
         exists (select 1 from routing.provider_breakers pb
                 where pb.provider = any (t.answered_by) and (pb.state <> 'closed' or pb.consecutive_failures <> 0)) as recovering
    into r
  from t;

  if r.stored_call is null then
    if not r.ok then
      perform routing.validate_call(record_completion.call);  -- raises 22023 naming the field
      perform routing._require_prices(record_completion.call);  -- raises 55000: a price yet to land
      raise exception 'record_completion: the call passed routing.validate_call but not its catalog check' using errcode = 'XX000';
    end if;
    -- A repeat of a recorded call (same key): the first result, nothing changed.
    key := (record_completion.call ->> 'call_key')::uuid;
    select cc.* into c from routing.calls cc where cc.call_key = key;
    if not found then
      -- Nothing inserted and nothing recorded under the key: the baseline cannot be costed.
      raise exception 'baseline model % has no price in force', d.baseline_model using errcode = '55000';
    end if;
    if c.decision_id is distinct from d.id then
      raise exception 'call.call_key % belongs to another decision', key using errcode = '22023';
    end if;
    return routing._stored_call_json(c);
  end if;
  c := r.stored_call;
  breakers := r.breakers;

  -- 5. The circuit breakers (ROUTING-SPEC §5). A call changes them only with an availability
  --    failure, or with a success on a provider whose breaker is not healthy (not closed, or
  --    counting failures): a healthy call writes and locks nothing.
  if r.availability_failure or r.recovering then
    perform routing._update_breakers(c.id);
    breakers := routing._stored_breaker_states();
  end if;

  -- 5b. An outcome reported before this execution's first call record: counted for the global guard now.
  if d.execution_id is not null then
    perform routing._after_first_call_recorded(d, c.id);
  end if;

  -- 6. Models the provider no longer serves: route_model avoids them from now on.
  if r.model_unavailable then
    marked := routing._mark_models_unavailable(c.id);
  end if;

  -- 7. Alert evaluation (the error rate of each provider that failed an attempt, model_unavailable; §7):
  --    only a failure that is not the caller's fault can move it (routing._after_call_recorded's own guard).
  if r.provider_failure then
    perform routing._after_call_recorded(c);
  end if;

  return routing._recorded_call_json(c, r.stored_attempts, marked, breakers) || jsonb_build_object('repeated', false);
end
$$;
comment on function public.record_completion(uuid, jsonb) is
  'Records a route-completion call and its attempts with exact costs (price in force now; baseline = same tokens at the '
  'baseline model''s price) with its warnings, updates the circuit breakers and marks unavailable the models an attempt '
  'found not served (model_unavailable). Trusted callers only. Money as JSON strings (numeric::text, trailing zeros '
  'trimmed). Errors: 42501 caller, 22023 input (message names the field), P0002 decision not found, 55000 a model of the '
  'call or the baseline without a price in force (the catalog''s to fix: the record can be sent again once it is priced).';

-- -----------------------------------------------------------------------------
-- Privileges: helpers are private (the RPC runs them as its owner); the RPC
-- is for the service role only (owners and superusers can always call it).
-- -----------------------------------------------------------------------------
revoke all on function routing._after_first_call_recorded(routing.decisions, uuid) from public;
revoke all on function routing._json_count_problem(jsonb), routing.validate_call(jsonb), routing._require_prices(jsonb),
  routing._recorded_call_json(routing.calls, routing.attempts[], text[], jsonb), routing._stored_call_json(routing.calls)
  from public;
revoke all on function public.record_completion(uuid, jsonb) from public, anon, authenticated, service_role;
grant execute on function public.record_completion(uuid, jsonb) to service_role;
