// The models the PROVIDER SIMULATOR (a test double) serves, per provider: data only. Ids come from
// the official SDKs' own lists in node_modules (openai 6.49 `ChatModel` in resources/shared.d.ts;
// @anthropic-ai/sdk 1.14 `Model` in resources/messages/messages.d.ts and its DEPRECATED_MODELS),
// limits and rules from the providers' model pages, deprecation pages and error reports, read on
// 2026-12-02 (sources in /work/catalog-research.md, summarized in README.md). An id absent here is
// answered 404 in the provider's shape, as the real API answers an id it does not serve; SDK ids
// that are shut down stay listed with their `retiresAt`, so a test can move the simulator's day.
import type { AnthropicServedModel, OpenAIServedModel, ServedModel } from "./types.ts";

/** The day this table describes; the simulator judges retirement on it unless told another day. */
export const CATALOG_AS_OF = "2026-12-02";

type OpenAIRow = [id: string, maxOutputTokens: number, contextWindow: number | null, retiresAt: string | null];

const openai = (reasoning: OpenAIServedModel["reasoning"], rows: OpenAIRow[]): OpenAIServedModel[] =>
  rows.map(([id, maxOutputTokens, contextWindow, retiresAt]) => ({
    provider: "openai",
    id,
    maxOutputTokens,
    contextWindow,
    retiresAt,
    reasoning,
  }));

// GPT-5.6: reasoning by default (medium); sampling only at effort "none"; chat completions refuse
// function tools unless reasoning_effort "none" is sent, its default effort included ("Function tools
// with reasoning_effort are not supported for gpt-5.6-luna in /v1/chat/completions ... set
// reasoning_effort to 'none'"; BerriAI/litellm#34569: tools only => 400, tools + none => 200).
const GPT_5_6 = { defaultEffort: "medium", samplingWhenEffortNone: true, toolsWithEffort: false };
// GPT-5.4: effort "none" by default (so sampling works unless an effort is asked for); same tool rule.
const GPT_5_4 = { defaultEffort: "none", samplingWhenEffortNone: true, toolsWithEffort: false };
const GPT_5_1 = { defaultEffort: "none", samplingWhenEffortNone: true, toolsWithEffort: true };
// GPT-5 (and o-series): no "none" effort, so temperature / top_p are only ever the default (1).
const GPT_5 = { defaultEffort: "medium", samplingWhenEffortNone: false, toolsWithEffort: true };

const OPENAI_MODELS: OpenAIServedModel[] = [
  ...openai(GPT_5_6, [
    ["gpt-5.6-sol", 128_000, 1_050_000, null],
    ["gpt-5.6-terra", 128_000, 1_050_000, null],
    ["gpt-5.6-luna", 128_000, 1_050_000, null],
  ]),
  ...openai(GPT_5_4, [
    ["gpt-5.4", 128_000, 1_050_000, null],
    ["gpt-5.4-mini", 128_000, 400_000, null],
    ["gpt-5.4-nano", 128_000, 400_000, null],
    ["gpt-5.4-mini-2026-03-17", 128_000, 400_000, null],
    ["gpt-5.4-nano-2026-03-17", 128_000, 400_000, null],
  ]),
  ...openai(GPT_5_1, [
    ["gpt-5.2", 128_000, 400_000, null],
    ["gpt-5.2-2025-12-11", 128_000, 400_000, null],
    ["gpt-5.1", 128_000, 400_000, "2027-04-01"],
    ["gpt-5.1-2025-11-13", 128_000, 400_000, "2027-04-01"],
  ]),
  ...openai(GPT_5, [
    ["gpt-5", 128_000, 400_000, "2026-12-11"],
    ["gpt-5-mini", 128_000, 400_000, "2026-12-11"],
    ["gpt-5-nano", 128_000, 400_000, "2026-12-11"],
    ["gpt-5-2025-08-07", 128_000, 400_000, "2026-12-11"],
    ["gpt-5-mini-2025-08-07", 128_000, 400_000, "2026-12-11"],
    ["gpt-5-nano-2025-08-07", 128_000, 400_000, "2026-12-11"],
    ["o3", 100_000, 200_000, "2026-12-11"],
    ["o3-2025-04-16", 100_000, 200_000, "2026-12-11"],
    ["o4-mini", 100_000, 200_000, "2026-10-23"],
    ["o3-mini", 100_000, 200_000, "2026-10-23"],
    ["o1", 100_000, 200_000, "2026-10-23"],
  ]),
  ...openai(null, [
    ["gpt-4.1", 32_768, 1_047_576, "2027-01-14"],
    ["gpt-4.1-2025-04-14", 32_768, 1_047_576, "2027-01-14"],
    ["gpt-4.1-mini", 32_768, 1_047_576, "2027-01-14"],
    ["gpt-4.1-mini-2025-04-14", 32_768, 1_047_576, "2027-01-14"],
    ["gpt-4.1-nano", 32_768, 1_047_576, "2026-10-23"],
    ["gpt-4o", 16_384, 128_000, "2027-01-14"],
    ["gpt-4o-2024-11-20", 16_384, 128_000, "2027-01-14"],
    ["gpt-4o-2024-08-06", 16_384, 128_000, "2027-01-14"],
    ["gpt-4o-2024-05-13", 4_096, 128_000, "2026-10-23"],
    ["gpt-4o-mini", 16_384, 128_000, "2027-01-14"],
    ["gpt-4o-mini-2024-07-18", 16_384, 128_000, "2027-01-14"],
    ["gpt-4-turbo", 4_096, 128_000, "2026-10-23"],
    ["gpt-4", 8_192, 8_192, "2026-10-23"],
    ["gpt-3.5-turbo", 4_096, 16_385, "2026-10-23"],
    ["gpt-3.5-turbo-0125", 4_096, 16_385, "2026-10-23"],
  ]),
];

