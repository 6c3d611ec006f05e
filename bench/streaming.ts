// `npm run bench`, streaming part: time to first token (TTFT) through the router against the
// provider simulator called directly with the provider's own SDK, at concurrency 1 and 10, for an
// OpenAI-compatible tier and the Anthropic tier. TTFT = from the request to the first chunk that
// carries text. Writes bench/results/streaming.json (bench/lib/results.ts: machine, commit, date);
// never asserted in tests. Needs the local database (npm run bench starts it).
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import {
  ANTHROPIC_TEST_KEY,
  configuredModels,
  createUserWithAgent,
  OPENAI_TEST_KEY,
  startStack,
  userToken,
} from "../tests/function/harness.ts";
import { writeResult } from "./lib/results.ts";

const CALLS = Number(Deno.env.get("BENCH_STREAM_CALLS") ?? 100);
const CONCURRENCY = [1, 10];
const WARM_UP = 5;

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const mean = samples.reduce((s, x) => s + x, 0) / samples.length;
  return { n: samples.length, mean_ms: +mean.toFixed(2), p50_ms: +at(0.5).toFixed(2), p95_ms: +at(0.95).toFixed(2) };
}

/** `calls` runs of `ttft`, `concurrency` at a time; each sample is one run's time to first token. */
async function measure(calls: number, concurrency: number, ttft: () => Promise<number>): Promise<number[]> {
  const samples: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < calls) {
      next++;
      samples.push(await ttft());
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return samples;
}

/** Milliseconds until the first text delta of an OpenAI-shaped stream; the rest is read to the end. */
async function openaiTtft(client: OpenAI, model: string): Promise<number> {
  const started = performance.now();
  let first: number | null = null;
  const stream = await client.chat.completions.create({ model, messages, stream: true });
  for await (const chunk of stream) if (first === null && chunk.choices[0]?.delta.content) first = performance.now() - started;
  if (first === null) throw new Error("the stream carried no text");
  return first;
}

async function anthropicTtft(client: Anthropic, model: string): Promise<number> {
  const started = performance.now();
  let first: number | null = null;
  const stream = await client.messages.create({ model, max_tokens: 256, messages: [{ role: "user", content: "benchmark" }], stream: true });
  for await (const event of stream) {
    if (first === null && event.type === "content_block_delta" && event.delta.type === "text_delta") first = performance.now() - started;
  }
  if (first === null) throw new Error("the stream carried no text");
  return first;
}

const messages = [{ role: "user" as const, content: "benchmark" }];

const stack = await startStack({ ROUTING_LOG_LEVEL: "warn" });
try {
  const configured = await configuredModels(stack.sql);
  const tiers = [{ name: "low", score: 2.1 }, { name: "medium", score: 5.2 }] as const;
  const results = [];
  for (const tier of tiers) {
    const model = configured[tier.name];
    const { userId, agentId } = await createUserWithAgent(stack.sql, { score: tier.score, executions: 40, successRate: 97, name: `bench stream ${tier.name}` });
    const router = new OpenAI({
      apiKey: await userToken(stack, userId),
      baseURL: `${stack.supabaseUrl}/functions/v1/route-completion`,
      defaultHeaders: { "x-agent-id": agentId },
      maxRetries: 0,
    });
    const direct = model.provider === "anthropic"
      ? (() => {
        const client = new Anthropic({ apiKey: ANTHROPIC_TEST_KEY, baseURL: stack.sim.anthropicBaseUrl, maxRetries: 0 });
        return () => anthropicTtft(client, model.wireId);
      })()
      : (() => {
        const client = new OpenAI({ apiKey: OPENAI_TEST_KEY, baseURL: stack.sim.openaiBaseUrl, maxRetries: 0 });
        return () => openaiTtft(client, model.wireId);
      })();
    const routed = () => openaiTtft(router, "auto");
    for (let i = 0; i < WARM_UP; i++) await Promise.all([direct(), routed()]);
    for (const concurrency of CONCURRENCY) {
      const d = stats(await measure(CALLS, concurrency, direct));
      const r = stats(await measure(CALLS, concurrency, routed));
      results.push({
        tier: tier.name, model: model.model, provider: model.provider, concurrency,
        simulator_direct: d, through_router: r, added_p50_ms: +(r.p50_ms - d.p50_ms).toFixed(2),
      });
      Deno.stderr.writeSync(new TextEncoder().encode(`streaming ttft ${tier.name} c=${concurrency}: direct p50 ${d.p50_ms} ms, router p50 ${r.p50_ms} ms\n`));
    }
  }
  const report = {
    what: "time to first token (first text delta), ms: the provider simulator called with its own SDK vs through route-completion with the OpenAI SDK",
    calls_per_measure: CALLS,
    results,
  };
  await writeResult("streaming", report);
  console.log(JSON.stringify(report, null, 2));
} finally {
  // The bench's decisions and calls stay in the audit trail of the bench agents, marked by name.
  await stack.close();
}
