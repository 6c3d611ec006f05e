#!/usr/bin/env node
// `npm start`: the demo. Starts the local stack, the provider simulator (a test double; or the real
// providers when OPENAI_API_KEY and ANTHROPIC_API_KEY are both set) and the function server, then
// runs a population of agents across every tier through supabase.functions.invoke('route-completion')
// as tool-calling executions of several calls each, reports their outcomes, and prints the report.
//
// Reproducible: the population, each execution's agent, its number of calls and its outcome are
// pure functions of --seed and the execution's index (bench/population.mjs), each agent's
// executions run in index order (bench/executor.mjs), and the scripted overload runs before any
// concurrency; so on a fresh database the same seed gives the same report at any --concurrency.
//
//   npm start -- --agents 40 --executions 800 --concurrency 4 --seed 7 --outage 3 --exit
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
import { prepareFunctionEnv, recordsSettled, spawnFunctionServer } from "./serve.mjs";
import { renderReport } from "./report.mjs";
import { DEMO_USERS, demoAgents, parseRange } from "./demo-population.mjs";
import { assignExecutions, callsOf, DEFAULT_PARAMS, describePopulation, executionCapability, executionSucceeds } from "../bench/population.mjs";
import { reportOutcome, runExecution, runInAgentOrder } from "../bench/executor.mjs";
import { readLadder } from "../bench/ladder.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

