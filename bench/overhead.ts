// `npm run bench` part "overhead": the same chat completion sent three ways to the same provider
// simulator (tests/simulator/main.ts, its own process):
//   direct    straight to the simulator's OpenAI API;
//   router    through route-completion on the local function server (a signed-in user's token,
//             x-agent-id, model "auto": the router decides per agent and audits every call);
//   portkey   through the Portkey gateway 1.15.2 (devDependency, Node, headless) with the
//             simulator as its custom OpenAI host.
// Closed-loop load (bench/lib/load.ts) at concurrency 1, 10 and 50 for a fixed count each:
// p50/p95/p99, the latency router and portkey add over direct, throughput. Writes
// bench/results/overhead.json.
//   deno run -A bench/overhead.ts [--counts 300,1000,2000] [--concurrency 1,10,50]
import { parseArgs } from "node:util";
import { configuredModels, createUserWithAgent, freePort, OPENAI_TEST_KEY, startStack, userToken } from "../tests/function/harness.ts";
import { closedLoop, jsonPost, type LoadFigures, type Send } from "./lib/load.ts";
import { startPortkey, startSimulatorProcess } from "./lib/processes.ts";
import { progress, say, secondsSince, writeResult } from "./lib/results.ts";

const PART = "overhead";
const { values } = parseArgs({
  args: Deno.args,
  options: {
    counts: { type: "string", default: "300,1000,2000" },
    concurrency: { type: "string", default: "1,10,50" },
    "warm-up": { type: "string", default: "50" },
  },
});
const LEVELS = (values.concurrency ?? "").split(",").map(Number);
const COUNTS = (values.counts ?? "").split(",").map(Number);
if (COUNTS.length !== LEVELS.length) throw new Error("--counts needs one count per --concurrency level");
const WARM_UP = Number(values["warm-up"]);
const TARGETS = ["direct", "router", "portkey"] as const;
type Target = typeof TARGETS[number];

const started = performance.now();
const sim = await startSimulatorProcess();
const stack = await startStack({ ROUTING_LOG_LEVEL: "warn", OPENAI_BASE_URL: `${sim.url}/v1`, ANTHROPIC_BASE_URL: sim.url });
const portkey = await startPortkey(freePort());
try {
  // A low-tier agent: its model is served by the OpenAI-shaped API, which all three paths speak.
  const low = (await configuredModels(stack.sql)).low;
  if (low.provider !== "openai") throw new Error(`the low tier's model ${low.model} is not an OpenAI model; overhead needs one`);
  const { userId, agentId } = await createUserWithAgent(stack.sql, { score: 2.1, executions: 40, successRate: 99, name: "bench overhead" });
  const messages = [{ role: "user", content: "benchmark" }];
  const send: Record<Target, Send> = {
    direct: jsonPost(`${sim.url}/v1/chat/completions`, { authorization: `Bearer ${OPENAI_TEST_KEY}` }, { model: low.wireId, messages }),
    router: jsonPost(
      `${stack.endpoint}/chat/completions`,
      { authorization: `Bearer ${await userToken(stack, userId)}`, "x-agent-id": agentId },
      { model: "auto", messages },
    ),
    portkey: jsonPost(
      `${portkey.url}/v1/chat/completions`,
      { authorization: `Bearer ${OPENAI_TEST_KEY}`, "x-portkey-provider": "openai", "x-portkey-custom-host": `${sim.url}/v1` },
      { model: low.wireId, messages },
    ),
  };
  for (const t of TARGETS) {
    const w = await closedLoop({ count: WARM_UP, concurrency: 5, send: send[t] });
    if (w.errors > 0) throw new Error(`${t} failed during warm-up: ${w.first_error}`);
  }
  const levels = [];
  for (const [i, concurrency] of LEVELS.entries()) {
    const figures = {} as Record<Target, LoadFigures>;
    for (const t of TARGETS) {
      figures[t] = await closedLoop({
        count: COUNTS[i], concurrency, send: send[t], onDone: progress(PART, `${t} c=${concurrency}`, COUNTS[i]),
      });
      const f = figures[t];
      say(PART, `${t} c=${concurrency}: p50 ${f.latency_ms.p50} p95 ${f.latency_ms.p95} p99 ${f.latency_ms.p99} ms, ` +
        `${f.throughput_rps} req/s, ${f.errors} errors${f.first_error ? ` (${f.first_error})` : ""}`);
    }
    const added = (t: Target) => ({
      p50: +(figures[t].latency_ms.p50 - figures.direct.latency_ms.p50).toFixed(3),
      p95: +(figures[t].latency_ms.p95 - figures.direct.latency_ms.p95).toFixed(3),
      p99: +(figures[t].latency_ms.p99 - figures.direct.latency_ms.p99).toFixed(3),
    });
    levels.push({ concurrency, requests: COUNTS[i], ...figures, router_added_ms: added("router"), portkey_added_ms: added("portkey") });
  }
  const path = await writeResult(PART, {
    what: "latency (ms, request start to last byte) and throughput of one chat completion: simulator direct, through route-completion, through Portkey",
    load: "closed-loop: N workers, each sends the next request when its answer is read; a fixed count per level",
    model: low.model,
    portkey: "@portkey-ai/gateway 1.15.2, node build/start-server.js --headless, NODE_ENV=production, x-portkey-custom-host = the simulator",
    levels,
    targets: { router_added_at_most_portkey_added: "p50 and p99 at every concurrency", throughput_at_50_at_least_portkey: true },
    wall_seconds: secondsSince(started),
  });
  say(PART, `wrote ${path} in ${secondsSince(started)} s`);
} finally {
  await portkey.close();
  await stack.close();
  await sim.close();
}
