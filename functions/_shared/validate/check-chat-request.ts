/**
 * Checks a chat-completions body against OpenAI's documented shape (chat-request-schema.ts) and
 * the router's caps, and words the first problem as OpenAI does: its message, `param` naming the
 * field (`messages[2].role`), its code (`unknown_parameter`, `decimal_above_max_value`, …).
 *
 * Every check is linear in the size of the body: the nesting depth is measured with an explicit
 * stack (no recursion to overflow), the caps on arrays come before any per-element work, and
 * duplicate tool names are found with a Set.
 *
 * Pure: nothing is fetched or mutated.
 */
import type { z } from "zod";
import { CHAT_REQUEST_LIMITS, chatRequestSchema } from "./chat-request-schema.ts";

/** A refusal in OpenAI's terms. */
export interface OpenAIRequestProblem {
  message: string;
  param: string;
  code: string;
}

export function checkChatRequestShape({ body }: { body: unknown }): OpenAIRequestProblem | null {
  return tooDeep(body) ?? schemaProblem(body) ?? duplicateToolName(body);
}

/** `messages[2].content[0].text`, as OpenAI names a field. */
export function paramOf(path: ReadonlyArray<PropertyKey>): string {
  return path.map((key, i) => typeof key === "number" ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`).join("");
}

/** The first value nested deeper than the cap, found without recursion. */
function tooDeep(body: unknown): OpenAIRequestProblem | null {
  const stack: Array<{ value: unknown; depth: number; path: PropertyKey[] }> = [{ value: body, depth: 0, path: [] }];
  while (stack.length > 0) {
    const { value, depth, path } = stack.pop()!;
    if (typeof value !== "object" || value === null) continue;
    if (depth >= CHAT_REQUEST_LIMITS.maxDepth) {
      const param = paramOf(path.slice(0, 3)) || "body";
      return {
        param,
        code: "nesting_too_deep",
        message: `Invalid '${param}': nested too deeply. Expected at most ${CHAT_REQUEST_LIMITS.maxDepth} levels of objects and arrays.`,
      };
    }
    const entries: Array<[PropertyKey, unknown]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    // Only the first few segments of a path are kept: enough to name the field, bounded in size.
    for (const [key, child] of entries) {
      if (typeof child === "object" && child !== null) stack.push({ value: child, depth: depth + 1, path: path.length < 3 ? [...path, key] : path });
    }
  }
  return null;
}

function schemaProblem(body: unknown): OpenAIRequestProblem | null {
  const result = chatRequestSchema.safeParse(body, { reportInput: true });
  if (result.success) return null;
  return describe(result.error.issues[0]);
}

/** Tool (and legacy function) names, each once: one pass with a Set. */
function duplicateToolName(body: unknown): OpenAIRequestProblem | null {
  const request = body as { tools?: Array<{ type: string; function?: { name: string }; custom?: { name: string } }>; functions?: Array<{ name: string }> };
  const lists: Array<[string, Array<{ name: string; param: string }>]> = [
    ["tools", (request.tools ?? []).map((t, i) => t.type === "function"
      ? { name: t.function!.name, param: `tools[${i}].function.name` }
      : { name: t.custom!.name, param: `tools[${i}].custom.name` })],
    ["functions", (request.functions ?? []).map((f, i) => ({ name: f.name, param: `functions[${i}].name` }))],
  ];
  for (const [, names] of lists) {
    const seen = new Set<string>();
    for (const { name, param } of names) {
      if (seen.has(name)) return { param, code: "invalid_value", message: `${param} repeats the tool name "${name}"` };
      seen.add(name);
    }
  }
  return null;
}

/** One zod issue in OpenAI's words. */
function describe(issue: z.core.$ZodIssue): OpenAIRequestProblem {
  const param = paramOf(issue.path);
  switch (issue.code) {
    case "unrecognized_keys": {
      const key = issue.keys[0];
      const at = param === "" ? key : `${param}.${key}`;
      return issue.path.length === 0
        ? { param: at, code: "unknown_parameter", message: `Unrecognized request argument supplied: ${key}` }
        : { param: at, code: "unknown_parameter", message: `Unknown parameter: '${at}'.` };
    }
    case "invalid_type":
      if (issue.input === undefined) {
        return { param, code: "missing_required_parameter", message: `Missing required parameter: '${param}'.` };
      }
      return {
        param,
        code: "invalid_type",
        message: `Invalid type for '${param}': expected ${article(INTEGER_PARAMS.has(param) ? "integer" : issue.expected)}, but got ${article(typeName(issue.input))} instead.`,
      };
    case "too_big":
      return bound({ param, origin: issue.origin, side: "max", limit: issue.maximum, input: issue.input });
    case "too_small":
      return bound({ param, origin: issue.origin, side: "min", limit: issue.minimum, input: issue.input });
    case "invalid_value":
      return {
        param,
        code: "invalid_value",
        message: `Invalid value: ${quote(issue.input)}. Supported values are: ${listOf(issue.values.map(quote))}.`,
      };
    case "invalid_union":
      return unionProblem(issue, param);
    case "invalid_format":
      return {
        param,
        code: "invalid_value",
        message: `Invalid '${param}': string does not match pattern. Expected a string that matches the pattern ${
          "pattern" in issue && issue.pattern ? `'${String(issue.pattern).replace(/^\/|\/$/g, "")}'` : issue.format
        }.`,
      };
    case "not_multiple_of":
    case "invalid_key":
    case "invalid_element":
    case "custom":
      return { param, code: "invalid_value", message: `Invalid '${param}': ${issue.message}.` };
    default: {
      const unexpected: never = issue;
      return { param, code: "invalid_value", message: `Invalid '${param}': ${(unexpected as { message: string }).message}.` };
    }
  }
}

/**
 * A union: an unknown discriminator is an enum refusal (the path already ends at it); otherwise
 * the option that came closest: one whose type matched (a range, a value) before a type mismatch.
 */
function unionProblem(issue: z.core.$ZodIssueInvalidUnion, param: string): OpenAIRequestProblem {
  const { discriminator, options } = issue as { discriminator?: string; options?: unknown[] };
  if (issue.errors.length === 0 && discriminator !== undefined) {
    const input = isObject(issue.input) ? issue.input[discriminator] : undefined;
    if (input === undefined) return { param, code: "missing_required_parameter", message: `Missing required parameter: '${param}'.` };
    const values = discriminator === "role" ? ["system", "assistant", "user", "function", "tool", "developer"] : options ?? [];
    return { param, code: "invalid_value", message: `Invalid value: ${quote(input)}. Supported values are: ${listOf(values.map(quote))}.` };
  }
  if (issue.input === undefined) return { param, code: "missing_required_parameter", message: `Missing required parameter: '${param}'.` };
  const firsts = issue.errors.map((errors) => errors[0]).filter((e) => e !== undefined);
  const typeMismatch = (e: z.core.$ZodIssue) => e.code === "invalid_type" && e.path.length === 0;
  const closest = firsts.filter((e) => !typeMismatch(e)).sort((a, b) => b.path.length - a.path.length)[0];
  if (closest !== undefined) return describe({ ...closest, path: [...issue.path, ...closest.path] } as z.core.$ZodIssue);
  const expected = [...new Set(firsts.map((e) => e.code === "invalid_type" ? article(e.expected) : "another form"))];
  return {
    param,
    code: "invalid_type",
    message: `Invalid type for '${param}': expected one of ${listOf(expected).replace(", and", ", or").replace(" and ", " or ")}, but got ${article(typeName(issue.input))} instead.`,
  };
}

/** The fields OpenAI types as integers (the others' bounds are worded for decimals). */
const INTEGER_PARAMS = new Set(["max_tokens", "max_completion_tokens", "n", "seed", "top_logprobs"]);

function bound(
  { param, origin, side, limit, input }: { param: string; origin: string; side: "max" | "min"; limit: number | bigint; input: unknown },
): OpenAIRequestProblem {
  if (origin === "array") {
    const length = Array.isArray(input) ? input.length : 0;
    if (side === "min" && length === 0) {
      return { param, code: "empty_array", message: `Invalid '${param}': empty array. Expected an array with minimum length ${limit}, but got an empty array instead.` };
    }
    return {
      param,
      code: `array_${side === "max" ? "above_max" : "below_min"}_length`,
      message: `Invalid '${param}': array too ${side === "max" ? "long" : "short"}. Expected an array with ${side}imum length ${limit}, but got an array with length ${length} instead.`,
    };
  }
  if (origin === "string") {
    const length = typeof input === "string" ? input.length : 0;
    return {
      param,
      code: `string_${side === "max" ? "above_max" : "below_min"}_length`,
      message: `Invalid '${param}': string too ${side === "max" ? "long" : "short"}. Expected a string with ${side}imum length ${limit}, but got a string with length ${length} instead.`,
    };
  }
  if (origin === "number") {
    const kind = INTEGER_PARAMS.has(param) ? "integer" : "decimal";
    return {
      param,
      code: `${kind}_${side === "max" ? "above_max" : "below_min"}_value`,
      message: `Invalid '${param}': ${kind} ${side === "max" ? "above maximum" : "below minimum"} value. Expected a value ${side === "max" ? "<=" : ">="} ${limit}, but got ${input} instead.`,
    };
  }
  return { param, code: "invalid_value", message: `Invalid '${param}': must have ${side === "max" ? "at most" : "at least"} ${limit} entries.` };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "decimal";
  if (typeof value === "object") return "object";
  return typeof value;
}

function article(type: string): string {
  const name = type === "record" ? "object" : type === "number" ? "decimal" : type === "int" ? "integer" : type;
  return `${/^[aeiou]/.test(name) ? "an" : "a"} ${name}`;
}

function quote(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
  return `'${text.length > 64 ? `${text.slice(0, 64)}…` : text}'`;
}

/** 'a', 'b', and 'c' — OpenAI's list. */
function listOf(items: string[]): string {
  if (items.length <= 1) return items.join("");
  if (items.length === 2) return `${items[0]} and ${items[1]}`;
  return `${items.slice(0, -1).join(", ")}, and ${items[items.length - 1]}`;
}
