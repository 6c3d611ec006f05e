import assert from "node:assert/strict";
import { restoreToolIds } from "./restore-tool-ids.ts";
import { completionOf, withoutMutation } from "./test-support.ts";
import type { ChatCompletion } from "./types.ts";

const call = (id: string) => ({ id, type: "function" as const, function: { name: "f", arguments: "{}" } });
const withCalls = (...ids: string[]): ChatCompletion =>
  completionOf({
    message: { role: "assistant", content: null, refusal: null, tool_calls: ids.map(call) },
    finish_reason: "tool_calls",
  });

const rows: Array<{ name: string; input: ChatCompletion; toCaller: Map<string, string>; expected: ChatCompletion }> = [
  {
    name: "a renamed id goes back; a provider's own id stays",
    input: withCalls("call_0__2", "toolu_01New"),
    toCaller: new Map([["call_0__2", "call_0"]]),
    expected: withCalls("call_0", "toolu_01New"),
  },
  {
    name: "empty map → unchanged",
    input: withCalls("call_0__2"),
    toCaller: new Map(),
    expected: withCalls("call_0__2"),
  },
  {
    name: "no tool calls → unchanged",
    input: completionOf({ message: { role: "assistant", content: "ok", refusal: null }, finish_reason: "stop" }),
    toCaller: new Map([["a__2", "a"]]),
    expected: completionOf({ message: { role: "assistant", content: "ok", refusal: null }, finish_reason: "stop" }),
  },
];

for (const { name, input, toCaller, expected } of rows) {
  Deno.test(`restore tool ids: ${name}`, () => {
    assert.deepStrictEqual(withoutMutation({ completion: input, toCaller }, restoreToolIds), expected);
  });
}
