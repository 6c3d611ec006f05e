import assert from "node:assert/strict";
import { convertFilePart } from "./convert-file-part.ts";
import { withoutMutation } from "./test-support.ts";
import type { DocumentBlockParam } from "./types.ts";

const PDF = "JVBERi0xLjQKJcOkw7zDtsOfCjIgMCBvYmoK";

const rows: Array<{ name: string; part: unknown; expected: DocumentBlockParam }> = [
  {
    name: "a PDF data URL with its file name → a base64 document titled by the name",
    part: { type: "file", file: { file_data: `data:application/pdf;base64,${PDF}`, filename: "invoice.pdf" } },
    expected: {
      type: "document",
      source: { type: "base64", media_type: "application/pdf", data: PDF },
      title: "invoice.pdf",
    },
  },
  {
    name: "no file name → no title; media type parameters and case are accepted",
    part: { type: "file", file: { file_data: `data:Application/PDF;name=a.pdf;base64,${PDF}` } },
    expected: { type: "document", source: { type: "base64", media_type: "application/pdf", data: PDF } },
  },
];

for (const { name, part, expected } of rows) {
  Deno.test(`file part: ${name}`, () => {
    const actual = withoutMutation({ part, param: "messages[1].content[0]" }, convertFilePart);
    assert.deepStrictEqual(actual, expected);
  });
}

const errorRows: Array<{ name: string; part: unknown; param: string; code: string }> = [
  {
    name: "a file_id without data",
    part: { type: "file", file: { file_id: "file-abc123" } },
    param: "messages[1].content[0].file.file_data",
    code: "unsupported_value",
  },
  {
    name: "a PNG",
    part: { type: "file", file: { file_data: "data:image/png;base64,iVBORw0KGgo=" } },
    param: "messages[1].content[0].file.file_data",
    code: "unsupported_value",
  },
  {
    name: "bare base64 without a data URL",
    part: { type: "file", file: { file_data: PDF } },
    param: "messages[1].content[0].file.file_data",
    code: "invalid_value",
  },
  {
    name: "an empty data URL",
    part: { type: "file", file: { file_data: "data:application/pdf;base64," } },
    param: "messages[1].content[0].file.file_data",
    code: "invalid_value",
  },
  { name: "no file object", part: { type: "file" }, param: "messages[1].content[0].file", code: "invalid_type" },
  { name: "not a file part", part: { type: "text", text: "x" }, param: "messages[1].content[0]", code: "invalid_type" },
];

for (const { name, part, param, code } of errorRows) {
  Deno.test(`file part: ${name} → TranslationError`, () => {
    assert.throws(
      () => convertFilePart({ part, param: "messages[1].content[0]" }),
      { name: "TranslationError", param, code },
    );
  });
}
