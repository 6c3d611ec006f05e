import assert from "node:assert/strict";
import { adaptResponse } from "./adapt-response.ts";
import { completionOf, withoutMutation } from "./test-support.ts";
import type { ChatCompletion, ResponseRestore } from "./types.ts";

const NOTHING: ResponseRestore = { toolIds: new Map(), forcedTool: null, legacyFunctions: false };
const toolAnswer = (name: string, id = "toolu_01") =>
  completionOf({
    message: {
      role: "assistant",
      content: null,
      refusal: null,
      tool_calls: [{ id, type: "function", function: { name, arguments: '{"answer":4}' } }],
    },
    finish_reason: "tool_calls",
  });

const rows: Array<{
  name: string;
  completion: ChatCompletion;
  restore: ResponseRestore;
  expected: { completion: ChatCompletion; warnings: string[] };
}> = [
  {
    name: "nothing to restore → unchanged",
    completion: toolAnswer("f"),
    restore: NOTHING,
    expected: { completion: toolAnswer("f"), warnings: [] },
  },
  {
    name: "forced tool and legacy functions: the forced answer is content, not a function_call",
    completion: toolAnswer("math_answer"),
    restore: { ...NOTHING, forcedTool: "math_answer", legacyFunctions: true },
    expected: {
      completion: completionOf({
        message: { role: "assistant", content: '{"answer":4}', refusal: null },
        finish_reason: "stop",
      }),
      warnings: [],
    },
  },
  {
    name: "legacy functions with a renamed id: function_call (ids do not show there)",
    completion: toolAnswer("get_weather", "call_0__2"),
    restore: { toolIds: new Map([["call_0__2", "call_0"]]), forcedTool: null, legacyFunctions: true },
    expected: {
      completion: completionOf({
        message: {
          role: "assistant",
          content: null,
          refusal: null,
          function_call: { name: "get_weather", arguments: '{"answer":4}' },
        },
        finish_reason: "function_call",
      }),
      warnings: [],
    },
  },
  {
    name: "a renamed id → the caller's",
    completion: toolAnswer("get_weather", "call_0__2"),
    restore: { ...NOTHING, toolIds: new Map([["call_0__2", "call_0"]]) },
    expected: { completion: toolAnswer("get_weather", "call_0"), warnings: [] },
  },
];

for (const { name, completion, restore, expected } of rows) {
  Deno.test(`adapt response: ${name}`, () => {
    assert.deepStrictEqual(withoutMutation({ completion, restore }, adaptResponse), expected);
  });
}
