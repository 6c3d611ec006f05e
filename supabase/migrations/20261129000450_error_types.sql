-- =============================================================================
-- Error types: the one vocabulary of failed provider attempts
-- =============================================================================
-- Every attempt's error_type is a row of routing.error_types (record_completion
-- checks it; no foreign key, so recording locks no shared row: only the owner
-- writes this table), and every rule that sorts errors reads its two flags:
--   caller_fault      the caller's own error (returned as is, never retried):
--                     record_completion keeps it out of a provider's error rate;
--   breaker_failure   an availability failure that counts for the provider's
--                     circuit breaker (ROUTING-SPEC §5).
-- The edge function's AttemptErrorType union is tested against this table.

-- -----------------------------------------------------------------------------
-- routing.error_types
-- -----------------------------------------------------------------------------
create table routing.error_types (
  error_type text primary key check (error_type ~ '^[a-z][a-z_]{0,63}$'),
  caller_fault boolean not null,
  breaker_failure boolean not null,
  description text not null,
  -- The order error messages list the types in.
  sort_order integer not null unique,
  constraint caller_fault_is_no_breaker_failure check (not (caller_fault and breaker_failure))
);
comment on table routing.error_types is
  'The error types of failed provider attempts: whether each is the caller''s fault and whether it counts for the circuit breaker.';
comment on column routing.error_types.error_type is 'The name recorded in routing.attempts.error_type and sent by the edge function.';
comment on column routing.error_types.caller_fault is 'The caller''s own error (400, 413, 422): returned as is, not a provider failure in the error-rate alert.';
comment on column routing.error_types.breaker_failure is 'An availability failure: counts toward opening the provider''s circuit (ROUTING-SPEC §5).';
comment on column routing.error_types.description is 'When the edge function records this type and what the router does about it.';
comment on column routing.error_types.sort_order is 'Position in the lists that error messages print.';

insert into routing.error_types (sort_order, error_type, caller_fault, breaker_failure, description) values
  (1, 'rate_limit', false, true, 'HTTP 429 rate limit: retried with backoff, then the fallback chain.'),
  (2, 'insufficient_quota', false, false, 'HTTP 429 insufficient_quota: the key is out of credit; the fallback at once, no retry.'),
  (3, 'server_error', false, true, 'HTTP 409 or 5xx from the provider: retried, then the fallback chain.'),
  (4, 'overloaded', false, true, 'HTTP 529 (Anthropic overloaded): retried, then the fallback chain.'),
  (5, 'timeout', false, true, 'The attempt timed out (or HTTP 408): the fallback chain at once (the same model would time out again), no retry.'),
  (6, 'connection', false, true, 'The provider could not be reached: retried, then the fallback chain.'),
  (7, 'auth', false, false, 'HTTP 401 or 403 from the provider: a key problem; the fallback at once, no retry.'),
  (8, 'invalid_request', true, false, 'HTTP 400 or 422: the caller''s own request is invalid; returned to the caller.'),
  (9, 'payload_too_large', true, false, 'HTTP 413: the caller''s request is too large; returned to the caller.'),
  (10, 'malformed_response', false, true, 'An answer the router could not read: retried, then the fallback chain.'),
  (11, 'model_unavailable', false, false,
   'The provider no longer serves the model (HTTP 404 model not found, or its error that the model is deprecated or retired): '
   'a configuration failure, the fallback at once, no retry; record_completion marks the model unavailable until an '
   'operator clears it (public.clear_model_unavailable).'),
  (12, 'unknown', false, false, 'Any other provider error (402, a 404 that is not about the model, ...): the fallback at once.'),
  (13, 'client_aborted', true, false,
   'The client closed the request before the first byte of a stream: the provider did nothing wrong, so the attempt is '
   'neutral for the breaker (neither closes nor opens it, even as a half-open trial) and out of the error rate.');

-- -----------------------------------------------------------------------------
-- Row level security and privileges: read by the service role; written by migrations
-- -----------------------------------------------------------------------------
alter table routing.error_types enable row level security;
revoke all on routing.error_types from public, anon, authenticated, service_role;
grant select on routing.error_types to service_role;
