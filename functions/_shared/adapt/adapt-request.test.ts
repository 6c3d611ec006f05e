import assert from "node:assert/strict";
import type { ChatCompletionCreateParams } from "openai/resources/chat/completions";
import { parseChatCompletion } from "openai/lib/parser";
import { convertFromAnthropicResponse } from "../translate/convert-from-anthropic-response.ts";
import { convertToAnthropicRequest } from "../translate/convert-to-anthropic-request.ts";
import { TranslationError } from "../translate/translation-error.ts";
import type { AnthropicRequest, AnthropicResponse } from "../translate/types.ts";
import { adaptRequest } from "./adapt-request.ts";
import { adaptResponse } from "./adapt-response.ts";
import { convertFilePart } from "./convert-file-part.ts";
import { FIXTURE_MODELS } from "./fixture-models.ts";
import { ModelCapabilityError } from "./model-capability-error.ts";
import { CLAUDE, GPT, withoutMutation } from "./test-support.ts";
import type { Adaptation, ModelCapabilities, OpenAIChatRequest } from "./types.ts";

const FIXTURES = new URL("./fixtures/", import.meta.url);
const readJson = (name: string): unknown => JSON.parse(Deno.readTextFileSync(new URL(name, FIXTURES)));

/** A recorded adaptation: JSON has no Map, so `restore.toolIds` is an object there. */
function recorded(scenario: string): Adaptation {
  const json = readJson(`${scenario}.adapted.json`) as Omit<Adaptation, "restore"> & {
    restore: Omit<Adaptation["restore"], "toolIds"> & { toolIds: Record<string, string> };
  };
  return { ...json, restore: { ...json.restore, toolIds: new Map(Object.entries(json.restore.toolIds)) } };
}

for (const [scenario, model] of Object.entries(FIXTURE_MODELS)) {
  Deno.test(`adapt request fixture: ${scenario}`, () => {
    const request = readJson(`${scenario}.request.json`) as OpenAIChatRequest;
    assert.deepStrictEqual(withoutMutation({ request, model }, adaptRequest), recorded(scenario));
  });
}

/**
 * The Anthropic rules of issue 8 that the caller's body breaks and the adapted
 * one must keep, checked on the body the translator builds from it.
 */
function anthropicRuleBreaks(
  { body, model, caller }: { body: AnthropicRequest; model: ModelCapabilities; caller: OpenAIChatRequest },
): string[] {
  const breaks: string[] = [];
  if (model.sampling === "temperature_or_top_p" && body.temperature !== undefined && body.top_p !== undefined) {
    breaks.push("temperature with top_p");
  }
  if (body.max_tokens > model.maxOutputTokens) breaks.push("max_tokens above the output limit");
  const ids = body.messages.flatMap((turn) =>
    typeof turn.content === "string" ? [] : turn.content.flatMap((block) => block.type === "tool_use" ? [block.id] : [])
  );
  if (new Set(ids).size !== ids.length) breaks.push("a repeated tool_use id");
  for (const tool of body.tools ?? []) {
    if ("input_schema" in tool && ["anyOf", "oneOf", "allOf"].some((key) => key in tool.input_schema)) {
      breaks.push(`a top-level combinator in ${tool.name}`);
    }
  }
  if (!model.supportsPrefill && body.messages[body.messages.length - 1]?.role === "assistant") {
    breaks.push("a prefill");
  }
  const asked = caller.response_format?.type === "json_schema";
  const enforced = body.output_config?.format !== undefined || body.tool_choice?.type === "tool";
  if (asked && !enforced) breaks.push("json_schema not enforced");
  return breaks;
}

function translated(
  { request, model, anthropic }: {
    request: OpenAIChatRequest;
    model: ModelCapabilities;
    anthropic?: Adaptation["anthropic"];
  },
): AnthropicRequest {
  const { body } = convertToAnthropicRequest({ request, model: model.wireId, defaultMaxTokens: 1024 });
  return { ...body, ...anthropic };
}

const anthropicScenarios = Object.entries(FIXTURE_MODELS).filter(([scenario, model]) =>
  model.providerKind === "anthropic" && scenario !== "pdf-file-part-to-claude"
);

for (const [scenario, model] of anthropicScenarios) {
  Deno.test(`adapt request fixture: ${scenario} translates into a body Anthropic accepts, where the caller's did not`, () => {
    const caller = readJson(`${scenario}.request.json`) as OpenAIChatRequest;
    let before: string[];
    try {
      before = anthropicRuleBreaks({ body: translated({ request: caller, model }), model, caller });
    } catch (error) {
      assert.ok(error instanceof TranslationError, String(error));
      before = [`the translator refused it: ${error.param}`];
    }
    assert.notDeepStrictEqual(before, [], "the caller's body already met the rules: the scenario proves nothing");
    const { request, anthropic } = adaptRequest({ request: caller, model });
    assert.deepStrictEqual(anthropicRuleBreaks({ body: translated({ request, model, anthropic }), model, caller }), []);
  });
}

