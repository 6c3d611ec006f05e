import assert from "node:assert/strict";
import { buildToolIdMap, toAnthropicToolId, toCallerToolId } from "../translate/tool-id-map.ts";
import { CLAUDE, GPT, withoutMutation } from "./test-support.ts";
import { uniqueToolIds, type UniqueToolIdsStep } from "./unique-tool-ids.ts";
import type { ModelCapabilities, OpenAIChatRequest } from "./types.ts";

type Messages = OpenAIChatRequest["messages"];
const call = (id: string, city: string) => ({
  id,
  type: "function" as const,
  function: { name: "get_weather", arguments: JSON.stringify({ city }) },
});
const turn = (ids: string[], cities: string[]): Messages => [
  { role: "assistant", content: null, tool_calls: ids.map((id, k) => call(id, cities[k])) },
  ...ids.map((id, k): Messages[number] => ({ role: "tool", tool_call_id: id, content: `${cities[k]}: 18°C` })),
];
const reused: Messages = [
  { role: "user", content: "Paris?" },
  ...turn(["call_0"], ["Paris"]),
  { role: "user", content: "Berlin and Rome?" },
  ...turn(["call_0", "call_1"], ["Berlin", "Rome"]),
];

const rows: Array<{ name: string; model: ModelCapabilities; messages: Messages; expected: UniqueToolIdsStep }> = [
  {
    name: "openai-compatible: reused ids pass (OpenAI accepts them)",
    model: GPT,
    messages: reused,
    expected: { request: { messages: reused }, warnings: [], toCaller: new Map() },
  },
  {
    name: "anthropic: unique ids → unchanged",
    model: CLAUDE,
    messages: [{ role: "user", content: "Paris?" }, ...turn(["call_0"], ["Paris"])],
    expected: {
      request: { messages: [{ role: "user", content: "Paris?" }, ...turn(["call_0"], ["Paris"])] },
      warnings: [],
      toCaller: new Map(),
    },
  },
  {
    name: "anthropic: an id reused in a later turn → renamed on the call and its answer, mapped back",
    model: CLAUDE,
    messages: reused,
    expected: {
      request: {
        messages: [
          { role: "user", content: "Paris?" },
          ...turn(["call_0"], ["Paris"]),
          { role: "user", content: "Berlin and Rome?" },
          {
            role: "assistant",
            content: null,
            tool_calls: [call("call_0__2", "Berlin"), call("call_1", "Rome")],
          },
          { role: "tool", tool_call_id: "call_0__2", content: "Berlin: 18°C" },
          { role: "tool", tool_call_id: "call_1", content: "Rome: 18°C" },
        ],
      },
      warnings: ['messages[4].tool_calls[0].id "call_0" repeats an earlier call: sent as "call_0__2"'],
      toCaller: new Map([["call_0__2", "call_0"]]),
    },
  },
  {
    name: "anthropic: a name the caller already uses is skipped; a repeat inside one message is renamed too",
    model: CLAUDE,
    messages: [
      { role: "user", content: "Go" },
      ...turn(["a", "a__2"], ["X", "Y"]),
      ...turn(["a", "a"], ["Z", "W"]),
    ],
    expected: {
      request: {
        messages: [
          { role: "user", content: "Go" },
          ...turn(["a", "a__2"], ["X", "Y"]),
          { role: "assistant", content: null, tool_calls: [call("a__3", "Z"), call("a__4", "W")] },
          { role: "tool", tool_call_id: "a__3", content: "Z: 18°C" },
          { role: "tool", tool_call_id: "a__4", content: "W: 18°C" },
        ],
      },
      warnings: [
        'messages[4].tool_calls[0].id "a" repeats an earlier call: sent as "a__3"',
        'messages[4].tool_calls[1].id "a" repeats an earlier call: sent as "a__4"',
      ],
      toCaller: new Map([["a__3", "a"], ["a__4", "a"]]),
    },
  },
];

for (const { name, model, messages, expected } of rows) {
  Deno.test(`unique tool ids: ${name}`, () => {
    assert.deepStrictEqual(withoutMutation({ request: { messages }, model }, uniqueToolIds), expected);
  });
}

Deno.test("unique tool ids: composes with the translator's id map both ways", () => {
  const messages: Messages = [
    { role: "user", content: "Go" },
    ...turn(["functions.get_weather:0"], ["Paris"]),
    ...turn(["functions.get_weather:0"], ["Berlin"]),
  ];
  const { request, toCaller } = uniqueToolIds({ request: { messages }, model: CLAUDE });
  const sent = request.messages.flatMap((m) =>
    m.role === "assistant" ? (m.tool_calls ?? []).map((c) => c.id) : m.role === "tool" ? [m.tool_call_id] : []
  );
  assert.deepStrictEqual(sent, [
    "functions.get_weather:0",
    "functions.get_weather:0",
    "functions.get_weather:0__2",
    "functions.get_weather:0__2",
  ]);
  const toolIds = buildToolIdMap({ ids: sent });
  const onWire = sent.map((id) => toAnthropicToolId({ toolIds, id }));
  assert.strictEqual(new Set(onWire).size, 2, "one Anthropic id per call, shared with its result");
  const back = onWire.map((id) => {
    const adapted = toCallerToolId({ toolIds, id });
    return toCaller.get(adapted) ?? adapted;
  });
  assert.deepStrictEqual(
    back,
    messages.flatMap((m) =>
      m.role === "assistant" ? (m.tool_calls ?? []).map((c) => c.id) : m.role === "tool" ? [m.tool_call_id] : []
    ),
  );
});
