import assert from "node:assert/strict";
import { withoutMutation } from "./test-support.ts";
import { CONVERSATION_CONTINUES, convertToAnthropicMessages } from "./convert-to-anthropic-messages.ts";
import { buildToolIdMap, EMPTY_TOOL_ID_MAP } from "./tool-id-map.ts";
import type { AnthropicTurn, ChatCompletionMessageParam } from "./types.ts";

type Expected = { system: string | undefined; messages: AnthropicTurn[]; warnings: string[] };
const text = (t: string) => ({ type: "text" as const, text: t });
const user = (...content: AnthropicTurn["content"]): AnthropicTurn => ({ role: "user", content });
const assistant = (...content: AnthropicTurn["content"]): AnthropicTurn => ({ role: "assistant", content });
const PREFILL_WARNING = "messages end with an assistant message: Anthropic continues it rather than starting a new one";

const rows: Array<{ name: string; messages: ChatCompletionMessageParam[]; expected: Expected }> = [
  {
    name: "no system message → system undefined",
    messages: [{ role: "user", content: "Hi" }],
    expected: { system: undefined, messages: [user(text("Hi"))], warnings: [] },
  },
  {
    name: "only system / developer instructions → they are the user turn, no system prompt",
    messages: [{ role: "system", content: "Tell a joke." }, { role: "developer", content: [{ type: "text", text: "Keep it short." }] }],
    expected: {
      system: undefined,
      messages: [user(text("Tell a joke.\nKeep it short."))],
      warnings: ["messages hold only system / developer instructions: sent as the user turn"],
    },
  },
  {
    name: "system in the middle and developer join the system prompt in order",
    messages: [
      { role: "developer", content: "Be brief." },
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Hello!" },
      { role: "system", content: [{ type: "text", text: "Now answer in French." }] },
      { role: "user", content: "How are you?" },
    ],
    expected: {
      system: "Be brief.\nNow answer in French.",
      messages: [user(text("Hi")), assistant(text("Hello!")), user(text("How are you?"))],
      warnings: [],
    },
  },
  {
    name: "consecutive user messages merge; a system message between them does not split them",
    messages: [
      { role: "user", content: "First." },
      { role: "system", content: "Rule." },
      { role: "user", content: [{ type: "text", text: "Second." }, { type: "text", text: "Third." }] },
    ],
    expected: { system: "Rule.", messages: [user(text("First."), text("Second."), text("Third."))], warnings: [] },
  },
  {
    name: "empty and whitespace-only texts are dropped, and a message left empty disappears",
    messages: [
      { role: "system", content: "" },
      {
        role: "user",
        content: [{ type: "text", text: "" }, { type: "text", text: "Hi" }, { type: "text", text: " \n" }],
      },
      { role: "assistant", content: "   " },
      { role: "user", content: "" },
      { role: "assistant", content: [{ type: "text", text: "" }, { type: "text", text: "Yes?" }] },
      { role: "user", content: "Go on" },
    ],
    expected: {
      system: undefined,
      messages: [user(text("Hi")), assistant(text("Yes?")), user(text("Go on"))],
      warnings: [],
    },
  },
  {
    name: "a conversation that starts with an assistant message gets a neutral user turn first",
    messages: [{ role: "assistant", content: "Welcome back!" }, { role: "user", content: "Thanks" }],
    expected: {
      system: undefined,
      messages: [user(text(CONVERSATION_CONTINUES)), assistant(text("Welcome back!")), user(text("Thanks"))],
      warnings: [`messages start with an assistant message: "${CONVERSATION_CONTINUES}" user turn added`],
    },
  },
  {
    name: "a final assistant message is a prefill with trailing whitespace trimmed",
    messages: [{ role: "user", content: "Write JSON" }, { role: "assistant", content: "Sure: {\n" }],
    expected: {
      system: undefined,
      messages: [user(text("Write JSON")), assistant(text("Sure: {"))],
      warnings: [PREFILL_WARNING],
    },
  },
  {
    name: "a replayed OpenAI refusal (content null, refusal text) and refusal parts stay text",
    messages: [
      { role: "user", content: "Do something bad" },
      { role: "assistant", content: null, refusal: "I can't help with that." },
      { role: "user", content: "Fine" },
      { role: "assistant", content: [{ type: "refusal", refusal: "Still no." }] },
      { role: "user", content: "Ok" },
    ],
    expected: {
      system: undefined,
      messages: [
        user(text("Do something bad")),
        assistant(text("I can't help with that.")),
        user(text("Fine")),
        assistant(text("Still no.")),
        user(text("Ok")),
      ],
      warnings: [],
    },
  },
  {
    name: "tool messages → tool_result first; user text before them moves after; empty result has no content",
    messages: [
      { role: "user", content: "Go" },
      {
        role: "assistant",
        content: "Calling.",
        tool_calls: [
          { id: "call_1", type: "function", function: { name: "a", arguments: "{}" } },
          { id: "call_2", type: "function", function: { name: "b", arguments: "" } },
        ],
      },
      { role: "user", content: "(while you work: hurry)" },
      { role: "tool", tool_call_id: "call_1", content: "done" },
      { role: "tool", tool_call_id: "call_2", content: "" },
    ],
    expected: {
      system: undefined,
      messages: [
        user(text("Go")),
        assistant(text("Calling."), { type: "tool_use", id: "call_1", name: "a", input: {} }, {
          type: "tool_use",
          id: "call_2",
          name: "b",
          input: {},
        }),
        user(
          { type: "tool_result", tool_use_id: "call_1", content: "done" },
          { type: "tool_result", tool_use_id: "call_2" },
          text("(while you work: hurry)"),
        ),
      ],
      warnings: [],
    },
  },
  {
    name: "two assistant messages in a row merge, text before tool_use",
    messages: [
      { role: "user", content: "Go" },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "call_1", type: "function", function: { name: "a", arguments: '{"x":1}' } }],
      },
      { role: "assistant", content: "Working on it." },
      { role: "tool", tool_call_id: "call_1", content: "ok" },
    ],
    expected: {
      system: undefined,
      messages: [
        user(text("Go")),
        assistant(text("Working on it."), { type: "tool_use", id: "call_1", name: "a", input: { x: 1 } }),
        user({ type: "tool_result", tool_use_id: "call_1", content: "ok" }),
      ],
      warnings: [],
    },
  },
];

