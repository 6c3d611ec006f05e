// `npm run bench` part "decision-cost": what one routing decision costs the database, against the
// part no router can avoid. pgbench (Debian's PostgreSQL 15 client tools) runs two custom scripts
// over a spread of seeded agents, at 1, 4 and 16 clients, for a fixed time each:
//   route      SELECT public.route_model(agent, NULL, env, acting_user, NULL), as route-completion
//              sends it (the function connects as a trusted caller and names the signed-in user);
//   reference  one indexed read of the agent's metrics and one insert of a decision-sized row into
//              a copy of routing.decisions (same columns, defaults and indexes, no triggers, no
//              foreign keys), in one transaction: the floor of "decide and audit".
// This machine is shared and its speed drifts within seconds (the reference alone measured 8.7k and
// 18.2k tps at 4 clients on the same code, hours apart), so each client count runs the two scripts
// in paired rounds, side by side: --rounds R (default 4) rounds of --seconds / R each, the order
// swapped every round; the ratio is the median of the rounds' ratios, each script's tps the median
// of its rounds. Per-transaction latencies come from pgbench's own log (-l), so p50/p99 are over
// every transaction of every round. Writes bench/results/decision-cost.json.
//   deno run -A bench/decision-cost.ts [--seconds 10] [--rounds 4] [--agents 200] [--clients 1,4,16]
import { parseArgs } from "node:util";
import postgres from "postgres";
import { databaseUrl } from "../tests/function/harness.ts";
import { percentiles, say, secondsSince, writeResult } from "./lib/results.ts";

const PART = "decision-cost";
const PGBENCH = "/usr/lib/postgresql/15/bin/pgbench";
const { values } = parseArgs({
  args: Deno.args,
  options: {
    seconds: { type: "string", default: "10" },
    rounds: { type: "string", default: "4" },
    agents: { type: "string", default: "200" },
    clients: { type: "string", default: "1,4,16" },
  },
});
const SECONDS = Number(values.seconds);
const ROUNDS = Math.max(1, Number(values.rounds));
const SECONDS_PER_ROUND = Math.max(1, Math.round(SECONDS / ROUNDS));
const AGENTS = Number(values.agents);
const CLIENTS = (values.clients ?? "").split(",").map(Number);
const USERS = Math.max(1, Math.ceil(AGENTS / 10));

// Seeded ids are a pure function of the agent's number, so pgbench computes them from :n.
const AGENT_ID = (n: string) => `('00000000-0000-4000-bec0-' || lpad(${n}::text, 12, '0'))::uuid`;
const USER_ID = (n: string) => `('00000000-0000-4000-bec1-' || lpad(${n}::text, 12, '0'))::uuid`;

async function seed(sql: postgres.Sql): Promise<{ low: string; provider: string; baseline: string }> {
  // Scores across the three bands, a tenth of the agents new (few executions), success 95-100%.
  await sql.unsafe(`
    insert into auth.users (id, aud, role, email)
    select ${USER_ID("u")}, 'authenticated', 'authenticated', 'bench-decision-cost-' || u || '@bench.local'
    from generate_series(1, ${USERS}) u
    on conflict (id) do nothing;
    insert into public.agents (id, user_id, name)
    select ${AGENT_ID("n")}, ${USER_ID(`(1 + (n - 1) % ${USERS})`)}, 'bench decision-cost ' || n
    from generate_series(1, ${AGENTS}) n
    on conflict (id) do nothing;
    insert into public.agent_intensity_metrics (agent_id, combined_score, total_executions, successful_executions, success_rate)
    select ${AGENT_ID("n")}, round((1 + (n * 37 % 89) / 10.0)::numeric, 2), t, round(t * r / 100), r
    from generate_series(1, ${AGENTS}) n,
         lateral (select case when n % 10 = 0 then 3 else 40 + n % 60 end as t, 95 + n % 6 as r) x
    on conflict (agent_id) do nothing;
    drop schema if exists bench_reference cascade;
    create schema bench_reference;
    create table bench_reference.decisions (like routing.decisions including defaults including constraints including indexes);
    comment on schema bench_reference is 'The decision-cost benchmark''s reference audit table; dropped when the part ends.';`);
  const [c] = await sql`select c.low_model, m.provider, c.baseline_model from routing.config c join routing.models m on m.model = c.low_model`;
  return { low: c.low_model, provider: c.provider, baseline: c.baseline_model };
}

function scripts(models: { low: string; provider: string; baseline: string }): Record<"route" | "reference", string> {
  const pick = `\\set n random(1, ${AGENTS})\n\\set u 1 + (:n - 1) % ${USERS}\n`;
  return {
    route: `${pick}SELECT public.route_model(${AGENT_ID(":n")}, NULL, '{"ENABLE_INTELLIGENT_ROUTING":"true"}'::jsonb, ${USER_ID(":u")}, NULL);\n`,
    reference: `${pick}BEGIN;
SELECT m.combined_score, m.success_rate, m.total_executions, m.consecutive_failures FROM public.agent_intensity_metrics m WHERE m.agent_id = ${AGENT_ID(":n")};
INSERT INTO bench_reference.decisions (agent_id, user_id, model, provider, tier, reason, reasoning, cohort, intensity_score, success_rate, total_executions, baseline_model, fallback_chain, adjustments, warnings, routing_enabled) VALUES (${AGENT_ID(":n")}, ${USER_ID(":u")}, '${models.low}', '${models.provider}', 'low', 'tier', 'combined score 2.10 is below the low threshold', 'routed', 2.10, 97.00, 40, '${models.baseline}', '{${models.baseline}}', '[]', '[]', true);
END;\n`,
  };
}

