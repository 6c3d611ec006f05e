// Helpers for the PROVIDER SIMULATOR's own tests (the simulator is a test double): a simulator
// that is always closed (Deno's leak sanitizer fails a test that leaves a listener or connection
// open) and real SDK clients pointed at it. Keys are fake and do not look like real ones.
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";
import { type ProviderSimulator, startProviderSimulator } from "./provider-simulator.ts";

export const OPENAI_TEST_KEY = "test-openai-key";
export const ANTHROPIC_TEST_KEY = "test-anthropic-key";

export async function withSimulator(run: (sim: ProviderSimulator) => Promise<void>): Promise<void> {
  const sim = await startProviderSimulator();
  try {
    await run(sim);
  } finally {
    await sim.close();
  }
}

/** SDK retries off, as the router runs them: every attempt is visible to the test. */
export function openaiClient(sim: ProviderSimulator, timeout?: number): OpenAI {
  return new OpenAI({ apiKey: OPENAI_TEST_KEY, baseURL: sim.openaiBaseUrl, maxRetries: 0, timeout });
}

export function anthropicClient(sim: ProviderSimulator, timeout?: number): Anthropic {
  return new Anthropic({ apiKey: ANTHROPIC_TEST_KEY, baseURL: sim.anthropicBaseUrl, maxRetries: 0, timeout });
}

/** A raw POST, for what the SDKs will not send (no key, no version, bad JSON). */
export async function post(
  url: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Headers; json: unknown }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, json: await response.json() };
}

export const WEATHER_TOOL_OPENAI = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "Weather for a city",
    parameters: { type: "object", properties: { city: { type: "string" }, days: { type: "integer" } }, required: ["city"] },
  },
};

export const WEATHER_TOOL_ANTHROPIC = {
  name: "get_weather",
  description: "Weather for a city",
  input_schema: {
    type: "object" as const,
    properties: { city: { type: "string" }, days: { type: "integer" } },
    required: ["city"],
  },
};
