/**
 * What the caller received, folded into what must be recorded when the
 * stream ends: whether it completed, its finish_reason, its tokens (the
 * provider's own counts, handed in, never estimated from the text) and the
 * `chat.completion` a non-streamed twin would have answered, so the two
 * paths can be compared and logged alike.
 *
 *   let acc = EMPTY_STREAM_ACCUMULATION;
 *   for (const chunk of chunksSentToCaller) acc = accumulateChunk({ accumulation: acc, chunk });
 *   const summary = summarizeStream({ accumulation: acc, end, usage });
 */
import { toOpenAIUsage } from "../translate/normalize-usage.ts";
import type {
  ChatCompletion,
  ChatCompletionChunk,
  NormalizedUsage,
  OpenAIFinishReason,
  ProviderFailure,
  StreamEnd,
  StreamUsage,
} from "./types.ts";

interface ToolCallSoFar {
  readonly id: string;
  readonly name: string;
  readonly arguments: string;
}

export interface StreamAccumulation {
  readonly id: string | null;
  readonly model: string | null;
  readonly created: number;
  /** Null until a chunk carried content (an answer of tool calls only has none). */
  readonly content: string | null;
  /** By OpenAI tool-call index, in order of first appearance. */
  readonly toolCalls: readonly ToolCallSoFar[];
  readonly finishReason: OpenAIFinishReason | null;
  /** Chunks the caller received. */
  readonly chunks: number;
}

export const EMPTY_STREAM_ACCUMULATION: StreamAccumulation = Object.freeze({
  id: null,
  model: null,
  created: 0,
  content: null,
  toolCalls: Object.freeze([]),
  finishReason: null,
  chunks: 0,
});

export function accumulateChunk(
  { accumulation, chunk }: { accumulation: StreamAccumulation; chunk: ChatCompletionChunk },
): StreamAccumulation {
  let { content, toolCalls, finishReason } = accumulation;
  for (const choice of chunk.choices) {
    if (choice.index !== 0) continue;
    const delta = choice.delta;
    if (typeof delta.content === "string" && (delta.content !== "" || content !== null)) {
      content = (content ?? "") + delta.content;
    }
    for (const call of delta.tool_calls ?? []) toolCalls = withToolDelta(toolCalls, call);
    if (choice.finish_reason !== null && choice.finish_reason !== "function_call") finishReason = choice.finish_reason;
  }
  return {
    id: accumulation.id ?? chunk.id,
    model: accumulation.model ?? chunk.model,
    created: accumulation.created || chunk.created,
    content,
    toolCalls,
    finishReason,
    chunks: accumulation.chunks + 1,
  };
}

export interface StreamSummary {
  /** The provider ended the stream normally (not a failure, a stall or a caller who left). */
  completed: boolean;
  finishReason: OpenAIFinishReason | null;
  /** For record_completion; exact when `usageFinal`, else the counts reported before the end. */
  usage: NormalizedUsage;
  usageFinal: boolean;
  /** Why it failed on the provider's side (error event, stall); null when completed or cut by the caller. */
  failure: ProviderFailure | null;
  /** The non-streamed equivalent (finish_reason "stop" when none came, as the translation does for null). */
  completion: ChatCompletion;
}

export function summarizeStream(
  { accumulation, end, usage }: {
    accumulation: StreamAccumulation;
    /** Null when the stream stopped without an end (the caller left, the connection dropped). */
    end: StreamEnd | null;
    /** From the translator's state: `anthropicStreamUsage` or the passthrough's `state.usage`. */
    usage: StreamUsage;
  },
): StreamSummary {
  const finishReason = end?.type === "complete" ? end.finishReason : accumulation.finishReason;
  const message: ChatCompletion.Choice["message"] = { role: "assistant", content: accumulation.content, refusal: null };
  if (accumulation.toolCalls.length > 0) {
    message.tool_calls = accumulation.toolCalls.map((call) => ({
      id: call.id,
      type: "function" as const,
      function: { name: call.name, arguments: call.arguments },
    }));
  }
  return {
    completed: end?.type === "complete",
    finishReason,
    usage: usage.tokens,
    usageFinal: usage.final,
    failure: end?.type === "failed" ? end.failure : null,
    completion: {
      id: accumulation.id ?? "",
      object: "chat.completion",
      created: accumulation.created,
      model: accumulation.model ?? "",
      choices: [{ index: 0, message, finish_reason: finishReason ?? "stop", logprobs: null }],
      usage: toOpenAIUsage({ tokens: usage.tokens }),
    },
  };
}

/** The first delta of an index opens the call (id, name); later ones append argument fragments. */
function withToolDelta(
  calls: readonly ToolCallSoFar[],
  delta: ChatCompletionChunk.Choice.Delta.ToolCall,
): readonly ToolCallSoFar[] {
  const fragment = delta.function?.arguments ?? "";
  if (delta.index >= calls.length) {
    return [...calls, { id: delta.id ?? "", name: delta.function?.name ?? "", arguments: fragment }];
  }
  return calls.map((call, i) =>
    i === delta.index
      ? {
        id: call.id || (delta.id ?? ""),
        name: call.name + (call.name === "" ? delta.function?.name ?? "" : ""),
        arguments: call.arguments + fragment,
      }
      : call
  );
}
