/**
 * An OpenAI chat-completions body → an Anthropic Messages body (spec §9).
 *
 * Pure: the same input gives the same output, nothing is mutated, nothing is
 * fetched. The body is checked by validate-chat-request.ts (bad input throws a
 * TranslationError naming the field) and assembled here from the checked parts.
 * What is dropped or approximated is said in `warnings`, for the routing record
 * and logs.
 */
import type { ToolIdMap } from "./tool-id-map.ts";
import type { AnthropicRequest, OpenAIChatRequest } from "./types.ts";
import { checkedChatRequest } from "./validate-chat-request.ts";

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
  const { params, toolIds, conversation, tools, format } = checkedChatRequest({ request, defaultMaxTokens });
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
