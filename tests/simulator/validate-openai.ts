// Request validation of the PROVIDER SIMULATOR (a test double) for OpenAI chat completions.
// It rejects, with OpenAI's own messages, what the real API rejects in the parts a router touches
// (roles, tool_calls / tool pairing, tools), so a translated conversation is proven valid on the wire.
import { isRecord } from "./types.ts";

export interface Invalid {
  message: string;
  param: string | null;
  /** OpenAI's `error.code` (unsupported_value, invalid_value, ...); null or absent when it sends none. */
  code?: string | null;
}

const ROLES = ["system", "developer", "user", "assistant", "tool", "function"];
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

const missing = (param: string): Invalid => ({ message: `Missing required parameter: '${param}'.`, param });
const wrongType = (param: string, expected: string, got: unknown): Invalid => ({
  message: `Invalid type for '${param}': expected ${expected}, but got ${describe(got)} instead.`,
  param,
});

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

function validateToolCalls(calls: unknown, at: string): Invalid | null {
  if (!Array.isArray(calls)) return wrongType(at, "an array", calls);
  for (const [j, call] of calls.entries()) {
    const p = `${at}[${j}]`;
    if (!isRecord(call)) return wrongType(p, "an object", call);
    if (typeof call.id !== "string") return missing(`${p}.id`);
    if (call.type !== "function") return { message: `Invalid value for '${p}.type': expected 'function'.`, param: `${p}.type` };
    if (!isRecord(call.function)) return missing(`${p}.function`);
    if (typeof call.function.name !== "string") return missing(`${p}.function.name`);
    if (typeof call.function.arguments !== "string") {
      return wrongType(`${p}.function.arguments`, "a string", call.function.arguments);
    }
  }
  return null;
}

function validateMessages(messages: unknown): Invalid | null {
  if (messages === undefined) return missing("messages");
  if (!Array.isArray(messages)) return wrongType("messages", "an array", messages);
  if (messages.length === 0) {
    return {
      message: "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      param: "messages",
    };
  }
  // Tool-call ids of the latest assistant turn that still await a `tool` answer.
  let pending: { ids: Set<string>; at: number } | null = null;
  for (const [i, message] of messages.entries()) {
    const at = `messages[${i}]`;
    if (!isRecord(message)) return wrongType(at, "an object", message);
    const role = message.role;
    if (typeof role !== "string") return missing(`${at}.role`);
    if (!ROLES.includes(role)) {
      return {
        message: `Invalid value: '${role}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`,
        param: `${at}.role`,
      };
    }
    if (pending && role !== "tool") {
      if (pending.ids.size > 0) return unanswered(pending.ids, pending.at);
      pending = null;
    }
    if (role === "tool") {
      if (typeof message.tool_call_id !== "string") return missing(`${at}.tool_call_id`);
      if (!("content" in message)) return missing(`${at}.content`);
      if (!pending) {
        return {
          message: "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
          param: `messages.[${i}].role`,
        };
      }
      if (!pending.ids.delete(message.tool_call_id)) {
        return {
          message: `Invalid parameter: 'tool_call_id' of '${message.tool_call_id}' not found in 'tool_calls' of previous message.`,
          param: `messages.[${i}].tool_call_id`,
        };
      }
      continue;
    }
    if (role === "assistant") {
      const calls = message.tool_calls;
      if (calls !== undefined && calls !== null) {
        const bad = validateToolCalls(calls, `${at}.tool_calls`);
        if (bad) return bad;
        const ids = (calls as { id: string }[]).map((c) => c.id);
        if (ids.length > 0) pending = { ids: new Set(ids), at: i };
      } else if (message.content === undefined || message.content === null) {
        return missing(`${at}.content`);
      }
      continue;
    }
    if (message.content === undefined || message.content === null) return missing(`${at}.content`);
  }
  if (pending && pending.ids.size > 0) return unanswered(pending.ids, pending.at);
  return null;
}

function unanswered(ids: Set<string>, at: number): Invalid {
  return {
    message: "An assistant message with 'tool_calls' must be followed by tool messages responding to each " +
      `'tool_call_id'. The following tool_call_ids did not have response messages: ${[...ids].join(", ")}`,
    param: `messages.[${at}].role`,
  };
}

function validateTools(tools: unknown, toolChoice: unknown): Invalid | null {
  if (tools === undefined || tools === null) {
    if (toolChoice !== undefined && toolChoice !== null) {
      return {
        message: "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
        param: "tool_choice",
      };
    }
    return null;
  }
  if (!Array.isArray(tools)) return wrongType("tools", "an array", tools);
  for (const [i, tool] of tools.entries()) {
    const at = `tools[${i}]`;
    if (!isRecord(tool) || tool.type !== "function" || !isRecord(tool.function)) return missing(`${at}.function`);
    if (typeof tool.function.name !== "string" || !TOOL_NAME.test(tool.function.name)) {
      return {
        message: `Invalid '${at}.function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`,
        param: `${at}.function.name`,
      };
    }
  }
  return null;
}

/** Null when the real API would accept the body (in the parts checked), else its 400. */
/** The body's fields, as the openai SDK's ChatCompletionCreateParams lists them: any other is refused. */
const PARAMS = new Set([
  "messages", "model", "audio", "frequency_penalty", "function_call", "functions", "logit_bias", "logprobs",
  "max_completion_tokens", "max_tokens", "metadata", "modalities", "moderation", "n", "parallel_tool_calls", "prediction",
  "presence_penalty", "prompt_cache_key", "prompt_cache_options", "prompt_cache_retention", "reasoning_effort",
  "response_format", "safety_identifier", "seed", "service_tier", "stop", "store", "stream", "stream_options",
  "temperature", "tool_choice", "tools", "top_logprobs", "top_p", "user", "verbosity", "web_search_options",
]);
const EFFORTS = ["none", "minimal", "low", "medium", "high", "xhigh", "max"];

export function validateOpenAIRequest(body: unknown): Invalid | null {
  if (!isRecord(body)) return { message: "We could not parse the JSON body of your request.", param: null };
  const unknown = Object.keys(body).find((key) => !PARAMS.has(key));
  if (unknown !== undefined) return { message: `Unrecognized request argument supplied: ${unknown}`, param: null, code: null };
  if (body.reasoning_effort !== undefined && body.reasoning_effort !== null && !EFFORTS.includes(String(body.reasoning_effort))) {
    return {
      message: `Invalid value: '${String(body.reasoning_effort)}'. Supported values are: ${EFFORTS.map((e) => `'${e}'`).join(", ")}.`,
      param: "reasoning_effort",
      code: "invalid_value",
    };
  }
  if (typeof body.model !== "string" || body.model === "") {
    return { message: "you must provide a model parameter", param: null };
  }
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== "boolean") {
    return { message: `Invalid type for 'stream': expected a boolean, but got ${typeof body.stream} instead.`, param: "stream", code: "invalid_type" };
  }
  if (body.stream_options !== undefined && body.stream_options !== null && body.stream !== true) {
    return { message: "The 'stream_options' parameter is only allowed when 'stream' is enabled.", param: "stream_options" };
  }
  if (typeof body.temperature === "number" && (body.temperature < 0 || body.temperature > 2)) {
    return {
      message: `Invalid 'temperature': decimal out of range. Expected a value between 0 and 2, but got ${body.temperature} instead.`,
      param: "temperature",
    };
  }
  return validateMessages(body.messages) ?? validateTools(body.tools, body.tool_choice);
}
