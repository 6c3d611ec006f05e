import assert from "node:assert/strict";
import { withoutMutation } from "./test-support.ts";
import { convertToAnthropicRequest, type ConvertToAnthropicRequestOutput } from "./convert-to-anthropic-request.ts";
import { JSON_INSTRUCTION } from "./response-format-instruction.ts";
import { buildToolIdMap, EMPTY_TOOL_ID_MAP } from "./tool-id-map.ts";
import { TranslationError } from "./translation-error.ts";
import type { AnthropicRequest, OpenAIChatRequest } from "./types.ts";
import threeTurnRequest from "./fixtures/three-turn-tool-conversation.request.json" with { type: "json" };
import threeTurnAnthropic from "./fixtures/three-turn-tool-conversation.anthropic.json" with { type: "json" };
import fallbackRequest from "./fixtures/cross-provider-fallback-history.request.json" with { type: "json" };
import fallbackAnthropic from "./fixtures/cross-provider-fallback-history.anthropic.json" with { type: "json" };

/** Recorded wire JSON: its inferred type widens literals, so it is asserted once here. */
const wire = <T>(json: unknown): T => json as T;
const MODEL = "claude-3-haiku-20240307";

const fixtureRows: Array<{ name: string; request: unknown; expected: ConvertToAnthropicRequestOutput }> = [
  {
    name: "three-turn tool conversation (parallel calls, one id with dots and a colon)",
    request: threeTurnRequest,
    expected: {
      body: wire<AnthropicRequest>(threeTurnAnthropic),
      toolIds: buildToolIdMap({ ids: ["functions.get_weather:1"] }),
      warnings: [],
    },
  },
  {
    name: "fallback: a history with Anthropic (toolu_) and OpenAI (call_) ids, developer + mid system, images",
    request: fallbackRequest,
    expected: {
      body: wire<AnthropicRequest>(fallbackAnthropic),
      toolIds: EMPTY_TOOL_ID_MAP,
      warnings: ["temperature 1.7 clamped to 1: Anthropic accepts 0 to 1", "seed ignored: Anthropic has no equivalent"],
    },
  },
];

for (const { name, request, expected } of fixtureRows) {
  Deno.test(`request fixture: ${name}`, () => {
    const input = { request: wire<OpenAIChatRequest>(request), model: MODEL };
    assert.deepStrictEqual(withoutMutation(input, convertToAnthropicRequest), expected);
  });
}

Deno.test("request fixture: the rewritten id is the same on tool_use and tool_result", () => {
  const { body, toolIds } = convertToAnthropicRequest({
    request: wire<OpenAIChatRequest>(threeTurnRequest),
    model: MODEL,
  });
  const mapped = toolIds.toAnthropic.get("functions.get_weather:1");
  const blocks = body.messages.flatMap((m) => (typeof m.content === "string" ? [] : m.content));
  const ids = blocks.flatMap((b) => b.type === "tool_use" ? [b.id] : b.type === "tool_result" ? [b.tool_use_id] : []);
  assert.deepStrictEqual(ids, ["call_Paris01", mapped, "call_Paris01", mapped]);
});

const hi: OpenAIChatRequest["messages"] = [{ role: "user", content: "Hi" }];
const hiTurn = [{ role: "user" as const, content: [{ type: "text" as const, text: "Hi" }] }];

const rows: Array<
  { name: string; request: OpenAIChatRequest; defaultMaxTokens?: number; expected: ConvertToAnthropicRequestOutput }
> = [
  {
    name: "minimal: the router's model wins over the body's; default max_tokens; no system key",
    request: { model: "gpt-4o", messages: hi },
    expected: { body: { model: MODEL, max_tokens: 4096, messages: hiTurn }, toolIds: EMPTY_TOOL_ID_MAP, warnings: [] },
  },
  {
    name: "defaultMaxTokens from the function; temperature 0 stays 0; stop string",
    request: { messages: hi, temperature: 0, stop: "END" },
    defaultMaxTokens: 1000,
    expected: {
      body: { model: MODEL, max_tokens: 1000, temperature: 0, stop_sequences: ["END"], messages: hiTurn },
      toolIds: EMPTY_TOOL_ID_MAP,
      warnings: [],
    },
  },
  {
    name: "json_object with no system message → the instruction is the system prompt",
    request: { messages: hi, response_format: { type: "json_object" } },
    expected: {
      body: { model: MODEL, max_tokens: 4096, system: JSON_INSTRUCTION, messages: hiTurn },
      toolIds: EMPTY_TOOL_ID_MAP,
      warnings: ["response_format json_object is requested by instruction, not enforced"],
    },
  },
  {
    name: "json_schema → appended after the system messages",
    request: {
      messages: [{ role: "system", content: "Be exact." }, ...hi],
      response_format: { type: "json_schema", json_schema: { name: "r", schema: { type: "object" } } },
    },
    expected: {
      body: {
        model: MODEL,
        max_tokens: 4096,
        system: `Be exact.\n${JSON_INSTRUCTION}\nIt must match the JSON schema "r":\n{"type":"object"}`,
        messages: hiTurn,
      },
      toolIds: EMPTY_TOOL_ID_MAP,
      warnings: ["response_format json_schema is requested by instruction, not enforced"],
    },
  },
];

for (const { name, request, defaultMaxTokens, expected } of rows) {
  Deno.test(`request: ${name}`, () => {
    const input = { request, model: MODEL, defaultMaxTokens };
    assert.deepStrictEqual(withoutMutation(input, convertToAnthropicRequest), expected);
  });
}

const errorRows: Array<{ name: string; request: unknown; param: string; code: string }> = [
  { name: "n = 2", request: { messages: hi, n: 2 }, param: "n", code: "unsupported_value" },
  {
    name: "unparsable tool arguments",
    request: {
      messages: [
        { role: "system", content: "s" },
        ...hi,
        { role: "assistant", content: "ok" },
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: "{oops" } }],
        },
        { role: "tool", tool_call_id: "call_1", content: "r" },
      ],
    },
    param: "messages[3].tool_calls[0].function.arguments",
    code: "invalid_value",
  },
  {
    name: "unknown role",
    request: { messages: [...hi, { role: "critic", content: "x" }] },
    param: "messages[1].role",
    code: "invalid_value",
  },
  { name: "no messages", request: { messages: [] }, param: "messages", code: "invalid_value" },
  { name: "messages missing", request: {}, param: "messages", code: "invalid_value" },
  { name: "a body that is not an object", request: null, param: "messages", code: "invalid_type" },
  {
    name: "unanswered tool call",
    request: {
      messages: [...hi, {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "c.1", type: "function", function: { name: "f", arguments: "{}" } }],
      }],
    },
    param: "messages[1].tool_calls[0].id",
    code: "invalid_value",
  },
];

for (const { name, request, param, code } of errorRows) {
  Deno.test(`request: ${name} → TranslationError naming the field`, () => {
    let caught: unknown;
    try {
      convertToAnthropicRequest({ request: wire<OpenAIChatRequest>(request), model: MODEL });
    } catch (error) {
      caught = error;
    }
    assert.ok(caught instanceof TranslationError, `expected a TranslationError, got ${caught}`);
    assert.deepStrictEqual({ param: caught.param, code: caught.code }, { param, code });
  });
}
