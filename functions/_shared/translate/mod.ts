/**
 * OpenAI chat completions ⇄ Anthropic Messages, for `route-completion`.
 *
 *   const { body, toolIds, warnings } = convertToAnthropicRequest({ request, model });
 *   const message = await anthropic.messages.create(body);
 *   const completion = convertFromAnthropicResponse({ response: message, toolIds });
 *   const tokens = normalizeAnthropicUsage({ usage: message.usage }); // for record_completion
 *
 * TranslationError → 400 (toOpenAIErrorBody), no provider call, no retry.
 * MalformedResponseError → error_type "malformed_response" (retry / fall back).
 */
export {
  convertToAnthropicRequest,
  type ConvertToAnthropicRequestInput,
  type ConvertToAnthropicRequestOutput,
} from "./convert-to-anthropic-request.ts";
export { DEFAULT_MAX_TOKENS } from "./convert-request-params.ts";
export { convertFromAnthropicResponse } from "./convert-from-anthropic-response.ts";
export { mapAnthropicStopReason } from "./map-anthropic-stop-reason.ts";
export { normalizeAnthropicUsage, type NormalizedUsage, normalizeOpenAIUsage } from "./normalize-usage.ts";
export {
  buildToolIdMap,
  EMPTY_TOOL_ID_MAP,
  isAnthropicSafeToolId,
  toAnthropicToolId,
  toCallerToolId,
  type ToolIdMap,
} from "./tool-id-map.ts";
export {
  MalformedResponseError,
  type OpenAIErrorBody,
  toOpenAIErrorBody,
  TranslationError,
  type TranslationErrorCode,
} from "./translation-error.ts";
export type {
  AnthropicRequest,
  AnthropicResponse,
  AnthropicUsage,
  OpenAIChatRequest,
  OpenAIFinishReason,
} from "./types.ts";
