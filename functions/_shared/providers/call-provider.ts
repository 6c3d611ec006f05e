// One attempt at one model: translate if needed, call the provider's SDK, and hand back an
// OpenAI chat.completion with normalized usage, or a ProviderFailure. Never throws for
// provider trouble: the retry and fallback loops decide what a failure means.
import type { AttemptOutcome, Target } from "../routing/retry.ts";
import {
  convertFromAnthropicResponse,
  convertToAnthropicRequest,
  normalizeAnthropicUsage,
  normalizeOpenAIUsage,
} from "../translate/mod.ts";
import type { ChatCompletion, OpenAIChatRequest } from "../translate/mod.ts";
import { anthropicClient, openaiClient } from "./clients.ts";
import { failureFromSdkError } from "./sdk-failure.ts";

export interface ProviderEndpoints {
  openaiBaseUrl: string | undefined;
  anthropicBaseUrl: string | undefined;
  anthropicDefaultMaxTokens: number;
}

/** The chat-completions fields forwarded to OpenAI; router fields (agent_id, ...) stay behind. */
const OPENAI_FIELDS = [
  "messages", "tools", "tool_choice", "temperature", "max_tokens", "max_completion_tokens", "stop", "top_p",
  "parallel_tool_calls", "response_format", "user", "seed", "frequency_penalty", "presence_penalty", "logit_bias",
] as const;

export async function callProvider(
  target: Target,
  request: OpenAIChatRequest,
  endpoints: ProviderEndpoints,
  timeoutMs: number,
): Promise<AttemptOutcome<ChatCompletion>> {
  try {
    switch (target.provider) {
      case "openai":
        return await callOpenAI(target.model, request, endpoints, timeoutMs);
      case "anthropic":
        return await callAnthropic(target.model, request, endpoints, timeoutMs);
      default: {
        const never: never = target.provider;
        throw new Error(`unknown provider ${never}`);
      }
    }
  } catch (error) {
    return { ok: false, failure: failureFromSdkError(error) };
  }
}

async function callOpenAI(
  model: string,
  request: OpenAIChatRequest,
  endpoints: ProviderEndpoints,
  timeoutMs: number,
): Promise<AttemptOutcome<ChatCompletion>> {
  const body: Record<string, unknown> = { model };
  for (const field of OPENAI_FIELDS) if (request[field] !== undefined) body[field] = request[field];
  const completion = await openaiClient(endpoints.openaiBaseUrl).chat.completions.create(
    body as unknown as Parameters<ReturnType<typeof openaiClient>["chat"]["completions"]["create"]>[0] & { stream?: false },
    { timeout: timeoutMs, maxRetries: 0 },
  ) as ChatCompletion;
  if (!Array.isArray(completion?.choices) || completion.choices.length === 0) {
    return { ok: false, failure: { kind: "malformed", status: 200, providerCode: null, message: "The provider sent no choices.", retryAfterMs: null } };
  }
  return { ok: true, value: completion, status: 200, usage: normalizeOpenAIUsage({ usage: completion.usage }) };
}

async function callAnthropic(
  model: string,
  request: OpenAIChatRequest,
  endpoints: ProviderEndpoints,
  timeoutMs: number,
): Promise<AttemptOutcome<ChatCompletion>> {
  const { body, toolIds } = convertToAnthropicRequest({ request, model, defaultMaxTokens: endpoints.anthropicDefaultMaxTokens });
  const message = await anthropicClient(endpoints.anthropicBaseUrl).messages.create(body, { timeout: timeoutMs, maxRetries: 0 });
  if (!Array.isArray(message?.content) || typeof message.usage?.input_tokens !== "number") {
    return { ok: false, failure: { kind: "malformed", status: 200, providerCode: null, message: "The provider sent a malformed message.", retryAfterMs: null } };
  }
  // A response it cannot read throws MalformedResponseError: recorded as malformed_response.
  const completion = convertFromAnthropicResponse({ response: message, toolIds });
  return { ok: true, value: completion, status: 200, usage: normalizeAnthropicUsage({ usage: message.usage }) };
}
