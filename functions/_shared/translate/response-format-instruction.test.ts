import assert from "node:assert/strict";
import { withoutMutation } from "./test-support.ts";
import { JSON_INSTRUCTION, responseFormatInstruction } from "./response-format-instruction.ts";
import type { OpenAIChatRequest } from "./types.ts";

const rows: Array<{
  name: string;
  responseFormat: OpenAIChatRequest["response_format"];
  expected: ReturnType<typeof responseFormatInstruction>;
}> = [
  { name: "absent", responseFormat: undefined, expected: { instruction: undefined, warnings: [] } },
  { name: "text", responseFormat: { type: "text" }, expected: { instruction: undefined, warnings: [] } },
  {
    name: "json_object",
    responseFormat: { type: "json_object" },
    expected: {
      instruction: JSON_INSTRUCTION,
      warnings: ["response_format json_object is requested by instruction, not enforced"],
    },
  },
  {
    name: "json_schema with description",
    responseFormat: {
      type: "json_schema",
      json_schema: {
        name: "city",
        description: "A city and its country.",
        strict: true,
        schema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
      },
    },
    expected: {
      instruction: [
        JSON_INSTRUCTION,
        'It must match the JSON schema "city":',
        "A city and its country.",
        '{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}',
      ].join("\n"),
      warnings: ["response_format json_schema is requested by instruction, not enforced"],
    },
  },
];

for (const { name, responseFormat, expected } of rows) {
  Deno.test(`response_format: ${name}`, () => {
    assert.deepStrictEqual(withoutMutation({ responseFormat }, responseFormatInstruction), expected);
  });
}

const errorRows: Array<{ name: string; responseFormat: unknown; param: string }> = [
  { name: "unknown type", responseFormat: { type: "yaml" }, param: "response_format.type" },
  {
    name: "json_schema without name",
    responseFormat: { type: "json_schema", json_schema: {} },
    param: "response_format.json_schema.name",
  },
  { name: "a string", responseFormat: "json", param: "response_format" },
];

for (const { name, responseFormat, param } of errorRows) {
  Deno.test(`response_format: ${name} → TranslationError`, () => {
    const input = { responseFormat: responseFormat as OpenAIChatRequest["response_format"] };
    assert.throws(() => responseFormatInstruction(input), { name: "TranslationError", param });
  });
}
