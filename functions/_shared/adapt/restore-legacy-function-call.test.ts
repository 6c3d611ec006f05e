import assert from "node:assert/strict";
import { restoreLegacyFunctionCall } from "./restore-legacy-function-call.ts";
import { completionOf, withoutMutation } from "./test-support.ts";
import type { ChatCompletion } from "./types.ts";

const weather = (id: string, city: string) => ({
  id,
  type: "function" as const,
  function: { name: "get_weather", arguments: JSON.stringify({ city }) },
});

const rows: Array<
  { name: string; input: ChatCompletion; expected: { completion: ChatCompletion; warnings: string[] } }
> = [
  {
    name: "one tool call → function_call, finish_reason function_call",
    input: completionOf({
      message: { role: "assistant", content: null, refusal: null, tool_calls: [weather("toolu_01", "Paris")] },
      finish_reason: "tool_calls",
    }),
    expected: {
      completion: completionOf({
        message: {
          role: "assistant",
          content: null,
          refusal: null,
          function_call: { name: "get_weather", arguments: '{"city":"Paris"}' },
        },
        finish_reason: "function_call",
      }),
      warnings: [],
    },
  },
  {
    name: "several calls → the first, the rest said dropped",
    input: completionOf({
      message: {
        role: "assistant",
        content: "Checking.",
        refusal: null,
        tool_calls: [weather("toolu_01", "Paris"), weather("toolu_02", "Rome")],
      },
      finish_reason: "tool_calls",
    }),
    expected: {
      completion: completionOf({
        message: {
          role: "assistant",
          content: "Checking.",
          refusal: null,
          function_call: { name: "get_weather", arguments: '{"city":"Paris"}' },
        },
        finish_reason: "function_call",
      }),
      warnings: ["choices[0]: 1 further tool call(s) dropped: legacy function_call holds one"],
    },
  },
  {
    name: "a text answer → unchanged",
    input: completionOf({ message: { role: "assistant", content: "Hi", refusal: null }, finish_reason: "stop" }),
    expected: {
      completion: completionOf({ message: { role: "assistant", content: "Hi", refusal: null }, finish_reason: "stop" }),
      warnings: [],
    },
  },
];

for (const { name, input, expected } of rows) {
  Deno.test(`legacy function_call: ${name}`, () => {
    assert.deepStrictEqual(withoutMutation({ completion: input }, restoreLegacyFunctionCall), expected);
  });
}
