/**
 * An Anthropic `Message` → an OpenAI `chat.completion` (spec §9), with
 * tool-call ids mapped back to the caller's spelling.
 *
 * The response comes from a provider, not the caller: a shape we cannot read
 * throws MalformedResponseError (an availability failure the router may retry
 * or fall back on), never a TranslationError (which would blame the caller).
 */
import { normalizeAnthropicUsage, toOpenAIUsage } from "./normalize-usage.ts";
import { mapAnthropicStopReason } from "./map-anthropic-stop-reason.ts";
import { toCallerToolId, type ToolIdMap } from "./tool-id-map.ts";
import { MalformedResponseError } from "./translation-error.ts";
import type {
  AnthropicResponse,
  ChatCompletion,
  ChatCompletionMessageFunctionToolCall,
} from "./types.ts";

export function convertFromAnthropicResponse(
  { response, toolIds, created = Math.floor(Date.now() / 1000) }: {
    response: AnthropicResponse;
    /** The map `convertToAnthropicRequest` returned for this request. */
    toolIds: ToolIdMap;
    /** Unix seconds; defaults to now (pass it for reproducible output). */
    created?: number;
  },
): ChatCompletion {
  checkShape(response);
  const texts: string[] = [];
  const toolCalls: ChatCompletionMessageFunctionToolCall[] = [];
  for (const block of response.content) {
    const type = block.type;
    switch (type) {
      case "text":
        texts.push(block.text);
        break;
      case "tool_use":
        toolCalls.push({
          id: toCallerToolId({ toolIds, id: block.id }),
          type: "function",
          function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
        });
        break;
      // The router enables neither extended thinking nor server tools, and
      // chat completions have no place for their blocks: they are not part
      // of the answer the caller asked for.
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
        break;
      default: {
        // Block types newer than the SDK are skipped the same way at runtime.
        const unknownType: never = type;
        void unknownType;
      }
    }
  }
  const message: ChatCompletion.Choice["message"] = {
    role: "assistant",
    // Anthropic splits text into blocks (around tool calls, citations); the
    // caller gets it as one string, and null when there is none, as OpenAI does.
    content: texts.length > 0 ? texts.join("") : null,
    refusal: null,
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return {
    id: `chatcmpl-${response.id}`,
    object: "chat.completion",
    created,
    model: response.model,
    choices: [{
      index: 0,
      message,
      finish_reason: mapAnthropicStopReason({ stopReason: response.stop_reason }),
      logprobs: null,
    }],
    usage: toOpenAIUsage({ tokens: normalizeAnthropicUsage({ usage: response.usage }) }),
  };
}

/** Only what the conversion relies on; the rest is the provider's business. */
function checkShape(response: unknown): asserts response is AnthropicResponse {
  const fail = (path: string, expected: string): never => {
    throw new MalformedResponseError({ path, message: `Anthropic response: ${path} is not ${expected}` });
  };
  if (!isObject(response)) return fail("(body)", "an object");
  if (typeof response.id !== "string") fail("id", "a string");
  if (typeof response.model !== "string") fail("model", "a string");
  if (!Array.isArray(response.content)) return fail("content", "an array");
  response.content.forEach((block: unknown, i) => {
    if (!isObject(block) || typeof block.type !== "string") return fail(`content[${i}]`, "a typed block");
    if (block.type === "text" && typeof block.text !== "string") fail(`content[${i}].text`, "a string");
    if (block.type === "tool_use") {
      if (typeof block.id !== "string") fail(`content[${i}].id`, "a string");
      if (typeof block.name !== "string") fail(`content[${i}].name`, "a string");
    }
  });
  const usage = response.usage;
  if (!isObject(usage)) return fail("usage", "an object");
  for (const key of ["input_tokens", "output_tokens"]) {
    if (!isCount(usage[key])) fail(`usage.${key}`, "a token count");
  }
  for (const key of ["cache_creation_input_tokens", "cache_read_input_tokens"]) {
    if (usage[key] !== undefined && usage[key] !== null && !isCount(usage[key])) {
      fail(`usage.${key}`, "a token count or null");
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): boolean {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}
