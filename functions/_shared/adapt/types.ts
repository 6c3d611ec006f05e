/**
 * Shapes of the adaptation layer: what one model accepts (from the catalog),
 * and what adapting a request to it produces.
 *
 * Adapting runs after the routing decision, once per target (the primary and
 * each fallback), on the caller's OpenAI body; the result is still an OpenAI
 * body, so the same adapted request goes to OpenAI as is or through
 * `../translate` to Anthropic. What the translator cannot express travels
 * beside it (`anthropic`), and what the response must undo travels in
 * `restore` (for `adaptResponse`).
 *
 * The OpenAI 6.49 request type already lists every field adapted here
 * (`functions`, `file` parts, `logprobs`, `service_tier`, ...), so it is used
 * as is rather than extended.
 */
import type { MessageCreateParamsNonStreaming } from "@anthropic-ai/sdk/resources/messages";
import type { ChatCompletionContentPart, OpenAIChatRequest } from "../translate/types.ts";

export type {
  ChatCompletion,
  ChatCompletionContentPart,
  ChatCompletionMessageFunctionToolCall,
  ChatCompletionMessageParam,
  ChatCompletionTool,
  OpenAIChatRequest,
} from "../translate/types.ts";
export type { DocumentBlockParam } from "@anthropic-ai/sdk/resources/messages";

/** How a provider is spoken to: the OpenAI chat-completions wire, or Anthropic Messages. */
export type ProviderKind = "openai-compatible" | "anthropic";

/**
 * Which sampling parameters a model takes: any; one of `temperature` and
 * `top_p` (Claude 4 and later refuse both); none but their defaults
 * (reasoning models); or, `effort_none`, as none unless `reasoning_effort` is
 * "none", where temperature, top_p and log probabilities are taken (GPT-5.1 and later).
 */
export type SamplingRule = "any" | "temperature_or_top_p" | "none" | "effort_none";

/**
 * What an OpenAI model does with `reasoning_effort` (and `verbosity`): refuses
 * both (not a reasoning model); takes any effort; or takes function tools only
 * at effort "none", which must be sent (the GPT-5.6 family).
 */
export type ReasoningEffortRule = "unsupported" | "any" | "none_with_tools";

/** One catalog model, as the router resolved it for this attempt. */
export interface ModelCapabilities {
  /** Catalog name: what callers, reports and warnings see. */
  model: string;
  /** The id sent to the provider's API. */
  wireId: string;
  providerKind: ProviderKind;
  /** Input + output tokens; null when the provider publishes none. */
  contextWindow: number | null;
  maxOutputTokens: number;
  supportsTools: boolean;
  supportsImages: boolean;
  supportsPdf: boolean;
  /** Native structured output (Anthropic `output_config.format`, OpenAI `json_schema`). */
  supportsJsonSchema: boolean;
  /** Whether a trailing assistant message is continued (Anthropic prefill). */
  supportsPrefill: boolean;
  sampling: SamplingRule;
  reasoningEffort: ReasoningEffortRule;
}

export interface AdaptInput {
  request: OpenAIChatRequest;
  model: ModelCapabilities;
}

/** What every adaptation step returns: a new request, and what it changed. */
export interface AdaptStep {
  request: OpenAIChatRequest;
  warnings: string[];
}

/**
 * Anthropic body parameters that have no OpenAI spelling, so they cannot ride
 * in the adapted OpenAI request: the caller of the translator spreads them
 * onto the body `convertToAnthropicRequest` returns.
 */
export type AnthropicParams = Pick<MessageCreateParamsNonStreaming, "output_config" | "service_tier">;

/** What `adaptResponse` must undo so the caller gets the answer it asked for. */
export interface ResponseRestore {
  /** Tool-call id sent → the caller's own id, only for the ids that were renamed. */
  toolIds: ReadonlyMap<string, string>;
  /** The forced tool that carries a `json_schema` answer, whose input becomes the content. */
  forcedTool: string | null;
  /** The caller used legacy `functions`: answer with `function_call`, not `tool_calls`. */
  legacyFunctions: boolean;
}

export interface Adaptation {
  /** The body to send (OpenAI) or to translate (Anthropic). */
  request: OpenAIChatRequest;
  /** Short sentences naming each field adapted, dropped or clamped, for the caller and the call's record. */
  warnings: string[];
  /** Only for `anthropic`, only when there is something to add. */
  anthropic?: AnthropicParams;
  restore: ResponseRestore;
}

export type OpenAIMessage = OpenAIChatRequest["messages"][number];
export type OpenAITool = NonNullable<OpenAIChatRequest["tools"]>[number];
export type FileContentPart = Extract<ChatCompletionContentPart, { type: "file" }>;
