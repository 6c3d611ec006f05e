/**
 * What this model cannot take at all: images on a text-only model, PDFs on a
 * model without PDF input, a PDF by OpenAI `file_id` for Anthropic (it cannot
 * read OpenAI's files), tools on a model without tools. Nothing here can be
 * adapted without changing what the caller asked, so each is a
 * ModelCapabilityError naming the field and the model: a 400 for the primary,
 * a reason to skip a fallback. A `file` part that is no PDF is a plain
 * TranslationError (`pdfData`): no provider takes it.
 *
 * Lenient about shapes it does not check: the translator names those.
 */
import { isRecord } from "../translate/convert-message-content.ts";
import { pdfData } from "./convert-file-part.ts";
import { ModelCapabilityError } from "./model-capability-error.ts";
import type { AdaptInput, ModelCapabilities } from "./types.ts";

export function checkCapabilities({ request, model }: AdaptInput): void {
  const tools: unknown = request.tools;
  if (!model.supportsTools && Array.isArray(tools) && tools.length > 0) {
    throw refuse({ param: "tools", model, what: "tools" });
  }
  const messages: unknown = request.messages;
  if (!Array.isArray(messages)) return;
  messages.forEach((message: unknown, i) => {
    if (!isRecord(message) || message.role !== "user" || !Array.isArray(message.content)) return;
    message.content.forEach((part: unknown, j) => {
      if (!isRecord(part)) return;
      checkPart({ type: part.type, file: part.file, param: `messages[${i}].content[${j}]`, model });
    });
  });
}

function checkPart(
  { type, file, param, model }: { type: unknown; file: unknown; param: string; model: ModelCapabilities },
): void {
  if (type === "image_url" && !model.supportsImages) throw refuse({ param, model, what: "images" });
  if (type !== "file") return;
  if (!model.supportsPdf) throw refuse({ param, model, what: "PDF files" });
  const hasData = isRecord(file) && file.file_data !== undefined;
  const kind = model.providerKind;
  switch (kind) {
    case "openai-compatible":
      // A file_id is OpenAI's own upload: fine there.
      if (hasData) pdfData({ file, param: `${param}.file` });
      return;
    case "anthropic":
      if (!hasData) {
        throw new ModelCapabilityError({
          param: `${param}.file.file_data`,
          model: model.model,
          message: `${param}.file needs file_data for ${model.model}: anthropic models cannot read an OpenAI file_id`,
        });
      }
      pdfData({ file, param: `${param}.file` });
      return;
    default: {
      const unknownKind: never = kind;
      throw new Error(`unknown provider kind ${JSON.stringify(unknownKind)}`);
    }
  }
}

function refuse(
  { param, model, what }: { param: string; model: ModelCapabilities; what: string },
): ModelCapabilityError {
  return new ModelCapabilityError({
    param,
    model: model.model,
    message: `${param}: ${model.model} does not take ${what}`,
  });
}
