// The decision used when the routing database is unreachable and ROUTER_FAIL_OPEN=true: the
// catalog's baseline model, with no database to read its row from. It must equal the seeded row
// of the baseline (tests/function/vocabulary.test.ts compares them).
import type { DecisionTarget, RoutingDecision } from "../_shared/routing/types.ts";

export const FAIL_OPEN_TARGET: DecisionTarget = {
  model: "gpt-5.6-sol",
  provider: "openai",
  provider_kind: "openai-compatible",
  wire_id: "gpt-5.6-sol",
  base_url: null,
  base_url_env: "OPENAI_BASE_URL",
  api_key_env: "OPENAI_API_KEY",
  context_window: 1_050_000,
  max_output_tokens: 128_000,
  supports_tools: true,
  supports_images: true,
  supports_pdf: true,
  supports_json_schema: true,
  supports_prefill: false,
  sampling: "none",
};

export function failOpenDecision(
  { agentId, executionId }: { agentId: string; executionId: string | null },
): Omit<RoutingDecision, "decision_id"> & { decision_id: null } {
  const model = FAIL_OPEN_TARGET.model;
  return {
    decision_id: null, agent_id: agentId, execution_id: executionId,
    model, provider: FAIL_OPEN_TARGET.provider, tier: null, reason: "fail_open",
    reasoning: "The routing database is unreachable: the baseline model answers, unrecorded.",
    cohort: "fail_open", baseline_model: model, targets: [FAIL_OPEN_TARGET], breakers: {},
    max_retries: 2, warnings: [`routing database unreachable: fail-open to ${model}`], replayed: false,
  };
}
