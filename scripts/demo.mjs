#!/usr/bin/env node
// `npm start`: the demo. Starts the local stack, the provider simulator (a test double; or the real
// providers when OPENAI_API_KEY and ANTHROPIC_API_KEY are both set) and the function server, then
// runs a population of agents across every tier through supabase.functions.invoke('route-completion')
// as tool-calling executions of several calls each, reports their outcomes, and prints the report.
//
//   npm start -- --agents 40 --executions 200 --concurrency 4 --seed 7 --outage 3 --exit
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createClient } from "@supabase/supabase-js";
import postgres from "postgres";
// Node 20 has no WebSocket; supabase-js's realtime client needs one even when unused.
import ws from "ws";
import { signUserToken } from "./local-keys.mjs";
import { reset as resetDatabase } from "./db.mjs";
import { prepareFunctionEnv, spawnFunctionServer } from "./serve.mjs";
import { renderReport } from "./report.mjs";
import {
  DEFAULT_MODEL_SUCCESS,
  DEFAULT_UNDERPOWERED_PENALTY,
  DEMO_USERS,
  demoAgents,
  executionSucceeds,
  mulberry32,
  parseSuccessModel,
} from "./demo-population.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

const { values: options } = parseArgs({
  options: {
    agents: { type: "string", default: "40" },
    executions: { type: "string", default: "200" },
    concurrency: { type: "string", default: "4" },
    "min-calls": { type: "string", default: "2" },
    "max-calls": { type: "string", default: "5" },
    seed: { type: "string", default: "42" },
    // How many Anthropic requests answer 529 during the run, to show retries and fallback.
    outage: { type: "string", default: "6" },
    success: { type: "string", default: "" },
    "underpowered-penalty": { type: "string", default: String(DEFAULT_UNDERPOWERED_PENALTY) },
    exit: { type: "boolean", default: false },
    // By default the local cluster starts fresh, so every figure of the report is this run's.
    "keep-data": { type: "boolean", default: false },
    // Below 100, agents outside the rollout form the control cohort on the baseline model.
    rollout: { type: "string", default: "100" },
    help: { type: "boolean", default: false },
  },
});

if (options.help) {
  console.log(`npm start -- [--agents N] [--executions N] [--concurrency N] [--min-calls N] [--max-calls N] [--seed N] [--outage N] [--exit]
  --agents       demo agents, 30% low / 50% medium / 20% high complexity (default 40)
  --executions   executions to run (default 200); each makes min..max calls in a tool loop
  --outage       Anthropic requests that answer 529 during the run (default 6; 0 = none)
  --success      the success model, "model=p,..." over ${JSON.stringify(DEFAULT_MODEL_SUCCESS)}
  --underpowered-penalty  how much more often a model fails above its complexity ceiling (default ${DEFAULT_UNDERPOWERED_PENALTY})
  --rollout      percentage of agents routed; the rest are the control cohort on the baseline model (default 100)
  --keep-data    keep the local database's earlier data (default: start from a fresh local cluster)
  --exit         stop the servers after the report (default: keep serving while a terminal is attached)`);
  process.exit(0);
}

/**
 * The option as a whole number >= 0; exits with a usage error otherwise.
 * @param {"agents" | "executions" | "concurrency" | "min-calls" | "max-calls" | "outage" | "rollout" | "seed"} name
 */
