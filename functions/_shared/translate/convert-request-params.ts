/**
 * The scalar parameters of a chat-completions body → Anthropic's.
 *
 * 1:1 renames live in a declarative table (Portkey-style) so that adding one is
 * a row, not a code path; the few rules that are not 1:1 (max tokens from two
 * fields, `n`, `user`) follow it. Values arrive off the wire, so every rule
 * checks its type and names the field in its TranslationError (a 400).
 */
import { createHash } from "node:crypto";
import { TranslationError } from "./translation-error.ts";
import type { AnthropicRequest, OpenAIChatRequest } from "./types.ts";

export type RequestParams = Pick<
  AnthropicRequest,
  "max_tokens" | "temperature" | "top_p" | "stop_sequences" | "metadata"
>;

type Renamed = Pick<RequestParams, "temperature" | "top_p" | "stop_sequences">;
type Convert<T> = (input: { value: unknown; param: string; warnings: string[] }) => T | undefined;

/** OpenAI parameter → Anthropic parameter, with its conversion. */
const RENAMES = [
  rename("temperature", "temperature", clampTemperature),
  rename("top_p", "top_p", finiteNumber),
  rename("stop", "stop_sequences", toStopSequences),
];

/** Parameters Anthropic has no equivalent for: dropped, with a warning. */
const IGNORED: ReadonlyArray<keyof OpenAIChatRequest> = [
  "frequency_penalty",
  "presence_penalty",
  "logit_bias",
  "logprobs",
  "top_logprobs",
  "seed",
  "metadata",
  "store",
  "service_tier",
  "prediction",
  "audio",
  "modalities",
  "reasoning_effort",
  "verbosity",
  "web_search_options",
  "prompt_cache_key",
  "stream",
  "stream_options",
];

/** Legacy function calling: silently dropping it would change what the caller gets. */
const REJECTED: ReadonlyArray<keyof OpenAIChatRequest> = ["functions", "function_call"];

export const DEFAULT_MAX_TOKENS = 4096;

export function convertRequestParams(
  { request, defaultMaxTokens = DEFAULT_MAX_TOKENS }: {
    request: OpenAIChatRequest;
    defaultMaxTokens?: number;
  },
): { params: RequestParams; warnings: string[] } {
  const warnings: string[] = [];
  rejectSeveralChoices(request.n);
  for (const key of REJECTED) {
    if (request[key] !== undefined && request[key] !== null) {
      throw new TranslationError({
        param: key,
        code: "unsupported_value",
        message: `${key} is deprecated and not supported: use tools and tool_choice`,
      });
    }
  }
  const params: RequestParams = { max_tokens: maxTokens(request, defaultMaxTokens) };
  const renamed: Renamed = {};
  for (const rule of RENAMES) rule.apply({ request, out: renamed, warnings });
  Object.assign(params, renamed);
  const userId = endUserId(request);
  if (userId !== undefined) params.metadata = { user_id: userId };
  for (const key of IGNORED) {
    if (request[key] !== undefined && request[key] !== null) {
      warnings.push(`${key} ignored: Anthropic has no equivalent`);
    }
  }
  return { params, warnings };
}

function rename<K extends keyof Renamed>(
  from: keyof OpenAIChatRequest,
  to: K,
  convert: Convert<NonNullable<Renamed[K]>>,
) {
  return {
    from,
    to,
    apply({ request, out, warnings }: { request: OpenAIChatRequest; out: Renamed; warnings: string[] }) {
      const value: unknown = request[from];
      // OpenAI accepts null for "not set"; Anthropic does not, so omit the key.
      if (value === undefined || value === null) return;
      const converted = convert({ value, param: from, warnings });
      if (converted !== undefined) out[to] = converted;
    },
  };
}

/**
 * OpenAI's range is 0–2, Anthropic's 0–1: clamp, do not rescale (spec §9), and
 * never turn 0 into anything else (the plan's `|| 0.1` did).
 */
function clampTemperature({ value, param, warnings }: Parameters<Convert<number>>[0]): number {
  const temperature = finiteNumber({ value, param, warnings });
  const clamped = Math.min(1, Math.max(0, temperature));
  if (clamped !== temperature) {
    warnings.push(`temperature ${temperature} clamped to ${clamped}: Anthropic accepts 0 to 1`);
  }
  return clamped;
}

function finiteNumber({ value, param }: Parameters<Convert<number>>[0]): number {
  if (typeof value !== "number" || !Number.isFinite(value)) throw typeError(param, "a number");
  return value;
}

/**
 * A string or an array of strings. Anthropic rejects empty and whitespace-only
 * stop sequences (OpenAI users often send "\n"), so those are dropped with a
 * warning rather than failing the call; nothing left → no key.
 */
function toStopSequences({ value, param, warnings }: Parameters<Convert<string[]>>[0]): string[] | undefined {
  const list: unknown[] = Array.isArray(value) ? value : [value];
  const kept: string[] = [];
  list.forEach((item, i) => {
    const itemParam = Array.isArray(value) ? `${param}[${i}]` : param;
    if (typeof item !== "string") throw typeError(itemParam, "a string");
    if (item.trim() === "") {
      warnings.push(`${itemParam} ${JSON.stringify(item)} ignored: Anthropic rejects whitespace-only stop sequences`);
    } else kept.push(item);
  });
  return kept.length > 0 ? kept : undefined;
}

/** Anthropic requires `max_tokens`; `max_completion_tokens` is OpenAI's newer name and wins. */
function maxTokens(request: OpenAIChatRequest, defaultMaxTokens: number): number {
  for (const param of ["max_completion_tokens", "max_tokens"] as const) {
    const value: unknown = request[param];
    if (value === undefined || value === null) continue;
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
      throw new TranslationError({ param, message: `${param} must be a positive integer` });
    }
    return value;
  }
  return defaultMaxTokens;
}

/**
 * Anthropic's only metadata field identifies the end user for abuse monitoring,
 * as OpenAI's `user` (and its successor `safety_identifier`) does. It must be
 * opaque: Anthropic refuses a `user_id` that holds an email address or a phone
 * number (400), and OpenAI callers commonly send an email as `user`. So it goes
 * as its SHA-256 (hex, 64 characters): the same end user keeps the same id, and
 * no personal data leaves for a provider the caller did not choose.
 */
function endUserId(request: OpenAIChatRequest): string | undefined {
  for (const param of ["user", "safety_identifier"] as const) {
    const value: unknown = request[param];
    if (value === undefined || value === null) continue;
    if (typeof value !== "string") throw typeError(param, "a string");
    return createHash("sha256").update(value).digest("hex");
  }
  return undefined;
}

/** Anthropic returns one answer per call; faking `n` would multiply the cost. */
function rejectSeveralChoices(n: unknown): void {
  if (n === undefined || n === null || n === 1) return;
  throw new TranslationError({
    param: "n",
    code: "unsupported_value",
    message: "n must be 1: the router returns a single choice",
  });
}

function typeError(param: string, expected: string): TranslationError {
  return new TranslationError({ param, code: "invalid_type", message: `${param} must be ${expected}` });
}