const { values: options } = parseArgs({
  options: {
    agents: { type: "string", default: "40" },
    executions: { type: "string", default: "800" },
    concurrency: { type: "string", default: "4" },
    "min-calls": { type: "string", default: "2" },
    "max-calls": { type: "string", default: "5" },
    seed: { type: "string", default: "42" },
    // How many Anthropic requests answer 529 at the start of the run, to show retries and fallback.
    outage: { type: "string", default: "3" },
    "score-error": { type: "string", default: String(DEFAULT_PARAMS.scoreError) },
    underestimated: { type: "string", default: String(DEFAULT_PARAMS.underShare) },
    overestimated: { type: "string", default: String(DEFAULT_PARAMS.overShare) },
    "underpowered-penalty": { type: "string", default: DEFAULT_PARAMS.oneBelow.join("-") },
    "cheap-failure": { type: "string", default: "0" },
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
  --agents       demo agents; their true need is 30% low / 50% medium / 20% high (default 40)
  --executions   executions to run (default 800); each makes min..max calls in a tool loop
  --seed         the population, assignment and outcomes (default 42): same seed, same report
  --outage       Anthropic requests that answer 529 at the start (default 3; 0 = none). From the
                 breaker's failure threshold (5) on, the circuit opens for a wall-clock cooldown
                 and the report then depends on speed, not only on the seed
  --score-error  standard deviation of the AIS score's error, in points (default ${DEFAULT_PARAMS.scoreError})
  --underestimated  share of agents whose score says low but who need the top rung (default ${DEFAULT_PARAMS.underShare})
  --overestimated   share whose score says high but who need only the low rung (default ${DEFAULT_PARAMS.overShare})
  --underpowered-penalty  "min-max": how much more often a model one rung below an agent's need fails, per agent (default ${DEFAULT_PARAMS.oneBelow.join("-")})
  --cheap-failure every model below the top rung fails at least this often (default 0 = off; 0.2 shows the trip)
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
/**
 * The option as a fraction in 0..1 (or up to `max`); exits with a usage error otherwise.
 * @param {"score-error" | "underestimated" | "overestimated" | "cheap-failure"} name
 * @param {number} [max]
 */
function fraction(name, max = 1) {
  const value = Number(options[name]);
  if (!(value >= 0 && value <= max)) {
    console.error(`[demo] --${name} must be between 0 and ${max}, got "${options[name]}"`);
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
const SEED = positiveInt("seed");
if (ROLLOUT > 100) {
  console.error(`[demo] --rollout must be between 0 and 100, got ${ROLLOUT}`);
  process.exit(2);
}
/** @type {[number, number]} */
let ONE_BELOW = DEFAULT_PARAMS.oneBelow;
try {
  ONE_BELOW = parseRange("underpowered-penalty", options["underpowered-penalty"] ?? "");
} catch (err) {
  console.error(`[demo] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
}
const SHARES = { underShare: fraction("underestimated"), overShare: fraction("overestimated") };
if (SHARES.underShare + SHARES.overShare > 1) {
  console.error("[demo] --underestimated and --overestimated together must not exceed 1");
  process.exit(2);
}
/** @type {Omit<import("../bench/population.mjs").PopulationParams, "thresholds">} */
const PARAMS = {
  ...DEFAULT_PARAMS, agents: AGENTS, tenants: DEMO_USERS.length, scoreError: fraction("score-error", 5), ...SHARES,
  oneBelow: ONE_BELOW, cheapFailure: fraction("cheap-failure"),
};

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

/**
 * The demo's owners and agents: ids fixed by index, scores from the scoring system (here the
 * generator's observed score), and a clean earlier record per agent.
 * @param {import("postgres").Sql} sql
 * @param {import("./demo-population.mjs").DemoAgent[]} agents
 */
async function seedPopulation(sql, agents) {
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
    const ladder = await readLadder(sql);
    const params = { ...PARAMS, thresholds: ladder.thresholds };
    const agents = demoAgents({ seed: SEED, params });
    await seedPopulation(sql, agents);
    // Through the operator command, so the change is audited and the report shows it.
    await sql`select public.set_rollout_percentage(${ROLLOUT}::int)`;
    const shape = describePopulation(agents, ladder.thresholds);
    say(`${agents.length} agents: true need ${shape.need.low} low / ${shape.need.medium} medium / ${shape.need.high} high; ` +
      `scores below the need for ${shape.scoreBelowNeed} (${shape.underestimated} badly), above for ${shape.scoreAboveNeed} (${shape.overestimated} badly)`);
    say(`${EXECUTIONS} executions of ${MIN_CALLS}-${MAX_CALLS} calls, ${CONCURRENCY} at a time, seed ${SEED}`);

    const [{ threshold }] = await sql`select breaker_failure_threshold as threshold from routing.config`;
    if (providers.simulatorUrl && OUTAGE > 0) {
      // A short Anthropic overload: the router retries, then falls back along the chain.
      await fetch(`${providers.simulatorUrl}/__simulator/script`, {
        method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify([{ provider: "anthropic", error: "overloaded", times: OUTAGE, delayMs: 20 }]),
      });
      say(`scripted a short Anthropic overload (${OUTAGE} × 529) to show retries and fallback`);
      if (OUTAGE >= threshold) say(`--outage ${OUTAGE} reaches the breaker's threshold (${threshold}): its cooldown is wall-clock time, so this report depends on speed`);
    }

    /** @type {Map<string, import("../bench/executor.mjs").Invoke>} */
    const invokers = new Map();
    for (const user of DEMO_USERS) {
      const token = await signUserToken(user.id, env.SUPABASE_JWT_SECRET, { expiresIn: "2h", email: user.email });
      const client = createClient(supabaseUrl, env.SUPABASE_ANON_KEY ?? "", {
        auth: { persistSession: false, autoRefreshToken: false },
        global: { headers: { Authorization: `Bearer ${token}` } },
        realtime: { transport: ws },
      });
      invokers.set(user.id, async (path, body) => {
        const { data, error } = await client.functions.invoke(path, { body });
        const context = /** @type {{ context?: Response }} */ (error ?? {}).context;
        return { status: error ? (context?.status ?? 0) : 200, body: data };
      });
    }
    // Execution ids are the seed's (exploration is sticky per execution id); with --keep-data a
    // run tag keeps them apart from earlier runs'.
    const tag = options["keep-data"] ? `${Date.now().toString(36)}-` : "";
    const assignment = assignExecutions({ seed: SEED, agents: agents.length, total: EXECUTIONS });
    const show = progressPrinter(EXECUTIONS);
    let done = 0;
    let failed = 0;
    /** @param {number} index */
    const run = async (index) => {
      const agent = agents[assignment[index]];
      const invoke = invokers.get(agent.userId);
      if (!invoke) throw new Error(`no client for the demo user ${agent.userId}`);
      const executionId = `demo-${SEED}-${tag}${index}`;
      const started = Date.now();
      const result = await runExecution({
        invoke, agentId: agent.id, executionId, label: agent.name,
        calls: callsOf({ seed: SEED, executionIndex: index, min: MIN_CALLS, max: MAX_CALLS }),
      });
      const capability = result.answered ? executionCapability(result.models, ladder) : null;
      const succeeded = executionSucceeds({ seed: SEED, agent, executionIndex: index, capability, params });
      await reportOutcome({ invoke, agentId: agent.id, executionId, succeeded, tokens: result.tokens, durationMs: Date.now() - started });
      done++;
      if (!succeeded) failed++;
      show({ done, failed });
    };
    show({ done, failed });
    // The overload first, one execution at a time: which calls meet it is then the seed's, not the workers'.
    const pendingSteps = async () => {
      if (!providers.simulatorUrl || OUTAGE === 0) return 0;
      const health = await (await fetch(`${providers.simulatorUrl}/__simulator/health`)).json();
      return Number(health.pendingSteps ?? 0);
    };
    let from = 0;
    while (from < EXECUTIONS && (await pendingSteps()) > 0) await run(from++);
    await runInAgentOrder({ assignment, concurrency: CONCURRENCY, run, from });
    say(`${done} executions, ${done - failed} succeeded, in ${((Date.now() - wallStart) / 1000).toFixed(1)} s wall time`);
    // Each call's record is stored just after its answer: the report waits for the last ones.
    if (!(await recordsSettled(env))) say("some call records still wait in the outbox: the report may miss them until they are stored");

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
