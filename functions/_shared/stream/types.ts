/**
 * Wire shapes of the streaming layer. Like translate/types.ts, the SDKs are
 * named for their types only: what the SDK iterators yield can be handed in as
 * it is, and what comes out is OpenAI's `chat.completion.chunk`.
 */
import type { RawMessageStreamEvent } from "@anthropic-ai/sdk/resources/messages";
import type { ProviderFailure } from "../routing/classify-failure.ts";
import type { NormalizedUsage } from "../translate/normalize-usage.ts";
import type { OpenAIFinishReason } from "../translate/types.ts";

export type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsBase,
  ChatCompletionCreateParamsStreaming,
} from "openai/resources/chat/completions";
export type {
  RawContentBlockDeltaEvent,
  RawContentBlockStartEvent,
  RawMessageDeltaEvent,
  RawMessageStartEvent,
  RawMessageStreamEvent,
} from "@anthropic-ai/sdk/resources/messages";
export type { ChatCompletion, CompletionUsage, OpenAIFinishReason, StopReason } from "../translate/types.ts";
export type { NormalizedUsage, ProviderFailure };

/** Sent by the API to keep the connection alive; the SDK iterator skips it, a raw reader sees it. */
export interface AnthropicPingEvent {
  type: "ping";
}

/**
 * A failure after the stream began (`event: error`). The SDK iterator throws
 * it as an APIError instead; a raw reader, a recording or a replay sees it.
 */
export interface AnthropicErrorEvent {
  type: "error";
  error: { type: string; message: string };
}

export type AnthropicStreamEvent = RawMessageStreamEvent | AnthropicPingEvent | AnthropicErrorEvent;

/** OpenAI's streaming error: `data: {"error": {message, type, param, code}}`, which its SDK throws as APIError. */
export interface OpenAIStreamError {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}

/**
 * Token counts as the provider reported them so far. `final` once its last
 * count arrived (Anthropic `message_delta`, OpenAI's usage chunk): a stream cut
 * before that has exact input counts but only the output counted until then.
 */
export interface StreamUsage {
  tokens: NormalizedUsage;
  final: boolean;
}

/** How a stream ended, when it ended on the provider's side; null while it runs. */
export type StreamEnd =
  | { type: "complete"; finishReason: OpenAIFinishReason }
  | { type: "failed"; failure: ProviderFailure; error: OpenAIStreamError };

/** What each step of a translator hands back: its next state, the chunks for the caller, the end if reached. */
export interface StreamStep<S, C> {
  state: S;
  chunks: C[];
  end: StreamEnd | null;
}
