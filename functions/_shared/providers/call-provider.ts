// One attempt at one target: send the prepared body (prepare-request.ts) with the SDK of the
// target's provider KIND to the provider's connection (connection.ts), and hand back an OpenAI
// chat.completion with normalized usage, or a ProviderFailure. Never throws for provider trouble:
// the retry and fallback loops decide what a failure means.
import type { AttemptOutcome } from "../routing/retry.ts";
import type { DecisionTarget } from "../routing/types.ts";
import { convertFromAnthropicResponse, normalizeAnthropicUsage, normalizeOpenAIUsage } from "../translate/mod.ts";
import type { ChatCompletion } from "../translate/mod.ts";
import { anthropicClient, openaiClient } from "./clients.ts";
import { resolveConnection } from "./connection.ts";
import type { ProviderBody } from "./prepare-request.ts";
import { failureFromSdkError } from "./sdk-failure.ts";

type Env = { get(name: string): string | undefined };
type OpenAICreateParams = Parameters<ReturnType<typeof openaiClient>["chat"]["completions"]["create"]>[0] & { stream?: false };

export async function callProvider(
  { target, wire, timeoutMs, env = Deno.env }: { target: DecisionTarget; wire: ProviderBody; timeoutMs: number; env?: Env },
): Promise<AttemptOutcome<ChatCompletion>> {
  try {
    const connection = resolveConnection({ target, env });
    const kind = wire.kind;
    switch (kind) {
      case "openai-compatible": {
        const client = openaiClient(connection);
        const completion = await client.chat.completions.create(wire.body as unknown as OpenAICreateParams, {
          timeout: timeoutMs,
          maxRetries: 0,
        }) as ChatCompletion;
        if (!Array.isArray(completion?.choices) || completion.choices.length === 0) return malformed("The provider sent no choices.");
        return { ok: true, value: completion, status: 200, usage: normalizeOpenAIUsage({ usage: completion.usage }) };
      }
      case "anthropic": {
        const message = await anthropicClient(connection).messages.create(wire.body, { timeout: timeoutMs, maxRetries: 0 });
        if (!Array.isArray(message?.content) || typeof message.usage?.input_tokens !== "number") {
          return malformed("The provider sent a malformed message.");
        }
        // A response it cannot read throws MalformedResponseError: recorded as malformed_response.
        const completion = convertFromAnthropicResponse({ response: message, toolIds: wire.toolIds });
        return { ok: true, value: completion, status: 200, usage: normalizeAnthropicUsage({ usage: message.usage }) };
      }
      default: {
        const unknownKind: never = kind;
        throw new Error(`unknown provider kind ${JSON.stringify(unknownKind)}`);
      }
    }
  } catch (error) {
    return { ok: false, failure: failureFromSdkError(error) };
  }
}

function malformed(message: string): AttemptOutcome<ChatCompletion> {
  return {
    ok: false,
    failure: { kind: "malformed", status: 200, providerType: null, providerCode: null, param: null, message, retryAfterMs: null },
  };
}
