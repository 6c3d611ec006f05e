/**
 * The caller's OpenAI body → the body this model accepts (issue 8, item 5),
 * run after the routing decision for the primary and again for each
 * fallback, since what one model refuses another takes.
 *
 * Pure: nothing is mutated or fetched. What no provider could take was
 * refused before the decision; what this model cannot take throws a
 * ModelCapabilityError (a TranslationError naming the field and the model);
 * everything adapted, dropped or clamped is said in `warnings` (item 7).
 *
 * Order, and why:
 * 1. legacy functions → tools (every kind): every later step reads tools,
 *    tool calls and tool messages only;
 * 2. capability check: refuse before any work, seeing functions as tools;
 * 3. OpenAI-only fields (anthropic): before sampling, so a penalty Anthropic
 *    lacks is said dropped once; reasoning effort (openai-compatible): after 1,
 *    since converted functions are tools too;
 * 4. sampling, 5. output limit: scalar fields, independent of the rest;
 * 6. structured output (anthropic): may add a forced tool, so before 7;
 * 7. tool schema combinators (anthropic): sees the caller's tools, converted
 *    functions and the forced tool alike;
 * 8. unique tool-call ids (anthropic): after 1, whose generated ids count;
 * 9. trailing assistant without prefill (anthropic): last, on the final
 *    message list, since it appends a turn.
 */
import { TranslationError } from "../translate/translation-error.ts";
import { adaptReasoningEffort } from "./adapt-reasoning-effort.ts";
import { adaptSampling } from "./adapt-sampling.ts";
import { checkCapabilities } from "./check-capabilities.ts";
import { clampOutputLimit } from "./clamp-output-limit.ts";
import { convertLegacyFunctions } from "./convert-legacy-functions.ts";
import { dropOpenAIOnlyFields } from "./drop-openai-only-fields.ts";
import { endWithoutPrefill } from "./end-without-prefill.ts";
import { flattenToolSchemas } from "./flatten-tool-schemas.ts";
import { adaptStructuredOutput } from "./structured-output.ts";
import type { Adaptation, AdaptInput, AnthropicParams } from "./types.ts";
import { uniqueToolIds } from "./unique-tool-ids.ts";

export function adaptRequest({ request, model }: AdaptInput): Adaptation {
  if (typeof request !== "object" || request === null || Array.isArray(request)) {
    throw new TranslationError({
      param: "messages",
      code: "invalid_type",
      message: "the body must be a JSON object with messages",
    });
  }
  const legacy = convertLegacyFunctions({ request });
  checkCapabilities({ request: legacy.request, model });
  const openaiOnly = dropOpenAIOnlyFields({ request: legacy.request, model });
  const effort = adaptReasoningEffort({ request: openaiOnly.request, model });
  const sampling = adaptSampling({ request: effort.request, model });
  const limit = clampOutputLimit({ request: sampling.request, model });
  const structured = adaptStructuredOutput({ request: limit.request, model });
  const schemas = flattenToolSchemas({ request: structured.request, model });
  const ids = uniqueToolIds({ request: schemas.request, model });
  const prefill = endWithoutPrefill({ request: ids.request, model });

  const anthropic: AnthropicParams = { ...openaiOnly.anthropic, ...structured.anthropic };
  return {
    request: prefill.request,
    warnings: [legacy, openaiOnly, effort, sampling, limit, structured, schemas, ids, prefill].flatMap((step) => step.warnings),
    ...(Object.keys(anthropic).length > 0 ? { anthropic } : {}),
    restore: { toolIds: ids.toCaller, forcedTool: structured.forcedTool, legacyFunctions: legacy.legacyFunctions },
  };
}
