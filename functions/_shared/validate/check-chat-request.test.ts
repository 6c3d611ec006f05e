import assert from "node:assert/strict";
import { checkChatRequestShape, type OpenAIRequestProblem } from "./check-chat-request.ts";

const hi = [{ role: "user", content: "hi" }];
const fn = (name: string) => ({ type: "function", function: { name } });
const p = (param: string, code: string, message: string): OpenAIRequestProblem => ({ param, code, message });
const ROLES = "Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.";

const rows: Array<{ name: string; body: unknown; expected: OpenAIRequestProblem | null }> = [
  { name: "a plain conversation with the router's fields", body: { agent_id: "a", execution_id: "e", model: "auto", messages: hi }, expected: null },
  {
    name: "every documented field at a valid value",
    body: {
      messages: [{ role: "developer", content: "d" }, ...hi], temperature: 2, top_p: 0, presence_penalty: -2, frequency_penalty: 2, n: 1,
      max_tokens: 1, max_completion_tokens: 10, stop: ["a", "b", "c", "d"], logit_bias: { "50256": -100 }, logprobs: true, top_logprobs: 20,
      seed: -3, tool_choice: { type: "function", function: { name: "f" } }, tools: [fn("f")], response_format: { type: "json_schema", json_schema: { name: "x", schema: {} } },
      stream: true, stream_options: { include_usage: true }, metadata: { a: "b" }, user: "u", service_tier: "flex", reasoning_effort: "low",
      parallel_tool_calls: false, store: false, verbosity: "low",
    },
    expected: null,
  },
  {
    name: "the newer fields of the OpenAI SDK at valid values, null where it allows null",
    body: {
      messages: hi, reasoning_effort: "max", prompt_cache_retention: "in_memory", prompt_cache_key: null, safety_identifier: null,
      prompt_cache_options: { mode: "explicit", ttl: "30m" }, moderation: { model: "omni-moderation-latest", policy: { input: { mode: "block" }, output: null } },
    },
    expected: null,
  },
  { name: "prompt_cache_retention 24h", body: { messages: hi, prompt_cache_retention: "24h" }, expected: null },
  { name: "prompt_cache_retention in-memory (not the API's spelling)", body: { messages: hi, prompt_cache_retention: "in-memory" }, expected: p("prompt_cache_retention", "invalid_value", "Invalid value: 'in-memory'. Supported values are: 'in_memory' and '24h'.") },
  { name: "temperature 5", body: { messages: hi, temperature: 5 }, expected: p("temperature", "decimal_above_max_value", "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 5 instead.") },
  { name: "an unknown parameter", body: { messages: hi, foo: 1 }, expected: p("foo", "unknown_parameter", "Unrecognized request argument supplied: foo") },
  { name: "an unknown role", body: { messages: [...hi, { role: "wizard", content: "x" }] }, expected: p("messages[1].role", "invalid_value", `Invalid value: 'wizard'. ${ROLES}`) },
  { name: "a garbage tool_choice", body: { messages: hi, tool_choice: "garbage" }, expected: p("tool_choice", "invalid_value", "Invalid value: 'garbage'. Supported values are: 'none', 'auto', and 'required'.") },
  { name: "a missing content", body: { messages: [{ role: "user" }] }, expected: p("messages[0].content", "missing_required_parameter", "Missing required parameter: 'messages[0].content'.") },
  { name: "five stop sequences", body: { messages: hi, stop: ["a", "b", "c", "d", "e"] }, expected: p("stop", "array_above_max_length", "Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length 5 instead.") },
  { name: "max_tokens as a decimal", body: { messages: hi, max_tokens: 1.5 }, expected: p("max_tokens", "invalid_type", "Invalid type for 'max_tokens': expected an integer, but got a decimal instead.") },
  { name: "a bad tool name", body: { messages: hi, tools: [fn("bad name")] }, expected: p("tools[0].function.name", "invalid_value", "Invalid 'tools[0].function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]{1,64}$'.") },
  { name: "a repeated tool name", body: { messages: hi, tools: [fn("a"), fn("b"), fn("a")] }, expected: p("tools[2].function.name", "invalid_value", 'tools[2].function.name repeats the tool name "a"') },
  { name: "129 tools", body: { messages: hi, tools: Array.from({ length: 129 }, (_, i) => fn(`t${i}`)) }, expected: p("tools", "array_above_max_length", "Invalid 'tools': array too long. Expected an array with maximum length 128, but got an array with length 129 instead.") },
  { name: "17 metadata pairs", body: { messages: hi, metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, "v"])) }, expected: p("metadata", "invalid_value", "Invalid 'metadata': must have at most 16 key-value pairs.") },
  { name: "an unknown response_format", body: { messages: hi, response_format: { type: "xml" } }, expected: p("response_format.type", "invalid_value", "Invalid value: 'xml'. Supported values are: 'text', 'json_object', and 'json_schema'.") },
  { name: "content as a number", body: { messages: [{ role: "user", content: 5 }] }, expected: p("messages[0].content", "invalid_type", "Invalid type for 'messages[0].content': expected one of a string or an array, but got an integer instead.") },
];

for (const { name, body, expected } of rows) {
  Deno.test(`checkChatRequestShape: ${name}`, () => {
    const before = structuredClone(body);
    assert.deepStrictEqual(checkChatRequestShape({ body }), expected);
    assert.deepStrictEqual(body, before, "the body is not mutated");
  });
}

Deno.test("checkChatRequestShape: a schema nested 100,000 deep is refused without recursion", () => {
  let deep: unknown = {};
  for (let i = 0; i < 100_000; i++) deep = [deep];
  assert.deepStrictEqual(
    checkChatRequestShape({ body: { messages: hi, tools: [{ type: "function", function: { name: "f", parameters: { x: deep } } }] } }),
    p("tools[0].function", "nesting_too_deep", "Invalid 'tools[0].function': nested too deeply. Expected at most 64 levels of objects and arrays."),
  );
});

Deno.test("checkChatRequestShape: 22,000 tools are refused in linear work: each tool read a bounded number of times", () => {
  // Work, not time: the array counts reads of its elements, so the test holds on a loaded machine;
  // a pairwise duplicate check would read ~22,000² of them.
  let reads = 0;
  const tools = new Proxy(Array.from({ length: 22_000 }, (_, i) => fn(`t${i}`)), {
    get(target, key, receiver) {
      if (typeof key === "string" && /^\d+$/.test(key)) reads++;
      return Reflect.get(target, key, receiver);
    },
  });
  assert.equal(checkChatRequestShape({ body: { messages: hi, tools } })?.code, "array_above_max_length");
  assert.ok(reads <= 3 * 22_000, `read ${reads} elements of 22,000 tools`);
});
