import assert from "node:assert/strict";
import { CONTINUE_PROMPT, endWithoutPrefill } from "./end-without-prefill.ts";
import { CLAUDE, GPT, withoutMutation } from "./test-support.ts";
import type { AdaptStep, ModelCapabilities, OpenAIChatRequest } from "./types.ts";

const NO_PREFILL: ModelCapabilities = { ...CLAUDE, model: "claude-opus-4-6", supportsPrefill: false };
type Messages = OpenAIChatRequest["messages"];
const question: Messages = [{ role: "user", content: "Write a haiku about rain." }];
const prefilled: Messages = [...question, { role: "assistant", content: "Soft rain on" }];

const rows: Array<{ name: string; model: ModelCapabilities; messages: Messages; expected: AdaptStep }> = [
  {
    name: "no prefill support: a user turn asking to continue follows the assistant message",
    model: NO_PREFILL,
    messages: prefilled,
    expected: {
      request: { messages: [...prefilled, { role: "user", content: CONTINUE_PROMPT }] },
      warnings: [
        "messages[1] (a trailing assistant message) sent as a normal turn, followed by a user turn asking to continue: claude-opus-4-6 does not take a prefill",
      ],
    },
  },
  {
    name: "prefill support: kept as a prefill",
    model: CLAUDE,
    messages: prefilled,
    expected: { request: { messages: prefilled }, warnings: [] },
  },
  {
    name: "openai-compatible: unchanged",
    model: GPT,
    messages: prefilled,
    expected: { request: { messages: prefilled }, warnings: [] },
  },
  {
    name: "ending with a user message: unchanged",
    model: NO_PREFILL,
    messages: question,
    expected: { request: { messages: question }, warnings: [] },
  },
  {
    name: "a trailing assistant message with tool calls is left to the tool-pair check",
    model: NO_PREFILL,
    messages: [...question, {
      role: "assistant",
      content: null,
      tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: "{}" } }],
    }],
    expected: {
      request: {
        messages: [...question, {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: "{}" } }],
        }],
      },
      warnings: [],
    },
  },
];

for (const { name, model, messages, expected } of rows) {
  Deno.test(`prefill: ${name}`, () => {
    assert.deepStrictEqual(withoutMutation({ request: { messages }, model }, endWithoutPrefill), expected);
  });
}
