// One attempt at one target: send the prepared body (prepare-request.ts) with the SDK of the
// target's provider KIND to the provider's connection (connection.ts), and hand back an OpenAI
// chat.completion with normalized usage, or a ProviderFailure. Never throws for provider trouble:
// the retry and fallback loops decide what a failure means. `timeoutMs` bounds the whole attempt:
// the SDKs' own `timeout` ends once the response headers arrive, so a body that stalls after them
// (a proxy that answers the headers early) would hang the call past every budget; an abort signal
// with the same deadline covers the body read too. `signal` is the caller's: a caller who
// disconnects aborts the attempt, which fails as client_aborted (returned at once: no retry, no
// fallback, neutral for the breaker), so nothing more is sent or billed for an answer no one reads.
import type { AttemptOutcome } from "../routing/retry.ts";
import type { DecisionTarget } from "../routing/types.ts";
import { convertFromAnthropicResponse, normalizeAnthropicUsage, normalizeOpenAIUsage } from "../translate/mod.ts";
import type { ChatCompletion } from "../translate/mod.ts";
import { anthropicClient, openaiClient } from "./clients.ts";
import { resolveConnection } from "./connection.ts";
import type { ProviderBody } from "./prepare-request.ts";
import { callerLeftFailure, failureFromSdkError, timedOutFailure } from "./sdk-failure.ts";

type Env = { get(name: string): string | undefined };
type OpenAICreateParams = Parameters<ReturnType<typeof openaiClient>["chat"]["completions"]["create"]>[0] & { stream?: false };

export async function callProvider(
  { target, wire, timeoutMs, signal: caller, env = Deno.env }: {
    target: DecisionTarget;
    wire: ProviderBody;
    timeoutMs: number;
    signal?: AbortSignal;
    env?: Env;
  },
): Promise<AttemptOutcome<ChatCompletion>> {
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = caller === undefined ? deadline : AbortSignal.any([deadline, caller]);
  if (caller?.aborted) return { ok: false, failure: callerLeftFailure() };
  try {
    const connection = resolveConnection({ target, env });
    const kind = wire.kind;
    switch (kind) {
      case "openai-compatible": {
        const client = openaiClient(connection);
        const completion = await client.chat.completions.create(wire.body as unknown as OpenAICreateParams, {
          timeout: timeoutMs,
          maxRetries: 0,
          signal,
        }) as ChatCompletion;
        if (!Array.isArray(completion?.choices) || completion.choices.length === 0) return malformed("The provider sent no choices.");
        return { ok: true, value: completion, status: 200, usage: normalizeOpenAIUsage({ usage: completion.usage }) };
      }
      case "anthropic": {
        const message = await anthropicClient(connection).messages.create(wire.body, { timeout: timeoutMs, maxRetries: 0, signal });
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
    // Whatever the SDK made of an abort (a user abort, a body-read error): the caller left, or time ran out.
    if (caller?.aborted) return { ok: false, failure: callerLeftFailure() };
    if (deadline.aborted) return { ok: false, failure: timedOutFailure() };
    return { ok: false, failure: failureFromSdkError(error) };
  }
}

function malformed(message: string): AttemptOutcome<ChatCompletion> {
  return {
    ok: false,
    failure: { kind: "malformed", status: 200, providerType: null, providerCode: null, param: null, message, retryAfterMs: null },
  };
}
