// Issue 8's requests, each answered by the tier's own model on the strict simulator (which refuses
// what the real APIs refuse), with what was adapted said in routing.warnings and kept in
// routing.calls.warnings. Without the adaptation each of them is a 400 or a fallback.
import { deepStrictEqual, equal } from "node:assert/strict";
import OpenAI from "openai";
import {
  type AgentSpec,
  type ConfiguredModel,
  configuredModels,
  createUserWithAgent,
  e2e,
  fetchAwaitingRecords,
  post,
  recordedCall,
  recordedWarnings,
  type Stack,
  startStack,
  userToken,
} from "./harness.ts";

type Json = Record<string, unknown>;
const LOW: AgentSpec = { score: 2.1, executions: 40, successRate: 98 };
const MEDIUM: AgentSpec = { score: 5.2, executions: 40, successRate: 98 };
const hello = [{ role: "user", content: "Summarise today's tickets." }];
const weatherTool = {
  type: "function",
  function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
};
const PDF = "data:application/pdf;base64,JVBERi0xLjQKJcOkw7zDtsOfCg==";

/** One routed call: the answer, what reached the provider, and what was recorded. */
async function routed(stack: Stack, agent: AgentSpec, body: Json) {
  const { userId, agentId } = await createUserWithAgent(stack.sql, agent);
  stack.sim.reset();
  const res = await post(stack.endpoint, await userToken(stack, userId), { agent_id: agentId, ...body });
  equal(res.status, 200, JSON.stringify(res.body));
  const routing = res.body.routing as Json;
  const seen = stack.sim.received();
  equal(seen.length, 1, "one attempt: the provider took the adapted request");
  return {
    body: res.body,
    routing,
    message: ((res.body.choices as Json[])[0].message) as Json,
    wire: seen[0].body as Json,
    recorded: await recordedWarnings(stack.sql, agentId),
  };
}

/** The tier's own model answered, and the warnings are the same in the answer and in the record. */
function answeredWith(r: Awaited<ReturnType<typeof routed>>, model: ConfiguredModel, warnings: string[]) {
  equal(r.body.model, model.model);
  deepStrictEqual([r.routing.model, r.routing.fallback_used, r.routing.attempts], [model.model, false, 1]);
  equal(r.wire.model, model.wireId);
  deepStrictEqual(r.routing.warnings, warnings);
  deepStrictEqual(r.recorded, warnings);
}

