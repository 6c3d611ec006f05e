import assert from "node:assert/strict";
import { withoutMutation } from "./test-support.ts";
import { convertUserContent, textsOf } from "./convert-message-content.ts";
import type { ChatCompletionUserMessageParam, ContentBlockParam } from "./types.ts";

const PARAM = "messages[0].content";

const textRows: Array<{ name: string; content: unknown; refusalParts?: boolean; expected: string[] }> = [
  { name: "a string", content: "Be brief.", expected: ["Be brief."] },
  { name: "an empty string", content: "", expected: [] },
  {
    name: "text parts, blank ones dropped",
    content: [{ type: "text", text: "a" }, { type: "text", text: "\t" }],
    expected: ["a"],
  },
  {
    name: "refusal part when allowed",
    content: [{ type: "refusal", refusal: "No." }],
    refusalParts: true,
    expected: ["No."],
  },
];

for (const { name, content, refusalParts, expected } of textRows) {
  Deno.test(`text content: ${name}`, () => {
    assert.deepStrictEqual(withoutMutation({ content, param: PARAM, refusalParts }, textsOf), expected);
  });
}

Deno.test("text content: refusal part where not allowed → TranslationError", () => {
  const content = [{ type: "refusal", refusal: "No." }];
  assert.throws(() => textsOf({ content, param: PARAM }), { name: "TranslationError", param: `${PARAM}[0]` });
});

const userRows: Array<
  { name: string; content: ChatCompletionUserMessageParam["content"]; expected: ContentBlockParam[] }
> = [
  { name: "a string", content: "Hi", expected: [{ type: "text", text: "Hi" }] },
  { name: "whitespace only", content: " \n ", expected: [] },
  {
    name: "text, data-URL image and http image in order",
    content: [
      { type: "text", text: "Compare" },
      { type: "image_url", image_url: { url: "data:image/gif;base64,R0lGOD==" } },
      { type: "image_url", image_url: { url: "https://example.com/b.webp", detail: "high" } },
    ],
    expected: [
      { type: "text", text: "Compare" },
      { type: "image", source: { type: "base64", media_type: "image/gif", data: "R0lGOD==" } },
      { type: "image", source: { type: "url", url: "https://example.com/b.webp" } },
    ],
  },
  {
    name: "a PDF file part becomes a document block titled by its file name",
    content: [
      { type: "text", text: "Summarise" },
      { type: "file", file: { filename: "report.pdf", file_data: "data:application/pdf;base64,JVBERi0xLjQK" } },
    ],
    expected: [
      { type: "text", text: "Summarise" },
      { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBERi0xLjQK" }, title: "report.pdf" },
    ],
  },
];

for (const { name, content, expected } of userRows) {
  Deno.test(`user content: ${name}`, () => {
    assert.deepStrictEqual(withoutMutation({ content, param: PARAM }, convertUserContent), expected);
  });
}

const userErrors: Array<{ name: string; content: unknown; param: string; code: string }> = [
  {
    name: "file part with only a file_id (Anthropic cannot read OpenAI's files)",
    content: [{ type: "file", file: { file_id: "f" } }],
    param: `${PARAM}[0].file.file_data`,
    code: "unsupported_value",
  },
  { name: "unknown part type", content: [{ type: "video_url" }], param: `${PARAM}[0].type`, code: "invalid_value" },
  { name: "text part without text", content: [{ type: "text" }], param: `${PARAM}[0].text`, code: "invalid_value" },
  { name: "null part", content: [null], param: `${PARAM}[0]`, code: "invalid_value" },
  {
    name: "image without url",
    content: [{ type: "image_url", image_url: {} }],
    param: `${PARAM}[0].image_url.url`,
    code: "invalid_type",
  },
];

for (const { name, content, param, code } of userErrors) {
  Deno.test(`user content: ${name} → TranslationError`, () => {
    const input = { content: content as ChatCompletionUserMessageParam["content"], param: PARAM };
    assert.throws(() => convertUserContent(input), { name: "TranslationError", param, code });
  });
}
