/**
 * Sampling parameters → the ones this model takes.
 *
 * Claude 4 and later (`temperature_or_top_p`) refuse `temperature` together
 * with `top_p`: `temperature` is what callers tune, so `top_p` goes. Reasoning
 * models (`none`) refuse any value but the default, so a parameter equal to
 * its default stays (it changes nothing) and any other is dropped. Values that
 * are not numbers are left for the provider's own validation to name.
 */
import type { AdaptInput, AdaptStep, OpenAIChatRequest } from "./types.ts";

/** The sampling parameters of the chat-completions API and their defaults. */
const DEFAULTS = [
  ["temperature", 1],
  ["top_p", 1],
  ["frequency_penalty", 0],
  ["presence_penalty", 0],
] as const satisfies ReadonlyArray<readonly [keyof OpenAIChatRequest, number]>;

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
    case "none": {
      const adapted: OpenAIChatRequest = { ...request };
      const warnings: string[] = [];
      for (const [param, fallback] of DEFAULTS) {
        const value: unknown = request[param];
        if (!isSet(value) || value === fallback) continue;
        delete adapted[param];
        warnings.push(`${param} ${String(value)} dropped: ${model.model} accepts only the default (${fallback})`);
      }
      return { request: warnings.length > 0 ? adapted : request, warnings };
    }
    default: {
      const unknownRule: never = rule;
      throw new Error(`unknown sampling rule ${JSON.stringify(unknownRule)}`);
    }
  }
}

/** OpenAI takes null for "not set". */
function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}
