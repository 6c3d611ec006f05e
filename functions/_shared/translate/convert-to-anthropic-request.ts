/**
 * An OpenAI chat-completions body → an Anthropic Messages body (spec §9).
 *
 * Pure: the same input gives the same output, nothing is mutated, nothing is
 * fetched. Bad input throws a TranslationError naming the field (the edge
 * function answers 400 and calls no provider). What is dropped or approximated
 * is said in `warnings`, for the routing record and logs.
 */
import { checkToolPairs } from "./check-tool-pairs.ts";
import { convertRequestParams } from "./convert-request-params.ts";
import { convertToAnthropicMessages } from "./convert-to-anthropic-messages.ts";
import { convertTools } from "./convert-tools.ts";
import { responseFormatInstruction } from "./response-format-instruction.ts";
import { buildToolIdMap, type ToolIdMap } from "./tool-id-map.ts";
import { TranslationError } from "./translation-error.ts";
import type { AnthropicRequest, AnthropicTurn, OpenAIChatRequest } from "./types.ts";

export interface ConvertToAnthropicRequestInput {
  request: OpenAIChatRequest;
  /** The model the router chose; the body's own `model` is ignored (spec §8). */
  model: string;
  /** `max_tokens` when the caller gives none (Anthropic requires it). Default 4096. */
  defaultMaxTokens?: number;
}

export interface ConvertToAnthropicRequestOutput {
  body: AnthropicRequest;
  /** Keep it for `convertFromAnthropicResponse`, which maps tool-call ids back. */
  toolIds: ToolIdMap;
  warnings: string[];
}

export function convertToAnthropicRequest(
  { request, model, defaultMaxTokens }: ConvertToAnthropicRequestInput,
): ConvertToAnthropicRequestOutput {
  if (typeof request !== "object" || request === null) {
    throw new TranslationError({
      param: "messages",
      code: "invalid_type",
      message: "the body must be a JSON object with messages",
    });
  }
  const params = convertRequestParams({ request, defaultMaxTokens });
  const toolIds = buildToolIdMap({ ids: toolIdsOf(request.messages) });
  const conversation = convertToAnthropicMessages({ messages: request.messages, toolIds });
  checkToolPairs({ messages: request.messages, anthropicMessages: conversation.messages, toolIds });
  const tools = convertTools({
    tools: request.tools,
    toolChoice: request.tool_choice,
    parallelToolCalls: request.parallel_tool_calls,
    historyToolNames: toolNamesOf(conversation.messages),
  });
  const format = responseFormatInstruction({ responseFormat: request.response_format });

  const body: AnthropicRequest = { model, ...params.params, messages: conversation.messages };
  // The JSON instruction goes last so it is the final word of the system prompt.
  const system = [conversation.system, format.instruction].filter((part) => part !== undefined);
  if (system.length > 0) body.system = system.join("\n");
  if (tools.tools !== undefined) body.tools = tools.tools;
  if (tools.tool_choice !== undefined) body.tool_choice = tools.tool_choice;
  return {
    body,
    toolIds,
    warnings: [...params.warnings, ...conversation.warnings, ...tools.warnings, ...format.warnings],
  };
}

/**
 * Every tool-call id of the request, from both sides, so one map covers both.
 * Lenient on purpose: malformed entries are reported by the message conversion.
 */
function toolIdsOf(messages: unknown): string[] {
  if (!Array.isArray(messages)) return [];
  return messages.flatMap((message: unknown): string[] => {
    if (typeof message !== "object" || message === null) return [];
    const ids: string[] = [];
    if ("tool_call_id" in message && typeof message.tool_call_id === "string") ids.push(message.tool_call_id);
    if ("tool_calls" in message && Array.isArray(message.tool_calls)) {
      const calls: unknown[] = message.tool_calls;
      for (const call of calls) {
        if (typeof call === "object" && call !== null && "id" in call && typeof call.id === "string") {
          ids.push(call.id);
        }
      }
    }
    return ids;
  });
}

function toolNamesOf(turns: ReadonlyArray<AnthropicTurn>): string[] {
  return turns.flatMap((turn) => turn.content.flatMap((block) => block.type === "tool_use" ? [block.name] : []));
}
