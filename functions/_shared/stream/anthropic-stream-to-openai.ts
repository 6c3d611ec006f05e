/**
 * Anthropic stream events → OpenAI `chat.completion.chunk`s, one event at a
 * time: a reducer, `(state, event) → {state, chunks, end}`, so the caller
 * decides when to write and the state is what was seen so far (a partial
 * record reads it after an abort).
 *
 *   message_start          → the role chunk; input and cache tokens
 *   text_delta             → a content chunk
 *   tool_use block start   → a tool_calls delta: `index` 0, 1, … in order of
 *                            appearance (not Anthropic's block index), the
 *                            caller-facing id, the name, `arguments: ""`
 *   input_json_delta       → an `arguments` fragment of that index
 *   message_delta          → the last choice chunk, with `finish_reason`;
 *                            cumulative usage (overwrites, never adds)
 *   message_stop           → the usage chunk (`choices: []`) when asked; end
 *   error                  → end: a failure and its OpenAI streaming error
 *   ping, thinking, citations, server tools → nothing (no place in chat completions)
 */
import { mapAnthropicStopReason } from "../translate/map-anthropic-stop-reason.ts";
import { normalizeAnthropicUsage } from "../translate/normalize-usage.ts";
import { failureFromAnthropicError, malformedStreamFailure, streamErrorFromFailure } from "./stream-failure.ts";
import { toOpenAIUsage } from "../translate/normalize-usage.ts";
import type {
  AnthropicStreamEvent,
  ChatCompletionChunk,
  NormalizedUsage,
  ProviderFailure,
  RawContentBlockDeltaEvent,
  RawContentBlockStartEvent,
  StopReason,
  StreamEnd,
  StreamStep,
  StreamUsage,
} from "./types.ts";

export interface AnthropicStreamOptions {
  /** The model name callers see (the catalog name), on every chunk. */
  model: string;
  /** Unix seconds, the same on every chunk. */
  created: number;
  /** The caller's `stream_options.include_usage`: whether the usage chunk is sent. */
  includeUsage: boolean;
  /** Anthropic tool_use id → the id the caller knows (tool-id-map.ts `toCallerToolId`). */
  toCallerId: (id: string) => string;
}

