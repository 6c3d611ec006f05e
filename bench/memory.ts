// `npm run bench` part "memory": the function server's resident memory (VmRSS of its process, from
// /proc/<pid>/status) after 100 calls and after 10,000, sent closed-loop at concurrency 10 through
// route-completion to the provider simulator (its own process). A server that keeps something
// per call grows with the count; one that does not stays flat. Writes bench/results/memory.json.
//   deno run -A bench/memory.ts [--calls 10000] [--early 100] [--concurrency 10]
import { parseArgs } from "node:util";
import { createUserWithAgent, startStack, userToken } from "../tests/function/harness.ts";
import { closedLoop, jsonPost } from "./lib/load.ts";
import { residentMemory, startSimulatorProcess } from "./lib/processes.ts";
import { progress, say, secondsSince, writeResult } from "./lib/results.ts";

const PART = "memory";
const { values } = parseArgs({
  args: Deno.args,
  options: {
    calls: { type: "string", default: "10000" },
    early: { type: "string", default: "100" },
    concurrency: { type: "string", default: "10" },
  },
});
const CALLS = Number(values.calls);
const EARLY = Number(values.early);
const CONCURRENCY = Number(values.concurrency);
/** The bench's own threshold for "flat": no target is set in the issue for memory. */
const FLAT_RATIO = 1.25;

const started = performance.now();
const sim = await startSimulatorProcess();
const stack = await startStack({ ROUTING_LOG_LEVEL: "warn", OPENAI_BASE_URL: `${sim.url}/v1`, ANTHROPIC_BASE_URL: sim.url });
try {
  const { userId, agentId } = await createUserWithAgent(stack.sql, { score: 2.1, executions: 40, successRate: 99, name: "bench memory" });
  const send = jsonPost(
    `${stack.endpoint}/chat/completions`,
    { authorization: `Bearer ${await userToken(stack, userId)}`, "x-agent-id": agentId },
    { model: "auto", messages: [{ role: "user", content: "benchmark" }] },
  );
  const atStart = await residentMemory(stack.pid);
  const first = await closedLoop({ count: EARLY, concurrency: CONCURRENCY, send });
  const early = await residentMemory(stack.pid);
  say(PART, `after ${EARLY} calls: RSS ${early.rss_mib} MiB (at start ${atStart.rss_mib} MiB)`);
  const report = progress(PART, "calls", CALLS);
  const rest = await closedLoop({ count: CALLS - EARLY, concurrency: CONCURRENCY, send, onDone: (n) => report(n + EARLY) });
  const late = await residentMemory(stack.pid);
  const errors = first.errors + rest.errors;
  if (errors > 0) throw new Error(`${errors} calls failed: ${first.first_error ?? rest.first_error}`);
  const ratio = +(late.rss_mib / early.rss_mib).toFixed(3);
  say(PART, `after ${CALLS} calls: RSS ${late.rss_mib} MiB, ${ratio}× the RSS after ${EARLY}`);
  const path = await writeResult(PART, {
    what: "resident memory (MiB) of the function server process: VmRSS (and peak VmHWM) from /proc/<pid>/status",
    load: `closed-loop, concurrency ${CONCURRENCY}, route-completion to the simulator`,
    at_start: atStart,
    early: { calls: EARLY, ...early },
    late: { calls: CALLS, ...late },
    rss_ratio: ratio,
    rss_growth_mib: +(late.rss_mib - early.rss_mib).toFixed(1),
    throughput_rps: rest.throughput_rps,
    target: { rss_ratio_at_most: FLAT_RATIO, note: "the bench's own threshold for flat memory; the issue sets none" },
    wall_seconds: secondsSince(started),
  });
  say(PART, `wrote ${path} in ${secondsSince(started)} s`);
} finally {
  await stack.close();
  await sim.close();
}
