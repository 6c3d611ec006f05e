/**
 * A trailing assistant message → a normal turn, for Anthropic models that do
 * not take a prefill.
 *
 * Anthropic reads a final assistant turn as a prefill (the answer continues
 * it); newer models refuse that with a 400. OpenAI never continues one, so a
 * caller that sends it means either "continue this" or just history. A user
 * turn asking to continue keeps both readings working, and the answer is a new
 * message as on OpenAI. A trailing assistant message with tool calls is left
 * alone: it needs its tool messages, which the translator reports.
 */
import { isRecord } from "../translate/convert-message-content.ts";
import type { AdaptInput, AdaptStep } from "./types.ts";

export const CONTINUE_PROMPT = "Continue your previous message from exactly where it stopped, without repeating it.";

export function endWithoutPrefill({ request, model }: AdaptInput): AdaptStep {
  const kind = model.providerKind;
  switch (kind) {
    case "openai-compatible":
      return { request, warnings: [] };
    case "anthropic": {
      if (model.supportsPrefill) return { request, warnings: [] };
      const messages: unknown = request.messages;
      if (!Array.isArray(messages) || messages.length === 0) return { request, warnings: [] };
      const last: unknown = messages[messages.length - 1];
      if (!isRecord(last) || last.role !== "assistant") return { request, warnings: [] };
      if (Array.isArray(last.tool_calls) && last.tool_calls.length > 0) return { request, warnings: [] };
      return {
        request: { ...request, messages: [...request.messages, { role: "user", content: CONTINUE_PROMPT }] },
        warnings: [
          `messages[${messages.length - 1}] (a trailing assistant message) sent as a normal turn, ` +
          `followed by a user turn asking to continue: ${model.model} does not take a prefill`,
        ],
      };
    }
    default: {
      const unknownKind: never = kind;
      throw new Error(`unknown provider kind ${JSON.stringify(unknownKind)}`);
    }
  }
}
