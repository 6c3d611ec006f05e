/**
 * Tool-call ids unique across the conversation, for Anthropic.
 *
 * Anthropic refuses a request in which two `tool_use` blocks share an id;
 * OpenAI accepts an id reused in a later turn (clients that number their
 * calls `call_0`, `call_1` per turn do it). Each later definition of an id
 * (an assistant `tool_calls` entry) is renamed `<id>__2`, `<id>__3`, ... (a
 * name the request does not use yet), and the `tool` messages answering it —
 * those after that assistant message, in order — take the same name.
 * `toCaller` maps the new names back.
 *
 * This composes with the translator's `ToolIdMap` rather than duplicating
 * it: that map rewrites an id's spelling (by value: the same id, the same
 * rewrite), this renames occurrences. So a renamed id that Anthropic would not
 * accept (too long, odd characters) is rewritten by the translator in turn,
 * and on the way back `toCallerToolId` then `toCaller` give the caller's id.
 */
import { isRecord } from "../translate/convert-message-content.ts";
import type { AdaptInput, AdaptStep, OpenAIMessage } from "./types.ts";

export interface UniqueToolIdsStep extends AdaptStep {
  /** New id → the caller's id, only for the ids that were renamed. */
  toCaller: ReadonlyMap<string, string>;
}

export function uniqueToolIds({ request, model }: AdaptInput): UniqueToolIdsStep {
  const unchanged: UniqueToolIdsStep = { request, warnings: [], toCaller: new Map() };
  const kind = model.providerKind;
  switch (kind) {
    case "openai-compatible":
      return unchanged;
    case "anthropic": {
      const messages: unknown = request.messages;
      if (!Array.isArray(messages)) return unchanged;
      const renamed = renameRepeats({ messages: request.messages });
      if (renamed.toCaller.size === 0) return unchanged;
      return {
        request: { ...request, messages: renamed.messages },
        warnings: renamed.warnings,
        toCaller: renamed.toCaller,
      };
    }
    default: {
      const unknownKind: never = kind;
      throw new Error(`unknown provider kind ${JSON.stringify(unknownKind)}`);
    }
  }
}

function renameRepeats(
  { messages }: { messages: ReadonlyArray<OpenAIMessage> },
): { messages: OpenAIMessage[]; warnings: string[]; toCaller: Map<string, string> } {
  const taken = new Set(idsOf(messages));
  const defined = new Set<string>();
  const toCaller = new Map<string, string>();
  const warnings: string[] = [];
  // Caller id → the names its answers take next, in call order (the latest assistant message only).
  let pending = new Map<string, string[]>();
  const out = messages.map((message, i): OpenAIMessage => {
    if (!isRecord(message)) return message;
    if (message.role === "assistant" && Array.isArray(message.tool_calls)) {
      pending = new Map();
      let changed = false;
      const calls = message.tool_calls.map((call, j) => {
        if (!isRecord(call) || typeof call.id !== "string") return call;
        const id = call.id;
        let sent = id;
        if (defined.has(id)) {
          sent = freshName(id, taken);
          toCaller.set(sent, id);
          warnings.push(`messages[${i}].tool_calls[${j}].id "${id}" repeats an earlier call: sent as "${sent}"`);
          changed = true;
        }
        defined.add(id);
        pending.set(id, [...(pending.get(id) ?? []), sent]);
        return sent === id ? call : { ...call, id: sent };
      });
      return changed ? { ...message, tool_calls: calls } : message;
    }
    if (message.role === "tool" && typeof message.tool_call_id === "string") {
      const sent = pending.get(message.tool_call_id)?.shift();
      return sent === undefined || sent === message.tool_call_id ? message : { ...message, tool_call_id: sent };
    }
    return message;
  });
  return { messages: out, warnings, toCaller };
}

function idsOf(messages: ReadonlyArray<OpenAIMessage>): string[] {
  return messages.flatMap((message) => {
    if (!isRecord(message)) return [];
    if (message.role === "assistant" && Array.isArray(message.tool_calls)) {
      return message.tool_calls.flatMap((call) => isRecord(call) && typeof call.id === "string" ? [call.id] : []);
    }
    if (message.role === "tool" && typeof message.tool_call_id === "string") return [message.tool_call_id];
    return [];
  });
}

function freshName(id: string, taken: Set<string>): string {
  let n = 2;
  while (taken.has(`${id}__${n}`)) n++;
  const name = `${id}__${n}`;
  taken.add(name);
  return name;
}
