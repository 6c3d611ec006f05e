/**
 * Legacy function calling → tools, for every provider kind.
 *
 * OpenAI documents `functions` / `function_call` as the deprecated spelling of
 * `tools` / `tool_choice` (a function is a tool of type "function"; "none",
 * "auto" and `{name}` map one to one), and the history's assistant
 * `function_call` / `role: "function"` messages as the old form of
 * `tool_calls` / `tool` messages. Anthropic has only the tool form, and
 * OpenAI-compatible servers (local model servers, other vendors) commonly
 * implement only tools too, so the conversion is done for both kinds: one path,
 * and OpenAI answers the tool form the same way. The caller still gets the
 * legacy answer: `legacyFunctions` tells `adaptResponse` to turn the tool call
 * back into `function_call`, and `parallel_tool_calls: false` keeps the model
 * to the legacy API's one call per turn.
 *
 * History calls had no ids: each gets `function_call_<message index>`
 * (deterministic, Anthropic-safe, never one of the request's own ids), and a
 * function message answers the latest unanswered call of its name.
 */
import { isRecord } from "../translate/convert-message-content.ts";
import { TranslationError } from "../translate/translation-error.ts";
import type { AdaptStep, OpenAIChatRequest, OpenAIMessage, OpenAITool } from "./types.ts";

type LegacyFunction = NonNullable<OpenAIChatRequest["functions"]>[number];

export interface LegacyFunctionsStep extends AdaptStep {
  /** The caller declared `functions`: its answer must come back as `function_call`. */
  legacyFunctions: boolean;
}

export function convertLegacyFunctions({ request }: { request: OpenAIChatRequest }): LegacyFunctionsStep {
  const { functions, function_call, ...rest } = request;
  const declared = isSet(functions);
  if (!declared && isSet(function_call)) {
    throw invalid("function_call", "function_call requires functions");
  }
  const history = convertHistory({ messages: request.messages });
  if (!declared && history.converted.length === 0) {
    return { request, warnings: [], legacyFunctions: false };
  }
  const adapted: OpenAIChatRequest = { ...rest, messages: history.messages };
  const warnings: string[] = [];
  if (declared) {
    if (Array.isArray(request.tools) && request.tools.length > 0) {
      throw invalid("functions", "functions cannot be combined with tools: use tools only");
    }
    adapted.tools = toTools(functions);
    warnings.push("functions sent as tools: legacy function calling is deprecated");
    if (isSet(function_call)) {
      adapted.tool_choice = toToolChoice(function_call);
      warnings.push("function_call sent as tool_choice");
    }
    if (request.parallel_tool_calls === undefined) adapted.parallel_tool_calls = false;
  }
  if (history.converted.length > 0) {
    warnings.push(
      `legacy function messages sent as tool calls and tool messages (${history.converted.join(", ")})`,
    );
  }
  return { request: adapted, warnings, legacyFunctions: declared };
}

function toTools(functions: unknown): OpenAITool[] {
  if (!Array.isArray(functions)) throw invalid("functions", "functions must be an array", "invalid_type");
  return functions.map((fn: unknown, i): OpenAITool => {
    if (!isRecord(fn) || typeof fn.name !== "string" || fn.name === "") {
      throw invalid(`functions[${i}].name`, `functions[${i}].name must be a non-empty string`);
    }
    // Copied, so the tool never aliases the caller's schema.
    const definition: LegacyFunction = { name: fn.name };
    if (typeof fn.description === "string") definition.description = fn.description;
    if (fn.parameters !== undefined) {
      if (!isRecord(fn.parameters)) {
        throw invalid(
          `functions[${i}].parameters`,
          `functions[${i}].parameters must be a JSON schema object`,
          "invalid_type",
        );
      }
      definition.parameters = structuredClone(fn.parameters);
    }
    return { type: "function", function: definition };
  });
}

function toToolChoice(choice: NonNullable<OpenAIChatRequest["function_call"]>): OpenAIChatRequest["tool_choice"] {
  if (typeof choice === "string") {
    switch (choice) {
      case "none":
      case "auto":
        return choice;
      default: {
        const unknownChoice: never = choice;
        throw invalid("function_call", `function_call ${JSON.stringify(unknownChoice)} is not none, auto or a name`);
      }
    }
  }
  if (!isRecord(choice) || typeof choice.name !== "string") {
    throw invalid("function_call.name", "function_call.name must be a string", "invalid_type");
  }
  return { type: "function", function: { name: choice.name } };
}

/** The history's legacy messages → tool calls and tool messages. */
function convertHistory(
  { messages }: { messages: OpenAIChatRequest["messages"] },
): { messages: OpenAIMessage[]; converted: string[] } {
  // Off the wire, messages may be anything: the translator names that error.
  const list: unknown = messages;
  if (!Array.isArray(list)) return { messages, converted: [] };
  const taken = new Set(callIdsOf(messages));
  const pending = new Map<string, string[]>();
  const converted: string[] = [];
  const out = messages.map((message, i): OpenAIMessage => {
    if (!isRecord(message)) return message;
    if (message.role === "assistant" && isSet(message.function_call)) {
      const call = message.function_call;
      if (!isRecord(call) || typeof call.name !== "string") {
        throw invalid(`messages[${i}].function_call.name`, `messages[${i}].function_call.name must be a string`);
      }
      const id = freshId(`function_call_${i}`, taken);
      pending.set(call.name, [...(pending.get(call.name) ?? []), id]);
      converted.push(`messages[${i}]`);
      const { function_call: _legacy, ...assistant } = message;
      return {
        ...assistant,
        tool_calls: [
          ...(assistant.tool_calls ?? []),
          { id, type: "function", function: { name: call.name, arguments: call.arguments ?? "" } },
        ],
      };
    }
    if (message.role === "function") {
      const id = pending.get(message.name)?.shift();
      if (id === undefined) {
        throw invalid(
          `messages[${i}].name`,
          `messages[${i}] (role function) answers no function_call "${message.name}" of an earlier assistant message`,
        );
      }
      converted.push(`messages[${i}]`);
      return { role: "tool", tool_call_id: id, content: message.content ?? "" };
    }
    return message;
  });
  return { messages: out, converted };
}

function callIdsOf(messages: ReadonlyArray<OpenAIMessage>): string[] {
  return messages.flatMap((message) => {
    if (!isRecord(message)) return [];
    if (message.role === "assistant") return (message.tool_calls ?? []).map((call) => call.id);
    if (message.role === "tool") return [message.tool_call_id];
    return [];
  });
}

function freshId(base: string, taken: Set<string>): string {
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
  taken.add(id);
  return id;
}

function isSet<T>(value: T | null | undefined): value is T {
  return value !== undefined && value !== null;
}

function invalid(
  param: string,
  message: string,
  code: "invalid_value" | "invalid_type" = "invalid_value",
): TranslationError {
  return new TranslationError({ param, code, message });
}
