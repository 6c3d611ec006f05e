import assert from "node:assert/strict";
import { checkCapabilities } from "./check-capabilities.ts";
import { TranslationError } from "../translate/translation-error.ts";
import { ModelCapabilityError } from "./model-capability-error.ts";
import { CLAUDE, GPT, withoutMutation } from "./test-support.ts";
import type { ModelCapabilities, OpenAIChatRequest } from "./types.ts";

const PDF_URL = "data:application/pdf;base64,JVBERi0xLjQK";
const pdfPart = { type: "file" as const, file: { file_data: PDF_URL, filename: "a.pdf" } };
const idPart = { type: "file" as const, file: { file_id: "file-abc" } };
const imagePart = { type: "image_url" as const, image_url: { url: "https://example.com/a.png" } };
const weatherTool: NonNullable<OpenAIChatRequest["tools"]>[number] = {
  type: "function",
  function: { name: "get_weather", parameters: { type: "object", properties: {} } },
};
const withParts = (...parts: Array<typeof pdfPart | typeof idPart | typeof imagePart>): OpenAIChatRequest => ({
  messages: [
    { role: "system", content: "s" },
    { role: "user", content: [{ type: "text", text: "Read this." }, ...parts] },
  ],
});

const TEXT_ONLY: ModelCapabilities = {
  ...GPT,
  model: "local-llama",
  supportsImages: false,
  supportsPdf: false,
  supportsTools: false,
};

const acceptedRows: Array<{ name: string; model: ModelCapabilities; request: OpenAIChatRequest }> = [
  { name: "a PDF by data for anthropic", model: CLAUDE, request: withParts(pdfPart, imagePart) },
  { name: "a PDF by file_id for OpenAI", model: GPT, request: withParts(idPart) },
  { name: "tools where the model takes them", model: CLAUDE, request: { ...withParts(), tools: [weatherTool] } },
  { name: "plain text on a text-only model", model: TEXT_ONLY, request: { ...withParts(), tools: [] } },
];

for (const { name, model, request } of acceptedRows) {
  Deno.test(`capabilities: ${name} is accepted`, () => {
    assert.strictEqual(withoutMutation({ request, model }, checkCapabilities), undefined);
  });
}

const refusedRows: Array<{
  name: string;
  model: ModelCapabilities;
  request: OpenAIChatRequest;
  error: { param: string; code: string; message: string; model?: string; capability: boolean };
}> = [
  {
    name: "a file_id for anthropic",
    model: CLAUDE,
    request: withParts(idPart),
    error: {
      param: "messages[1].content[1].file.file_data",
      code: "unsupported_value",
      message:
        "messages[1].content[1].file needs file_data for claude-sonnet-4-5: anthropic models cannot read an OpenAI file_id",
      model: "claude-sonnet-4-5",
      capability: true,
    },
  },
  {
    name: "an image on a text-only model",
    model: TEXT_ONLY,
    request: withParts(imagePart),
    error: {
      param: "messages[1].content[1]",
      code: "unsupported_value",
      message: "messages[1].content[1]: local-llama does not take images",
      model: "local-llama",
      capability: true,
    },
  },
  {
    name: "a PDF on a model without PDF input",
    model: TEXT_ONLY,
    request: withParts(pdfPart),
    error: {
      param: "messages[1].content[1]",
      code: "unsupported_value",
      message: "messages[1].content[1]: local-llama does not take PDF files",
      model: "local-llama",
      capability: true,
    },
  },
  {
    name: "tools on a model without tools",
    model: TEXT_ONLY,
    request: { ...withParts(), tools: [weatherTool] },
    error: {
      param: "tools",
      code: "unsupported_value",
      message: "tools: local-llama does not take tools",
      model: "local-llama",
      capability: true,
    },
  },
  {
    name: "a PNG file part, which no provider takes",
    model: GPT,
    request: withParts({ type: "file", file: { file_data: "data:image/png;base64,iVBORw0KGgo=", filename: "a.pdf" } }),
    error: {
      param: "messages[1].content[1].file.file_data",
      code: "unsupported_value",
      message: "messages[1].content[1].file.file_data is image/png: only PDF files are supported",
      capability: false,
    },
  },
];

for (const { name, model, request, error } of refusedRows) {
  Deno.test(`capabilities: ${name} is refused`, () => {
    let caught: unknown;
    try {
      checkCapabilities({ request, model });
    } catch (thrown) {
      caught = thrown;
    }
    assert.ok(caught instanceof TranslationError, `expected a TranslationError, got ${caught}`);
    const { capability, ...fields } = error;
    assert.strictEqual(caught instanceof ModelCapabilityError, capability);
    const named = caught instanceof ModelCapabilityError ? { model: caught.model } : {};
    assert.deepStrictEqual({ param: caught.param, code: caught.code, message: caught.message, ...named }, fields);
    assert.strictEqual(caught.name, "TranslationError");
  });
}
