/**
 * Wire shapes of the translation layer. The SDKs are used for their types only
 * (never their runtime), so the edge function can hand our output straight to
 * `client.messages.create` and return our `ChatCompletion` as is. This is the
 * one file of the folder that names the SDKs (bare names, pinned in each
 * function's deno.json).
 */
import type { ChatCompletion, ChatCompletionCreateParamsBase } from "openai/resources/chat/completions";
import type {
  ContentBlock,
  ContentBlockParam,
  MessageCreateParamsNonStreaming,
  StopReason,
} from "@anthropic-ai/sdk/resources/messages";

export type {
  ChatCompletion,
  ChatCompletionAssistantMessageParam,
  ChatCompletionContentPart,
  ChatCompletionMessageFunctionToolCall,
  ChatCompletionMessageParam,
  ChatCompletionTool,
  ChatCompletionToolMessageParam,
  ChatCompletionUserMessageParam,
} from "openai/resources/chat/completions";
export type { CompletionUsage } from "openai/resources/completions";
export type {
  ContentBlockParam,
  ImageBlockParam,
  Message as AnthropicSdkMessage,
  MessageParam,
  StopReason,
  TextBlockParam,
  Tool,
  ToolChoice,
  ToolResultBlockParam,
  ToolUseBlockParam,
} from "@anthropic-ai/sdk/resources/messages";

/**
 * The caller's chat-completions body. `model` is optional because the router
 * picks the model (spec §8); router fields such as `agent_id` may still be
 * present at runtime and are simply not read.
 */
export type OpenAIChatRequest =
  & Omit<ChatCompletionCreateParamsBase, "model">
  & { model?: string };

/**
 * The body we send. The 1.14.0 SDK no longer lists the sampling parameters
 * (its newest models reject them), but the models this router sends to
 * (claude-3-haiku, claude-3-5-haiku) accept them and spec §9 requires them, so
 * they are added back here; the SDK sends whatever the body holds.
 */
export type AnthropicRequest = MessageCreateParamsNonStreaming & {
  temperature?: number;
  top_p?: number;
};

export type OpenAIFinishReason = ChatCompletion.Choice["finish_reason"];

/** One Anthropic turn as we build it: content is always an array of blocks. */
export interface AnthropicTurn {
  role: "user" | "assistant";
  content: ContentBlockParam[];
}

/**
 * The part of an Anthropic content block the response conversion reads. Real
 * responses carry more fields than old models send (`citations`, `caller`), so
 * we only require what we use; the SDK's `ContentBlock` is assignable to this.
 */
export type AnthropicResponseBlock =
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: unknown }
  | { type: Exclude<ContentBlock["type"], "text" | "tool_use"> };

export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

/** The part of Anthropic's `Message` we read; the SDK's `Message` fits it. */
export interface AnthropicResponse {
  id: string;
  model: string;
  content: ReadonlyArray<AnthropicResponseBlock>;
  stop_reason: StopReason | null;
  usage: AnthropicUsage;
}
