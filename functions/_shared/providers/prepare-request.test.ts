// What goes on the wire for one target: the whole body, the warnings and the restore, per row.
import { deepStrictEqual, throws } from "node:assert/strict";
import type { DecisionTarget } from "../routing/types.ts";
import { withoutMutation } from "../translate/test-support.ts";
import type { OpenAIChatRequest } from "../translate/types.ts";
import { capabilitiesOf, type PreparedRequest, prepareRequest } from "./prepare-request.ts";

const LUNA: DecisionTarget = {
  model: "gpt-5.6-luna", provider: "openai", provider_kind: "openai-compatible", wire_id: "gpt-5.6-luna",
  base_url: null, base_url_env: "OPENAI_BASE_URL", api_key_env: "OPENAI_API_KEY", context_window: 1_050_000,
  max_output_tokens: 128_000, supports_tools: true, supports_images: true, supports_pdf: true, supports_json_schema: true,
  supports_prefill: false, sampling: "none", reasoning_effort: "none_with_tools",
};
const GPT4O: DecisionTarget = {
  ...LUNA, model: "gpt-4o", wire_id: "gpt-4o-2024-08-06", max_output_tokens: 16_384, sampling: "any", reasoning_effort: "unsupported",
};
const HAIKU: DecisionTarget = {
  ...LUNA, model: "claude-haiku-4-5", provider: "anthropic", provider_kind: "anthropic", wire_id: "claude-haiku-4-5-20251001",
  base_url_env: "ANTHROPIC_BASE_URL", api_key_env: "ANTHROPIC_API_KEY", context_window: 200_000, max_output_tokens: 64_000,
  supports_prefill: true, sampling: "temperature_or_top_p", reasoning_effort: "unsupported",
};
const SMALL_CLAUDE: DecisionTarget = { ...HAIKU, model: "claude-small", wire_id: "claude-small-1", max_output_tokens: 1_000, sampling: "any" };

const hi = [{ role: "user" as const, content: "hi" }];
const none = { toolIds: new Map(), forcedTool: null, legacyFunctions: false };
const openaiFields = { logprobs: true, top_logprobs: 2, seed: 7, service_tier: "flex", store: true, metadata: { k: "v" } };