Deno.test("adapt request: the Anthropic-only parameters of two steps are merged", () => {
  const { anthropic } = adaptRequest({
    request: {
      messages: [{ role: "user", content: "2+2?" }],
      service_tier: "auto",
      response_format: {
        type: "json_schema",
        json_schema: {
          name: "n",
          schema: {
            type: "object",
            properties: { n: { type: "number" } },
            required: ["n"],
            additionalProperties: false,
          },
        },
      },
    },
    model: CLAUDE,
  });
  assert.deepStrictEqual(anthropic, {
    service_tier: "auto",
    output_config: {
      format: {
        type: "json_schema",
        schema: { type: "object", properties: { n: { type: "number" } }, required: ["n"], additionalProperties: false },
      },
    },
  });
});

Deno.test("adapt request: nothing to adapt → the same body, no anthropic key, nothing to restore", () => {
  const request: OpenAIChatRequest = { messages: [{ role: "user", content: "Hi" }], temperature: 0.2 };
  assert.deepStrictEqual(adaptRequest({ request, model: GPT }), {
    request,
    warnings: [],
    restore: { toolIds: new Map(), forcedTool: null, legacyFunctions: false },
  });
});

Deno.test("adapt request: what this model cannot take → ModelCapabilityError naming the field and the model", () => {
  const request: OpenAIChatRequest = {
    messages: [{ role: "user", content: [{ type: "file", file: { file_id: "file-abc" } }] }],
  };
  assert.throws(() => adaptRequest({ request, model: CLAUDE }), (error: unknown) => {
    assert.ok(error instanceof ModelCapabilityError);
    assert.deepStrictEqual([error.param, error.model], ["messages[0].content[0].file.file_data", "claude-sonnet-4-5"]);
    return true;
  });
  assert.strictEqual(adaptRequest({ request, model: GPT }).request, request);
});

Deno.test("adapt request: a body that is not an object → TranslationError", () => {
  assert.throws(
    () => adaptRequest({ request: null as unknown as OpenAIChatRequest, model: CLAUDE }),
    { name: "TranslationError", param: "messages", code: "invalid_type" },
  );
});

Deno.test("adapt request fixture: pdf-file-part-to-claude keeps the part, which convertFilePart turns into a document", () => {
  const { request } = adaptRequest({
    request: readJson("pdf-file-part-to-claude.request.json") as OpenAIChatRequest,
    model: CLAUDE,
  });
  const content = request.messages[0].content;
  assert.ok(Array.isArray(content));
  assert.deepStrictEqual(convertFilePart({ part: content[1], param: "messages[0].content[1]" }), {
    type: "document",
    source: {
      type: "base64",
      media_type: "application/pdf",
      data: "JVBERi0xLjQKJcOkw7zDtsOfCjEgMCBvYmoKPDwgL1R5cGUgL0NhdGFsb2cgPj4KZW5kb2JqCg==",
    },
    title: "invoice.pdf",
  });
});

/** Anthropic's answer to a request: one tool_use block, as the Messages API sends it. */
const toolUseMessage = (name: string, input: Record<string, unknown>): AnthropicResponse => ({
  id: "msg_01",
  model: "claude-3-haiku-20240307",
  content: [{ type: "tool_use", id: "toolu_01XYZ", name, input }],
  stop_reason: "tool_use",
  usage: { input_tokens: 30, output_tokens: 12 },
});

Deno.test("round trip: json_schema by forced tool → translator → Anthropic tool_use → parse() reads the answer", () => {
  const scenario = "json-schema-to-claude-forced-tool";
  const caller = readJson(`${scenario}.request.json`) as OpenAIChatRequest;
  const adapted = adaptRequest({ request: caller, model: FIXTURE_MODELS[scenario] });
  const { toolIds } = convertToAnthropicRequest({ request: adapted.request, model: "claude-3-haiku-20240307" });
  const event = { name: "Lunch", date: "Friday", participants: ["Alice", "Bob"] };
  const raw = convertFromAnthropicResponse({ response: toolUseMessage("calendar_event", event), toolIds, created: 1 });
  const { completion, warnings } = adaptResponse({ completion: raw, restore: adapted.restore });
  assert.deepStrictEqual(warnings, []);
  assert.deepStrictEqual(completion.choices[0].finish_reason, "stop");
  const parsed = parseChatCompletion(completion, { ...caller, model: "router" } as ChatCompletionCreateParams);
  assert.deepStrictEqual(parsed.choices[0].message.parsed, event);
});

Deno.test("round trip: legacy functions → translator → Anthropic tool_use → the caller's function_call", () => {
  const scenario = "legacy-functions-to-claude";
  const adapted = adaptRequest({
    request: readJson(`${scenario}.request.json`) as OpenAIChatRequest,
    model: FIXTURE_MODELS[scenario],
  });
  const { body, toolIds } = convertToAnthropicRequest({ request: adapted.request, model: CLAUDE.wireId });
  assert.deepStrictEqual(body.tool_choice, { type: "auto", disable_parallel_tool_use: true });
  const raw = convertFromAnthropicResponse({
    response: toolUseMessage("get_weather", { city: "Berlin" }),
    toolIds,
    created: 1,
  });
  const { completion } = adaptResponse({ completion: raw, restore: adapted.restore });
  assert.deepStrictEqual(completion.choices[0], {
    index: 0,
    message: {
      role: "assistant",
      content: null,
      refusal: null,
      function_call: { name: "get_weather", arguments: '{"city":"Berlin"}' },
    },
    finish_reason: "function_call",
    logprobs: null,
  });
});
