// The provider SDK clients, made once per isolate. The router is the only retry loop, so the
// SDKs' own retries are off; each attempt passes its own timeout. Keys come only from the
// environment and are never logged or stored.
import { Anthropic, OpenAI } from "../deps.ts";
import type { Provider } from "../routing/types.ts";

export const API_KEY_VARIABLES: Record<Provider, string> = { openai: "OPENAI_API_KEY", anthropic: "ANTHROPIC_API_KEY" };

const clients: { openai?: OpenAI; anthropic?: Anthropic } = {};

/** Thrown when a provider's key is not set; the router treats it like a 401 from that provider. */
export class MissingApiKeyError extends Error {
  constructor(readonly variable: string) {
    super(`${variable} is not set: the router cannot call this provider.`);
    this.name = "MissingApiKeyError";
  }
}

function apiKey(provider: Provider): string {
  const key = Deno.env.get(API_KEY_VARIABLES[provider]);
  if (!key) throw new MissingApiKeyError(API_KEY_VARIABLES[provider]);
  return key;
}

export function openaiClient(baseURL: string | undefined): OpenAI {
  clients.openai ??= new OpenAI({ apiKey: apiKey("openai"), baseURL, maxRetries: 0 });
  return clients.openai;
}

/**
 * The Messages API version we speak. SDK 1.14 defaults to 2026-10-21, which rejects `temperature`
 * and `top_p`; the claude-3 models we route to take them on 2023-06-01, and spec §9 maps them.
 */
export const ANTHROPIC_API_VERSION = "2023-06-01";

export function anthropicClient(baseURL: string | undefined): Anthropic {
  clients.anthropic ??= new Anthropic({
    apiKey: apiKey("anthropic"),
    baseURL,
    maxRetries: 0,
    defaultHeaders: { "anthropic-version": ANTHROPIC_API_VERSION },
  });
  return clients.anthropic;
}
