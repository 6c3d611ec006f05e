// The provider SDK clients, made once per isolate and connection (provider, base URL, key), so a
// rotated key or a moved endpoint gets a fresh client and two providers of one kind never share
// one. The router is the only retry loop, so the SDKs' own retries are off; each attempt passes
// its own timeout. Keys come only from the environment (connection.ts) and are never logged or stored.
import { Anthropic, OpenAI } from "../deps.ts";
import type { Connection } from "./connection.ts";

const openaiClients = new Map<string, OpenAI>();
const anthropicClients = new Map<string, Anthropic>();

function cacheKey({ provider, baseURL, apiKey }: Connection): string {
  return JSON.stringify([provider, baseURL ?? null, apiKey]);
}

export function openaiClient(connection: Connection): OpenAI {
  const key = cacheKey(connection);
  let client = openaiClients.get(key);
  if (client === undefined) {
    client = new OpenAI({ apiKey: connection.apiKey, baseURL: connection.baseURL, maxRetries: 0 });
    openaiClients.set(key, client);
  }
  return client;
}

/**
 * The Messages API version we speak. SDK 1.14 defaults to 2026-10-21, which rejects `temperature`
 * and `top_p` on every model; 2023-06-01 takes them where the model does (the catalog's `sampling`
 * says which, and the adaptation drops the rest).
 */
export const ANTHROPIC_API_VERSION = "2023-06-01";

export function anthropicClient(connection: Connection): Anthropic {
  const key = cacheKey(connection);
  let client = anthropicClients.get(key);
  if (client === undefined) {
    client = new Anthropic({
      apiKey: connection.apiKey,
      baseURL: connection.baseURL,
      maxRetries: 0,
      defaultHeaders: { "anthropic-version": ANTHROPIC_API_VERSION },
    });
    anthropicClients.set(key, client);
  }
  return client;
}
