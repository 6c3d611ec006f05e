/**
 * Chat-completions fields only OpenAI understands: kept for
 * `openai-compatible` models, and for `anthropic` either mapped to Anthropic's
 * own parameter or dropped, each with its warning, so the caller learns what
 * its request lost (the translator used to drop them unsaid).
 *
 * Anthropic equivalents (SDK 1.14, `MessageCreateParamsBase`):
 * - `service_tier`: Anthropic has one ("auto" | "standard_only"): OpenAI's
 *   "default" is standard capacity, "auto" and "priority" are "auto" (priority
 *   capacity where the workspace has it); "flex" / "scale" have none.
 * - `user` / `safety_identifier` → `metadata.user_id`: done by the translator,
 *   so left here. OpenAI's `metadata` (tags for stored completions) is not
 *   Anthropic's `metadata` (only `user_id`), so it is dropped.
 * - `reasoning_effort`: Anthropic's `output_config.effort` exists on some
 *   models only and the catalog does not say which, so it is dropped.
 * A field equal to its documented default (`logprobs: false`, penalties 0,
 * `store: false`) is dropped silently: the answer does not change.
 */
import type { AdaptInput, AdaptStep, AnthropicParams, OpenAIChatRequest } from "./types.ts";

/** Fields OpenAI models take and Anthropic models have no equivalent for. */
export const OPENAI_ONLY_FIELDS = [
  "logprobs",
  "top_logprobs",
  "logit_bias",
  "seed",
  "frequency_penalty",
  "presence_penalty",
  "prompt_cache_key",
  "prompt_cache_retention",
  "prompt_cache_options",
  "reasoning_effort",
  "metadata",
  "store",
  "prediction",
  "audio",
  "modalities",
  "verbosity",
  "web_search_options",
  "moderation",
] as const satisfies ReadonlyArray<keyof OpenAIChatRequest>;

/** Values that ask for nothing: dropping them changes nothing. */
const DEFAULTS: Partial<Record<typeof OPENAI_ONLY_FIELDS[number], unknown>> = {
  logprobs: false,
  store: false,
  frequency_penalty: 0,
  presence_penalty: 0,
};

export interface OpenAIOnlyFieldsStep extends AdaptStep {
  anthropic?: AnthropicParams;
}

export function dropOpenAIOnlyFields({ request, model }: AdaptInput): OpenAIOnlyFieldsStep {
  const kind = model.providerKind;
  switch (kind) {
    case "openai-compatible":
      return { request, warnings: [] };
    case "anthropic": {
      const adapted: OpenAIChatRequest = { ...request };
      const warnings: string[] = [];
      for (const field of OPENAI_ONLY_FIELDS) {
        if (!(field in request)) continue;
        const value: unknown = request[field];
        delete adapted[field];
        if (value === undefined || value === null || value === DEFAULTS[field]) continue;
        warnings.push(`${field} dropped: not supported by anthropic models`);
      }
      const { service_tier, ...rest } = adapted;
      const tier = serviceTier(service_tier);
      warnings.push(...tier.warnings);
      const changed = Object.keys(rest).length !== Object.keys(request).length;
      return {
        request: changed ? rest : request,
        warnings,
        ...(tier.value === undefined ? {} : { anthropic: { service_tier: tier.value } }),
      };
    }
    default: {
      const unknownKind: never = kind;
      throw new Error(`unknown provider kind ${JSON.stringify(unknownKind)}`);
    }
  }
}

function serviceTier(
  tier: OpenAIChatRequest["service_tier"],
): { value: AnthropicParams["service_tier"]; warnings: string[] } {
  if (tier === undefined || tier === null) return { value: undefined, warnings: [] };
  switch (tier) {
    case "auto":
      return { value: "auto", warnings: [] };
    case "default":
      return { value: "standard_only", warnings: [] };
    case "priority":
      return {
        value: "auto",
        warnings: [
          "service_tier priority sent as auto: anthropic models use priority capacity only where the workspace has it",
        ],
      };
    case "flex":
    case "scale":
      return { value: undefined, warnings: [`service_tier ${tier} dropped: anthropic models have no such tier`] };
    default: {
      const unknownTier: never = tier;
      return { value: undefined, warnings: [`service_tier ${JSON.stringify(unknownTier)} dropped: not a known tier`] };
    }
  }
}
