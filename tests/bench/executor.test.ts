// The demo's and the benchmark's driver (bench/executor.mjs): the scheduler keeps each agent's
// executions in order and one at a time whatever the concurrency, and the tool loop sends ids of
// its own execution back, stops when the answer has no tool call, and reports an unanswered call.
import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { type Invoke, reportOutcome, runExecution, runInAgentOrder } from "../../bench/executor.mjs";
import { assignExecutions } from "../../bench/population.mjs";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test("the scheduler runs every execution once, each agent's in index order and never two of one agent at once", async () => {
  const assignment = assignExecutions({ seed: 8, agents: 5, perAgent: 6 });
  for (const concurrency of [1, 3, 8]) {
    const started: number[] = [];
    const running = new Set<number>();
    let overlap = false;
    let peak = 0;
    await runInAgentOrder({
      assignment, concurrency,
      run: async (i) => {
        const agent = assignment[i];
        if (running.has(agent)) overlap = true;
        running.add(agent);
        peak = Math.max(peak, running.size);
        started.push(i);
        await sleep((i * 7) % 5); // uneven durations, so workers finish out of order
        running.delete(agent);
      },
    });
    deepEqual([...started].sort((a, b) => a - b), assignment.map((_, i) => i), `concurrency ${concurrency}: each once`);
    equal(overlap, false, `concurrency ${concurrency}: never two of one agent at once`);
    ok(peak <= concurrency, `concurrency ${concurrency}: at most that many at once (${peak})`);
    for (let agent = 0; agent < 5; agent++) {
      const mine = started.filter((i) => assignment[i] === agent);
      deepEqual(mine, [...mine].sort((a, b) => a - b), `concurrency ${concurrency}: agent ${agent} in index order`);
    }
    if (concurrency > 1) ok(peak > 1, `concurrency ${concurrency}: agents do run side by side`);
  }
});

Deno.test("the scheduler skips the indices before `from` and stops on the first error", async () => {
  const seen: number[] = [];
  await runInAgentOrder({ assignment: [0, 1, 0, 1], concurrency: 2, from: 2, run: (i) => { seen.push(i); return Promise.resolve(); } });
  deepEqual(seen.sort(), [2, 3]);
  await rejects(
    runInAgentOrder({ assignment: [0, 1, 2, 3], concurrency: 2, run: (i) => i === 1 ? Promise.reject(new Error("boom")) : Promise.resolve() }),
    /boom/,
  );
});

/** A fake function: answers with tool calls until `rounds` tool results are in the conversation. */
function fakeFunction(rounds: number, failAt: number | null = null) {
  const bodies: Record<string, unknown>[] = [];
  let counter = 0;
  const invoke: Invoke = (path, body) => Promise.resolve(answer(path, body));
  const answer = (path: string, body: Record<string, unknown>) => {
    bodies.push(structuredClone(body));
    if (path.endsWith("/outcome")) return { status: 200, body: { recorded: true } };
    const n = bodies.filter((b) => !("succeeded" in b)).length - 1;
    if (failAt === n) return { status: 502, body: { error: { message: "all attempts failed" } } };
    const results = (body.messages as { role: string }[]).filter((m) => m.role === "tool").length;
    const toolCall = { id: `global_${++counter}`, type: "function", function: { name: "lookup_record", arguments: '{"id":"x"}' } };
    const message = results < rounds ? { role: "assistant", content: null, tool_calls: [toolCall] } : { role: "assistant", content: "done" };
    return { status: 200, body: { choices: [{ message }], usage: { total_tokens: 100 }, routing: { model: n % 2 ? "beta" : "alpha", reason: "tier" } } };
  };
  return { invoke, bodies };
}

Deno.test("the tool loop makes its calls, renames the tool ids to its own and stops at a plain answer", async () => {
  const { invoke, bodies } = fakeFunction(2);
  const result = await runExecution({ invoke, agentId: "a-1", executionId: "e-1", calls: 5, label: "agent one" });
  deepEqual(result, { answered: true, models: ["alpha", "beta", "alpha"], reasons: ["tier", "tier", "tier"], tokens: 300, status: 200 });
  equal(bodies.length, 3, "two tool rounds, then the plain answer ends the loop before 5 calls");
  const last = bodies[2].messages as { role: string; tool_call_id?: string; tool_calls?: { id: string }[] }[];
  deepEqual(last.filter((m) => m.role === "tool").map((m) => m.tool_call_id), ["call_0_0", "call_1_0"]);
  deepEqual(last.filter((m) => m.tool_calls).map((m) => m.tool_calls!.map((t) => t.id)), [["call_0_0"], ["call_1_0"]]);
  ok(!JSON.stringify(bodies).includes("global_"), "no provider-side counter goes back on the wire");
  deepEqual([bodies[0].agent_id, bodies[0].execution_id], ["a-1", "e-1"]);
});

Deno.test("an unanswered call ends the execution as unanswered; a refused outcome throws", async () => {
  const { invoke } = fakeFunction(3, 1);
  deepEqual(await runExecution({ invoke, agentId: "a", executionId: "e", calls: 4, label: "x" }),
    { answered: false, models: ["alpha"], reasons: ["tier"], tokens: 100, status: 502 });
  const refusing: Invoke = () => Promise.resolve({ status: 400, body: { error: "no" } });
  await rejects(reportOutcome({ invoke: refusing, agentId: "a", executionId: "e", succeeded: true, tokens: 1, durationMs: 2 }), /e failed \(400\)/);
});
