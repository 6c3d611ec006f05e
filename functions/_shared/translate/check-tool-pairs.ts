/**
 * Every tool call must be answered in the very next turn, and every tool
 * result must answer a call of the turn just before. Both providers reject a
 * history that breaks this; checking it here turns the provider's 400 (a wasted
 * paid attempt, recorded against the provider) into our own 400 that names the
 * caller's field, before any call is made.
 */
import { toCallerToolId, type ToolIdMap } from "./tool-id-map.ts";
import { TranslationError } from "./translation-error.ts";
import type { AnthropicTurn, ChatCompletionMessageParam } from "./types.ts";

export function checkToolPairs(
  { messages, anthropicMessages, toolIds }: {
    /** The caller's messages, already converted without error. */
    messages: ReadonlyArray<ChatCompletionMessageParam>;
    anthropicMessages: ReadonlyArray<AnthropicTurn>;
    toolIds: ToolIdMap;
  },
): void {
  const { callParams, resultParams } = whereIdsCameFrom({ messages, toolIds });
  // Turns keep the order of messages (merging only joins neighbours, and
  // reordering inside a turn is stable among tool blocks), so the n-th block
  // with an id comes from the n-th message field with that id.
  const nextCallParam = occurrences(callParams);
  const nextResultParam = occurrences(resultParams);
  anthropicMessages.forEach((turn, k) => {
    const calls = callIds(turn).map((id) => ({ id, param: nextCallParam(id) }));
    const results = resultIds(turn).map((id) => ({ id, param: nextResultParam(id) }));
    const answered = new Set(resultIds(anthropicMessages[k + 1]));
    const unanswered = calls.find(({ id }) => !answered.has(id));
    if (unanswered !== undefined) {
      const callerId = toCallerToolId({ toolIds, id: unanswered.id });
      throw new TranslationError({
        param: unanswered.param,
        message: `tool call ${
          JSON.stringify(callerId)
        } has no tool message answering it right after its assistant message`,
      });
    }
    const offered = new Set(callIds(anthropicMessages[k - 1]));
    const orphan = results.find(({ id }) => !offered.has(id));
    if (orphan !== undefined) {
      const callerId = toCallerToolId({ toolIds, id: orphan.id });
      throw new TranslationError({
        param: orphan.param,
        message: `tool message for ${JSON.stringify(callerId)} answers no tool call of the assistant message before it`,
      });
    }
  });
}

function occurrences(params: ReadonlyMap<string, string[]>): (id: string) => string {
  const seen = new Map<string, number>();
  return (id) => {
    const n = seen.get(id) ?? 0;
    seen.set(id, n + 1);
    return params.get(id)?.[n] ?? "messages";
  };
}

function callIds(turn: AnthropicTurn | undefined): string[] {
  if (turn?.role !== "assistant") return [];
  return turn.content.flatMap((block) => block.type === "tool_use" ? [block.id] : []);
}

function resultIds(turn: AnthropicTurn | undefined): string[] {
  if (turn?.role !== "user") return [];
  return turn.content.flatMap((block) => block.type === "tool_result" ? [block.tool_use_id] : []);
}

/** Anthropic id → the caller's fields holding it, in message order. */
function whereIdsCameFrom(
  { messages, toolIds }: { messages: ReadonlyArray<ChatCompletionMessageParam>; toolIds: ToolIdMap },
): { callParams: Map<string, string[]>; resultParams: Map<string, string[]> } {
  const callParams = new Map<string, string[]>();
  const resultParams = new Map<string, string[]>();
  const add = (params: Map<string, string[]>, id: string, param: string) => {
    const mapped = toolIds.toAnthropic.get(id) ?? id;
    params.set(mapped, [...(params.get(mapped) ?? []), param]);
  };
  messages.forEach((message, i) => {
    if (message.role === "assistant") {
      message.tool_calls?.forEach((call, j) => add(callParams, call.id, `messages[${i}].tool_calls[${j}].id`));
    } else if (message.role === "tool") {
      add(resultParams, message.tool_call_id, `messages[${i}].tool_call_id`);
    }
  });
  return { callParams, resultParams };
}
