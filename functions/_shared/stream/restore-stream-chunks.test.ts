import assert from "node:assert/strict";
import type { ResponseRestore } from "../adapt/mod.ts";
import { INITIAL_STREAM_RESTORE_STATE, restoreStreamChunk, streamRestoreWarnings } from "./restore-stream-chunks.ts";
import { deepFreeze, FIXTURE_CREATED, FIXTURE_MODEL } from "./test-support.ts";
import type { ChatCompletionChunk } from "./types.ts";

type Delta = ChatCompletionChunk.Choice.Delta;
type Finish = ChatCompletionChunk.Choice["finish_reason"];

const chunk = (delta: Delta, finish: Finish = null): ChatCompletionChunk => ({
  id: "chatcmpl-1",
  object: "chat.completion.chunk",
  created: FIXTURE_CREATED,
  model: FIXTURE_MODEL,
  choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
});
const call = (index: number, fields: { id?: string; name?: string; arguments?: string }): Delta["tool_calls"] => [{
  index,
  ...(fields.id === undefined ? {} : { id: fields.id, type: "function" as const }),
  function: { ...(fields.name === undefined ? {} : { name: fields.name }), arguments: fields.arguments ?? "" },
}];
const restore = (over: Partial<ResponseRestore>): ResponseRestore => ({ toolIds: new Map(), forcedTool: null, legacyFunctions: false, ...over });

/** Runs the chunks through the reducer: what the caller gets, and the warnings at the end. */
function run(chunks: ChatCompletionChunk[], how: ResponseRestore): { chunks: ChatCompletionChunk[]; warnings: string[] } {
  let state = INITIAL_STREAM_RESTORE_STATE;
  const out = chunks.map((c) => {
    const step = restoreStreamChunk(deepFreeze({ state, chunk: c, restore: how }));
    state = step.state;
    return step.chunk;
  });
  return { chunks: out, warnings: streamRestoreWarnings({ state }) };
}

const rows: Array<{ name: string; restore: ResponseRestore; input: ChatCompletionChunk[]; expected: ChatCompletionChunk[]; warnings?: string[] }> = [
  {
    name: "nothing to undo: the chunks pass as they are",
    restore: restore({}),
    input: [chunk({ role: "assistant", content: "" }), chunk({ tool_calls: call(0, { id: "toolu_1", name: "f" }) }), chunk({}, "tool_calls")],
    expected: [chunk({ role: "assistant", content: "" }), chunk({ tool_calls: call(0, { id: "toolu_1", name: "f" }) }), chunk({}, "tool_calls")],
  },
  {
    name: "the forced json_schema tool: its argument fragments become content, finish_reason stop",
    restore: restore({ forcedTool: "json_answer" }),
    input: [
      chunk({ role: "assistant", content: "" }),
      chunk({ tool_calls: call(0, { id: "toolu_1", name: "json_answer" }) }),
      chunk({ tool_calls: call(0, { arguments: '{"a":' }) }),
      chunk({ tool_calls: call(0, { arguments: "1}" }) }),
      chunk({}, "tool_calls"),
    ],
    expected: [
      chunk({ role: "assistant", content: "" }),
      chunk({ content: "" }),
      chunk({ content: '{"a":' }),
      chunk({ content: "1}" }),
      chunk({}, "stop"),
    ],
  },
  {
    name: "renamed tool-call ids go back to the caller's; other calls are re-indexed densely after the forced one",
    restore: restore({ forcedTool: "json_answer", toolIds: new Map([["call_1_r", "call_1"]]) }),
    input: [
      chunk({ tool_calls: call(0, { id: "toolu_9", name: "json_answer", arguments: "{}" }) }),
      chunk({ tool_calls: call(1, { id: "call_1_r", name: "f" }) }),
      chunk({ tool_calls: call(1, { arguments: "{}" }) }),
    ],
    expected: [
      chunk({ content: "{}" }),
      chunk({ tool_calls: call(0, { id: "call_1", name: "f" }) }),
      chunk({ tool_calls: call(0, { arguments: "{}" }) }),
    ],
  },
  {
    name: "legacy functions: the first call becomes function_call deltas, the rest are dropped and said to be",
    restore: restore({ legacyFunctions: true }),
    input: [
      chunk({ tool_calls: call(0, { id: "call_a", name: "lookup" }) }),
      chunk({ tool_calls: call(0, { arguments: '{"q":1}' }) }),
      chunk({ tool_calls: call(1, { id: "call_b", name: "other", arguments: "{}" }) }),
      chunk({}, "tool_calls"),
    ],
    expected: [
      chunk({ function_call: { name: "lookup", arguments: "" } }),
      chunk({ function_call: { arguments: '{"q":1}' } }),
      chunk({}),
      chunk({}, "function_call"),
    ],
    warnings: ["choices[0]: 1 further tool call(s) dropped: legacy function_call holds one"],
  },
  {
    name: "legacy functions with a text answer: text and stop pass unchanged",
    restore: restore({ legacyFunctions: true }),
    input: [chunk({ role: "assistant", content: "hi" }), chunk({}, "stop")],
    expected: [chunk({ role: "assistant", content: "hi" }), chunk({}, "stop")],
  },
];

for (const row of rows) {
  Deno.test(`restoreStreamChunk: ${row.name}`, () => {
    assert.deepStrictEqual(run(row.input, row.restore), { chunks: row.expected, warnings: row.warnings ?? [] });
  });
}
