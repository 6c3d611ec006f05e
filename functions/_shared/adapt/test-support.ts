/** Shared by the tests of this folder. */
import type { ChatCompletion, ModelCapabilities } from "./types.ts";

export { withoutMutation } from "../translate/test-support.ts";

/** A Claude 4.5-like model; rows override what they test. */
export const CLAUDE: ModelCapabilities = {
  model: "claude-sonnet-4-5",
  wireId: "claude-sonnet-4-5-20250929",
  providerKind: "anthropic",
  contextWindow: 200_000,
  maxOutputTokens: 64_000,
  supportsTools: true,
  supportsImages: true,
  supportsPdf: true,
  supportsJsonSchema: true,
  supportsPrefill: true,
  sampling: "temperature_or_top_p",
  reasoningEffort: "unsupported",
};

/** A GPT-4.1-like model. */
export const GPT: ModelCapabilities = {
  model: "gpt-4.1-mini",
  wireId: "gpt-4.1-mini",
  providerKind: "openai-compatible",
  contextWindow: 1_047_576,
  maxOutputTokens: 32_768,
  supportsTools: true,
  supportsImages: true,
  supportsPdf: true,
  supportsJsonSchema: true,
  supportsPrefill: false,
  sampling: "any",
  reasoningEffort: "unsupported",
};

/** A reasoning model that takes only default sampling. */
export const REASONER: ModelCapabilities = {
  ...GPT,
  model: "o4-mini",
  wireId: "o4-mini",
  contextWindow: 200_000,
  maxOutputTokens: 100_000,
  sampling: "none",
  reasoningEffort: "any",
};

/** A one-choice chat.completion as the translator returns it; rows give the message and finish reason. */
export function completionOf(
  choice: Pick<ChatCompletion["choices"][number], "message" | "finish_reason">,
): ChatCompletion {
  return {
    id: "chatcmpl-msg_01",
    object: "chat.completion",
    created: 1_760_000_000,
    model: "claude-3-haiku-20240307",
    choices: [{ index: 0, logprobs: null, ...choice }],
    usage: { prompt_tokens: 20, completion_tokens: 9, total_tokens: 29 },
  };
}
