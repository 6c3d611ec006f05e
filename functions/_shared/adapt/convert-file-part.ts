/**
 * An OpenAI `file` content part (a PDF sent inline) → an Anthropic `document`
 * block. For the translator's user-content conversion (its `case "file"`);
 * `pdfData` is also the check that a part is a PDF at all, which no provider
 * takes otherwise through chat completions.
 *
 * OpenAI's `file_data` is a data URL (`data:application/pdf;base64,…`), and
 * Anthropic's base64 source wants the bare data with its media type. A
 * `file_id` names a file uploaded to OpenAI, which Anthropic cannot read.
 */
// Not from convert-message-content.ts, which imports this module.
import { isRecord } from "../translate/is-record.ts";
import { TranslationError } from "../translate/translation-error.ts";
import type { DocumentBlockParam } from "./types.ts";

const DATA_URL = /^data:([^;,]+)((?:;[^;,]+)*);base64,(.*)$/s;

/** The base64 data of a PDF `file` part's `file`, or the 400 saying why not. */
export function pdfData({ file, param }: { file: unknown; param: string }): string {
  if (!isRecord(file)) {
    throw new TranslationError({ param, code: "invalid_type", message: `${param} must be an object` });
  }
  const fileData: unknown = file.file_data;
  if (typeof fileData !== "string") {
    throw new TranslationError({
      param: `${param}.file_data`,
      code: "unsupported_value",
      message: `${param}.file_data is required: a file_id cannot be read by this provider`,
    });
  }
  const match = DATA_URL.exec(fileData);
  if (match === null || match[3] === "") {
    throw new TranslationError({
      param: `${param}.file_data`,
      message: `${param}.file_data must be a base64 data URL (data:application/pdf;base64,...)`,
    });
  }
  if (match[1].toLowerCase() !== "application/pdf") {
    throw new TranslationError({
      param: `${param}.file_data`,
      code: "unsupported_value",
      message: `${param}.file_data is ${match[1]}: only PDF files are supported`,
    });
  }
  return match[3];
}

export function convertFilePart({ part, param }: { part: unknown; param: string }): DocumentBlockParam {
  if (!isRecord(part) || part.type !== "file") {
    throw new TranslationError({ param, code: "invalid_type", message: `${param} must be a file part` });
  }
  const data = pdfData({ file: part.file, param: `${param}.file` });
  const block: DocumentBlockParam = {
    type: "document",
    source: { type: "base64", media_type: "application/pdf", data },
  };
  const filename = isRecord(part.file) ? part.file.filename : undefined;
  // The file name is the closest thing to a title the caller gave.
  if (typeof filename === "string" && filename !== "") block.title = filename;
  return block;
}
