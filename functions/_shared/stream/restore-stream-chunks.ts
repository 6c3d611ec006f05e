/**
 * The streamed side of `adaptResponse` (../adapt/adapt-response.ts): what the
 * adaptation changed in the request is undone in each chunk, in the same
 * order, so a streamed answer reads like the non-streamed one.
 *
 * 1. the forced `json_schema` tool → its argument fragments become content
 *    deltas, the call disappears, `finish_reason` "tool_calls" → "stop";
 * 2. renamed tool-call ids → the caller's ids;
 * 3. legacy `functions` → the first tool call becomes `function_call` deltas,
 *    `finish_reason` "tool_calls" → "function_call"; further calls are dropped
 *    (and said to be, as `restoreLegacyFunctionCall` does).
 *
 * The remaining tool calls keep a dense `index` (0, 1, …) in order of first
 * appearance. A reducer: one chunk in, the caller's chunk and the next state out.
 */
import type { ResponseRestore } from "../adapt/mod.ts";
import type { ChatCompletionChunk } from "./types.ts";

type ToolCallDelta = ChatCompletionChunk.Choice.Delta.ToolCall;

export interface StreamRestoreState {
  /** The upstream index of the forced json_schema tool call, once seen. */
  readonly forcedIndex: number | null;
  /** Upstream index → the index the caller sees, for the tool calls that stay. */
  readonly indexes: ReadonlyMap<number, number>;
  /** Legacy functions: upstream indexes of the calls dropped after the first. */
  readonly dropped: readonly number[];
}

export const INITIAL_STREAM_RESTORE_STATE: StreamRestoreState = Object.freeze({
  forcedIndex: null,
  indexes: new Map<number, number>(),
  dropped: Object.freeze([]),
});

/** Nothing to undo: the chunks pass as they are. */
export function isIdentityRestore(restore: ResponseRestore): boolean {
  return restore.forcedTool === null && restore.toolIds.size === 0 && !restore.legacyFunctions;
}

export function restoreStreamChunk(
  { state, chunk, restore }: { state: StreamRestoreState; chunk: ChatCompletionChunk; restore: ResponseRestore },
): { state: StreamRestoreState; chunk: ChatCompletionChunk } {
  if (isIdentityRestore(restore)) return { state, chunk };
  let next = state;
  const choices = chunk.choices.map((choice) => {
    if (choice.index !== 0) return choice;
    const { tool_calls: calls, ...delta } = choice.delta;
    let content: string | null | undefined = delta.content;
    const kept: ToolCallDelta[] = [];
    let functionCall: ChatCompletionChunk.Choice.Delta.FunctionCall | undefined;
    for (const call of calls ?? []) {
      if (next.forcedIndex === null && restore.forcedTool !== null && call.function?.name === restore.forcedTool) {
        next = { ...next, forcedIndex: call.index };
      }
      if (call.index === next.forcedIndex) {
        const fragment = call.function?.arguments ?? "";
        if (fragment !== "" || content === undefined) content = (content ?? "") + fragment;
        continue;
      }
      if (!next.indexes.has(call.index)) {
        const indexes = new Map(next.indexes);
        indexes.set(call.index, indexes.size);
        next = { ...next, indexes };
      }
      const index = next.indexes.get(call.index)!;
      const id = call.id === undefined ? undefined : restore.toolIds.get(call.id) ?? call.id;
      if (!restore.legacyFunctions) {
        kept.push({ ...call, index, ...(id === undefined ? {} : { id }) });
        continue;
      }
      if (index > 0) {
        if (!next.dropped.includes(call.index)) next = { ...next, dropped: [...next.dropped, call.index] };
        continue;
      }
      functionCall = {
        ...(call.function?.name === undefined ? {} : { name: call.function.name }),
        arguments: call.function?.arguments ?? "",
      };
    }
    const restored: ChatCompletionChunk.Choice.Delta = { ...delta };
    if (content !== undefined) restored.content = content;
    if (kept.length > 0) restored.tool_calls = kept;
    if (functionCall !== undefined) restored.function_call = functionCall;
    return { ...choice, delta: restored, finish_reason: restoredFinish(choice.finish_reason, next, restore) };
  });
  return { state: next, chunk: { ...chunk, choices } };
}

/** What `restoreLegacyFunctionCall` says of calls it drops; empty when none were. */
export function streamRestoreWarnings({ state }: { state: StreamRestoreState }): string[] {
  return state.dropped.length === 0
    ? []
    : [`choices[0]: ${state.dropped.length} further tool call(s) dropped: legacy function_call holds one`];
}

function restoredFinish(
  finish: ChatCompletionChunk.Choice["finish_reason"],
  state: StreamRestoreState,
  restore: ResponseRestore,
): ChatCompletionChunk.Choice["finish_reason"] {
  if (finish !== "tool_calls") return finish;
  if (state.forcedIndex !== null) return "stop";
  if (restore.legacyFunctions && state.indexes.size > 0) return "function_call";
  return finish;
}
