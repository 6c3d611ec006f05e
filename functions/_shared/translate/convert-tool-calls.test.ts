import assert from "node:assert/strict";
import { withoutMutation } from "./test-support.ts";
import { convertAssistantMessage, convertToolMessage, parseToolArguments } from "./convert-tool-calls.ts";
import { EMPTY_TOOL_ID_MAP } from "./tool-id-map.ts";
import type { ChatCompletionAssistantMessageParam, ChatCompletionToolMessageParam } from "./types.ts";

const PARAM = "messages[3].tool_calls[0].function.arguments";

const argumentRows: Array<{ name: string; text: string; expected: Record<string, unknown> }> = [
  { name: "an object", text: '{"city":"Paris","days":[1,2]}', expected: { city: "Paris", days: [1, 2] } },
  { name: "empty string (no-argument call)", text: "", expected: {} },
  { name: "whitespace", text: "  ", expected: {} },
];

for (const { name, text, expected } of argumentRows) {
  Deno.test(`tool arguments: ${name}`, () => {
    assert.deepStrictEqual(parseToolArguments({ text, param: PARAM }), expected);
  });
}

const argumentErrors: Array<{ name: string; text: unknown; code: string }> = [
  { name: "truncated JSON", text: '{"city":"Par', code: "invalid_value" },
  { name: "a JSON array", text: "[1,2]", code: "invalid_value" },
  { name: "a JSON string", text: '"Paris"', code: "invalid_value" },
  { name: "already an object", text: { city: "Paris" }, code: "invalid_type" },
];

for (const { name, text, code } of argumentErrors) {
  Deno.test(`tool arguments: ${name} → TranslationError naming the field`, () => {
    assert.throws(() => parseToolArguments({ text, param: PARAM }), { name: "TranslationError", param: PARAM, code });
  });
}

Deno.test("assistant message: null content and tool_calls → only tool_use blocks", () => {
  const message: ChatCompletionAssistantMessageParam = {
    role: "assistant",
    content: null,
    tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: '{"a":1}' } }],
  };
  const actual = withoutMutation(
    { message, param: "messages[1]", toolIds: EMPTY_TOOL_ID_MAP },
    convertAssistantMessage,
  );
  assert.deepStrictEqual(actual, [{ type: "tool_use", id: "call_1", name: "f", input: { a: 1 } }]);
});

Deno.test("tool message: text parts → text blocks, blank ones dropped", () => {
  const message: ChatCompletionToolMessageParam = {
    role: "tool",
    tool_call_id: "call_1",
    content: [{ type: "text", text: "line 1" }, { type: "text", text: " " }],
  };
  const actual = withoutMutation({ message, param: "messages[2]", toolIds: EMPTY_TOOL_ID_MAP }, convertToolMessage);
  assert.deepStrictEqual(actual, {
    type: "tool_result",
    tool_use_id: "call_1",
    content: [{ type: "text", text: "line 1" }],
  });
});

const messageErrors: Array<{ name: string; message: Record<string, unknown>; param: string; code: string }> = [
  {
    name: "custom tool call",
    message: { role: "assistant", tool_calls: [{ id: "c", type: "custom", custom: { name: "x", input: "" } }] },
    param: "messages[1].tool_calls[0].type",
    code: "unsupported_value",
  },
  {
    name: "tool call without id",
    message: { role: "assistant", tool_calls: [{ type: "function", function: { name: "f", arguments: "{}" } }] },
    param: "messages[1].tool_calls[0].id",
    code: "invalid_value",
  },
  {
    name: "legacy function_call",
    message: { role: "assistant", content: null, function_call: { name: "f", arguments: "{}" } },
    param: "messages[1].function_call",
    code: "unsupported_value",
  },
];

for (const { name, message, param, code } of messageErrors) {
  Deno.test(`assistant message: ${name} → TranslationError`, () => {
    const input = {
      message: message as unknown as ChatCompletionAssistantMessageParam,
      param: "messages[1]",
      toolIds: EMPTY_TOOL_ID_MAP,
    };
    assert.throws(() => convertAssistantMessage(input), { name: "TranslationError", param, code });
  });
}
