// A three-turn tool conversation on the Anthropic tier: the caller speaks OpenAI's format all the
// way, gets OpenAI-shaped tool_calls back, and its own tool ids, even ones Anthropic would reject,
// survive the round trip. The simulator validates the Anthropic wire like the real API does.
import { deepStrictEqual, equal, match } from "node:assert/strict";
import { configuredModels, createUserWithAgent, e2e, post, startStack, userToken } from "./harness.ts";

const tools = [{
  type: "function",
  function: {
    name: "get_weather",
    description: "Current weather for a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
}];

Deno.test("a three-turn tool conversation on the Anthropic medium tier comes back in OpenAI's format with the caller's ids", e2e, async () => {
  const stack = await startStack();
  try {
    const medium = (await configuredModels(stack.sql)).medium.model;
    const { userId, agentId } = await createUserWithAgent(stack.sql, { score: 5.2, executions: 30, successRate: 96 });
    const token = await userToken(stack, userId);
    const executionId = `exec-${crypto.randomUUID()}`;
    const messages: Record<string, unknown>[] = [
      { role: "system", content: "Use tools when useful." },
      { role: "user", content: "Weather in Paris and Oslo?" },
    ];

    // Turn 1: the model asks for a tool.
    stack.sim.script({ provider: "anthropic", toolCall: { name: "get_weather", arguments: { city: "Paris" } } });
    const first = await post(stack.endpoint, token, { agent_id: agentId, execution_id: executionId, messages, tools, tool_choice: "auto", parallel_tool_calls: false });
    equal(first.status, 200, JSON.stringify(first.body));
    const choice1 = (first.body.choices as Record<string, unknown>[])[0];
    equal(choice1.finish_reason, "tool_calls");
    const call1 = ((choice1.message as Record<string, unknown>).tool_calls as Record<string, unknown>[])[0];
    equal(call1.type, "function");
    deepStrictEqual(call1.function, { name: "get_weather", arguments: JSON.stringify({ city: "Paris" }) });
    const wire1 = stack.sim.received()[0].body as Record<string, unknown>;
    deepStrictEqual(wire1.tool_choice, { type: "auto", disable_parallel_tool_use: true });
    deepStrictEqual(wire1.tools, [{ name: "get_weather", description: "Current weather for a city", input_schema: tools[0].function.parameters }]);

    // Turn 2: the caller answers with the provider's id, and adds a call of its own whose id
    // Anthropic would reject (dots and colons).
    messages.push(
      { role: "assistant", content: null, tool_calls: [call1, { id: "call:oslo.2", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } }] },
      { role: "tool", tool_call_id: call1.id, content: "18C, sunny" },
      { role: "tool", tool_call_id: "call:oslo.2", content: "4C, rain" },
    );
    stack.sim.script({ provider: "anthropic", toolCall: { name: "get_weather", arguments: { city: "Bergen" } } });
    const second = await post(stack.endpoint, token, { agent_id: agentId, execution_id: executionId, messages, tools });
    equal(second.status, 200, JSON.stringify(second.body));
    const wire2 = stack.sim.received()[1].body as { messages: { role: string; content: Record<string, unknown>[] }[] };
    const toolUse = wire2.messages[1].content.filter((b) => b.type === "tool_use");
    const toolResults = wire2.messages[2].content.filter((b) => b.type === "tool_result");
    equal(toolUse.length, 2);
    equal(toolUse[0].id, call1.id, "an id Anthropic accepts is sent unchanged");
    match(String(toolUse[1].id), /^[a-zA-Z0-9_-]+$/);
    deepStrictEqual(toolResults.map((b) => b.tool_use_id), toolUse.map((b) => b.id), "results answer the same ids");
    equal(wire2.messages[2].content[0].type, "tool_result", "tool results come first in their user turn");
    const call2 = ((((second.body.choices as Record<string, unknown>[])[0]).message as Record<string, unknown>).tool_calls as Record<string, unknown>[])[0];

    // Turn 3: the final answer, after the whole history is sent once more.
    messages.push(
      { role: "assistant", content: "Checking Bergen too.", tool_calls: [call2] },
      { role: "tool", tool_call_id: call2.id, content: "9C, cloudy" },
    );
    stack.sim.script({ provider: "anthropic", text: "Paris 18C sunny, Oslo 4C rain, Bergen 9C cloudy." });
    const third = await post(stack.endpoint, token, { agent_id: agentId, execution_id: executionId, messages, tools });
    equal(third.status, 200, JSON.stringify(third.body));
    const choice3 = (third.body.choices as Record<string, unknown>[])[0];
    equal(choice3.finish_reason, "stop");
    equal((choice3.message as Record<string, unknown>).content, "Paris 18C sunny, Oslo 4C rain, Bergen 9C cloudy.");

    // One decision for the execution, three calls, all answered by the medium tier's model.
    const decisions = await stack.sql`select id from routing.decisions where agent_id = ${agentId}`;
    equal(decisions.length, 1);
    const calls = await stack.sql`select model from routing.calls where agent_id = ${agentId}`;
    deepStrictEqual(calls.map((c) => c.model), [medium, medium, medium]);
    equal((first.body.routing as Record<string, unknown>).decision_id, (third.body.routing as Record<string, unknown>).decision_id);
  } finally {
    await stack.close();
  }
});