function positiveInt(name) {
  const value = Number(options[name]);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`[demo] --${name} must be a whole number >= 0, got "${options[name]}"`);
    process.exit(2);
  }
  return value;
}
const AGENTS = Math.max(1, positiveInt("agents"));
const EXECUTIONS = positiveInt("executions");
const CONCURRENCY = Math.max(1, positiveInt("concurrency"));
const MIN_CALLS = Math.max(1, positiveInt("min-calls"));
const MAX_CALLS = Math.max(MIN_CALLS, positiveInt("max-calls"));
const OUTAGE = positiveInt("outage");
const ROLLOUT = positiveInt("rollout");
if (ROLLOUT > 100) {
  console.error(`[demo] --rollout must be between 0 and 100, got ${ROLLOUT}`);
  process.exit(2);
}
const random = mulberry32(positiveInt("seed"));
/** @type {Record<string, number>} */
let SUCCESS = {};
try {
  SUCCESS = parseSuccessModel(options.success);
} catch (err) {
  console.error(`[demo] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
}
const PENALTY = Number(options["underpowered-penalty"]);
if (!(PENALTY >= 0 && PENALTY <= 1)) {
  console.error(`[demo] --underpowered-penalty must be between 0 and 1, got "${options["underpowered-penalty"]}"`);
  process.exit(2);
}

/** @param {string} line */
const say = (line) => process.stderr.write(`[demo] ${line}\n`);
/** @type {import("node:child_process").ChildProcess[]} */
const children = [];

/**
 * `preferred` when it is free, else a port the system picks.
 * @param {number} preferred
 * @returns {Promise<number>}
 */
function freePort(preferred) {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", () => {
      const any = createServer();
      any.listen(0, "127.0.0.1", () => {
        const address = any.address();
        if (address === null || typeof address === "string") any.close(() => reject(new Error("no port was assigned")));
        else any.close(() => resolve(address.port));
      });
    });
    srv.listen(preferred, "127.0.0.1", () => srv.close(() => resolve(preferred)));
  });
}

/**
 * The provider simulator as its own process; resolves with its base URL.
 * @param {number} port
 * @returns {Promise<string>}
 */
function startSimulator(port) {
  const deno = join(root, "node_modules", ".bin", "deno");
  const child = spawn(deno, ["run", "-A", join(root, "tests", "simulator", "main.ts"), "--port", String(port)], { stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout.on("data", (chunk) => {
      const url = /listening on (\S+)/.exec(String(chunk))?.[1];
      if (url) resolve(url);
    });
    child.on("exit", (code) => reject(new Error(`the provider simulator exited with code ${code}`)));
  });
}

/**
 * The providers' environment for the function server: none for the real providers, else the simulator's.
 * @returns {Promise<{ env: Record<string, string>, simulatorUrl: string | null }>}
 */
async function providerEnv() {
  if (process.env.OPENAI_API_KEY && process.env.ANTHROPIC_API_KEY) {
    say("OPENAI_API_KEY and ANTHROPIC_API_KEY are set: calling the real providers");
    return { env: {}, simulatorUrl: null };
  }
  const simulatorUrl = await startSimulator(await freePort(54329));
  say(`provider simulator (test double) at ${simulatorUrl}`);
  return {
    simulatorUrl,
    env: {
      OPENAI_BASE_URL: `${simulatorUrl}/v1`,
      ANTHROPIC_BASE_URL: simulatorUrl,
      OPENAI_API_KEY: "demo-openai-key",
      ANTHROPIC_API_KEY: "demo-anthropic-key",
    },
  };
}

/** @param {import("postgres").Sql} sql */
async function seedPopulation(sql) {
  const agents = demoAgents(AGENTS, random);
  for (const user of DEMO_USERS) {
    await sql`insert into auth.users (id, aud, role, email, raw_user_meta_data)
              values (${user.id}, 'authenticated', 'authenticated', ${user.email}, ${sql.json({ name: user.name })})
              on conflict (id) do nothing`;
  }
  for (const agent of agents) {
    await sql`insert into public.agents (id, user_id, name) values (${agent.id}, ${agent.userId}, ${agent.name}) on conflict (id) do nothing`;
    // Scores come from the scoring system; the track record accumulates across demo runs.
    await sql`insert into public.agent_intensity_metrics (agent_id, combined_score, total_executions, successful_executions, success_rate)
              values (${agent.id}, ${agent.score}, ${agent.history}, ${agent.history}, 100)
              on conflict (agent_id) do update set combined_score = excluded.combined_score`;
  }
  return agents;
}

const TOOLS = [{
  type: "function",
  function: { name: "lookup_record", description: "Fetch a record from the CRM", parameters: { type: "object", properties: { id: { type: "string" } }, required: ["id"] } },
}];
// Token sizes that make an execution resemble the plan's §10 mix (about 1,500 input and 1,800
// output tokens): a ~400-token system prompt, re-sent with the growing conversation on every call,
// and ~450 output tokens per answer (the simulator's [sim:output_tokens=N] marker).
const SYSTEM_PROMPT = `You are a business automation agent. Follow the playbook precisely. ${"Check every record against the policy before acting. ".repeat(30)}`;
const OUTPUT_TOKENS_PER_CALL = 450;

/**
 * One execution: a tool-calling loop of `calls` calls, then the outcome reported.
 * @param {import("@supabase/supabase-js").SupabaseClient} client
 * @param {import("./demo-population.mjs").DemoAgent} agent
 * @param {number} index
 * @param {string} runId
 * @returns {Promise<{ succeeded: boolean, model: string | null }>}
 */
async function runExecution(client, agent, index, runId) {
  const calls = MIN_CALLS + Math.floor(random() * (MAX_CALLS - MIN_CALLS + 1));
  const executionId = `demo-${runId}-${index}`;
  /** @type {Record<string, unknown>[]} */
  const messages = [
    { role: "system", content: `${SYSTEM_PROMPT}\n[sim:tool_rounds=${calls - 1}] [sim:output_tokens=${OUTPUT_TOKENS_PER_CALL}]` },
    { role: "user", content: `Process ticket #${index} for ${agent.name}.` },
  ];
  /** @type {string | null} */
  let model = null;
  let ok = true;
  const started = Date.now();
  let tokens = 0;
  for (let call = 0; call < calls; call++) {
    const { data, error } = await client.functions.invoke("route-completion", {
      body: { agent_id: agent.id, execution_id: executionId, messages, tools: TOOLS, max_tokens: 1800 },
    });
    if (error) {
      ok = false;
      break;
    }
    model = data.model;
    tokens += data.usage?.total_tokens ?? 0;
    const message = data.choices[0].message;
    messages.push(message);
    for (const toolCall of message.tool_calls ?? []) {
      messages.push({ role: "tool", tool_call_id: toolCall.id, content: JSON.stringify({ id: "r-1", status: "open" }) });
    }
    if (!message.tool_calls) break;
  }
  const succeeded = ok && executionSucceeds({ model, score: agent.score, random, success: SUCCESS, penalty: PENALTY });
  const outcome = await client.functions.invoke("route-completion/outcome", {
    body: { agent_id: agent.id, execution_id: executionId, succeeded, tokens, duration_ms: Date.now() - started },
  });
  if (outcome.error) throw new Error(`recording the outcome failed: ${outcome.error.message}`);
  return { succeeded, model };
}

