/**
 * Sampling parameters → the ones this model takes.
 *
 * Claude 4 and later (`temperature_or_top_p`) refuse `temperature` together
 * with `top_p`: `temperature` is what callers tune, so `top_p` goes. Reasoning
 * models (`none`: the o-series and the GPT-5 family) take `temperature` and
 * `top_p` only at their default, so one equal to it stays (it changes nothing)
 * and any other is dropped; the penalties, `logit_bias` and log probabilities
 * are among their documented limitations (GPT-5.1 and later take log
 * probabilities only at reasoning effort none), so they are dropped whatever
 * their value, said so when they asked for something. `effort_none` (GPT-5.1
 * and later) is `none` unless the request's `reasoning_effort` is "none" (as
 * the caller sent it, or as adapt-reasoning-effort.ts set it for tools): then
 * temperature, top_p and log probabilities are the model's to take, and only
 * the penalties and `logit_bias` go. Values that are not numbers are left for
 * the provider's own validation to name.
 */
import type { AdaptInput, AdaptStep, OpenAIChatRequest } from "./types.ts";

/** What a reasoning model takes at its default only, and the default. */
const DEFAULT_ONLY = [
  ["temperature", 1],
  ["top_p", 1],
] as const satisfies ReadonlyArray<readonly [keyof OpenAIChatRequest, number]>;

/** What a reasoning model does not take, and whether a value asks for nothing (dropped without a word). */
const NOT_TAKEN: ReadonlyArray<readonly [keyof OpenAIChatRequest, (value: unknown) => boolean]> = [
  ["frequency_penalty", (value) => value === 0],
  ["presence_penalty", (value) => value === 0],
  ["logit_bias", (value) => typeof value === "object" && value !== null && Object.keys(value).length === 0],
  ["logprobs", (value) => value === false],
  ["top_logprobs", (value) => value === 0],
];

export function adaptSampling({ request, model }: AdaptInput): AdaptStep {
  const rule = model.sampling;
  switch (rule) {
    case "any":
      return { request, warnings: [] };
    case "temperature_or_top_p": {
      if (!isSet(request.temperature) || !isSet(request.top_p)) return { request, warnings: [] };
      const { top_p: _dropped, ...rest } = request;
      return {
        request: rest,
        warnings: [`top_p dropped: ${model.model} accepts temperature or top_p, not both`],
      };
    }
    case "none":
    case "effort_none": {
      const atEffortNone = rule === "effort_none" && request.reasoning_effort === "none";
      const adapted: OpenAIChatRequest = { ...request };
      const warnings: string[] = [];
      let changed = false;
      for (const [param, fallback] of atEffortNone ? [] : DEFAULT_ONLY) {
        const value: unknown = request[param];
        if (!isSet(value) || value === fallback) continue;
        delete adapted[param];
        changed = true;
        warnings.push(`${param} ${String(value)} dropped: ${model.model} accepts only the default (${fallback})`);
      }
      for (const [param, asksNothing] of NOT_TAKEN) {
        const value: unknown = request[param];
        if (!isSet(value) || (atEffortNone && LOG_PROBABILITIES.has(param))) continue;
        delete adapted[param];
        changed = true;
        if (!asksNothing(value)) warnings.push(`${param} dropped: ${model.model} (a reasoning model) does not take it`);
      }
      return { request: changed ? adapted : request, warnings };
    }
    default: {
      const unknownRule: never = rule;
      throw new Error(`unknown sampling rule ${JSON.stringify(unknownRule)}`);
    }
  }
}

/** Taken at reasoning effort none by `effort_none` models, with temperature and top_p. */
const LOG_PROBABILITIES: ReadonlySet<string> = new Set(["logprobs", "top_logprobs"]);

/** OpenAI takes null for "not set". */
function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}
