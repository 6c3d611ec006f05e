import assert from "node:assert/strict";
import { withoutMutation } from "./test-support.ts";
import { convertTools, HISTORY_TOOL_DESCRIPTION } from "./convert-tools.ts";
import type { OpenAIChatRequest, Tool, ToolChoice } from "./types.ts";

const weatherTool: NonNullable<OpenAIChatRequest["tools"]>[number] = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Weather for a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};
const weather: Tool = {
  name: "get_weather",
  description: "Weather for a city",
  input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

type Input = Parameters<typeof convertTools>[0];
type Output = ReturnType<typeof convertTools>;
const input = (over: Partial<Input>): Input => ({
  tools: [weatherTool],
  toolChoice: undefined,
  parallelToolCalls: undefined,
  historyToolNames: [],
  ...over,
});
const withChoice = (tool_choice: ToolChoice): Output => ({ tools: [weather], tool_choice, warnings: [] });

const rows: Array<{ name: string; input: Input; expected: Output }> = [
  {
    name: "tools without tool_choice → no tool_choice key",
    input: input({}),
    expected: { tools: [weather], warnings: [] },
  },
  { name: "auto", input: input({ toolChoice: "auto" }), expected: withChoice({ type: "auto" }) },
  {
    name: "auto + parallel false",
    input: input({ toolChoice: "auto", parallelToolCalls: false }),
    expected: withChoice({ type: "auto", disable_parallel_tool_use: true }),
  },
  {
    name: "required + parallel false → any",
    input: input({ toolChoice: "required", parallelToolCalls: false }),
    expected: withChoice({ type: "any", disable_parallel_tool_use: true }),
  },
  {
    name: "named function + parallel false → tool",
    input: input({ toolChoice: { type: "function", function: { name: "get_weather" } }, parallelToolCalls: false }),
    expected: withChoice({ type: "tool", name: "get_weather", disable_parallel_tool_use: true }),
  },
  {
    name: "none + parallel false → none without the flag",
    input: input({ toolChoice: "none", parallelToolCalls: false }),
    expected: withChoice({ type: "none" }),
  },
  {
    name: "parallel false without tool_choice → auto with the flag",
    input: input({ parallelToolCalls: false }),
    expected: withChoice({ type: "auto", disable_parallel_tool_use: true }),
  },
  {
    name: "parallel true changes nothing",
    input: input({ toolChoice: "required", parallelToolCalls: true }),
    expected: withChoice({ type: "any" }),
  },
  {
    name: "missing parameters → empty object schema; strict → warning",
    input: input({ tools: [{ type: "function", function: { name: "ping", strict: true } }] }),
    expected: {
      tools: [{ name: "ping", input_schema: { type: "object", properties: {} } }],
      warnings: ["tools[0].function.strict ignored: the schema guides the model but is not enforced"],
    },
  },
  {
    name: "parameters without a type get type object",
    input: input({ tools: [{ type: "function", function: { name: "f", parameters: { properties: { a: {} } } } }] }),
    expected: { tools: [{ name: "f", input_schema: { type: "object", properties: { a: {} } } }], warnings: [] },
  },
  { name: "no tools and no history → nothing", input: input({ tools: undefined }), expected: { warnings: [] } },
  {
    name: "empty tools with a tool_choice → tool_choice dropped with a warning",
    input: input({ tools: [], toolChoice: "auto" }),
    expected: { warnings: ["tool_choice ignored: no tools given"] },
  },
  {
    name: "no tools but tool calls in the history → declared names, tool_choice none",
    input: input({ tools: undefined, historyToolNames: ["lookup", "get_weather", "lookup"] }),
    expected: {
      tools: ["get_weather", "lookup"].map((name) => ({
        name,
        description: HISTORY_TOOL_DESCRIPTION,
        input_schema: { type: "object", properties: {} },
      })),
      tool_choice: { type: "none" },
      warnings: ["the history has tool calls but no tools were given: their names are declared with tool_choice none"],
    },
  },
];

for (const { name, input, expected } of rows) {
  Deno.test(`tools: ${name}`, () => {
    assert.deepStrictEqual(withoutMutation(input, convertTools), expected);
  });
}

Deno.test("tools: the output schema does not alias the caller's", () => {
  const { tools } = convertTools(input({}));
  assert.ok(tools !== undefined && "input_schema" in tools[0]);
  assert.notStrictEqual(tools[0].input_schema.properties, weatherTool.function.parameters?.properties);
});

const errorRows: Array<{ name: string; over: Record<string, unknown>; error: Record<string, unknown> }> = [
  { name: "tools not an array", over: { tools: {} }, error: { param: "tools", code: "invalid_type" } },
  {
    name: "custom tool",
    over: { tools: [{ type: "custom", custom: { name: "x" } }] },
    error: { param: "tools[0].type", code: "unsupported_value" },
  },
  {
    name: "function without a name",
    over: { tools: [{ type: "function", function: {} }] },
    error: { param: "tools[0].function.name" },
  },
  { name: "duplicate names", over: { tools: [weatherTool, weatherTool] }, error: { param: "tools[1].function.name" } },
  {
    name: "parameters of type array",
    over: { tools: [{ type: "function", function: { name: "f", parameters: { type: "array" } } }] },
    error: { param: "tools[0].function.parameters.type" },
  },
  {
    name: "tool_choice names an unknown tool",
    over: { toolChoice: { type: "function", function: { name: "nope" } } },
    error: { param: "tool_choice.function.name" },
  },
  { name: "tool_choice unknown string", over: { toolChoice: "always" }, error: { param: "tool_choice" } },
  {
    name: "tool_choice allowed_tools",
    over: { toolChoice: { type: "allowed_tools", allowed_tools: { mode: "auto", tools: [] } } },
    error: { param: "tool_choice.type", code: "unsupported_value" },
  },
  {
    name: "parallel_tool_calls a string",
    over: { parallelToolCalls: "no" },
    error: { param: "parallel_tool_calls", code: "invalid_type" },
  },
];

for (const { name, over, error } of errorRows) {
  Deno.test(`tools: ${name} → TranslationError`, () => {
    assert.throws(() => convertTools(input(over as Partial<Input>)), { name: "TranslationError", ...error });
  });
}