for (const { name, messages, expected } of rows) {
  Deno.test(`messages: ${name}`, () => {
    const actual = withoutMutation({ messages, toolIds: EMPTY_TOOL_ID_MAP }, convertToAnthropicMessages);
    assert.deepStrictEqual(actual, expected);
  });
}

Deno.test("messages: ids with dots and colons are rewritten the same way on both sides", () => {
  const toolIds = buildToolIdMap({ ids: ["fn.a:0"] });
  const mapped = toolIds.toAnthropic.get("fn.a:0");
  const { messages } = convertToAnthropicMessages({
    toolIds,
    messages: [
      { role: "user", content: "Go" },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "fn.a:0", type: "function", function: { name: "a", arguments: "{}" } }],
      },
      { role: "tool", tool_call_id: "fn.a:0", content: "ok" },
    ],
  });
  assert.ok(mapped !== undefined && /^[a-zA-Z0-9_-]+$/.test(mapped));
  assert.deepStrictEqual(messages.slice(1), [
    assistant({ type: "tool_use", id: mapped, name: "a", input: {} }),
    user({ type: "tool_result", tool_use_id: mapped, content: "ok" }),
  ]);
});

const errorRows: Array<{ name: string; messages: unknown; error: Record<string, unknown> }> = [
  { name: "messages empty", messages: [], error: { param: "messages" } },
  { name: "messages not an array", messages: "hi", error: { param: "messages" } },
  { name: "an entry that is not an object", messages: [null], error: { param: "messages[0]", code: "invalid_type" } },
  {
    name: "unknown role",
    messages: [{ role: "user", content: "a" }, { role: "robot", content: "b" }],
    error: { param: "messages[1].role" },
  },
  {
    name: "legacy function role",
    messages: [{ role: "function", name: "f", content: "x" }],
    error: { param: "messages[0].role", code: "unsupported_value" },
  },
  {
    name: "user content a number",
    messages: [{ role: "user", content: 5 }],
    error: { param: "messages[0].content", code: "invalid_type" },
  },
  {
    name: "system part not text",
    messages: [{ role: "system", content: [{ type: "image_url" }] }],
    error: { param: "messages[0].content[0]" },
  },
  {
    name: "audio part",
    messages: [{ role: "user", content: [{ type: "input_audio", input_audio: {} }] }],
    error: { param: "messages[0].content[0].type", code: "unsupported_value" },
  },
  {
    name: "ftp image",
    messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "ftp://x/y.png" } }] }],
    error: { param: "messages[0].content[0].image_url.url" },
  },
];

for (const { name, messages, error } of errorRows) {
  Deno.test(`messages: ${name} → TranslationError`, () => {
    const input = { messages: messages as ChatCompletionMessageParam[], toolIds: EMPTY_TOOL_ID_MAP };
    assert.throws(() => convertToAnthropicMessages(input), { name: "TranslationError", ...error });
  });
}
