/**
 * `reasoning_effort` (and `verbosity`) → what this OpenAI model takes.
 *
 * The router, not the caller, picks the model, so a body written for one model
 * must not fail on another for a field it never needed:
 * - `unsupported` (not a reasoning model: gpt-4o, gpt-4o-mini, ...) refuses both
 *   (400 "Unsupported parameter: 'reasoning_effort' is not supported with this
 *   model."): they are dropped, said so;
 * - `none_with_tools` (the GPT-5.6 family) takes function tools in chat
 *   completions only at effort "none", sent explicitly: its default effort
 *   (medium) and every other one are refused with tools ("Function tools with
 *   reasoning_effort are not supported for gpt-5.6-luna in /v1/chat/completions
 *   ... set reasoning_effort to 'none'"). With tools the effort is sent as
 *   "none", said so when the caller asked for another;
 * - `any`: unchanged.
 * Anthropic models never see these fields (drop-openai-only-fields.ts).
 */
import type { AdaptInput, AdaptStep, OpenAIChatRequest } from "./types.ts";

const REASONING_FIELDS = ["reasoning_effort", "verbosity"] as const satisfies ReadonlyArray<keyof OpenAIChatRequest>;

export function adaptReasoningEffort({ request, model }: AdaptInput): AdaptStep {
  if (model.providerKind !== "openai-compatible") return { request, warnings: [] };
  const rule = model.reasoningEffort;
  switch (rule) {
    case "any":
      return { request, warnings: [] };
    case "unsupported": {
      const present = REASONING_FIELDS.filter((field) => field in request);
      if (present.length === 0) return { request, warnings: [] };
      const adapted: OpenAIChatRequest = { ...request };
      for (const field of present) delete adapted[field];
      const warnings = present
        .filter((field) => request[field] !== null && request[field] !== undefined)
        .map((field) => `${field} dropped: ${model.model} is not a reasoning model`);
      return { request: adapted, warnings };
    }
    case "none_with_tools": {
      const hasTools = Array.isArray(request.tools) && request.tools.length > 0;
      if (!hasTools || request.reasoning_effort === "none") return { request, warnings: [] };
      const asked = request.reasoning_effort;
      const warnings = asked === undefined || asked === null
        ? []
        : [`reasoning_effort ${String(asked)} sent as none: ${model.model} takes function tools in chat completions only at effort none`];
      return { request: { ...request, reasoning_effort: "none" }, warnings };
    }
    default: {
      const unknownRule: never = rule;
      throw new Error(`unknown reasoning_effort rule ${JSON.stringify(unknownRule)}`);
    }
  }
}
