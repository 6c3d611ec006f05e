// Success answers of the PROVIDER SIMULATOR (a test double): what to say (default behaviour or a
// script step) and how each provider puts it on the wire. Deterministic on purpose: the same
// request always gets the same content and token counts, so tests can assert exact numbers.
import { isRecord, type FinishReason, type JsonObject, type Provider, type ScriptStep } from "./types.ts";

/** Output tokens reported for a default text answer and for a tool call. */
export const TEXT_OUTPUT_TOKENS = 10;
export const TOOL_CALL_OUTPUT_TOKENS = 20;

export interface AnswerToolCall {
  name: string;
  input: JsonObject;
  rawArguments: string;
}

export interface Answer {
  text: string | null;
  /** In order; empty when the answer calls no tool. */
  toolCalls: AnswerToolCall[];
  finish: FinishReason;
}

/** Hands out ids that are unique per simulator and stable across runs (a counter per prefix, not random). */
export class IdSource {
  #seq = new Map<string, number>();
  next(prefix: string): string {
    const n = (this.#seq.get(prefix) ?? 0) + 1;
    this.#seq.set(prefix, n);
    return `${prefix}sim${n.toString(36).padStart(12, "0")}`;
  }
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((part) => (isRecord(part) && typeof part.text === "string" ? part.text : "")).join("\n");
}

/** The system prompt as text: Anthropic's `system`, or every OpenAI system / developer message. */
function systemText(provider: Provider, body: JsonObject): string {
  if (provider === "anthropic") return textOf(body.system);
  const messages = Array.isArray(body.messages) ? body.messages : [];
  return messages
    .filter((m) => isRecord(m) && (m.role === "system" || m.role === "developer"))
    .map((m) => textOf((m as JsonObject).content))
    .join("\n");
}

/** Reads `[sim:name=N]` from the system prompt. */
export function marker(provider: Provider, body: JsonObject, name: string): number | null {
  const match = new RegExp(`\\[sim:${name}=(\\d+)\\]`).exec(systemText(provider, body));
  return match ? Number(match[1]) : null;
}

function toolResultCount(provider: Provider, messages: unknown[]): number {
  if (provider === "openai") return messages.filter((m) => isRecord(m) && m.role === "tool").length;
  return messages
    .flatMap((m) => (isRecord(m) && Array.isArray(m.content) ? m.content : []))
    .filter((b) => isRecord(b) && b.type === "tool_result").length;
}

/** The tool a default answer calls: the one tool_choice names, else the first; none when tool_choice forbids. */
function chosenTool(provider: Provider, body: JsonObject): { name: string; schema: unknown } | null {
  const tools = (Array.isArray(body.tools) ? body.tools : []).flatMap((t) => {
    if (!isRecord(t)) return [];
    if (provider === "openai") {
      return isRecord(t.function) && typeof t.function.name === "string"
        ? [{ name: t.function.name, schema: t.function.parameters }]
        : [];
    }
    return typeof t.name === "string" && isRecord(t.input_schema) ? [{ name: t.name, schema: t.input_schema }] : [];
  });
  const choice = body.tool_choice;
  if (choice === "none" || (isRecord(choice) && choice.type === "none")) return null;
  const named = isRecord(choice)
    ? (isRecord(choice.function) ? choice.function.name : choice.type === "tool" ? choice.name : undefined)
    : undefined;
  return tools.find((t) => t.name === named) ?? tools[0] ?? null;
}

/** Arguments that satisfy the schema's required properties with trivial values ("x" for strings). */
export function argumentsFromSchema(schema: unknown): JsonObject {
  const args: JsonObject = {};
  if (!isRecord(schema) || !Array.isArray(schema.required)) return args;
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const trivial: Record<string, unknown> = { string: "x", number: 1, integer: 1, boolean: true, array: [], object: {} };
  for (const name of schema.required) {
    if (typeof name !== "string") continue;
    const property = properties[name];
    const type = isRecord(property) && typeof property.type === "string" ? property.type : "string";
    args[name] = type in trivial ? trivial[type] : "x";
  }
  return args;
}

function toolCall(name: string, args: JsonObject | string | undefined): AnswerToolCall {
  if (typeof args === "string") {
    // A raw string reaches OpenAI clients as is (tests use it for unparsable arguments); Anthropic
    // only ever sends objects, so there it becomes the parsed object or {}.
    let input: JsonObject = {};
    try {
      const parsed: unknown = JSON.parse(args);
      if (isRecord(parsed)) input = parsed;
    } catch { /* keep {} */ }
    return { name, input, rawArguments: args };
  }
  const input = args ?? {};
  return { name, input, rawArguments: JSON.stringify(input) };
}

/** The JSON schema the answer must follow: OpenAI `response_format`, Anthropic `output_config.format` (or beta `output_format`). */
function outputSchema(provider: Provider, body: JsonObject): unknown {
  if (provider === "openai") {
    const format = isRecord(body.response_format) ? body.response_format : null;
    return format?.type === "json_schema" && isRecord(format.json_schema) ? format.json_schema.schema : undefined;
  }
  const format = isRecord(body.output_config) && isRecord(body.output_config.format)
    ? body.output_config.format
    : isRecord(body.output_format) ? body.output_format : null;
  return format?.type === "json_schema" ? format.schema : undefined;
}

/** The default text; JSON when the caller asked for JSON, so a structured output survives a round trip. */
function defaultText(provider: Provider, body: JsonObject, model: string): string {
  const text = `Simulated answer from ${model}.`;
  const schema = outputSchema(provider, body);
  if (schema !== undefined) return JSON.stringify(argumentsFromSchema(schema));
  const jsonObject = provider === "openai" && isRecord(body.response_format) && body.response_format.type === "json_object";
  return jsonObject ? JSON.stringify({ answer: text }) : text;
}

/** What to answer: the step's content when it gives some, else the deterministic default. */
export function decideAnswer(provider: Provider, body: JsonObject, model: string, step: ScriptStep | null): Answer {
  let text: string | null;
  let calls: AnswerToolCall[] = [];
  if (step && (step.text !== undefined || step.toolCall !== undefined || step.toolCalls !== undefined)) {
    text = step.text ?? null;
    calls = [...(step.toolCall ? [step.toolCall] : []), ...(step.toolCalls ?? [])]
      .map((c) => toolCall(c.name, c.arguments));
  } else {
    const tool = chosenTool(provider, body);
    const rounds = marker(provider, body, "tool_rounds") ?? 1;
    const messages = Array.isArray(body.messages) ? body.messages : [];
    if (tool && toolResultCount(provider, messages) < rounds) {
      text = null;
      calls = [toolCall(tool.name, argumentsFromSchema(tool.schema))];
    } else {
      text = defaultText(provider, body, model);
    }
  }
  return { text, toolCalls: calls, finish: step?.finish ?? (calls.length > 0 ? "tool_calls" : "stop") };
}

interface WireUsage {
  input: number;
  output: number;
  cached: number;
  cacheCreation: number;
}

/** Token counts on the wire: estimated from the request, then the step's overrides as given. */
function wireUsage(provider: Provider, body: JsonObject, answer: Answer, step: ScriptStep | null): WireUsage {
  // About 4 characters a token, counting the system prompt on both wires (Anthropic keeps it apart).
  const system = provider === "anthropic" ? systemText(provider, body).length : 0;
  const estimate = Math.ceil((JSON.stringify(body.messages ?? []).length + system) / 4);
  const cached = step?.usage?.cachedTokens ?? marker(provider, body, "cached_tokens") ?? 0;
  const cacheCreation = step?.usage?.cacheCreationTokens ?? 0;
  // OpenAI's prompt_tokens include cached tokens; Anthropic's input_tokens exclude cache reads and writes.
  const input = provider === "openai" ? Math.max(estimate, cached) : Math.max(0, estimate - cached - cacheCreation);
  return {
    input: step?.usage?.inputTokens ?? input,
    output: step?.usage?.outputTokens ?? marker(provider, body, "output_tokens") ??
      (answer.toolCalls.length > 0 ? TOOL_CALL_OUTPUT_TOKENS : TEXT_OUTPUT_TOKENS),
    cached,
    cacheCreation,
  };
}

export function openaiCompletion(
  body: JsonObject,
  model: string,
  answer: Answer,
  step: ScriptStep | null,
  ids: IdSource,
): JsonObject {
  const usage = wireUsage("openai", body, answer, step);
  const finish = answer.finish === "stop_sequence" ? "stop" : answer.finish;
  const message: JsonObject = { role: "assistant", content: answer.text, refusal: null, annotations: [] };
  if (answer.toolCalls.length > 0) {
    message.tool_calls = answer.toolCalls.map((call) => ({
      id: ids.next("call_"),
      type: "function",
      function: { name: call.name, arguments: call.rawArguments },
    }));
  }
  return {
    id: ids.next("chatcmpl-"),
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finish }],
    usage: {
      prompt_tokens: usage.input,
      completion_tokens: usage.output,
      total_tokens: usage.input + usage.output,
      prompt_tokens_details: { cached_tokens: usage.cached, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    },
    service_tier: "default",
    system_fingerprint: "fp_simulator",
  };
}

