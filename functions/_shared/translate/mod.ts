/**
 * OpenAI chat completions ⇄ Anthropic Messages, for `route-completion`.
 *
 *   const check = validateChatRequest({ request });           // before anything is written
 *   const { body, toolIds, warnings } = convertToAnthropicRequest({ request, model });
 *   const message = await anthropic.messages.create(body);
 *   const completion = convertFromAnthropicResponse({ response: message, toolIds });
 *   const tokens = normalizeAnthropicUsage({ usage: message.usage }); // for record_completion
 *
 * A refused request (ChatRequestError, thrown inside as TranslationError) → 400, no provider
 * call, no retry. MalformedResponseError → error_type "malformed_response" (retry / fall back).
 */
export { convertToAnthropicRequest } from "./convert-to-anthropic-request.ts";
export { convertFromAnthropicResponse } from "./convert-from-anthropic-response.ts";
export { normalizeAnthropicUsage, type NormalizedUsage, normalizeOpenAIUsage } from "./normalize-usage.ts";
export { type ChatRequestCheck, type ChatRequestError, validateChatRequest } from "./validate-chat-request.ts";
export type { ChatCompletion, OpenAIChatRequest } from "./types.ts";
