/**
 * A request adapted to the model that will answer it, and the answer adapted
 * back, for `route-completion` (issue 8, items 5 and 7).
 *
 *   const adapted = adaptRequest({ request, model });              // per target, after the decision
 *   // openai-compatible: send adapted.request (every field it holds)
 *   // anthropic: { ...convertToAnthropicRequest({ request: adapted.request, ... }).body, ...adapted.anthropic }
 *   const { completion, warnings } = adaptResponse({ completion: raw, restore: adapted.restore });
 *   // routing.warnings = [...adapted.warnings, ...translation warnings, ...warnings]
 *
 * ModelCapabilityError (a TranslationError): this model cannot take the
 * request; a 400 for the primary, a reason to skip a fallback.
 */
export { adaptRequest } from "./adapt-request.ts";
export { adaptResponse } from "./adapt-response.ts";
export { convertFilePart, pdfData } from "./convert-file-part.ts";
export { OPENAI_ONLY_FIELDS } from "./drop-openai-only-fields.ts";
export { CONTINUE_PROMPT } from "./end-without-prefill.ts";
export { ModelCapabilityError } from "./model-capability-error.ts";
export type {
  Adaptation,
  AnthropicParams,
  ModelCapabilities,
  ProviderKind,
  ReasoningEffortRule,
  ResponseRestore,
  SamplingRule,
} from "./types.ts";
