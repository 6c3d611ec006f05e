// Fixtures shared by the orchestration's unit tests (complete.test.ts, stream-completion.test.ts):
// one agent, one user, one decision on the medium tier with its fallback, as route_model answers it.
import type { DecisionTarget, RoutingDecision } from "../_shared/routing/types.ts";

export const AGENT = "5b0c1d52-8f3e-4a43-9a55-1f0e8c2d7a10";
export const USER = "0d9e2c4b-7a61-4f1e-b2c3-6a5d4e3f2a1b";
export const DECISION = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";

export const HAIKU: DecisionTarget = {
  model: "claude-haiku-4-5", provider: "anthropic", provider_kind: "anthropic", wire_id: "claude-haiku-4-5-20251001",
  base_url: null, base_url_env: "ANTHROPIC_BASE_URL", api_key_env: "ANTHROPIC_API_KEY", context_window: 200_000,
  max_output_tokens: 64_000, supports_tools: true, supports_images: true, supports_pdf: true, supports_json_schema: true,
  supports_prefill: true, sampling: "temperature_or_top_p", reasoning_effort: "unsupported",
};
export const SOL: DecisionTarget = {
  model: "gpt-5.6-sol", provider: "openai", provider_kind: "openai-compatible", wire_id: "gpt-5.6-sol",
  base_url: null, base_url_env: "OPENAI_BASE_URL", api_key_env: "OPENAI_API_KEY", context_window: 1_050_000,
  max_output_tokens: 128_000, supports_tools: true, supports_images: true, supports_pdf: true, supports_json_schema: true,
  supports_prefill: false, sampling: "none", reasoning_effort: "none_with_tools",
};
export const decision: RoutingDecision = {
  decision_id: DECISION, agent_id: AGENT, execution_id: null,
  model: "claude-haiku-4-5", provider: "anthropic", tier: "medium", reason: "tier",
  reasoning: "Medium complexity (5.2) - balanced model", cohort: "routed", baseline_model: "gpt-5.6-sol",
  targets: [HAIKU, SOL], breakers: { anthropic: "closed", openai: "closed" },
  max_retries: 2, warnings: [], replayed: false,
};
