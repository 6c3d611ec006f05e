// Shapes shared by the router's modules. The database contract is docs/architecture.md.

export type Provider = "openai" | "anthropic";

/** Error types recorded per attempt; the database checks the same list. */
export type AttemptErrorType =
  | "rate_limit"
  | "insufficient_quota"
  | "server_error"
  | "overloaded"
  | "timeout"
  | "connection"
  | "auth"
  | "invalid_request"
  | "payload_too_large"
  | "malformed_response"
  | "unknown";

/** One provider request, as `record_completion` takes it. */
export interface AttemptRecord {
  model: string;
  provider: Provider;
  status: number | null;
  error_type: AttemptErrorType | null;
  latency_ms: number;
  input_tokens: number;
  output_tokens: number;
  cached_tokens: number;
  cache_write_tokens: number;
}

/** Token usage in the database's convention: input excludes cached and cache-write tokens. */
export interface NormalizedUsage {
  input_tokens: number;
  output_tokens: number;
  cached_tokens: number;
  cache_write_tokens: number;
}

/** The decision `route_model` returns (the keys this code reads). */
export interface RoutingDecision {
  decision_id: string;
  agent_id: string;
  execution_id: string | null;
  model: string;
  provider: Provider;
  tier: string | null;
  reason: string;
  reasoning: string;
  cohort: string;
  baseline_model: string;
  fallback_chain: string[];
  fallback_providers: Provider[];
  breakers: Record<string, string>;
  max_retries: number;
  warnings: string[];
  replayed: boolean;
}
