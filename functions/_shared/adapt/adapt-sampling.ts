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

/** What a reasoning model does not take, and the value that asks for nothing. */
const NOT_TAKEN = [
  ["frequency_penalty", 0],
  ["presence_penalty", 0],
  ["logit_bias", null],
  ["logprobs", false],
  ["top_logprobs", 0],
] as const satisfies ReadonlyArray<readonly [keyof OpenAIChatRequest, number | boolean | null]>;

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
      for (const [param, fallback] of atEffortNone ? [] : DEFAULT_ONLY) {
        const value: unknown = request[param];
        if (!isSet(value) || value === fallback) continue;
        delete adapted[param];
        warnings.push(`${param} ${String(value)} dropped: ${model.model} accepts only the default (${fallback})`);
      }
      const notTaken = atEffortNone ? NOT_TAKEN.filter(([param]) => !LOG_PROBABILITIES.has(param)) : NOT_TAKEN;
      for (const [param, nothing] of notTaken) {
        const value: unknown = request[param];
        if (!isSet(value)) continue;
        delete adapted[param];
        if (value === nothing || (param === "logit_bias" && isEmptyObject(value))) continue;
        warnings.push(`${param} dropped: ${model.model} (a reasoning model) does not take it`);
      }
      const changed = notTaken.some(([param]) => isSet(request[param])) || warnings.length > 0;
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

const isEmptyObject = (value: unknown): boolean =>
  typeof value === "object" && value !== null && Object.keys(value).length === 0;

/** OpenAI takes null for "not set". */
function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}
