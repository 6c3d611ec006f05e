// The caller's OpenAI body → the body one target's API takes (issue 8, items 1, 5, 7), before
// that target's retry loop: adapted to the model (../adapt), then, for an `anthropic` target,
// translated (../translate) with what the translation cannot express spread on top. Pure: the
// same request and target give the same body; nothing is sent, mutated or read from the
// environment. A request this model cannot take throws a TranslationError (a ModelCapabilityError
// when another model could): the caller of this decides whether that target is skipped.
import { adaptRequest, type ModelCapabilities, OPENAI_ONLY_FIELDS, type ResponseRestore } from "../adapt/mod.ts";
import type { DecisionTarget } from "../routing/types.ts";
import { convertToAnthropicRequest } from "../translate/mod.ts";
import type { ToolIdMap } from "../translate/tool-id-map.ts";
import type { AnthropicRequest, OpenAIChatRequest } from "../translate/types.ts";

/**
 * The chat-completions fields forwarded to an `openai-compatible` API; router fields (agent_id,
 * execution_id) and the caller's `model` stay behind. The OpenAI-only ones reach OpenAI models
 * (and are dropped, with warnings, for Anthropic ones by the adaptation).
 */
export const OPENAI_FIELDS = [
  "messages", "tools", "tool_choice", "temperature", "max_tokens", "max_completion_tokens", "stop", "top_p",
  "parallel_tool_calls", "response_format", "user", "safety_identifier", "service_tier", "n",
  ...OPENAI_ONLY_FIELDS,
] as const satisfies ReadonlyArray<keyof OpenAIChatRequest>;

export type ProviderBody =
  | { kind: "openai-compatible"; body: Record<string, unknown> & { model: string } }
  | { kind: "anthropic"; body: AnthropicRequest; toolIds: ToolIdMap };

export interface PreparedRequest {
  /** What goes on the wire, its `model` the target's wire id. */
  wire: ProviderBody;
  /** What was adapted, dropped, clamped or approximated for this model, in the caller's words. */
  warnings: string[];
  /** For adaptResponse, once the answer is in. */
  restore: ResponseRestore;
}

/** The catalog row of a decision target, as the adaptation reads it. */
export function capabilitiesOf(target: DecisionTarget): ModelCapabilities {
  return {
    model: target.model,
    wireId: target.wire_id,
    providerKind: target.provider_kind,
    contextWindow: target.context_window,
    maxOutputTokens: target.max_output_tokens,
    supportsTools: target.supports_tools,
    supportsImages: target.supports_images,
    supportsPdf: target.supports_pdf,
    supportsJsonSchema: target.supports_json_schema,
    supportsPrefill: target.supports_prefill,
    sampling: target.sampling,
    reasoningEffort: target.reasoning_effort,
  };
}

export function prepareRequest(
  { request, target, anthropicDefaultMaxTokens }: {
    request: OpenAIChatRequest;
    target: DecisionTarget;
    /** `max_tokens` for Anthropic when the caller gives none, within the model's own limit. */
    anthropicDefaultMaxTokens: number;
  },
): PreparedRequest {
  const adapted = adaptRequest({ request, model: capabilitiesOf(target) });
  const kind = target.provider_kind;
  switch (kind) {
    case "openai-compatible": {
      const body: Record<string, unknown> & { model: string } = { model: target.wire_id };
      for (const field of OPENAI_FIELDS) if (adapted.request[field] !== undefined) body[field] = adapted.request[field];
      return { wire: { kind, body }, warnings: adapted.warnings, restore: adapted.restore };
    }
    case "anthropic": {
      const translated = convertToAnthropicRequest({
        request: adapted.request,
        model: target.wire_id,
        defaultMaxTokens: Math.min(anthropicDefaultMaxTokens, target.max_output_tokens),
      });
      return {
        wire: { kind, body: { ...translated.body, ...adapted.anthropic }, toolIds: translated.toolIds },
        warnings: [...adapted.warnings, ...translated.warnings],
        restore: adapted.restore,
      };
    }
    default: {
      const unknownKind: never = kind;
      throw new Error(`unknown provider kind ${JSON.stringify(unknownKind)}`);
    }
  }
}
