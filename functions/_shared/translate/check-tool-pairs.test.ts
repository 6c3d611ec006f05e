import assert from "node:assert/strict";
import { checkToolPairs } from "./check-tool-pairs.ts";
import { convertToAnthropicMessages } from "./convert-to-anthropic-messages.ts";
import { buildToolIdMap } from "./tool-id-map.ts";
import type { ChatCompletionMessageParam } from "./types.ts";

const call = (id: string) => ({ id, type: "function" as const, function: { name: "f", arguments: "{}" } });

function check(messages: ChatCompletionMessageParam[]): void {
  const toolIds = buildToolIdMap({
    ids: messages.flatMap((m) =>
      m.role === "assistant" ? (m.tool_calls ?? []).map((c) => c.id) : m.role === "tool" ? [m.tool_call_id] : []
    ),
  });
  const { messages: anthropicMessages } = convertToAnthropicMessages({ messages, toolIds });
  checkToolPairs({ messages, anthropicMessages, toolIds });
}

const validRows: Array<{ name: string; messages: ChatCompletionMessageParam[] }> = [
  {
    name: "two calls answered by two tool messages",
    messages: [
      { role: "user", content: "go" },
      { role: "assistant", content: null, tool_calls: [call("call_1"), call("x.2")] },
      { role: "tool", tool_call_id: "x.2", content: "b" },
      { role: "tool", tool_call_id: "call_1", content: "a" },
    ],
  },
  {
    name: "answered, then user text merged after the results",
    messages: [
      { role: "user", content: "go" },
      { role: "assistant", content: null, tool_calls: [call("call_1")] },
      { role: "tool", tool_call_id: "call_1", content: "a" },
      { role: "user", content: "thanks" },
    ],
  },
];

for (const { name, messages } of validRows) {
  Deno.test(`tool pairs: ${name} → accepted`, () => check(messages));
}

const errorRows: Array<{ name: string; messages: ChatCompletionMessageParam[]; param: string }> = [
  {
    name: "a call without a tool message",
    messages: [
      { role: "user", content: "go" },
      { role: "assistant", content: null, tool_calls: [call("call_1"), call("call_2")] },
      { role: "tool", tool_call_id: "call_1", content: "a" },
      { role: "user", content: "and?" },
    ],
    param: "messages[1].tool_calls[1].id",
  },
  {
    name: "a call as the last message (nothing can answer it)",
    messages: [{ role: "user", content: "go" }, { role: "assistant", content: null, tool_calls: [call("fn:1")] }],
    param: "messages[1].tool_calls[0].id",
  },
  {
    name: "a tool message answering no call",
    messages: [
      { role: "user", content: "go" },
      { role: "assistant", content: "ok" },
      { role: "tool", tool_call_id: "call_9", content: "a" },
    ],
    param: "messages[2].tool_call_id",
  },
  {
    name: "a tool message answering a call of an older turn",
    messages: [
      { role: "user", content: "go" },
      { role: "assistant", content: null, tool_calls: [call("call_1")] },
      { role: "tool", tool_call_id: "call_1", content: "a" },
      { role: "assistant", content: "done" },
      { role: "tool", tool_call_id: "call_1", content: "again" },
    ],
    param: "messages[4].tool_call_id",
  },
];

for (const { name, messages, param } of errorRows) {
  Deno.test(`tool pairs: ${name} → TranslationError`, () => {
    assert.throws(() => check(messages), { name: "TranslationError", param, code: "invalid_value" });
  });
}

Deno.test("tool pairs: the message names the caller's id, not the rewritten one", () => {
  const messages: ChatCompletionMessageParam[] = [
    { role: "user", content: "go" },
    { role: "assistant", content: null, tool_calls: [call("fn:1")] },
  ];
  assert.throws(() => check(messages), /tool call "fn:1" has no tool message/);
});
