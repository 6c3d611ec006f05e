// The decision used when the routing database is unreachable and ROUTER_FAIL_OPEN=true: the
// catalog's baseline model, with no database to read its row from. It must equal the seeded row
// of the baseline (tests/function/vocabulary.test.ts compares them). It has no row yet
// (decision_id null): its call's record carries it (who, for which agent, when), and
// public.record_fail_open_completion writes both once the database is back.
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
  sampling: "effort_none",
  reasoning_effort: "none_with_tools",
};

/** A decision made without the database: no row yet, and what its row will need. */
export type FailOpenDecision = Omit<RoutingDecision, "decision_id"> & {
  decision_id: null;
  /** The verified user the call is made for (null: the service role). */
  acting_user: string | null;
  /** ISO 8601: when it was decided (the row's created_at once recorded). */
  decided_at: string;
};

export function failOpenDecision(
  { agentId, executionId, actingUser, now }: { agentId: string; executionId: string | null; actingUser: string | null; now: number },
): FailOpenDecision {
  const model = FAIL_OPEN_TARGET.model;
  return {
    decision_id: null, agent_id: agentId, execution_id: executionId,
    model, provider: FAIL_OPEN_TARGET.provider, tier: null, reason: "fail_open",
    reasoning: "The routing database is unreachable: the baseline model answers, recorded once the database is back.",
    cohort: "fail_open", baseline_model: model, targets: [FAIL_OPEN_TARGET], breakers: {},
    max_retries: 2, warnings: [`routing database unreachable: fail-open to ${model}`], replayed: false,
    acting_user: actingUser, decided_at: new Date(now).toISOString(),
  };
}
