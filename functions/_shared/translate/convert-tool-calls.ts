/**
 * The tool side of a conversation: an assistant message (text and
 * `tool_calls`) → text then `tool_use` blocks, and a `tool` message → one
 * `tool_result` block. Ids go through the request's ToolIdMap on both sides so
 * each result still answers its call (the plan's `call_` prefix broke that).
 */
import { isBlank, isRecord, textBlocks, textsOf } from "./convert-message-content.ts";
import { toAnthropicToolId, type ToolIdMap } from "./tool-id-map.ts";
import { TranslationError } from "./translation-error.ts";
import type {
  ChatCompletionAssistantMessageParam,
  ChatCompletionToolMessageParam,
  ContentBlockParam,
  ToolResultBlockParam,
  ToolUseBlockParam,
} from "./types.ts";

type ToolCall = NonNullable<ChatCompletionAssistantMessageParam["tool_calls"]>[number];

export function convertAssistantMessage(
  { message, param, toolIds }: {
    message: ChatCompletionAssistantMessageParam;
    param: string;
    toolIds: ToolIdMap;
  },
): ContentBlockParam[] {
  if (message.function_call !== undefined && message.function_call !== null) {
    throw new TranslationError({
      param: `${param}.function_call`,
      code: "unsupported_value",
      message: `${param}.function_call is deprecated and not supported: use tool_calls`,
    });
  }
  const texts = message.content === undefined || message.content === null
    ? []
    : textsOf({ content: message.content, param: `${param}.content`, refusalParts: true });
  // A replayed OpenAI refusal has content null and its text in `refusal`.
  if (texts.length === 0 && typeof message.refusal === "string") texts.push(message.refusal);
  const calls = message.tool_calls ?? [];
  if (!Array.isArray(calls)) {
    throw new TranslationError({
      param: `${param}.tool_calls`,
      code: "invalid_type",
      message: `${param}.tool_calls must be an array`,
    });
  }
  const toolUses = calls.map((call, j) => convertToolCall({ call, param: `${param}.tool_calls[${j}]`, toolIds }));
  // Text before tool_use: the order Anthropic itself answers in.
  return [...textBlocks(texts), ...toolUses];
}

function convertToolCall(
  { call, param, toolIds }: { call: ToolCall; param: string; toolIds: ToolIdMap },
): ToolUseBlockParam {
  if (!isRecord(call)) throw invalid(param, "must be a tool call object");
  const type = call.type;
  switch (type) {
    case "function": {
      if (typeof call.id !== "string") throw invalid(`${param}.id`, "must be a string");
      const fn: unknown = call.function;
      if (!isRecord(fn) || typeof fn.name !== "string" || fn.name === "") {
        throw invalid(`${param}.function.name`, "must be a non-empty string");
      }
      return {
        type: "tool_use",
        id: toAnthropicToolId({ toolIds, id: call.id }),
        name: fn.name,
        input: parseToolArguments({ text: fn.arguments, param: `${param}.function.arguments` }),
      };
    }
    case "custom":
      throw new TranslationError({
        param: `${param}.type`,
        code: "unsupported_value",
        message: `${param}.type "custom" is not supported when routing to Anthropic`,
      });
    default: {
      const unknownType: never = type;
      throw invalid(`${param}.type`, `must be "function", not ${JSON.stringify(unknownType)}`);
    }
  }
}

/**
 * `arguments` is a JSON string on OpenAI, an object on Anthropic. Bad JSON is
 * the caller's error (a 400 naming the field), never a crash of the function.
 */
export function parseToolArguments(
  { text, param }: { text: unknown; param: string },
): Record<string, unknown> {
  if (typeof text !== "string") throw invalid(param, "must be a JSON string", "invalid_type");
  // Some clients send "" for a call without arguments; OpenAI itself sends "{}".
  if (isBlank(text)) return {};
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw invalid(param, `is not valid JSON (${reason})`);
  }
  // Anthropic's tool input is always an object, as OpenAI's arguments should be.
  if (!isRecord(input)) throw invalid(param, "must encode a JSON object");
  return input;
}

export function convertToolMessage(
  { message, param, toolIds }: {
    message: ChatCompletionToolMessageParam;
    param: string;
    toolIds: ToolIdMap;
  },
): ToolResultBlockParam {
  if (typeof message.tool_call_id !== "string") {
    throw invalid(`${param}.tool_call_id`, "must be a string", "invalid_type");
  }
  const block: ToolResultBlockParam = {
    type: "tool_result",
    tool_use_id: toAnthropicToolId({ toolIds, id: message.tool_call_id }),
  };
  // Null content is outside OpenAI's type but common; it means "no output".
  const texts = message.content === null ? [] : textsOf({ content: message.content, param: `${param}.content` });
  // A result without content is valid on Anthropic; an empty text block is not.
  if (texts.length > 0) {
    block.content = typeof message.content === "string" ? message.content : textBlocks(texts);
  }
  return block;
}

function invalid(
  param: string,
  problem: string,
  code: "invalid_value" | "invalid_type" = "invalid_value",
): TranslationError {
  return new TranslationError({ param, code, message: `${param} ${problem}` });
}