/**
 * @param {number} total
 * @returns {(progress: { done: number, failed: number }) => void}
 */
function progressPrinter(total) {
  const tty = process.stderr.isTTY;
  let last = -1;
  const started = Date.now();
  return ({ done, failed }) => {
    const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
    if (!tty && pct < 100 && pct - last < 10) return;
    last = pct;
    const rate = (done / Math.max(0.001, (Date.now() - started) / 1000)).toFixed(1);
    const line = `[demo] ${done}/${total} executions (${pct}%) · ${failed} failed · ${rate} exec/s`;
    process.stderr.write(tty ? `\r${line}${done === total ? "\n" : ""}` : `${line}\n`);
  };
}

async function main() {
  const wallStart = Date.now();
  if (!process.env.DATABASE_URL && !options["keep-data"]) {
    say("starting from a fresh local database (--keep-data to keep earlier runs)");
    await resetDatabase();
  }
  const providers = await providerEnv();
  const port = await freePort(54321);
  process.env.FUNCTIONS_PORT = String(port);
  /** @type {Record<string, string | undefined>} */
  const env = {
    ...(await prepareFunctionEnv()), ...providers.env, FUNCTIONS_PORT: String(port),
    ROUTING_LOG_LEVEL: process.env.ROUTING_LOG_LEVEL ?? "warn",
  };
  const server = await spawnFunctionServer(env, { quiet: true });
  children.push(server);
  const supabaseUrl = `http://127.0.0.1:${port}`;
  say(`functions at ${supabaseUrl}/functions/v1/route-completion`);

  if (!env.DATABASE_URL) throw new Error("prepareFunctionEnv gave no DATABASE_URL");
  const sql = postgres(env.DATABASE_URL, { max: 2, onnotice: () => {} });
  try {
    const agents = await seedPopulation(sql);
    // Through the operator command, so the change is audited and the report shows it.
    await sql`select public.set_rollout_percentage(${ROLLOUT}::int)`;
    const tiers = agents.reduce((acc, a) => ({ ...acc, [a.tier]: (acc[a.tier] ?? 0) + 1 }), /** @type {Record<string, number>} */ ({}));
    say(`${agents.length} agents (${Object.entries(tiers).map(([t, n]) => `${n} ${t}`).join(", ")}), ${EXECUTIONS} executions of ${MIN_CALLS}-${MAX_CALLS} calls, ${CONCURRENCY} at a time`);

    if (providers.simulatorUrl && OUTAGE > 0) {
      // A short Anthropic overload: the router retries, then falls back along the chain.
      await fetch(`${providers.simulatorUrl}/__simulator/script`, {
        method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify([{ provider: "anthropic", error: "overloaded", times: OUTAGE, delayMs: 20 }]),
      });
      say(`scripted a short Anthropic overload (${OUTAGE} × 529) to show retries and fallback`);
    }

    /** @type {Map<string, import("@supabase/supabase-js").SupabaseClient>} */
    const clients = new Map();
    for (const user of DEMO_USERS) {
      const token = await signUserToken(user.id, env.SUPABASE_JWT_SECRET, { expiresIn: "2h", email: user.email });
      clients.set(user.id, createClient(supabaseUrl, env.SUPABASE_ANON_KEY ?? "", {
        auth: { persistSession: false, autoRefreshToken: false },
        global: { headers: { Authorization: `Bearer ${token}` } },
        realtime: { transport: ws },
      }));
    }
    const runId = Date.now().toString(36);
    const show = progressPrinter(EXECUTIONS);
    let next = 0;
    let done = 0;
    let failed = 0;
    const worker = async () => {
      while (next < EXECUTIONS) {
        const index = next++;
        const agent = agents[Math.floor(random() * agents.length)];
        const client = clients.get(agent.userId);
        if (!client) throw new Error(`no client for the demo user ${agent.userId}`);
        const result = await runExecution(client, agent, index, runId);
        done++;
        if (!result.succeeded) failed++;
        show({ done, failed });
      }
    };
    show({ done, failed });
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    say(`${done} executions, ${done - failed} succeeded, in ${((Date.now() - wallStart) / 1000).toFixed(1)} s wall time`);

    console.log(await renderReport(sql, { days: 1 }));
    console.log(`Dashboard: ${supabaseUrl}/functions/v1/routing-dashboard  (sign in with SUPABASE_SERVICE_ROLE_KEY from .env.local)`);
    console.log(`Report again: npm run report    ·   Demo wall time: ${((Date.now() - wallStart) / 1000).toFixed(1)} s`);
  } finally {
    await sql.end();
  }

  if (!options.exit && process.stdout.isTTY) {
    say("serving the functions and the dashboard until Ctrl-C");
    await new Promise((resolve) => process.on("SIGINT", resolve));
  }
}

function stopChildren() {
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
}
process.on("exit", stopChildren);

main().then(() => { stopChildren(); process.exit(0); }).catch((err) => {
  process.stderr.write(`\n[demo] ${err.stack ?? err.message}\n`);
  stopChildren();
  process.exit(1);
});
