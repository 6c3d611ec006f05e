/**
 * `response_format: json_schema` → Anthropic's structured output, so that
 * the OpenAI SDK's `chat.completions.parse()` gets bare JSON in `content`.
 *
 * - A model with native structured output gets `output_config.format`
 *   (`{type: "json_schema", schema}`, SDK 1.14 `OutputConfig`), carried in
 *   `anthropic` beside the request because OpenAI has no spelling for it. The
 *   schema goes through the SDK's own `transformJSONSchema`, the transform its
 *   `messages.parse()` helpers apply: it closes objects
 *   (`additionalProperties: false`) and moves keywords the API refuses
 *   (`minimum`, `pattern`, ...) into descriptions.
 * - A model without it, when the caller gave no tools of its own, gets one
 *   forced tool named after the schema, whose input is the answer;
 *   `unwrapForcedToolAnswer` turns that call back into content.
 * - Otherwise (a root that is not an object, the caller's own tools, a model
 *   without tools) `response_format` stays, and the translator asks for JSON
 *   by instruction and says it is not enforced.
 * OpenAI-compatible models take `json_schema` natively: unchanged.
 */
import { transformJSONSchema } from "@anthropic-ai/sdk/lib/transform-json-schema";
import { isRecord } from "../translate/convert-message-content.ts";
import type { AdaptInput, AdaptStep, AnthropicParams, ModelCapabilities, OpenAIChatRequest } from "./types.ts";

type Schema = Record<string, unknown>;

export interface StructuredOutputStep extends AdaptStep {
  anthropic?: AnthropicParams;
  /** The forced tool carrying the answer, for `unwrapForcedToolAnswer`; null when none. */
  forcedTool: string | null;
}

export function adaptStructuredOutput({ request, model }: AdaptInput): StructuredOutputStep {
  const unchanged: StructuredOutputStep = { request, warnings: [], forcedTool: null };
  const kind = model.providerKind;
  switch (kind) {
    case "openai-compatible":
      return unchanged;
    case "anthropic": {
      const format: unknown = request.response_format;
      if (!isRecord(format) || format.type !== "json_schema" || !isRecord(format.json_schema)) return unchanged;
      const { name, description, schema } = format.json_schema;
      if (typeof name !== "string" || !isRecord(schema) || schema.type !== "object") return unchanged;
      const { response_format: _replaced, ...rest } = request;
      if (model.supportsJsonSchema) {
        const native = nativeFormat({ schema, model });
        if (native !== undefined) {
          return {
            request: rest,
            warnings: native.warnings,
            anthropic: { output_config: native.config },
            forcedTool: null,
          };
        }
      }
      const tools: unknown = request.tools;
      if (!model.supportsTools || (Array.isArray(tools) && tools.length > 0)) return unchanged;
      return {
        request: forcedTool({ request: rest, name, description, schema }),
        warnings: [
          `response_format json_schema sent as a forced tool "${name}": ` +
          (model.supportsJsonSchema
            ? `the schema is outside the structured-output subset of ${model.model}`
            : `${model.model} has no native structured output`),
        ],
        forcedTool: name,
      };
    }
    default: {
      const unknownKind: never = kind;
      throw new Error(`unknown provider kind ${JSON.stringify(unknownKind)}`);
    }
  }
}

function nativeFormat(
  { schema, model }: { schema: Schema; model: ModelCapabilities },
): { config: NonNullable<AnthropicParams["output_config"]>; warnings: string[] } | undefined {
  let strict: Schema;
  try {
    strict = transformJSONSchema(schema);
  } catch {
    // The SDK refuses schemas it cannot express (a property without a type):
    // the forced tool takes any schema.
    return undefined;
  }
  const warnings = canonical(strict) === canonical(schema) ? [] : [
    `response_format.json_schema.schema adapted to the structured-output subset of ${model.model}: ` +
    "objects closed, unsupported keywords moved into descriptions",
  ];
  return { config: { format: { type: "json_schema", schema: strict } }, warnings };
}

function forcedTool(
  { request, name, description, schema }: {
    request: OpenAIChatRequest;
    name: string;
    description: unknown;
    schema: Schema;
  },
): OpenAIChatRequest {
  const fn: NonNullable<OpenAIChatRequest["tools"]>[number] & { type: "function" } = {
    type: "function",
    function: { name, parameters: structuredClone(schema) },
  };
  if (typeof description === "string" && description !== "") fn.function.description = description;
  return { ...request, tools: [fn], tool_choice: { type: "function", function: { name } } };
}

/** JSON with sorted keys: the SDK's transform reorders keys without changing the schema. */
function canonical(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, inner: unknown) =>
      isRecord(inner)
        ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0))
        : inner,
  );
}
