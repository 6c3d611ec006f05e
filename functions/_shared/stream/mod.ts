/**
 * Streaming for route-completion: provider stream events → OpenAI
 * `chat.completion.chunk` server-sent events, and what to record when the
 * stream ends. See README.md for the wiring.
 *
 *   const started = await startSseStream({ source, chunks: anthropicChunkSource({ options }), stallMs,
 *     signal, abortUpstream, failureFromError });
 *   started.ok ? new Response(started.body, { headers: { ...SSE_HEADERS, ...routingHeaders } }) : attempt failure
 */
export {
  type AnthropicStreamOptions,
  type AnthropicStreamState,
  anthropicStreamUsage,
  INITIAL_ANTHROPIC_STREAM_STATE,
  translateAnthropicEvent,
} from "./anthropic-stream-to-openai.ts";
export {
  endOpenAIPassthrough,
  INITIAL_OPENAI_PASSTHROUGH_STATE,
  type OpenAIErrorPayload,
  type OpenAIPassthroughOptions,
  type OpenAIPassthroughState,
  passOpenAIChunk,
  upstreamStreamBody,
} from "./openai-stream-passthrough.ts";
export {
  accumulateChunk,
  EMPTY_STREAM_ACCUMULATION,
  type StreamAccumulation,
  type StreamSummary,
  summarizeStream,
} from "./stream-accumulator.ts";
export { decodeSse, encodeSseChunk, encodeSseError, readSse, SSE_DONE, SSE_HEADERS, type SseEvent } from "./sse.ts";
export { type StallStep, withStallTimeout } from "./stall-timeout.ts";
export { streamErrorFromFailure, streamFailureFromThrown } from "./stream-failure.ts";
export { anthropicChunkSource, type ChunkSource, openaiChunkSource, restoredChunkSource } from "./chunk-sources.ts";
export {
  INITIAL_STREAM_RESTORE_STATE,
  restoreStreamChunk,
  type StreamRestoreState,
  streamRestoreWarnings,
} from "./restore-stream-chunks.ts";
export { type StartedStream, startSseStream, type StreamEnding, type StreamRecord } from "./sse-response.ts";
export type { AnthropicStreamEvent, OpenAIStreamError, StreamEnd, StreamUsage } from "./types.ts";
