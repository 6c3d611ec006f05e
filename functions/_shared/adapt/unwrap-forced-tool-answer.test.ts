import assert from "node:assert/strict";
import { parseChatCompletion } from "openai/lib/parser";
import { completionOf, withoutMutation } from "./test-support.ts";
import type { ChatCompletion } from "./types.ts";
import { unwrapForcedToolAnswer } from "./unwrap-forced-tool-answer.ts";

const completion = completionOf;
const answerCall = {
  id: "toolu_01A",
  type: "function" as const,
  function: { name: "math_answer", arguments: '{"answer":4}' },
};

const rows: Array<{ name: string; input: ChatCompletion; expected: ChatCompletion }> = [
  {
    name: "the forced call → JSON content, stop",
    input: completion({
      message: { role: "assistant", content: null, refusal: null, tool_calls: [answerCall] },
      finish_reason: "tool_calls",
    }),
    expected: completion({
      message: { role: "assistant", content: '{"answer":4}', refusal: null },
      finish_reason: "stop",
    }),
  },
  {
    name: "a truncated answer keeps finish_reason length",
    input: completion({
      message: {
        role: "assistant",
        content: null,
        refusal: null,
        tool_calls: [{ ...answerCall, function: { name: "math_answer", arguments: '{"ans' } }],
      },
      finish_reason: "length",
    }),
    expected: completion({ message: { role: "assistant", content: '{"ans', refusal: null }, finish_reason: "length" }),
  },
  {
    name: "no call of that tool → unchanged",
    input: completion({ message: { role: "assistant", content: "4", refusal: null }, finish_reason: "stop" }),
    expected: completion({ message: { role: "assistant", content: "4", refusal: null }, finish_reason: "stop" }),
  },
];

for (const { name, input, expected } of rows) {
  Deno.test(`unwrap forced tool: ${name}`, () => {
    const actual = withoutMutation({ completion: input, toolName: "math_answer" }, unwrapForcedToolAnswer);
    assert.deepStrictEqual(actual, expected);
  });
}

Deno.test("unwrap forced tool: the OpenAI SDK's own parse step reads the answer", () => {
  const unwrapped = unwrapForcedToolAnswer({
    completion: completion({
      message: { role: "assistant", content: null, refusal: null, tool_calls: [answerCall] },
      finish_reason: "tool_calls",
    }),
    toolName: "math_answer",
  });
  // What `chat.completions.parse()` runs on the response, with the caller's own params.
  const parsed = parseChatCompletion(unwrapped, {
    model: "router",
    messages: [{ role: "user", content: "2+2?" }],
    response_format: {
      type: "json_schema",
      json_schema: { name: "math_answer", schema: { type: "object", properties: { answer: { type: "number" } } } },
    },
  });
  assert.deepStrictEqual(parsed.choices[0].message.parsed, { answer: 4 });
});