Deno.test("issue 8: each request is adapted to the model that answers it", e2e, async (t) => {
  // The router's own cap (ROUTER_MAX_OUTPUT_TOKENS, tenant-limits.test.ts) above every model's limit: here the models' limits clamp.
  const stack = await startStack({ ROUTER_MAX_OUTPUT_TOKENS: "1000000" });
  try {
    const { low, medium } = await configuredModels(stack.sql);

    await t.step(`temperature with top_p to ${medium.model}: top_p dropped`, async () => {
      const r = await routed(stack, MEDIUM, { messages: hello, temperature: 0.3, top_p: 0.8 });
      answeredWith(r, medium, [`top_p dropped: ${medium.model} accepts temperature or top_p, not both`]);
      deepStrictEqual([r.wire.temperature, "top_p" in r.wire], [0.3, false]);
    });

    await t.step(`an email as user, and PNG bytes labelled image/jpeg, to ${medium.model}: an opaque user_id and the bytes' type`, async () => {
      // The strict simulator refuses an email in metadata.user_id and an image whose bytes are not its declared type, as Anthropic does.
      const png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
      const r = await routed(stack, MEDIUM, {
        user: "alice@example.com",
        messages: [{ role: "user", content: [{ type: "text", text: "What is in this picture?" }, { type: "image_url", image_url: { url: `data:image/jpeg;base64,${png}` } }] }],
      });
      answeredWith(r, medium, []);
      const image = ((r.wire.messages as Json[])[0].content as Json[])[1] as Json;
      deepStrictEqual([r.wire.metadata, (image.source as Json).media_type],
        [{ user_id: "ff8d9819fc0e12bf0d24892e45987e249a28dce836a85cad60e28eaaa8c6d976" }, "image/png"]);
    });

    await t.step(`a tool call id reused in a later turn, to ${medium.model}: renamed on the wire`, async () => {
      const call = (city: string) => ({ id: "call_0", type: "function", function: { name: "get_weather", arguments: JSON.stringify({ city }) } });
      const r = await routed(stack, MEDIUM, {
        tools: [weatherTool],
        messages: [
          { role: "user", content: "Weather in Paris, then Oslo?" },
          { role: "assistant", content: null, tool_calls: [call("Paris")] },
          { role: "tool", tool_call_id: "call_0", content: "18C" },
          { role: "assistant", content: null, tool_calls: [call("Oslo")] },
          { role: "tool", tool_call_id: "call_0", content: "4C" },
        ],
      });
      answeredWith(r, medium, [`messages[3].tool_calls[0].id "call_0" repeats an earlier call: sent as "call_0__2"`]);
      const blocks = (r.wire.messages as Array<{ content: Json[] }>).flatMap((m) => m.content);
      deepStrictEqual(blocks.filter((b) => b.type === "tool_use").map((b) => b.id), ["call_0", "call_0__2"]);
      deepStrictEqual(blocks.filter((b) => b.type === "tool_result").map((b) => b.tool_use_id), ["call_0", "call_0__2"]);
    });

    await t.step(`a tool schema with a top-level anyOf, to ${medium.model}: flattened`, async () => {
      const variants = [
        { type: "object", properties: { id: { type: "string" } }, required: ["id"] },
        { type: "object", properties: { email: { type: "string" } }, required: ["email"] },
      ];
      const r = await routed(stack, MEDIUM, {
        messages: [{ role: "user", content: "Find the customer." }],
        tools: [{ type: "function", function: { name: "find_customer", parameters: { anyOf: variants } } }],
      });
      answeredWith(r, medium, [
        `tools[0].function.parameters top-level anyOf flattened into one object schema: ${medium.model} refuses top-level combinators`,
      ]);
      const [tool] = r.wire.tools as Json[];
      deepStrictEqual(tool.input_schema, { type: "object", properties: { id: { type: "string" }, email: { type: "string" } } });
      equal((r.message.tool_calls as Json[]).length, 1, "the model called the flattened tool");
    });

    await t.step(`max_tokens above ${medium.model}'s output limit: clamped`, async () => {
      const [{ max_output_tokens: limit }] = await stack.sql`select max_output_tokens from routing.models where model = ${medium.model}`;
      const r = await routed(stack, MEDIUM, { messages: hello, max_tokens: limit + 36_000 });
      answeredWith(r, medium, [`max_tokens ${limit + 36_000} clamped to ${limit} (the output limit of ${medium.model})`]);
      equal(r.wire.max_tokens, limit);
    });

    await t.step("a trailing assistant message to claude-sonnet-5-5 (no prefill): sent as a normal turn", async () => {
      const sonnet = { model: "claude-sonnet-5-5", provider: "anthropic", wireId: "claude-sonnet-5-5" };
      const r = await routed(stack, { ...MEDIUM, preference: sonnet.model }, {
        messages: [{ role: "user", content: "Write a haiku about tickets." }, { role: "assistant", content: "Tickets pile like snow" }],
      });
      equal(r.routing.reason, "agent_preference");
      answeredWith(r, sonnet, [
        "messages[1] (a trailing assistant message) sent as a normal turn, followed by a user turn asking to continue: " +
        "claude-sonnet-5-5 does not take a prefill",
      ]);
      const wired = r.wire.messages as Array<{ role: string; content: Json[] }>;
      deepStrictEqual(wired.map((m) => m.role), ["user", "assistant", "user"]);
    });

    await t.step(`a PDF file part: a document block for ${medium.model}, the file part itself for ${low.model}`, async () => {
      const messages = [{
        role: "user",
        content: [{ type: "text", text: "Summarise the report." }, { type: "file", file: { filename: "report.pdf", file_data: PDF } }],
      }];
      const claude = await routed(stack, MEDIUM, { messages });
      // A faithful conversion: nothing is lost, so nothing is said.
      answeredWith(claude, medium, []);
      deepStrictEqual((claude.wire.messages as Array<{ content: Json[] }>)[0].content[1], {
        type: "document", source: { type: "base64", media_type: "application/pdf", data: PDF.split(",")[1] }, title: "report.pdf",
      });
      const gpt = await routed(stack, LOW, { messages });
      answeredWith(gpt, low, []);
      deepStrictEqual(gpt.wire.messages, messages);
    });

    await t.step("legacy functions: sent as tools, answered as function_call, on both providers", async () => {
      const functions = [{ name: "lookup_record", parameters: { type: "object", properties: { id: { type: "string" } }, required: ["id"] } }];
      for (const [agent, model] of [[MEDIUM, medium], [LOW, low]] as const) {
        const r = await routed(stack, agent, { messages: [{ role: "user", content: "Open record 7." }], functions, function_call: "auto" });
        answeredWith(r, model, ["functions sent as tools: legacy function calling is deprecated", "function_call sent as tool_choice"]);
        deepStrictEqual([r.message.function_call, r.message.tool_calls, (r.body.choices as Json[])[0].finish_reason], [
          { name: "lookup_record", arguments: JSON.stringify({ id: "x" }) }, undefined, "function_call",
        ]);
        if (model.provider === "anthropic") deepStrictEqual(r.wire.tool_choice, { type: "auto", disable_parallel_tool_use: true });
        // gpt-5.6 takes function tools only with reasoning_effort "none" sent (the strict simulator refuses them otherwise).
        else deepStrictEqual([r.wire.tool_choice, r.wire.parallel_tool_calls, "functions" in r.wire, r.wire.reasoning_effort], ["auto", false, false, "none"]);
      }
    });

    await t.step(`response_format json_schema from ${medium.model}, parsed by the OpenAI SDK's chat.completions.parse()`, async () => {
      const { userId, agentId } = await createUserWithAgent(stack.sql, MEDIUM);
      stack.sim.reset();
      const client = new OpenAI({
        apiKey: await userToken(stack, userId),
        baseURL: `${stack.supabaseUrl}/functions/v1/route-completion`,
        defaultHeaders: { "x-agent-id": agentId },
        maxRetries: 0,
        fetch: fetchAwaitingRecords,
      });
      const completion = await client.chat.completions.parse({
        model: "auto",
        messages: [{ role: "user", content: "File a ticket for the outage." }],
        response_format: {
          type: "json_schema",
          json_schema: {
            name: "ticket",
            schema: { type: "object", properties: { title: { type: "string" }, priority: { type: "integer" } }, required: ["title", "priority"] },
          },
        },
      });
      deepStrictEqual(completion.choices[0].message.parsed, { title: "x", priority: 1 });
      equal(completion.model, medium.model);
      await recordedCall(stack.sql, (completion as unknown as { routing: { call_key: string } }).routing.call_key); // stored after the answer
      const wire = stack.sim.received()[0].body as Json;
      deepStrictEqual([wire.model, "system" in wire, (wire.output_config as Json).format], [medium.wireId, false, {
        type: "json_schema",
        schema: {
          type: "object", properties: { title: { type: "string" }, priority: { type: "integer" } }, required: ["title", "priority"],
          additionalProperties: false,
        },
      }]);
      const warnings = [
        `response_format.json_schema.schema adapted to the structured-output subset of ${medium.model}: ` +
        "objects closed, unsupported keywords moved into descriptions",
      ];
      deepStrictEqual((completion as unknown as { routing: Json }).routing.warnings, warnings);
      deepStrictEqual(await recordedWarnings(stack.sql, agentId), warnings);
    });

    await t.step(`OpenAI-only fields: kept for ${low.model} but log probabilities (a reasoning model), dropped with warnings for ${medium.model}`, async () => {
      const fields = { logprobs: true, top_logprobs: 2, seed: 7, prompt_cache_key: "tickets-v1", metadata: { team: "ops" }, store: true, service_tier: "flex" };
      const gpt = await routed(stack, LOW, { messages: hello, ...fields });
      answeredWith(gpt, low, [
        `logprobs dropped: ${low.model} (a reasoning model) does not take it`,
        `top_logprobs dropped: ${low.model} (a reasoning model) does not take it`,
      ]);
      const { logprobs: _l, top_logprobs: _t, ...kept } = fields;
      deepStrictEqual(Object.fromEntries(Object.keys(fields).filter((k) => k in gpt.wire).map((k) => [k, gpt.wire[k]])), kept);
      const claude = await routed(stack, MEDIUM, { messages: hello, ...fields });
      answeredWith(claude, medium, [
        "logprobs dropped: not supported by anthropic models",
        "top_logprobs dropped: not supported by anthropic models",
        "seed dropped: not supported by anthropic models",
        "prompt_cache_key dropped: not supported by anthropic models",
        "metadata dropped: not supported by anthropic models",
        "store dropped: not supported by anthropic models",
        "service_tier flex dropped: anthropic models have no such tier",
      ]);
      deepStrictEqual(Object.keys(fields).filter((k) => k in claude.wire), []);
    });

    await t.step(`tools with reasoning_effort high to ${low.model}: sent at effort none, the only one it takes tools at`, async () => {
      const r = await routed(stack, LOW, {
        messages: [{ role: "user", content: "Weather in Oslo?" }], tools: [weatherTool], reasoning_effort: "high", temperature: 0.2,
      });
      answeredWith(r, low, [`reasoning_effort high sent as none: ${low.model} takes function tools in chat completions only at effort none`]);
      // At effort none the model takes sampling: the caller's temperature goes with the tools.
      deepStrictEqual([r.wire.reasoning_effort, (r.wire.tools as Json[]).length, r.wire.temperature], ["none", 1, 0.2]);
    });

    await t.step(`max_tokens to ${low.model} (a reasoning model): sent as max_completion_tokens`, async () => {
      const r = await routed(stack, LOW, { messages: hello, max_tokens: 500 });
      answeredWith(r, low, [`max_tokens sent as max_completion_tokens: ${low.model} takes only max_completion_tokens`]);
      deepStrictEqual([r.wire.max_completion_tokens, "max_tokens" in r.wire], [500, false]);
    });
  } finally {
    await stack.close();
  }
});