const ANTHROPIC_STOP: Record<FinishReason, string> = {
  stop: "end_turn",
  length: "max_tokens",
  tool_calls: "tool_use",
  content_filter: "refusal",
  stop_sequence: "stop_sequence",
};

export function anthropicMessage(
  body: JsonObject,
  model: string,
  answer: Answer,
  step: ScriptStep | null,
  ids: IdSource,
): JsonObject {
  const usage = wireUsage("anthropic", body, answer, step);
  const content: JsonObject[] = [];
  if (answer.text !== null) content.push({ type: "text", text: answer.text });
  for (const call of answer.toolCalls) {
    content.push({ type: "tool_use", id: ids.next("toolu_"), name: call.name, input: call.input });
  }
  const stops = Array.isArray(body.stop_sequences) ? body.stop_sequences : [];
  return {
    id: ids.next("msg_"),
    type: "message",
    role: "assistant",
    model,
    content,
    stop_reason: ANTHROPIC_STOP[answer.finish],
    stop_sequence: answer.finish === "stop_sequence" ? String(stops[0] ?? "STOP") : null,
    usage: {
      input_tokens: usage.input,
      cache_creation_input_tokens: usage.cacheCreation,
      cache_read_input_tokens: usage.cached,
      cache_creation: { ephemeral_5m_input_tokens: usage.cacheCreation, ephemeral_1h_input_tokens: 0 },
      output_tokens: usage.output,
      service_tier: "standard",
    },
  };
}
