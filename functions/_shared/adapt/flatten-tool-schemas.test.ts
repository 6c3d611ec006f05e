import assert from "node:assert/strict";
import { flattenToolSchemas } from "./flatten-tool-schemas.ts";
import { CLAUDE, GPT, withoutMutation } from "./test-support.ts";
import type { AdaptStep, ModelCapabilities, OpenAIChatRequest, OpenAITool } from "./types.ts";

const messages: OpenAIChatRequest["messages"] = [{ role: "user", content: "hi" }];
const tool = (parameters: Record<string, unknown>, description?: string): OpenAITool => ({
  type: "function",
  function: description === undefined ? { name: "send", parameters } : { name: "send", description, parameters },
});

const link = {
  type: "object",
  title: "Link",
  properties: { kind: { const: "link" }, url: { type: "string" } },
  required: ["kind", "url"],
  additionalProperties: false,
};
const note = {
  type: "object",
  properties: { kind: { const: "note" }, text: { type: "string" } },
  required: ["kind", "text"],
  additionalProperties: false,
};

const rows: Array<{ name: string; model: ModelCapabilities; tools: OpenAITool[]; expected: AdaptStep }> = [
  {
    name: "openai-compatible: a top-level anyOf passes unchanged",
    model: GPT,
    tools: [tool({ anyOf: [link, note] })],
    expected: { request: { messages, tools: [tool({ anyOf: [link, note] })] }, warnings: [] },
  },
  {
    name: "anthropic: a plain object schema passes unchanged",
    model: CLAUDE,
    tools: [tool(note)],
    expected: { request: { messages, tools: [tool(note)] }, warnings: [] },
  },
  {
    name: "anthropic: oneOf of objects → union of properties, common required, variants described",
    model: CLAUDE,
    tools: [tool({ oneOf: [link, note] }, "Send an item.")],
    expected: {
      request: {
        messages,
        tools: [tool(
          {
            type: "object",
            properties: {
              kind: { anyOf: [{ const: "link" }, { const: "note" }] },
              url: { type: "string" },
              text: { type: "string" },
            },
            required: ["kind"],
            additionalProperties: false,
          },
          "Send an item.\n\nThe arguments match exactly one of these variants:\n" +
            "1. Link: properties kind, url; required kind, url\n" +
            "2. properties kind, text; required kind, text",
        )],
      },
      warnings: [
        "tools[0].function.parameters top-level oneOf flattened into one object schema: claude-sonnet-4-5 refuses top-level combinators",
      ],
    },
  },
  {
    name: "anthropic: allOf merged, $refs resolved, base properties and $defs kept",
    model: CLAUDE,
    tools: [tool({
      $defs: { Named: { type: "object", properties: { name: { type: "string" } }, required: ["name"] } },
      properties: { id: { type: "integer" } },
      required: ["id"],
      allOf: [
        { $ref: "#/$defs/Named" },
        { type: "object", properties: { name: { maxLength: 20 }, age: { type: "integer" } } },
      ],
    })],
    expected: {
      request: {
        messages,
        tools: [tool({
          $defs: { Named: { type: "object", properties: { name: { type: "string" } }, required: ["name"] } },
          properties: {
            id: { type: "integer" },
            name: { allOf: [{ type: "string" }, { maxLength: 20 }] },
            age: { type: "integer" },
          },
          required: ["id", "name"],
          type: "object",
        })],
      },
      warnings: [
        "tools[0].function.parameters top-level allOf flattened into one object schema: claude-sonnet-4-5 refuses top-level combinators",
      ],
    },
  },
  {
    name: "anthropic: anyOf of required sets over base properties (either contact field)",
    model: CLAUDE,
    tools: [tool({
      type: "object",
      properties: { email: { type: "string" }, phone: { type: "string" } },
      anyOf: [{ required: ["email"] }, { required: ["phone"] }],
    })],
    expected: {
      request: {
        messages,
        tools: [tool(
          { type: "object", properties: { email: { type: "string" }, phone: { type: "string" } } },
          "The arguments match at least one of these variants:\n" +
            "1. properties none; required email\n2. properties none; required phone",
        )],
      },
      warnings: [
        "tools[0].function.parameters top-level anyOf flattened into one object schema: claude-sonnet-4-5 refuses top-level combinators",
      ],
    },
  },
];

for (const { name, model, tools, expected } of rows) {
  Deno.test(`tool schemas: ${name}`, () => {
    const actual = withoutMutation({ request: { messages, tools }, model }, flattenToolSchemas);
    assert.deepStrictEqual(actual, expected);
  });
}

const errorRows: Array<{ name: string; parameters: Record<string, unknown>; param: string }> = [
  {
    name: "a variant that is not an object",
    parameters: { anyOf: [note, { type: "string" }] },
    param: "tools[0].function.parameters.anyOf[1].type",
  },
  { name: "an empty allOf", parameters: { allOf: [] }, param: "tools[0].function.parameters.allOf" },
  {
    name: "a $ref outside the schema",
    parameters: { oneOf: [{ $ref: "https://example.com/s.json" }] },
    param: "tools[0].function.parameters.oneOf[0].$ref",
  },
];

for (const { name, parameters, param } of errorRows) {
  Deno.test(`tool schemas: ${name} → TranslationError`, () => {
    assert.throws(
      () => flattenToolSchemas({ request: { messages, tools: [tool(parameters)] }, model: CLAUDE }),
      { name: "TranslationError", param, code: "invalid_value" },
    );
  });
}
