// Shapes shared by the router's modules. The database contract is docs/architecture.md.
import type { NormalizedUsage } from "../translate/mod.ts";
import type { AttemptErrorType } from "./error-types.ts";

/**
 * A provider's name, as routing.providers spells it ("openai", "anthropic", or one added by SQL):
 * data, not a code path. How it is spoken to is its kind (`ProviderKind`).
 */
export type Provider = string;

/** How a provider is spoken to: the OpenAI chat-completions wire, or Anthropic Messages. */
export type { ProviderKind, ReasoningEffortRule, SamplingRule } from "../adapt/mod.ts";
import type { ProviderKind, ReasoningEffortRule, SamplingRule } from "../adapt/mod.ts";

/** One provider request, as `record_completion` takes it: its outcome and its tokens. */
export type AttemptRecord = {
  model: string;
  provider: Provider;
  status: number | null;
  error_type: AttemptErrorType | null;
  latency_ms: number;
} & NormalizedUsage;

/**
 * One model route_model may send the call to, with what calling it needs (routing.providers) and
 * what it accepts (routing.models), exactly as the decision's `targets` spell it.
 */
export interface DecisionTarget {
  /** The catalog name: what callers, records and reports see. */
  model: string;
  provider: Provider;
  provider_kind: ProviderKind;
  /** The id sent to the provider's API. */
  wire_id: string;
  base_url: string | null;
  base_url_env: string | null;
  api_key_env: string;
  context_window: number | null;
  max_output_tokens: number;
  supports_tools: boolean;
  supports_images: boolean;
  supports_pdf: boolean;
  supports_json_schema: boolean;
  supports_prefill: boolean;
  sampling: SamplingRule;
  reasoning_effort: ReasoningEffortRule;
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
  /** The primary first, then the fallback chain; retired and unavailable models already replaced or dropped. */
  targets: DecisionTarget[];
  breakers: Record<string, string>;
  max_retries: number;
  warnings: string[];
  replayed: boolean;
}
