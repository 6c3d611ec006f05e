/**
 * Message content (a string or an array of parts) → Anthropic blocks.
 *
 * Anthropic rejects empty text blocks, and whitespace-only ones when a message
 * has no other text, so any text that trims to "" is dropped here, once, for
 * every role (spec §9 "no empty text blocks").
 */
import { convertFilePart } from "../adapt/convert-file-part.ts";
import { convertImageUrl } from "./convert-image-url.ts";
import { isRecord } from "./is-record.ts";
import { TranslationError } from "./translation-error.ts";
import type { ChatCompletionUserMessageParam, ContentBlockParam, TextBlockParam } from "./types.ts";

export { isRecord };

export function isBlank(text: string): boolean {
  return text.trim() === "";
}

export function textBlocks(texts: ReadonlyArray<string>): TextBlockParam[] {
  return texts.filter((text) => !isBlank(text)).map((text) => ({ type: "text", text }));
}

/**
 * The texts of a string or text-part content (system, developer, tool and
 * assistant messages). With `refusalParts`, an assistant may replay a
 * `refusal` part (OpenAI's own answer shape), which is plain text to Anthropic.
 */
export function textsOf(
  { content, param, refusalParts = false }: {
    content: unknown;
    param: string;
    refusalParts?: boolean;
  },
): string[] {
  if (typeof content === "string") return isBlank(content) ? [] : [content];
  if (!Array.isArray(content)) {
    throw new TranslationError({
      param,
      code: "invalid_type",
      message: `${param} must be a string or an array of text parts`,
    });
  }
  return content.flatMap((part: unknown, j) => {
    const text = partText({ part, refusalParts });
    if (text === undefined) {
      throw new TranslationError({
        param: `${param}[${j}]`,
        code: "invalid_type",
        message: `${param}[${j}] must be a text part`,
      });
    }
    return isBlank(text) ? [] : [text];
  });
}

/** A user message's content: text, image and PDF file parts. */
export function convertUserContent(
  { content, param }: { content: ChatCompletionUserMessageParam["content"]; param: string },
): ContentBlockParam[] {
  if (typeof content === "string") return textBlocks([content]);
  if (!Array.isArray(content)) {
    throw new TranslationError({
      param,
      code: "invalid_type",
      message: `${param} must be a string or an array of content parts`,
    });
  }
  return content.flatMap((part, j): ContentBlockParam[] => {
    const partParam = `${param}[${j}]`;
    // Off the wire a part may be anything; the switch below trusts the type.
    if (!isRecord(part)) throw invalidPart(partParam);
    const type = part.type;
    switch (type) {
      case "text":
        if (typeof part.text !== "string") throw invalidPart(`${partParam}.text`);
        return textBlocks([part.text]);
      case "image_url":
        return [convertImageUrl({
          url: isRecord(part.image_url) ? part.image_url.url : undefined,
          param: `${partParam}.image_url.url`,
        })];
      // A PDF (inline data) is a document block; the adaptation refused what this model cannot read.
      case "file":
        return [convertFilePart({ part, param: partParam })];
      // Audio has no Anthropic equivalent.
      case "input_audio":
        throw new TranslationError({
          param: `${partParam}.type`,
          code: "unsupported_value",
          message: `${partParam}.type "${type}" is not supported when routing to Anthropic`,
        });
      default: {
        const unknownType: never = type;
        throw invalidPart(`${partParam}.type`, unknownType);
      }
    }
  });
}

function invalidPart(param: string, type?: unknown): TranslationError {
  return new TranslationError({
    param,
    code: "invalid_value",
    message: type === undefined
      ? `${param} is not a valid content part`
      : `${param} ${JSON.stringify(type)} is not a text, image_url or file part`,
  });
}

function partText(
  { part, refusalParts }: { part: unknown; refusalParts: boolean },
): string | undefined {
  if (!isRecord(part)) return undefined;
  if (part.type === "text" && typeof part.text === "string") return part.text;
  if (refusalParts && part.type === "refusal" && typeof part.refusal === "string") {
    return part.refusal;
  }
  return undefined;
}