/** One pgbench run of one script. */
interface Round {
  tps: number;
  samples: number[];
}

/** A script at one client count, over its rounds. */
interface Run {
  clients: number;
  /** The median of the rounds' tps. */
  tps: number;
  rounds_tps: number[];
  transactions: number;
  latency_ms: ReturnType<typeof percentiles>;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function pgbench(url: string, script: string, clients: number, dir: string): Promise<Round> {
  const file = `${dir}/script.sql`;
  await Deno.writeTextFile(file, script);
  for await (const e of Deno.readDir(dir)) if (e.name.startsWith("log")) await Deno.remove(`${dir}/${e.name}`);
  const out = await new Deno.Command(PGBENCH, {
    args: ["-n", "-M", "prepared", "-f", file, "-c", String(clients), "-j", String(Math.min(clients, 2)), "-T", String(SECONDS_PER_ROUND),
      "-l", "--log-prefix", `${dir}/log`, url],
    cwd: dir, stdout: "piped", stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`pgbench failed:\n${text}`);
  const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(text)?.[1]);
  const failed = Number(/number of failed transactions: (\d+)/.exec(text)?.[1] ?? 0);
  if (failed > 0) throw new Error(`pgbench: ${failed} failed transactions:\n${text}`);
  // Per-transaction log lines: client_id transaction_no time_us script_no time_epoch time_us_part.
  const samples: number[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (!e.name.startsWith("log")) continue;
    for (const line of (await Deno.readTextFile(`${dir}/${e.name}`)).split("\n")) {
      const us = Number(line.split(" ")[2]);
      if (line && Number.isFinite(us)) samples.push(us / 1000);
    }
  }
  return { tps, samples };
}

/** A script's rounds at one client count as one run: median tps, latencies over every transaction. */
function run(clients: number, rounds: Round[]): Run {
  const samples = rounds.flatMap((r) => r.samples);
  return {
    clients, tps: +median(rounds.map((r) => r.tps)).toFixed(1), rounds_tps: rounds.map((r) => +r.tps.toFixed(1)),
    transactions: samples.length, latency_ms: percentiles(samples),
  };
}

const started = performance.now();
const url = await databaseUrl();
const sql = postgres(url, { max: 1, onnotice: () => {} });
const dir = await Deno.makeTempDir({ prefix: "bench-pgbench-" });
try {
  const models = await seed(sql);
  const texts = scripts(models);
  const rows = [];
  for (const clients of CLIENTS) {
    const routeRounds: Round[] = [];
    const referenceRounds: Round[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      // Side by side, the order swapped every round, so a drift of the machine weighs on both.
      if (r % 2 === 0) routeRounds.push(await pgbench(url, texts.route, clients, dir));
      referenceRounds.push(await pgbench(url, texts.reference, clients, dir));
      if (r % 2 === 1) routeRounds.push(await pgbench(url, texts.route, clients, dir));
      say(PART, `c=${clients} round ${r + 1}/${ROUNDS}: route_model ${routeRounds[r].tps.toFixed(1)} tps, reference ${referenceRounds[r].tps.toFixed(1)} tps`);
    }
    const route = run(clients, routeRounds);
    const reference = run(clients, referenceRounds);
    const roundRatios = routeRounds.map((x, r) => +(x.tps / referenceRounds[r].tps).toFixed(3));
    const ratio = +median(roundRatios).toFixed(3);
    say(PART, `route_model   c=${clients}: ${route.tps} tps, p50 ${route.latency_ms.p50} ms, p99 ${route.latency_ms.p99} ms`);
    say(PART, `reference     c=${clients}: ${reference.tps} tps, p50 ${reference.latency_ms.p50} ms, p99 ${reference.latency_ms.p99} ms`);
    say(PART, `ratio         c=${clients}: ${ratio} (median of the rounds: ${roundRatios.join(", ")})`);
    rows.push({ clients, route, reference, round_ratios: roundRatios, tps_ratio: ratio });
  }
  const path = await writeResult(PART, {
    what: "pgbench TPS and per-transaction latency: route_model as the function calls it vs one indexed read + one audit-sized insert, " +
      "in paired rounds side by side (tps_ratio: the median of the rounds' ratios)",
    pgbench: { seconds_per_run: SECONDS_PER_ROUND * ROUNDS, rounds: ROUNDS, seconds_per_round: SECONDS_PER_ROUND, protocol: "prepared", agents: AGENTS, users: USERS },
    scripts: texts,
    runs: rows,
    target: { tps_ratio_at_least: 0.7, at_clients: [4, 16] },
    wall_seconds: secondsSince(started),
  });
  say(PART, `wrote ${path} in ${secondsSince(started)} s`);
} finally {
  await sql.unsafe("drop schema if exists bench_reference cascade");
  await sql.end();
  await Deno.remove(dir, { recursive: true });
}
