/**
 * Tool schemas with a top-level `allOf` / `anyOf` / `oneOf` → one object
 * schema, for Anthropic, which refuses those combinators at the top level of
 * `input_schema` (OpenAI and nested combinators are fine, so only the top
 * level changes, and only for `anthropic`).
 *
 * - `allOf`: the parts are merged: properties joined (a property in several
 *   parts must satisfy each: `allOf` of its schemas), `required` joined,
 *   `additionalProperties: false` if any part says so.
 * - `anyOf` / `oneOf` of object schemas: the union of their properties (a
 *   property that differs between variants takes `anyOf` of its schemas),
 *   `required` = what every variant requires, and the variants are spelled
 *   out in the tool's description so the model still knows which sets go
 *   together. The merged schema is wider than the original: the caller must
 *   validate arguments anyway (OpenAI says so too).
 *
 * A variant that is a local `$ref` (`#/$defs/X`, `#/definitions/X`, what
 * Pydantic and Zod emit) is resolved; a variant that is not an object schema
 * cannot become tool arguments on any provider: TranslationError.
 */
import { isRecord } from "../translate/convert-message-content.ts";
import { TranslationError } from "../translate/translation-error.ts";
import type { AdaptInput, AdaptStep, OpenAITool } from "./types.ts";

type Schema = Record<string, unknown>;
const COMBINATORS = ["allOf", "anyOf", "oneOf"] as const;
type Combinator = typeof COMBINATORS[number];

export function flattenToolSchemas({ request, model }: AdaptInput): AdaptStep {
  const kind = model.providerKind;
  switch (kind) {
    case "openai-compatible":
      return { request, warnings: [] };
    case "anthropic": {
      const tools: unknown = request.tools;
      if (!Array.isArray(tools)) return { request, warnings: [] };
      const warnings: string[] = [];
      const adapted = request.tools?.map((tool, i) =>
        flattenTool({ tool, param: `tools[${i}]`, model: model.model, warnings })
      );
      return warnings.length > 0 ? { request: { ...request, tools: adapted }, warnings } : { request, warnings };
    }
    default: {
      const unknownKind: never = kind;
      throw new Error(`unknown provider kind ${JSON.stringify(unknownKind)}`);
    }
  }
}

function flattenTool(
  { tool, param, model, warnings }: { tool: OpenAITool; param: string; model: string; warnings: string[] },
): OpenAITool {
  if (!isRecord(tool) || tool.type !== "function" || !isRecord(tool.function)) return tool;
  const parameters: unknown = tool.function.parameters;
  if (!isRecord(parameters)) return tool;
  const found = COMBINATORS.filter((key) => parameters[key] !== undefined);
  if (found.length === 0) return tool;
  const schemaParam = `${param}.function.parameters`;
  const { schema, variants } = flattenSchema({ schema: parameters, root: parameters, param: schemaParam });
  const description = [tool.function.description, ...variants].filter((text) => text !== undefined && text !== "");
  warnings.push(
    `${schemaParam} top-level ${
      found.join(", ")
    } flattened into one object schema: ${model} refuses top-level combinators`,
  );
  const fn = { ...tool.function, parameters: schema };
  if (description.length > 0) fn.description = description.join("\n\n");
  return { ...tool, function: fn };
}

/**
 * One schema without top-level combinators, and the sentences describing the
 * variants of its `anyOf` / `oneOf` (for the description).
 */
export function flattenSchema(
  { schema, root, param }: { schema: Schema; root: Schema; param: string },
): { schema: Schema; variants: string[] } {
  const { allOf, anyOf, oneOf, ...base } = schema;
  if (base.type !== undefined && base.type !== "object") {
    throw invalid(`${param}.type`, `${param} must be an object schema`);
  }
  let merged: Schema = { ...structuredClone(base), type: "object" };
  const variants: string[] = [];
  if (allOf !== undefined) {
    for (const part of parts({ list: allOf, key: "allOf", root, param })) {
      merged = mergeAll(merged, part.schema);
      variants.push(...part.variants);
    }
  }
  for (const [key, list] of [["anyOf", anyOf], ["oneOf", oneOf]] as const) {
    if (list === undefined) continue;
    const flattened = parts({ list, key, root, param });
    merged = mergeAll(merged, mergeAny(flattened.map((part) => part.schema)));
    variants.push(describeVariants(key, flattened.map((part) => part.schema)), ...flattened.flatMap((p) => p.variants));
  }
  return { schema: merged, variants };
}

