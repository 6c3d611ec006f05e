/**
 * OpenAI `messages` → Anthropic `system` + `messages` (spec §9).
 *
 * Anthropic has one system prompt and strictly alternating user/assistant
 * turns, where a turn's tool results come first; OpenAI has neither rule. So
 * system and developer messages, wherever they stand, join the system prompt in
 * order; `tool` messages become user turns; and consecutive turns of the same
 * role merge into one.
 */
import { convertUserContent, textsOf } from "./convert-message-content.ts";
import { convertAssistantMessage, convertToolMessage } from "./convert-tool-calls.ts";
import type { ToolIdMap } from "./tool-id-map.ts";
import { TranslationError } from "./translation-error.ts";
import type { AnthropicTurn, ChatCompletionMessageParam, ContentBlockParam } from "./types.ts";

/**
 * Put before a conversation that starts with an assistant message: Anthropic
 * requires the first turn to be the user's (older models reject anything
 * else). The words are neutral so the model reads the history as it stands.
 */
export const CONVERSATION_CONTINUES = "(conversation continues)";

export function convertToAnthropicMessages(
  { messages, toolIds }: {
    messages: ReadonlyArray<ChatCompletionMessageParam>;
    toolIds: ToolIdMap;
  },
): { system: string | undefined; messages: AnthropicTurn[]; warnings: string[] } {
  // Checked through `unknown`: Array.isArray would widen a readonly array to any[].
  const list: unknown = messages;
  if (!Array.isArray(list) || list.length === 0) {
    throw new TranslationError({ param: "messages", message: "messages must be a non-empty array" });
  }
  const instructions: string[] = [];
  const turns: AnthropicTurn[] = [];
  messages.forEach((message, i) => {
    const param = `messages[${i}]`;
    // Off the wire an entry may be anything; past this check the types hold.
    if (typeof message !== "object" || message === null) {
      throw new TranslationError({ param, code: "invalid_type", message: `${param} must be an object` });
    }
    const role = message.role;
    switch (role) {
      case "system":
      case "developer":
        instructions.push(...textsOf({ content: message.content, param: `${param}.content` }));
        break;
      case "user":
        appendTurn(turns, "user", convertUserContent({ content: message.content, param: `${param}.content` }));
        break;
      case "assistant":
        appendTurn(turns, "assistant", convertAssistantMessage({ message, param, toolIds }));
        break;
      case "tool":
        appendTurn(turns, "user", [convertToolMessage({ message, param, toolIds })]);
        break;
      case "function":
        throw new TranslationError({
          param: `${param}.role`,
          code: "unsupported_value",
          message: `${param}.role "function" is deprecated and not supported: use tool messages`,
        });
      default: {
        const unknownRole: never = role;
        throw new TranslationError({
          param: `${param}.role`,
          message: `${param}.role ${JSON.stringify(unknownRole)} is not a known role`,
        });
      }
    }
  });
  const warnings: string[] = [];
  if (turns.length === 0 && instructions.length > 0) {
    // A one-shot prompt written as instructions only: OpenAI answers it; Anthropic needs a turn, so they are the turn.
    return {
      system: undefined,
      messages: [{ role: "user", content: [{ type: "text", text: instructions.join("\n") }] }],
      warnings: ["messages hold only system / developer instructions: sent as the user turn"],
    };
  }
  if (turns.length === 0) {
    throw new TranslationError({
      param: "messages",
      message: "messages must contain a user or assistant message with content",
    });
  }
  const ordered = turns.map(orderBlocks);
  if (ordered[0].role === "assistant") {
    ordered.unshift({ role: "user", content: [{ type: "text", text: CONVERSATION_CONTINUES }] });
    warnings.push(`messages start with an assistant message: "${CONVERSATION_CONTINUES}" user turn added`);
  }
  const last = ordered[ordered.length - 1];
  if (last.role === "assistant") {
    ordered[ordered.length - 1] = trimPrefill(last);
    warnings.push("messages end with an assistant message: Anthropic continues it rather than starting a new one");
  }
  return {
    system: instructions.length > 0 ? instructions.join("\n") : undefined,
    messages: ordered,
    warnings,
  };
}

/** Same role as the previous turn → same turn; nothing left to say → no turn. */
function appendTurn(turns: AnthropicTurn[], role: AnthropicTurn["role"], blocks: ContentBlockParam[]): void {
  if (blocks.length === 0) return;
  const previous = turns[turns.length - 1];
  if (previous?.role === role) previous.content.push(...blocks);
  else turns.push({ role, content: [...blocks] });
}

/**
 * Anthropic wants a user turn's `tool_result` blocks before anything else (so
 * text after tool messages, or merged in from a user message, goes after
 * them), and an assistant's `tool_use` blocks after its text. Stable order.
 */
function orderBlocks(turn: AnthropicTurn): AnthropicTurn {
  const toolType = turn.role === "user" ? "tool_result" : "tool_use";
  const tools = turn.content.filter((block) => block.type === toolType);
  const others = turn.content.filter((block) => block.type !== toolType);
  return { role: turn.role, content: turn.role === "user" ? [...tools, ...others] : [...others, ...tools] };
}

/** A final assistant turn is a prefill, which Anthropic rejects with trailing whitespace. */
function trimPrefill(turn: AnthropicTurn): AnthropicTurn {
  const content = [...turn.content];
  const lastBlock = content[content.length - 1];
  if (lastBlock?.type === "text") content[content.length - 1] = { ...lastBlock, text: lastBlock.text.trimEnd() };
  return { role: turn.role, content };
}
