/**
 * Whether a chat-completions body can go to SOME provider the router may pick (spec §8, §9,
 * issue 8 item 5), checked before a decision is written, so a bad request writes nothing and
 * calls no one. What only some models refuse (a PDF without PDF input, an OpenAI file_id for
 * Anthropic, a sampling pair, an output limit) is left to the adaptation after the decision,
 * which skips the targets that cannot take it.
 *
 * Each rule lives in the module that converts its field; `checkedChatRequest` lists them, in the
 * order the Anthropic conversion meets them, so the first refusal there is the one the conversion
 * would raise (convertToAnthropicRequest assembles the very parts checked there). OpenAI takes
 * whatever the conversion takes, once legacy `functions` are seen as the tools they stand for
 * and an OpenAI `file_id` (which only OpenAI can read) as the content it is.
 *
 * Pure: nothing is fetched or mutated.
 */
import { convertLegacyFunctions } from "../adapt/convert-legacy-functions.ts";
import { checkChatRequestShape } from "../validate/check-chat-request.ts";
import { checkToolPairs } from "./check-tool-pairs.ts";
import { convertRequestParams, type RequestParams } from "./convert-request-params.ts";
import { convertToAnthropicMessages } from "./convert-to-anthropic-messages.ts";
import { convertTools } from "./convert-tools.ts";
import { isRecord } from "./is-record.ts";
import { responseFormatInstruction } from "./response-format-instruction.ts";
import { buildToolIdMap, type ToolIdMap } from "./tool-id-map.ts";
import { TranslationError, type TranslationErrorCode } from "./translation-error.ts";
import type { AnthropicRequest, AnthropicTurn, OpenAIChatRequest } from "./types.ts";

/**
 * A refusal in OpenAI's terms: the message, the offending field, the error code (a translation
 * rule's code, or OpenAI's own for a shape it refuses: `unknown_parameter`, `decimal_above_max_value`, …).
 */
export interface ChatRequestError {
  message: string;
  param: string;
  code: TranslationErrorCode | string;
}

export type ChatRequestCheck = { ok: true } | { ok: false; error: ChatRequestError };

export function validateChatRequest({ request }: { request: OpenAIChatRequest }): ChatRequestCheck {
  try {
    requireObject(request);
    // OpenAI's documented types and ranges, and the caps, first: linear, so the rules below
    // only ever see a body of bounded size and depth.
    const shape = checkChatRequestShape({ body: request });
    if (shape !== null) return { ok: false, error: shape };
    // Legacy function calling is the deprecated spelling of tools: checked as the tools it becomes.
    const { request: withTools } = convertLegacyFunctions({ request });
    checkedChatRequest({ request: withOpenAIFileIdsAsText(withTools) });
    return { ok: true };
  } catch (error) {
    if (!(error instanceof TranslationError)) throw error;
    return { ok: false, error: { message: error.message, param: error.param, code: error.code } };
  }
}

/** The parts of a checked request, as the request conversion assembles them. */
export interface CheckedChatRequest {
  params: { params: RequestParams; warnings: string[] };
  toolIds: ToolIdMap;
  conversation: { system: string | undefined; messages: AnthropicTurn[]; warnings: string[] };
  tools: Pick<AnthropicRequest, "tools" | "tool_choice"> & { warnings: string[] };
  format: { instruction: string | undefined; warnings: string[] };
}

/** Every rule, in order; throws the first TranslationError. */
export function checkedChatRequest(
  { request, defaultMaxTokens }: { request: OpenAIChatRequest; defaultMaxTokens?: number },
): CheckedChatRequest {
  // 1. The body is an object.
  requireObject(request);
  // 2. Scalar parameters: n, legacy functions, max tokens, temperature, top_p, stop, user.
  const params = convertRequestParams({ request, defaultMaxTokens });
  // 3. Messages: roles, content parts, image URLs, tool calls and their arguments.
  const toolIds = buildToolIdMap({ ids: toolIdsOf(request.messages) });
  const conversation = convertToAnthropicMessages({ messages: request.messages, toolIds });
  // 4. Every tool call answered right after it, every tool message answering a call.
  checkToolPairs({ messages: request.messages, anthropicMessages: conversation.messages, toolIds });
  // 5. tools, tool_choice, parallel_tool_calls.
  const tools = convertTools({
    tools: request.tools,
    toolChoice: request.tool_choice,
    parallelToolCalls: request.parallel_tool_calls,
    historyToolNames: toolNamesOf(conversation.messages),
  });
  // 6. response_format.
  const format = responseFormatInstruction({ responseFormat: request.response_format });
  return { params, toolIds, conversation, tools, format };
}

function requireObject(request: unknown): void {
  if (typeof request !== "object" || request === null) {
    throw new TranslationError({
      param: "messages",
      code: "invalid_type",
      message: "the body must be a JSON object with messages",
    });
  }
}

/**
 * A `file` part with an OpenAI `file_id` and no data: OpenAI reads it, Anthropic cannot (the
 * adaptation refuses it for Anthropic targets). For the check it stands as a text part, so the
 * rest of its message is still checked; a part WITH data must be a PDF data URL for everyone.
 */
function withOpenAIFileIdsAsText(request: OpenAIChatRequest): OpenAIChatRequest {
  const messages: unknown = request.messages;
  if (!Array.isArray(messages)) return request;
  return {
    ...request,
    messages: request.messages.map((message) => {
      if (!isRecord(message) || message.role !== "user" || !Array.isArray(message.content)) return message;
      const content = message.content.map((part: unknown) =>
        isRecord(part) && part.type === "file" && isRecord(part.file) && part.file.file_data === undefined &&
          typeof part.file.file_id === "string"
          ? { type: "text" as const, text: `(file ${part.file.file_id})` }
          : part
      );
      return { ...message, content } as typeof message;
    }),
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
