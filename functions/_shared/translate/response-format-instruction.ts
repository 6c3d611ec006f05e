/**
 * `response_format` → a system-prompt instruction.
 *
 * The models this router sends to Anthropic (claude-3-haiku, claude-3-5-haiku)
 * have no native JSON mode, and faking one with a forced tool would turn the
 * answer into a tool call the caller did not ask for. So JSON is requested in
 * words, with the schema when there is one, and a warning says it is not
 * enforced: a caller that needs validated JSON must validate it.
 */
import { isRecord } from "./convert-message-content.ts";
import { TranslationError } from "./translation-error.ts";
import type { OpenAIChatRequest } from "./types.ts";

export const JSON_INSTRUCTION = "Respond with a single JSON object only.";

export function responseFormatInstruction(
  { responseFormat }: { responseFormat: OpenAIChatRequest["response_format"] },
): { instruction: string | undefined; warnings: string[] } {
  if (responseFormat === undefined || responseFormat === null) return { instruction: undefined, warnings: [] };
  if (!isRecord(responseFormat)) {
    throw new TranslationError({
      param: "response_format",
      code: "invalid_type",
      message: "response_format must be an object",
    });
  }
  const type = responseFormat.type;
  switch (type) {
    case "text":
      return { instruction: undefined, warnings: [] };
    case "json_object":
      return {
        instruction: JSON_INSTRUCTION,
        warnings: ["response_format json_object is requested by instruction, not enforced"],
      };
    case "json_schema": {
      const { json_schema } = responseFormat;
      if (!isRecord(json_schema) || typeof json_schema.name !== "string") {
        throw new TranslationError({
          param: "response_format.json_schema.name",
          message: "response_format.json_schema must have a name",
        });
      }
      const lines = [
        JSON_INSTRUCTION,
        `It must match the JSON schema "${json_schema.name}":`,
        JSON.stringify(json_schema.schema ?? {}),
      ];
      if (typeof json_schema.description === "string" && json_schema.description !== "") {
        lines.splice(2, 0, json_schema.description);
      }
      return {
        instruction: lines.join("\n"),
        warnings: ["response_format json_schema is requested by instruction, not enforced"],
      };
    }
    default: {
      const unknownType: never = type;
      throw new TranslationError({
        param: "response_format.type",
        message: `response_format.type ${JSON.stringify(unknownType)} is not text, json_object or json_schema`,
      });
    }
  }
}
