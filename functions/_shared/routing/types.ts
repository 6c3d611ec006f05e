// Shapes shared by the router's modules. The database contract is docs/architecture.md.
import type { NormalizedUsage } from "../translate/mod.ts";
import type { AttemptErrorType } from "./error-types.ts";

export type Provider = "openai" | "anthropic";

/** One provider request, as `record_completion` takes it: its outcome and its tokens. */
export type AttemptRecord = {
  model: string;
  provider: Provider;
  status: number | null;
  error_type: AttemptErrorType | null;
  latency_ms: number;
} & NormalizedUsage;

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
