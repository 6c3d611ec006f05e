import assert from "node:assert/strict";
import { withoutMutation } from "./test-support.ts";
import type { OpenAIChatRequest } from "./types.ts";
import { type ChatRequestCheck, validateChatRequest } from "./validate-chat-request.ts";

const hi = [{ role: "user", content: "hi" }];
const call = (id: string, args = "{}") => ({ id, type: "function", function: { name: "f", arguments: args } });
const refused = (param: string, code: string, message: string): ChatRequestCheck =>
  ({ ok: false, error: { param, code, message } } as ChatRequestCheck);

const rows: Array<{ name: string; request: unknown; expected: ChatRequestCheck }> = [
  { name: "a plain conversation", request: { messages: hi }, expected: { ok: true } },
  {
    name: "a tool round with tools, tool_choice and a JSON format",
    request: {
      messages: [...hi, { role: "assistant", content: null, tool_calls: [call("c.1")] }, { role: "tool", tool_call_id: "c.1", content: "r" }],
      tools: [{ type: "function", function: { name: "f" } }],
      tool_choice: { type: "function", function: { name: "f" } },
      parallel_tool_calls: false,
      response_format: { type: "json_object" },
      temperature: 1.7, stop: "\n", seed: 1,
    },
    expected: { ok: true },
  },
  { name: "a body that is not an object", request: null, expected: refused("messages", "invalid_type", "the body must be a JSON object with messages") },
  { name: "n = 2", request: { messages: hi, n: 2 }, expected: refused("n", "unsupported_value", "n must be 1: the router returns a single choice") },
  // Legacy functions are the tools they stand for (the adaptation converts them for every model).
  {
    name: "legacy functions with a function_call history",
    request: {
      messages: [...hi, { role: "assistant", content: null, function_call: { name: "f", arguments: "{}" } }, { role: "function", name: "f", content: "r" }],
      functions: [{ name: "f", parameters: { type: "object", properties: {} } }],
      function_call: "auto",
    },
    expected: { ok: true },
  },
  {
    name: "function_call without functions",
    request: { messages: hi, function_call: "auto" },
    expected: refused("function_call", "invalid_value", "function_call requires functions"),
  },
  {
    name: "a function message answering no call",
    request: { messages: [...hi, { role: "function", name: "f", content: "r" }], functions: [{ name: "f" }] },
    expected: refused("messages[1].name", "invalid_value", 'messages[1] (role function) answers no function_call "f" of an earlier assistant message'),
  },
  // PDFs: any data must be a PDF data URL; an OpenAI file_id is for OpenAI (Anthropic targets are skipped after the decision).
  {
    name: "a PDF file part with data",
    request: { messages: [{ role: "user", content: [{ type: "text", text: "Read" }, { type: "file", file: { filename: "a.pdf", file_data: "data:application/pdf;base64,JVBERi0=" } }] }] },
    expected: { ok: true },
  },
  {
    name: "a file part with an OpenAI file_id",
    request: { messages: [{ role: "user", content: [{ type: "file", file: { file_id: "file-abc" } }] }] },
    expected: { ok: true },
  },
  {
    name: "a file part that is not a PDF",
    request: { messages: [{ role: "user", content: [{ type: "file", file: { file_data: "data:text/plain;base64,aGk=" } }] }] },
    expected: refused("messages[0].content[0].file.file_data", "unsupported_value", "messages[0].content[0].file.file_data is text/plain: only PDF files are supported"),
  },
  {
    name: "a file part whose data is no data URL",
    request: { messages: [{ role: "user", content: [{ type: "file", file: { file_data: "JVBERi0=" } }] }] },
    expected: refused("messages[0].content[0].file.file_data", "invalid_value", "messages[0].content[0].file.file_data must be a base64 data URL (data:application/pdf;base64,...)"),
  },
  { name: "max_tokens 0", request: { messages: hi, max_tokens: 0 }, expected: refused("max_tokens", "integer_below_min_value", "Invalid 'max_tokens': integer below minimum value. Expected a value >= 1, but got 0 instead.") },
  { name: "temperature as text", request: { messages: hi, temperature: "hot" }, expected: refused("temperature", "invalid_type", "Invalid type for 'temperature': expected a decimal, but got a string instead.") },
  { name: "a stop sequence that is not text", request: { messages: hi, stop: ["a", 1] }, expected: refused("stop[1]", "invalid_type", "Invalid type for 'stop[1]': expected a string, but got an integer instead.") },
  { name: "user as a number", request: { messages: hi, user: 5 }, expected: refused("user", "invalid_type", "Invalid type for 'user': expected a string, but got an integer instead.") },
  { name: "no messages", request: { messages: [] }, expected: refused("messages", "empty_array", "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.") },
  {
    name: "an unknown role",
    request: { messages: [...hi, { role: "critic", content: "x" }] },
    expected: refused("messages[1].role", "invalid_value", "Invalid value: 'critic'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'."),
  },
  {
    name: "an audio part",
    request: { messages: [{ role: "user", content: [{ type: "input_audio", input_audio: { data: "", format: "wav" } }] }] },
    expected: refused("messages[0].content[0].type", "unsupported_value", 'messages[0].content[0].type "input_audio" is not supported when routing to Anthropic'),
  },
  {
    name: "an ftp image",
    request: { messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "ftp://x/y.png" } }] }] },
    expected: refused("messages[0].content[0].image_url.url", "invalid_value", "messages[0].content[0].image_url.url must be an http(s) URL or a base64 data URL"),
  },
  {
    name: "tool arguments that are not an object",
    request: { messages: [...hi, { role: "assistant", content: null, tool_calls: [call("c1", "[]")] }, { role: "tool", tool_call_id: "c1", content: "r" }] },
    expected: refused("messages[1].tool_calls[0].function.arguments", "invalid_value", "messages[1].tool_calls[0].function.arguments must encode a JSON object"),
  },
  {
    name: "an unanswered tool call",
    request: { messages: [...hi, { role: "assistant", content: null, tool_calls: [call("c1")] }] },
    expected: refused("messages[1].tool_calls[0].id", "invalid_value", 'tool call "c1" has no tool message answering it right after its assistant message'),
  },
  {
    name: "a tool message answering nothing",
    request: { messages: [...hi, { role: "assistant", content: "ok" }, { role: "tool", tool_call_id: "c9", content: "r" }] },
    expected: refused("messages[2].tool_call_id", "invalid_value", 'tool message for "c9" answers no tool call of the assistant message before it'),
  },
  { name: "tools not an array", request: { messages: hi, tools: {} }, expected: refused("tools", "invalid_type", "Invalid type for 'tools': expected an array, but got an object instead.") },
  {
    name: "a repeated tool name",
    request: { messages: hi, tools: [{ type: "function", function: { name: "f" } }, { type: "function", function: { name: "f" } }] },
    expected: refused("tools[1].function.name", "invalid_value", 'tools[1].function.name repeats the tool name "f"'),
  },
  {
    name: "tool_choice naming no given tool",
    request: { messages: hi, tools: [{ type: "function", function: { name: "f" } }], tool_choice: { type: "function", function: { name: "g" } } },
    expected: refused("tool_choice.function.name", "invalid_value", "tool_choice.function.name must name one of the given tools"),
  },
  {
    name: "parallel_tool_calls as text",
    request: { messages: hi, tools: [{ type: "function", function: { name: "f" } }], parallel_tool_calls: "yes" },
    expected: refused("parallel_tool_calls", "invalid_type", "Invalid type for 'parallel_tool_calls': expected a boolean, but got a string instead."),
  },
  {
    name: "a json_schema without a name",
    request: { messages: hi, response_format: { type: "json_schema", json_schema: { schema: {} } } },
    expected: refused("response_format.json_schema.name", "missing_required_parameter", "Missing required parameter: 'response_format.json_schema.name'."),
  },
  {
    name: "several faults: OpenAI's shape is checked before the translation rules (an unknown role before n)",
    request: { messages: [{ role: "critic", content: "x" }], n: 3, response_format: { type: "yaml" } },
    expected: refused("messages[0].role", "invalid_value", "Invalid value: 'critic'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'."),
  },
  {
    name: "several translation faults: the first rule met wins (parameters before messages)",
    request: { messages: [...hi, { role: "tool", tool_call_id: "c9", content: "r" }], n: 3 },
    expected: refused("n", "unsupported_value", "n must be 1: the router returns a single choice"),
  },
];

for (const { name, request, expected } of rows) {
  Deno.test(`validateChatRequest: ${name}`, () => {
    const input = { request: request as OpenAIChatRequest };
    assert.deepStrictEqual(withoutMutation(input, validateChatRequest), expected);
  });
}