type AnthropicRules = Pick<AnthropicServedModel, "sampling" | "prefill" | "forcedToolChoice">;
type AnthropicRow = [id: string, maxOutputTokens: number, contextWindow: number, retiresAt: string | null];

const anthropic = (rules: AnthropicRules, rows: AnthropicRow[]): AnthropicServedModel[] =>
  rows.map(([id, maxOutputTokens, contextWindow, retiresAt]) => ({
    provider: "anthropic",
    id,
    maxOutputTokens,
    contextWindow,
    retiresAt,
    ...rules,
  }));

// Thinking always on (Fable, Mythos, Opus 5.5) or forced tool use refused outright (Sonnet 5.5).
const ALWAYS_THINKING: AnthropicRules = { sampling: "none", prefill: false, forcedToolChoice: "refused" };
const CLAUDE_5_5: AnthropicRules = { sampling: "default-only", prefill: false, forcedToolChoice: "refused" };
// Thinking on by default: a forced tool needs `thinking: {type: "disabled"}`.
const CLAUDE_5: AnthropicRules = { sampling: "default-only", prefill: false, forcedToolChoice: "without-thinking" };
const OPUS_4_7: AnthropicRules = { sampling: "none", prefill: false, forcedToolChoice: "allowed" };
const CLAUDE_4_6: AnthropicRules = { sampling: "one-of", prefill: false, forcedToolChoice: "allowed" };
const CLAUDE_4_5: AnthropicRules = { sampling: "one-of", prefill: true, forcedToolChoice: "allowed" };

const ANTHROPIC_MODELS: AnthropicServedModel[] = [
  ...anthropic(ALWAYS_THINKING, [
    ["claude-fable-5-2", 128_000, 1_000_000, null],
    ["claude-mythos-5-2", 128_000, 1_000_000, null],
    ["claude-fable-5-1", 128_000, 1_000_000, null],
    ["claude-mythos-5-1", 128_000, 1_000_000, null],
    ["claude-fable-5", 128_000, 1_000_000, null],
    ["claude-mythos-5", 128_000, 1_000_000, null],
    ["claude-mythos-preview", 128_000, 1_000_000, "2026-06-30"],
  ]),
  ...anthropic(CLAUDE_5_5, [
    ["claude-opus-5-5", 128_000, 1_000_000, null],
    ["claude-sonnet-5-5", 128_000, 1_000_000, null],
  ]),
  ...anthropic(CLAUDE_5, [
    ["claude-haiku-5-5", 128_000, 1_000_000, null],
    ["claude-sonnet-5", 128_000, 1_000_000, null],
    ["claude-opus-5", 128_000, 1_000_000, null],
  ]),
  ...anthropic(OPUS_4_7, [
    ["claude-opus-4-8", 128_000, 1_000_000, null],
    ["claude-opus-4-7", 128_000, 1_000_000, null],
  ]),
  ...anthropic(CLAUDE_4_6, [
    ["claude-opus-4-6", 128_000, 1_000_000, null],
    ["claude-sonnet-4-6", 64_000, 1_000_000, null],
  ]),
  ...anthropic(CLAUDE_4_5, [
    ["claude-haiku-4-5", 64_000, 200_000, null],
    ["claude-haiku-4-5-20251001", 64_000, 200_000, null],
    ["claude-opus-4-5", 64_000, 200_000, "2027-01-22"],
    ["claude-opus-4-5-20251101", 64_000, 200_000, "2027-01-22"],
    ["claude-sonnet-4-5", 64_000, 200_000, "2026-11-30"],
    ["claude-sonnet-4-5-20250929", 64_000, 200_000, "2026-11-30"],
  ]),
];

/** Every model the table knows, retired ones included (the registry filters by day). */
export const BUILT_IN_MODELS: readonly ServedModel[] = Object.freeze([...OPENAI_MODELS, ...ANTHROPIC_MODELS]);