function parts(
  { list, key, root, param }: { list: unknown; key: Combinator; root: Schema; param: string },
): Array<{ schema: Schema; variants: string[] }> {
  if (!Array.isArray(list) || list.length === 0) {
    throw invalid(`${param}.${key}`, `${param}.${key} must be a non-empty array of schemas`);
  }
  return list.map((entry: unknown, j) => {
    const entryParam = `${param}.${key}[${j}]`;
    const resolved = resolveRef({ schema: entry, root, param: entryParam });
    return flattenSchema({ schema: resolved, root, param: entryParam });
  });
}

function resolveRef({ schema, root, param }: { schema: unknown; root: Schema; param: string }): Schema {
  if (!isRecord(schema)) throw invalid(param, `${param} must be an object schema`);
  const ref = schema.$ref;
  if (ref === undefined) return schema;
  const match = typeof ref === "string" ? /^#\/(\$defs|definitions)\/([^/]+)$/.exec(ref) : null;
  const defs = match === null ? undefined : root[match[1]];
  const target = isRecord(defs) && match !== null ? defs[match[2]] : undefined;
  if (!isRecord(target)) throw invalid(`${param}.$ref`, `${param}.$ref must point into the schema's own $defs`);
  const { $ref: _ref, ...siblings } = schema;
  return { ...target, ...siblings };
}

/** Both must hold: properties and `required` joined. */
function mergeAll(a: Schema, b: Schema): Schema {
  const merged: Schema = { ...a, ...b, type: "object" };
  // Keys such as description: the first part's wording wins.
  for (const key of Object.keys(a)) merged[key] = a[key];
  const properties = joinProperties(propertiesOf(a), propertiesOf(b), "allOf");
  if (Object.keys(properties).length > 0) merged.properties = properties;
  const required = [...new Set([...requiredOf(a), ...requiredOf(b)])];
  if (required.length > 0) merged.required = required;
  if (a.additionalProperties === false || b.additionalProperties === false) merged.additionalProperties = false;
  return merged;
}

/** One of them holds: every property allowed, only the common ones required. */
function mergeAny(variants: ReadonlyArray<Schema>): Schema {
  let properties: Schema = {};
  for (const variant of variants) properties = joinProperties(properties, propertiesOf(variant), "anyOf");
  const [first, ...rest] = variants.map(requiredOf);
  const required = (first ?? []).filter((name) => rest.every((names) => names.includes(name)));
  const merged: Schema = { type: "object", properties };
  if (required.length > 0) merged.required = required;
  if (variants.every((variant) => variant.additionalProperties === false)) merged.additionalProperties = false;
  return merged;
}

function joinProperties(a: Schema, b: Schema, how: "allOf" | "anyOf"): Schema {
  const joined: Schema = { ...a };
  for (const [name, schema] of Object.entries(b)) {
    const existing = joined[name];
    if (existing === undefined || JSON.stringify(existing) === JSON.stringify(schema)) joined[name] = schema;
    else {
      const left = isRecord(existing) && Array.isArray(existing[how]) && Object.keys(existing).length === 1
        ? existing[how]
        : [existing];
      joined[name] = { [how]: [...left, schema] };
    }
  }
  return joined;
}

function describeVariants(key: "anyOf" | "oneOf", variants: ReadonlyArray<Schema>): string {
  const lead = key === "oneOf"
    ? "The arguments match exactly one of these variants:"
    : "The arguments match at least one of these variants:";
  const lines = variants.map((variant, n) => {
    const label = typeof variant.title === "string" ? `${variant.title}: ` : "";
    const names = Object.keys(propertiesOf(variant));
    const required = requiredOf(variant);
    return `${n + 1}. ${label}properties ${list(names)}; required ${list(required)}`;
  });
  return [lead, ...lines].join("\n");
}

function list(names: ReadonlyArray<string>): string {
  return names.length > 0 ? names.join(", ") : "none";
}

function propertiesOf(schema: Schema): Schema {
  return isRecord(schema.properties) ? schema.properties : {};
}

function requiredOf(schema: Schema): string[] {
  return Array.isArray(schema.required) ? schema.required.filter((name) => typeof name === "string") : [];
}

function invalid(param: string, message: string): TranslationError {
  return new TranslationError({ param, code: "invalid_value", message });
}