const rows: Array<{ name: string; request: unknown; target: DecisionTarget; expected: Omit<PreparedRequest, "wire"> & { wire: unknown } }> = [
  {
    name: "OpenAI: the wire id, the OpenAI-only fields kept, router fields and the caller's model left behind",
    request: { agent_id: "a", execution_id: "e", model: "gpt-4o", messages: hi, max_tokens: 300, temperature: 0.3, ...openaiFields },
    target: GPT4O,
    expected: {
      wire: { kind: "openai-compatible", body: { model: "gpt-4o-2024-08-06", messages: hi, max_tokens: 300, temperature: 0.3, ...openaiFields } },
      warnings: [],
      restore: none,
    },
  },
  {
    name: "OpenAI: reasoning_effort dropped for a model that is not a reasoning model (gpt-4o refuses it)",
    request: { messages: hi, reasoning_effort: "low", seed: 7 },
    target: GPT4O,
    expected: {
      wire: { kind: "openai-compatible", body: { model: "gpt-4o-2024-08-06", messages: hi, seed: 7 } },
      warnings: ["reasoning_effort dropped: gpt-4o is not a reasoning model"],
      restore: none,
    },
  },
  {
    name: "OpenAI reasoning model with function tools: reasoning_effort none sent (gpt-5.6 refuses tools at its default effort)",
    request: { messages: hi, tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }] },
    target: LUNA,
    expected: {
      wire: {
        kind: "openai-compatible",
        body: { model: "gpt-5.6-luna", messages: hi, tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }], reasoning_effort: "none" },
      },
      warnings: [],
      restore: none,
    },
  },
  {
    name: "OpenAI reasoning model: max_tokens renamed, a non-default temperature dropped",
    request: { messages: hi, max_tokens: 300, temperature: 0.2 },
    target: LUNA,
    expected: {
      wire: { kind: "openai-compatible", body: { model: "gpt-5.6-luna", messages: hi, max_completion_tokens: 300 } },
      warnings: [
        "temperature 0.2 dropped: gpt-5.6-luna accepts only the default (1)",
        "max_tokens sent as max_completion_tokens: gpt-5.6-luna takes only max_completion_tokens",
      ],
      restore: none,
    },
  },
  {
    name: "Anthropic: OpenAI-only fields dropped, service_tier mapped, top_p dropped beside temperature, translated",
    request: { messages: [{ role: "system", content: "Be brief." }, ...hi], temperature: 0.5, top_p: 0.9, ...openaiFields, reasoning_effort: "low", service_tier: "priority" },
    target: HAIKU,
    expected: {
      wire: {
        kind: "anthropic",
        body: {
          model: "claude-haiku-4-5-20251001", max_tokens: 4096, temperature: 0.5, system: "Be brief.", service_tier: "auto",
          messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
        },
        toolIds: { toAnthropic: new Map(), toCaller: new Map() },
      },
      warnings: [
        "logprobs dropped: not supported by anthropic models",
        "top_logprobs dropped: not supported by anthropic models",
        "seed dropped: not supported by anthropic models",
        "reasoning_effort dropped: not supported by anthropic models",
        "metadata dropped: not supported by anthropic models",
        "store dropped: not supported by anthropic models",
        "service_tier priority sent as auto: anthropic models use priority capacity only where the workspace has it",
        "top_p dropped: claude-haiku-4-5 accepts temperature or top_p, not both",
      ],
      restore: none,
    },
  },
  {
    name: "Anthropic: no max_tokens given: the default, within the model's own limit",
    request: { messages: hi },
    target: SMALL_CLAUDE,
    expected: {
      wire: {
        kind: "anthropic",
        body: { model: "claude-small-1", max_tokens: 1000, messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }] },
        toolIds: { toAnthropic: new Map(), toCaller: new Map() },
      },
      warnings: [],
      restore: none,
    },
  },
  {
    name: "Anthropic: a json_schema response format becomes output_config beside the translated body",
    request: {
      messages: hi,
      response_format: { type: "json_schema", json_schema: { name: "answer", schema: { type: "object", properties: { a: { type: "string" } }, required: ["a"], additionalProperties: false } } },
    },
    target: HAIKU,
    expected: {
      wire: {
        kind: "anthropic",
        body: {
          model: "claude-haiku-4-5-20251001", max_tokens: 4096, messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
          output_config: { format: { type: "json_schema", schema: { type: "object", properties: { a: { type: "string" } }, required: ["a"], additionalProperties: false } } },
        },
        toolIds: { toAnthropic: new Map(), toCaller: new Map() },
      },
      warnings: [],
      restore: none,
    },
  },
];

for (const { name, request, target, expected } of rows) {
  Deno.test(`prepareRequest: ${name}`, () => {
    const input = { request: request as OpenAIChatRequest, target, anthropicDefaultMaxTokens: 4096 };
    deepStrictEqual(withoutMutation(input, prepareRequest), expected);
  });
}

Deno.test("prepareRequest: a model that cannot take the request throws a ModelCapabilityError naming it", () => {
  const request = { messages: [{ role: "user" as const, content: [{ type: "file" as const, file: { file_id: "file-1" } }] }] };
  throws(() => prepareRequest({ request, target: HAIKU, anthropicDefaultMaxTokens: 4096 }), {
    name: "TranslationError",
    model: "claude-haiku-4-5",
    param: "messages[0].content[0].file.file_data",
  });
});

Deno.test("capabilitiesOf: the decision target's catalog columns, as the adaptation names them", () => {
  deepStrictEqual(capabilitiesOf(HAIKU), {
    model: "claude-haiku-4-5", wireId: "claude-haiku-4-5-20251001", providerKind: "anthropic", contextWindow: 200_000,
    maxOutputTokens: 64_000, supportsTools: true, supportsImages: true, supportsPdf: true, supportsJsonSchema: true,
    supportsPrefill: true, sampling: "temperature_or_top_p", reasoningEffort: "unsupported",
  });
});
