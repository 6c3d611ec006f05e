/**
 * The two reducers behind one small interface, so the SSE driver
 * (sse-response.ts) runs either provider's stream the same way. The state
 * lives in the closure; each step is still the pure reducer's.
 */
import {
  type AnthropicStreamOptions,
  anthropicStreamUsage,
  INITIAL_ANTHROPIC_STREAM_STATE,
  translateAnthropicEvent,
} from "./anthropic-stream-to-openai.ts";
import {
  endOpenAIPassthrough,
  INITIAL_OPENAI_PASSTHROUGH_STATE,
  type OpenAIErrorPayload,
  type OpenAIPassthroughOptions,
  passOpenAIChunk,
} from "./openai-stream-passthrough.ts";
import type { ResponseRestore } from "../adapt/mod.ts";
import {
  INITIAL_STREAM_RESTORE_STATE,
  isIdentityRestore,
  restoreStreamChunk,
  streamRestoreWarnings,
} from "./restore-stream-chunks.ts";
import { malformedStreamFailure, streamErrorFromFailure } from "./stream-failure.ts";
import type { AnthropicStreamEvent, ChatCompletionChunk, StreamEnd, StreamUsage } from "./types.ts";

export interface ChunkSource<E> {
  /** One provider event → the caller's chunks, and the end when this event ended the stream. */
  step(event: E): { chunks: ChatCompletionChunk[]; end: StreamEnd | null };
  /** The provider's stream ended (no more events): how, if no event said so. */
  finish(): StreamEnd;
  /** The provider's counts so far. */
  usage(): StreamUsage;
}

export function anthropicChunkSource({ options }: { options: AnthropicStreamOptions }): ChunkSource<AnthropicStreamEvent> {
  let state = INITIAL_ANTHROPIC_STREAM_STATE;
  return {
    step(event) {
      const step = translateAnthropicEvent({ state, event, options });
      state = step.state;
      return { chunks: step.chunks, end: step.end };
    },
    finish() {
      if (state.ended) return { type: "complete", finishReason: "stop" };
      const failure = malformedStreamFailure({ message: "Anthropic stream: it ended before message_stop." });
      return { type: "failed", failure, error: streamErrorFromFailure({ failure }) };
    },
    usage: () => anthropicStreamUsage({ state }),
  };
}

export function openaiChunkSource(
  { options }: { options: OpenAIPassthroughOptions },
): ChunkSource<ChatCompletionChunk | OpenAIErrorPayload> {
  let state = INITIAL_OPENAI_PASSTHROUGH_STATE;
  return {
    step(chunk) {
      const step = passOpenAIChunk({ state, chunk, options });
      state = step.state;
      return { chunks: step.chunks, end: step.end };
    },
    finish: () => endOpenAIPassthrough({ state }),
    usage: () => state.usage,
  };
}

/**
 * A source whose chunks are restored for the caller (restore-stream-chunks.ts): what the request's
 * adaptation changed is undone chunk by chunk. `warnings()` says what the restore dropped so far.
 */
export function restoredChunkSource<E>(
  { source, restore }: { source: ChunkSource<E>; restore: ResponseRestore },
): ChunkSource<E> & { warnings(): string[] } {
  if (isIdentityRestore(restore)) return { ...source, warnings: () => [] };
  let state = INITIAL_STREAM_RESTORE_STATE;
  return {
    step(event) {
      const out = source.step(event);
      const chunks = out.chunks.map((chunk) => {
        const restored = restoreStreamChunk({ state, chunk, restore });
        state = restored.state;
        return restored.chunk;
      });
      return { chunks, end: out.end };
    },
    finish: () => source.finish(),
    usage: () => source.usage(),
    warnings: () => streamRestoreWarnings({ state }),
  };
}
