/**
 * Output limits → within what this model can produce.
 *
 * A `max_tokens` above the model's output limit is a 400 on both providers,
 * yet the same body is fine for a bigger model of the chain; so each target
 * gets it clamped to its own limit. OpenAI's reasoning models (`sampling:
 * none` or `effort_none`) refuse the older `max_tokens` and take only `max_completion_tokens`,
 * so it is renamed there; other OpenAI-compatible servers keep the name they
 * were sent, since not all of them know the newer one. Values that are not
 * numbers are left for the validation downstream to name.
 */
import type { AdaptInput, AdaptStep, ModelCapabilities, OpenAIChatRequest } from "./types.ts";

const LIMIT_PARAMS = ["max_completion_tokens", "max_tokens"] as const;

export function clampOutputLimit({ request, model }: AdaptInput): AdaptStep {
  const adapted: OpenAIChatRequest = { ...request };
  const warnings: string[] = [];
  for (const param of LIMIT_PARAMS) {
    const value: unknown = request[param];
    if (typeof value !== "number" || value <= model.maxOutputTokens) continue;
    adapted[param] = model.maxOutputTokens;
    warnings.push(
      `${param} ${value} clamped to ${model.maxOutputTokens} (the output limit of ${model.model})`,
    );
  }
  const renamed = renameForReasoningModel({ request: adapted, model });
  warnings.push(...renamed.warnings);
  return { request: warnings.length > 0 ? renamed.request : request, warnings };
}

function renameForReasoningModel(
  { request, model }: { request: OpenAIChatRequest; model: ModelCapabilities },
): AdaptStep {
  const reasoning = model.sampling === "none" || model.sampling === "effort_none";
  if (model.providerKind !== "openai-compatible" || !reasoning) return { request, warnings: [] };
  const { max_tokens, ...rest } = request;
  if (max_tokens === undefined || max_tokens === null) return { request, warnings: [] };
  const newer = request.max_completion_tokens;
  if (newer !== undefined && newer !== null) {
    return {
      request: rest,
      warnings: [`max_tokens dropped: ${model.model} takes only max_completion_tokens, which is set`],
    };
  }
  return {
    request: { ...rest, max_completion_tokens: max_tokens },
    warnings: [`max_tokens sent as max_completion_tokens: ${model.model} takes only max_completion_tokens`],
  };
}
