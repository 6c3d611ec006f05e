// Tests of the PROVIDER SIMULATOR's (a test double's) served models: the built-in table holds only
// ids the official SDKs list, retirement follows the simulator's day, and a test can add models
// (a local model server's ids on a second instance) by option, method or control API.
import assert from "node:assert/strict";
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";
import { BUILT_IN_MODELS, CATALOG_AS_OF, startProviderSimulator } from "./provider-simulator.ts";
import type { ProviderSimulator, SimulatorOptions } from "./provider-simulator.ts";
import { servedModel } from "./model-registry.ts";
import { anthropicClient, OPENAI_TEST_KEY, openaiClient, post, withSimulator } from "./test-helpers.ts";

/** The string literals of `export type <name> = 'a' | 'b' | ...;` in an SDK declaration file. */
function sdkUnion(path: string, name: string): string[] {
  const text = Deno.readTextFileSync(new URL(`../../node_modules/${path}`, import.meta.url));
  const match = new RegExp(`export type ${name} = ([^;]+);`).exec(text);
  assert.ok(match, `${name} in ${path}`);
  return [...match[1].matchAll(/'([^']+)'/g)].map((m) => m[1]);
}

async function withOptions(options: SimulatorOptions, run: (sim: ProviderSimulator) => Promise<void>): Promise<void> {
  const sim = await startProviderSimulator(options);
  try {
    await run(sim);
  } finally {
    await sim.close();
  }
}

const hi = [{ role: "user" as const, content: "Hi" }];
const askGpt = (sim: ProviderSimulator, model: string) => openaiClient(sim).chat.completions.create({ model, messages: hi });
const askClaude = (sim: ProviderSimulator, model: string) =>
  anthropicClient(sim).messages.create({ model, max_tokens: 16, messages: hi });

Deno.test("built-in table: every id is one the official SDK lists, once, with a positive output limit", () => {
  const listed = {
    openai: sdkUnion("openai/resources/shared.d.ts", "ChatModel"),
    anthropic: sdkUnion("@anthropic-ai/sdk/resources/messages/messages.d.ts", "Model"),
  };
  const notListed = BUILT_IN_MODELS.filter((m) => !listed[m.provider].includes(m.id)).map((m) => m.id);
  assert.deepEqual(notListed, []);
  const ids = BUILT_IN_MODELS.map((m) => `${m.provider}/${m.id}`);
  assert.equal(new Set(ids).size, ids.length, "no id twice");
  assert.ok(BUILT_IN_MODELS.every((m) => m.maxOutputTokens > 0));
  // Every Anthropic id of SDK 1.14 is in the table (its DEPRECATED_MODELS ones with their end of life).
  assert.deepEqual(listed.anthropic.filter((id) => !BUILT_IN_MODELS.some((m) => m.id === id)), []);
});

Deno.test("lifecycle: retired models answer 404 on the table's day and were served before it", () =>
  withSimulator(async (sim) => {
    assert.equal(CATALOG_AS_OF, "2026-12-02");
    const retired = await askClaude(sim, "claude-sonnet-4-5").catch((e: unknown) => e);
    assert.ok(retired instanceof Anthropic.NotFoundError);
    assert.deepEqual(retired.error, { type: "error", error: { type: "not_found_error", message: "model: claude-sonnet-4-5" }, request_id: retired.requestID });
    const gone = await askGpt(sim, "gpt-3.5-turbo").catch((e: unknown) => e);
    assert.ok(gone instanceof OpenAI.NotFoundError);
    assert.equal(gone.code, "model_not_found");
    assert.equal((await askGpt(sim, "gpt-4o")).model, "gpt-4o", "deprecated but still served until 2027-01-14");
    const ids = sim.models("anthropic").map((m) => m.id);
    assert.ok(ids.includes("claude-haiku-4-5") && !ids.includes("claude-sonnet-4-5"));
    assert.deepEqual(sim.received().map((r) => [r.model, r.status, r.scripted]), [
      ["claude-sonnet-4-5", 404, false],
      ["gpt-3.5-turbo", 404, false],
      ["gpt-4o", 200, false],
    ]);
  }));

Deno.test("lifecycle: the day is an option, so a test can stand before or after a retirement", async () => {
  await withOptions({ now: "2026-11-29" }, async (sim) => {
    assert.equal((await askClaude(sim, "claude-sonnet-4-5")).model, "claude-sonnet-4-5");
  });
  await withOptions({ now: new Date("2027-01-14T00:00:00Z") }, async (sim) => {
    await assert.rejects(askGpt(sim, "gpt-4o"), OpenAI.NotFoundError);
    await assert.rejects(askGpt(sim, "gpt-4o-mini"), OpenAI.NotFoundError);
    assert.equal((await askGpt(sim, "gpt-5.6-luna")).model, "gpt-5.6-luna");
  });
  await assert.rejects(startProviderSimulator({ now: "next week" }), TypeError);
});

