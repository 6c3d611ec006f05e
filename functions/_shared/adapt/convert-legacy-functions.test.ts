import assert from "node:assert/strict";
import { convertLegacyFunctions, type LegacyFunctionsStep } from "./convert-legacy-functions.ts";
import { withoutMutation } from "./test-support.ts";
import type { OpenAIChatRequest } from "./types.ts";

const user: OpenAIChatRequest["messages"][number] = { role: "user", content: "Weather in Paris?" };
const weatherFunction = {
  name: "get_weather",
  description: "Weather for a city",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};
const weatherTool: NonNullable<OpenAIChatRequest["tools"]>[number] = { type: "function", function: weatherFunction };

const rows: Array<{ name: string; request: OpenAIChatRequest; expected: LegacyFunctionsStep }> = [
  {
    name: "no legacy fields: the same request, no warning",
    request: { messages: [user], tools: [weatherTool] },
    expected: { request: { messages: [user], tools: [weatherTool] }, warnings: [], legacyFunctions: false },
  },
  {
    name: "functions + function_call by name → tools + tool_choice, one call per turn",
    request: { messages: [user], functions: [weatherFunction], function_call: { name: "get_weather" } },
    expected: {
      request: {
        messages: [user],
        tools: [weatherTool],
        tool_choice: { type: "function", function: { name: "get_weather" } },
        parallel_tool_calls: false,
      },
      warnings: ["functions sent as tools: legacy function calling is deprecated", "function_call sent as tool_choice"],
      legacyFunctions: true,
    },
  },
  {
    name: "function_call none / auto map one to one; an explicit parallel_tool_calls is kept",
    request: { messages: [user], functions: [{ name: "ping" }], function_call: "none", parallel_tool_calls: true },
    expected: {
      request: {
        messages: [user],
        tools: [{ type: "function", function: { name: "ping" } }],
        tool_choice: "none",
        parallel_tool_calls: true,
      },
      warnings: ["functions sent as tools: legacy function calling is deprecated", "function_call sent as tool_choice"],
      legacyFunctions: true,
    },
  },
  {
    name: "a legacy history: function_call and function messages get deterministic ids",
    request: {
      messages: [
        user,
        { role: "assistant", content: null, function_call: { name: "get_weather", arguments: '{"city":"Paris"}' } },
        { role: "function", name: "get_weather", content: '{"temp":18}' },
        { role: "assistant", content: "18°C." },
        { role: "user", content: "And Berlin?" },
        { role: "assistant", content: null, function_call: { name: "get_weather", arguments: '{"city":"Berlin"}' } },
        { role: "function", name: "get_weather", content: null },
      ],
      functions: [weatherFunction],
    },
    expected: {
      request: {
        messages: [
          user,
          {
            role: "assistant",
            content: null,
            tool_calls: [{
              id: "function_call_1",
              type: "function",
              function: { name: "get_weather", arguments: '{"city":"Paris"}' },
            }],
          },
          { role: "tool", tool_call_id: "function_call_1", content: '{"temp":18}' },
          { role: "assistant", content: "18°C." },
          { role: "user", content: "And Berlin?" },
          {
            role: "assistant",
            content: null,
            tool_calls: [{
              id: "function_call_5",
              type: "function",
              function: { name: "get_weather", arguments: '{"city":"Berlin"}' },
            }],
          },
          { role: "tool", tool_call_id: "function_call_5", content: "" },
        ],
        tools: [weatherTool],
        parallel_tool_calls: false,
      },
      warnings: [
        "functions sent as tools: legacy function calling is deprecated",
        "legacy function messages sent as tool calls and tool messages (messages[1], messages[2], messages[5], messages[6])",
      ],
      legacyFunctions: true,
    },
  },
  {
    name: "a legacy history under tools: converted, answered with tool_calls; a taken id is not reused",
    request: {
      messages: [
        user,
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "function_call_1", type: "function", function: { name: "ping", arguments: "{}" } }],
        },
        { role: "tool", tool_call_id: "function_call_1", content: "pong" },
        { role: "assistant", content: null, function_call: { name: "ping", arguments: "{}" } },
        { role: "function", name: "ping", content: "pong" },
      ],
      tools: [weatherTool],
    },
    expected: {
      request: {
        messages: [
          user,
          {
            role: "assistant",
            content: null,
            tool_calls: [{ id: "function_call_1", type: "function", function: { name: "ping", arguments: "{}" } }],
          },
          { role: "tool", tool_call_id: "function_call_1", content: "pong" },
          {
            role: "assistant",
            content: null,
            tool_calls: [{ id: "function_call_3", type: "function", function: { name: "ping", arguments: "{}" } }],
          },
          { role: "tool", tool_call_id: "function_call_3", content: "pong" },
        ],
        tools: [weatherTool],
      },
      warnings: ["legacy function messages sent as tool calls and tool messages (messages[3], messages[4])"],
      legacyFunctions: false,
    },
  },
];

for (const { name, request, expected } of rows) {
  Deno.test(`legacy functions: ${name}`, () => {
    assert.deepStrictEqual(withoutMutation({ request }, convertLegacyFunctions), expected);
  });
}

Deno.test("legacy functions: a generated id skips one the caller already uses", () => {
  const { request } = convertLegacyFunctions({
    request: {
      messages: [
        { role: "assistant", content: null, function_call: { name: "f", arguments: "{}" } },
        { role: "function", name: "f", content: "ok" },
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "function_call_0", type: "function", function: { name: "f", arguments: "{}" } }],
        },
        { role: "tool", tool_call_id: "function_call_0", content: "ok" },
      ],
    },
  });
  assert.deepStrictEqual(request.messages[1], { role: "tool", tool_call_id: "function_call_0_2", content: "ok" });
});

const errorRows: Array<{ name: string; request: unknown; param: string; code: string }> = [
  {
    name: "functions together with tools",
    request: { messages: [user], functions: [weatherFunction], tools: [weatherTool] },
    param: "functions",
    code: "invalid_value",
  },
  {
    name: "function_call without functions",
    request: { messages: [user], function_call: "auto" },
    param: "function_call",
    code: "invalid_value",
  },
  {
    name: "functions not an array",
    request: { messages: [user], functions: {} },
    param: "functions",
    code: "invalid_type",
  },
  {
    name: "a function without a name",
    request: { messages: [user], functions: [{}] },
    param: "functions[0].name",
    code: "invalid_value",
  },
  {
    name: "a function message that answers nothing",
    request: { messages: [user, { role: "function", name: "f", content: "x" }] },
    param: "messages[1].name",
    code: "invalid_value",
  },
];

for (const { name, request, param, code } of errorRows) {
  Deno.test(`legacy functions: ${name} → TranslationError`, () => {
    assert.throws(
      () => convertLegacyFunctions({ request: request as OpenAIChatRequest }),
      { name: "TranslationError", param, code },
    );
  });
}
