import assert from "node:assert/strict";
import { adaptStructuredOutput, type StructuredOutputStep } from "./structured-output.ts";
import { CLAUDE, GPT, withoutMutation } from "./test-support.ts";
import type { ModelCapabilities, OpenAIChatRequest } from "./types.ts";

const messages: OpenAIChatRequest["messages"] = [{ role: "user", content: "2+2?" }];
const NO_NATIVE: ModelCapabilities = { ...CLAUDE, model: "claude-3-haiku", supportsJsonSchema: false };
const closed = {
  type: "object",
  properties: { answer: { type: "number" } },
  required: ["answer"],
  additionalProperties: false,
};
const jsonSchema = (schema: Record<string, unknown>): OpenAIChatRequest["response_format"] => ({
  type: "json_schema",
  json_schema: { name: "math_answer", description: "The answer.", schema, strict: true },
});
const weatherTool: NonNullable<OpenAIChatRequest["tools"]>[number] = {
  type: "function",
  function: { name: "get_weather", parameters: { type: "object", properties: {} } },
};

const rows: Array<
  { name: string; model: ModelCapabilities; request: OpenAIChatRequest; expected: StructuredOutputStep }
> = [
  {
    name: "openai-compatible: response_format passes unchanged",
    model: GPT,
    request: { messages, response_format: jsonSchema(closed) },
    expected: { request: { messages, response_format: jsonSchema(closed) }, warnings: [], forcedTool: null },
  },
  {
    name: "native: a closed schema → output_config.format as is, response_format removed",
    model: CLAUDE,
    request: { messages, response_format: jsonSchema(closed), temperature: 0 },
    expected: {
      request: { messages, temperature: 0 },
      warnings: [],
      anthropic: { output_config: { format: { type: "json_schema", schema: closed } } },
      forcedTool: null,
    },
  },
  {
    name: "native: an open schema with a bound → closed, the bound moved into the description, said",
    model: CLAUDE,
    request: {
      messages,
      response_format: jsonSchema({
        type: "object",
        properties: { n: { type: "integer", minimum: 3 } },
        required: ["n"],
      }),
    },
    expected: {
      request: { messages },
      warnings: [
        "response_format.json_schema.schema adapted to the structured-output subset of claude-sonnet-4-5: objects closed, unsupported keywords moved into descriptions",
      ],
      anthropic: {
        output_config: {
          format: {
            type: "json_schema",
            schema: {
              type: "object",
              properties: { n: { type: "integer", description: "{minimum: 3}" } },
              additionalProperties: false,
              required: ["n"],
            },
          },
        },
      },
      forcedTool: null,
    },
  },
  {
    name: "native, but a property without a type (the SDK refuses it) → the forced tool",
    model: CLAUDE,
    request: { messages, response_format: jsonSchema({ type: "object", properties: { any: {} } }) },
    expected: {
      request: {
        messages,
        tools: [{
          type: "function",
          function: {
            name: "math_answer",
            description: "The answer.",
            parameters: { type: "object", properties: { any: {} } },
          },
        }],
        tool_choice: { type: "function", function: { name: "math_answer" } },
      },
      warnings: [
        'response_format json_schema sent as a forced tool "math_answer": the schema is outside the structured-output subset of claude-sonnet-4-5',
      ],
      forcedTool: "math_answer",
    },
  },
  {
    name: "no native structured output → a forced tool named after the schema",
    model: NO_NATIVE,
    request: { messages, response_format: jsonSchema(closed) },
    expected: {
      request: {
        messages,
        tools: [{
          type: "function",
          function: { name: "math_answer", description: "The answer.", parameters: closed },
        }],
        tool_choice: { type: "function", function: { name: "math_answer" } },
      },
      warnings: [
        'response_format json_schema sent as a forced tool "math_answer": claude-3-haiku has no native structured output',
      ],
      forcedTool: "math_answer",
    },
  },
  {
    name: "no native, the caller's own tools → left for the translator's instruction",
    model: NO_NATIVE,
    request: { messages, response_format: jsonSchema(closed), tools: [weatherTool] },
    expected: {
      request: { messages, response_format: jsonSchema(closed), tools: [weatherTool] },
      warnings: [],
      forcedTool: null,
    },
  },
  {
    name: "a root that is not an object → left for the instruction",
    model: CLAUDE,
    request: { messages, response_format: jsonSchema({ type: "array", items: { type: "number" } }) },
    expected: {
      request: { messages, response_format: jsonSchema({ type: "array", items: { type: "number" } }) },
      warnings: [],
      forcedTool: null,
    },
  },
  {
    name: "json_object → left for the instruction",
    model: CLAUDE,
    request: { messages, response_format: { type: "json_object" } },
    expected: { request: { messages, response_format: { type: "json_object" } }, warnings: [], forcedTool: null },
  },
];

for (const { name, model, request, expected } of rows) {
  Deno.test(`structured output: ${name}`, () => {
    assert.deepStrictEqual(withoutMutation({ request, model }, adaptStructuredOutput), expected);
  });
}