Deno.test("second instance: a local model server's ids only, through the real OpenAI SDK", () =>
  withOptions({ builtInModels: false, models: [{ provider: "openai", id: "llama-3.1-8b-instruct", maxOutputTokens: 4096 }] }, async (sim) => {
    const answer = await askGpt(sim, "llama-3.1-8b-instruct");
    assert.equal(answer.choices[0].message.content, "Simulated answer from llama-3.1-8b-instruct.");
    const other = await askGpt(sim, "gpt-4o").catch((e: unknown) => e);
    assert.ok(other instanceof OpenAI.NotFoundError, "the built-in table is off");
    assert.equal(other.message, "404 The model `gpt-4o` does not exist or you do not have access to it.");
    // A model added without reasoning takes any sampling, up to its own output limit.
    const client = new OpenAI({ apiKey: OPENAI_TEST_KEY, baseURL: sim.openaiBaseUrl, maxRetries: 0 });
    const sampled = await client.chat.completions.create({ model: "llama-3.1-8b-instruct", messages: hi, temperature: 0.3, max_tokens: 4096 });
    assert.equal(sampled.choices[0].finish_reason, "stop");
    const tooMany = await client.chat.completions.create({ model: "llama-3.1-8b-instruct", messages: hi, max_tokens: 4097 }).catch((e: unknown) => e);
    assert.ok(tooMany instanceof OpenAI.BadRequestError);
    assert.deepEqual([tooMany.param, tooMany.code], ["max_tokens", "invalid_value"]);
    assert.deepEqual(sim.models().map((m) => m.id), ["llama-3.1-8b-instruct"]);
  }));

Deno.test("addModels and the control API add served models; a bad spec adds nothing", () =>
  withSimulator(async (sim) => {
    await assert.rejects(askClaude(sim, "local-claude-proxy"), Anthropic.NotFoundError);
    sim.addModels({ provider: "anthropic", id: "local-claude-proxy", maxOutputTokens: 1000, prefill: false });
    assert.equal((await askClaude(sim, "local-claude-proxy")).model, "local-claude-proxy");
    const prefill = await anthropicClient(sim).messages.create({
      model: "local-claude-proxy",
      max_tokens: 16,
      messages: [...hi, { role: "assistant", content: "{" }],
    }).catch((e: unknown) => e);
    assert.ok(prefill instanceof Anthropic.BadRequestError, "an added model keeps the rules it was given");

    const added = await post(`${sim.url}/__simulator/models`, [{ provider: "openai", id: "qwen3-32b", maxOutputTokens: 8192 }], {});
    assert.equal(added.status, 200);
    assert.equal((await askGpt(sim, "qwen3-32b")).model, "qwen3-32b");
    const listed = await (await fetch(`${sim.url}/__simulator/models?provider=openai`)).json() as { id: string }[];
    assert.ok(listed.some((m) => m.id === "qwen3-32b") && listed.some((m) => m.id === "gpt-5.6-sol"));
    assert.ok(!listed.some((m) => m.id === "claude-haiku-4-5"), "filtered by provider");

    const before = sim.models().length;
    const bad = await post(`${sim.url}/__simulator/models`, [{ provider: "openai", id: "ok-1", maxOutputTokens: 10 }, { provider: "openai", id: "" }], {});
    assert.equal(bad.status, 400);
    assert.match((bad.json as { error: string }).error, /^simulator model 1: id must be a non-empty string$/);
    assert.throws(() => sim.addModels({ provider: "mistral" as "openai", id: "x", maxOutputTokens: 1 }), TypeError);
    assert.equal(sim.models().length, before, "nothing was added");
    sim.reset();
    assert.equal((await askGpt(sim, "qwen3-32b")).model, "qwen3-32b", "reset keeps the served models");
  }));

Deno.test("servedModel: specs get the permissive defaults, whole", () => {
  assert.deepEqual(servedModel({ provider: "openai", id: "m", maxOutputTokens: 5 }), {
    provider: "openai", id: "m", maxOutputTokens: 5, contextWindow: null, retiresAt: null, reasoning: null,
  });
  assert.deepEqual(servedModel({ provider: "anthropic", id: "c", maxOutputTokens: 7, retiresAt: "2030-01-01" }), {
    provider: "anthropic", id: "c", maxOutputTokens: 7, contextWindow: null, retiresAt: "2030-01-01",
    sampling: "any", prefill: true, forcedToolChoice: "allowed",
  });
  const cases: [unknown, RegExp][] = [
    [null, /must be an object/],
    [{ provider: "openai", id: "m", maxOutputTokens: 0 }, /maxOutputTokens/],
    [{ provider: "openai", id: "m", maxOutputTokens: 1, retiresAt: "soon" }, /retiresAt/],
    [{ provider: "openai", id: "m", maxOutputTokens: 1, reasoning: { defaultEffort: "low" } }, /reasoning/],
    [{ provider: "anthropic", id: "c", maxOutputTokens: 1, sampling: "some" }, /sampling/],
    [{ provider: "anthropic", id: "c", maxOutputTokens: 1, forcedToolChoice: "maybe" }, /forcedToolChoice/],
  ];
  for (const [spec, message] of cases) assert.throws(() => servedModel(spec), (e: unknown) => e instanceof TypeError && message.test(e.message));
});