interface Totals {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export interface AnthropicStreamState {
  /** Anthropic's message id, from message_start; null before it. */
  readonly messageId: string | null;
  /** Anthropic block index → OpenAI tool-call index, for tool_use blocks only. */
  readonly toolIndexByBlock: Readonly<Record<number, number>>;
  /**
   * Arguments to send at the block's stop when no input_json_delta carried
   * any: the block's own `input` ("{}" for a tool without parameters), as the
   * non-streamed conversion would send it.
   */
  readonly unsentArguments: Readonly<Record<number, string>>;
  readonly stopReason: StopReason | null;
  readonly finishSent: boolean;
  readonly totals: Totals;
  /** Whether message_delta brought the final counts. */
  readonly usageFinal: boolean;
  /** Set once the stream ended (message_stop, error, malformed): later events are ignored. */
  readonly ended: boolean;
}

export const INITIAL_ANTHROPIC_STREAM_STATE: AnthropicStreamState = Object.freeze({
  messageId: null,
  toolIndexByBlock: Object.freeze({}),
  unsentArguments: Object.freeze({}),
  stopReason: null,
  finishSent: false,
  totals: Object.freeze({ input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 }),
  usageFinal: false,
  ended: false,
});

type Step = StreamStep<AnthropicStreamState, ChatCompletionChunk>;
type Delta = ChatCompletionChunk.Choice.Delta;

export function translateAnthropicEvent(
  { state, event, options }: { state: AnthropicStreamState; event: AnthropicStreamEvent; options: AnthropicStreamOptions },
): Step {
  if (state.ended) return { state, chunks: [], end: null };
  const type = event.type;
  if (type === "error") return fail(state, failureFromAnthropicError({ event }));
  if (type === "ping") return { state, chunks: [], end: null };
  if (type === "message_start") {
    if (state.messageId !== null) return fail(state, malformed("a second message_start"));
    const next = { ...state, messageId: event.message.id, totals: mergeTotals(state.totals, event.message.usage) };
    return { state: next, chunks: [choiceChunk(next, options, { role: "assistant", content: "", refusal: null })], end: null };
  }
  if (state.messageId === null) return fail(state, malformed(`${type} before message_start`));
  switch (type) {
    case "content_block_start":
      return blockStart(state, event, options);
    case "content_block_delta":
      return blockDelta(state, event, options);
    case "content_block_stop": {
      const pending = state.unsentArguments[event.index];
      if (pending === undefined) return { state, chunks: [], end: null };
      const next = { ...state, unsentArguments: without(state.unsentArguments, event.index) };
      return { state: next, chunks: [argumentsChunk(next, options, state.toolIndexByBlock[event.index], pending)], end: null };
    }
    case "message_delta": {
      const next = {
        ...state,
        stopReason: event.delta.stop_reason,
        finishSent: true,
        totals: mergeTotals(state.totals, event.usage),
        usageFinal: true,
      };
      const finish = mapAnthropicStopReason({ stopReason: next.stopReason });
      return { state: next, chunks: [choiceChunk(next, options, {}, finish)], end: null };
    }
    case "message_stop": {
      const finishReason = mapAnthropicStopReason({ stopReason: state.stopReason });
      const next = { ...state, finishSent: true, ended: true };
      const chunks: ChatCompletionChunk[] = [];
      // A stream without message_delta still owes the caller its last choice chunk.
      if (!state.finishSent) chunks.push(choiceChunk(next, options, {}, finishReason));
      if (options.includeUsage) {
        chunks.push({ ...base(next, options), choices: [], usage: toOpenAIUsage({ tokens: usageOf(next) }) });
      }
      return { state: next, chunks, end: { type: "complete", finishReason } };
    }
    default: {
      // Compile time: a new event type in the SDK fails here until handled.
      // Runtime: an event newer than the SDK carries nothing we could send.
      const unknown: never = type;
      void unknown;
      return { state, chunks: [], end: null };
    }
  }
}

/** The counts so far, in the database's convention, and whether they are final. */
export function anthropicStreamUsage({ state }: { state: AnthropicStreamState }): StreamUsage {
  return { tokens: usageOf(state), final: state.usageFinal };
}

function blockStart(state: AnthropicStreamState, event: RawContentBlockStartEvent, options: AnthropicStreamOptions): Step {
  const block = event.content_block;
  switch (block.type) {
    case "text":
      return { state, chunks: block.text ? [choiceChunk(state, options, { content: block.text })] : [], end: null };
    case "tool_use": {
      const index = Object.keys(state.toolIndexByBlock).length;
      const input = block.input !== null && typeof block.input === "object" ? block.input : {};
      const next = {
        ...state,
        toolIndexByBlock: { ...state.toolIndexByBlock, [event.index]: index },
        unsentArguments: { ...state.unsentArguments, [event.index]: JSON.stringify(input) },
      };
      const opening = {
        tool_calls: [{
          index,
          id: options.toCallerId(block.id),
          type: "function" as const,
          function: { name: block.name, arguments: "" },
        }],
      };
      return { state: next, chunks: [choiceChunk(next, options, opening)], end: null };
    }
    // Neither thinking nor server tools are enabled by the router, and chat
    // completions have no place for their blocks (as in the non-streamed conversion).
    case "thinking":
    case "redacted_thinking":
    case "server_tool_use":
    case "web_search_tool_result":
    case "web_fetch_tool_result":
    case "code_execution_tool_result":
    case "bash_code_execution_tool_result":
    case "text_editor_code_execution_tool_result":
    case "tool_search_tool_result":
    case "container_upload":
      return { state, chunks: [], end: null };
    default: {
      const unknown: never = block;
      void unknown;
      return { state, chunks: [], end: null };
    }
  }
}

function blockDelta(state: AnthropicStreamState, event: RawContentBlockDeltaEvent, options: AnthropicStreamOptions): Step {
  const delta = event.delta;
  switch (delta.type) {
    case "text_delta":
      return { state, chunks: delta.text ? [choiceChunk(state, options, { content: delta.text })] : [], end: null };
    case "input_json_delta": {
      const index = state.toolIndexByBlock[event.index];
      // Server tools stream their input too; only tool_use blocks are the caller's.
      if (index === undefined || delta.partial_json === "") return { state, chunks: [], end: null };
      const next = { ...state, unsentArguments: without(state.unsentArguments, event.index) };
      return { state: next, chunks: [argumentsChunk(next, options, index, delta.partial_json)], end: null };
    }
    case "thinking_delta":
    case "signature_delta":
    case "citations_delta":
      return { state, chunks: [], end: null };
    default: {
      const unknown: never = delta;
      void unknown;
      return { state, chunks: [], end: null };
    }
  }
}

function fail(state: AnthropicStreamState, failure: ProviderFailure): Step {
  const end: StreamEnd = { type: "failed", failure, error: streamErrorFromFailure({ failure }) };
  return { state: { ...state, ended: true }, chunks: [], end };
}

function malformed(what: string): ProviderFailure {
  return malformedStreamFailure({ message: `Anthropic stream: ${what}.` });
}

function base(state: AnthropicStreamState, options: AnthropicStreamOptions): Omit<ChatCompletionChunk, "choices"> {
  return {
    id: `chatcmpl-${state.messageId}`,
    object: "chat.completion.chunk",
    created: options.created,
    model: options.model,
    // OpenAI puts `usage: null` on every chunk but the last when usage was asked for.
    ...(options.includeUsage ? { usage: null } : {}),
  };
}

function choiceChunk(
  state: AnthropicStreamState,
  options: AnthropicStreamOptions,
  delta: Delta,
  finish: ChatCompletionChunk.Choice["finish_reason"] = null,
): ChatCompletionChunk {
  return { ...base(state, options), choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] };
}

function argumentsChunk(state: AnthropicStreamState, options: AnthropicStreamOptions, index: number, args: string) {
  return choiceChunk(state, options, { tool_calls: [{ index, function: { arguments: args } }] });
}

/** Anthropic's counts are cumulative totals, present only when they apply: overwrite when given. */
function mergeTotals(totals: Totals, usage: Partial<Record<keyof Totals, number | null>>): Totals {
  const pick = (key: keyof Totals): number => {
    const value = usage[key];
    return typeof value === "number" ? value : totals[key];
  };
  return {
    input_tokens: pick("input_tokens"),
    output_tokens: pick("output_tokens"),
    cache_creation_input_tokens: pick("cache_creation_input_tokens"),
    cache_read_input_tokens: pick("cache_read_input_tokens"),
  };
}

function usageOf(state: AnthropicStreamState): NormalizedUsage {
  return normalizeAnthropicUsage({ usage: state.totals });
}

function without(record: Readonly<Record<number, string>>, key: number): Record<number, string> {
  const { [key]: _dropped, ...rest } = record;
  return rest;
}
