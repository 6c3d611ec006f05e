// `npm run bench [-- --full] [-- --only a,b] [-- --skip a,b]`: every benchmark part in turn, each
// its own process writing bench/results/<part>.json, then bench/results/SUMMARY.md (bench/summary.ts)
// with the targets met or missed. The default run is sized to finish in under 10 minutes on 2
// cores (measured: see the summary's wall time); --full adds the 10-million-call scale step and
// the parts that do not fit the budget (router per call, economics with three seeds).
// `npm run bench:readme` copies the summary's table into README.md.
import { parseArgs } from "node:util";
import { say, secondsSince, writeResult } from "./lib/results.ts";
import { writeSummary } from "./summary.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    full: { type: "boolean", default: false },
    only: { type: "string" },
    skip: { type: "string" },
    list: { type: "boolean", default: false },
  },
});
const FULL = values.full ?? false;

/** Each part's script and arguments, default run first; the order keeps the big scale data last. */
/** Each part's script and arguments (`full`: with --full); `fullOnly` parts run only with --full or --only. */
const PARTS: { part: string; script: string; args: string[]; full?: string[]; fullOnly?: boolean }[] = [
  { part: "decision-cost", script: "bench/decision-cost.ts", args: ["--seconds", "8"], full: ["--seconds", "20"] },
  { part: "db-functions", script: "bench/db-functions.ts", args: [] },
  { part: "overhead", script: "bench/overhead.ts", args: [] },
  { part: "memory", script: "bench/memory.ts", args: ["--concurrency", "50"] },
  { part: "streaming", script: "bench/streaming.ts", args: [] },
  { part: "router", script: "bench/router-bench.ts", args: [], fullOnly: true },
  { part: "economics", script: "bench/economics.ts", args: [], fullOnly: true },
  { part: "scale", script: "bench/scale.ts", args: [], full: ["--full"] },
];

const pick = (list: string | undefined) => new Set((list ?? "").split(",").map((s) => s.trim()).filter(Boolean));
const only = pick(values.only);
const skip = pick(values.skip);
for (const name of [...only, ...skip]) {
  if (!PARTS.some((p) => p.part === name)) throw new Error(`unknown part "${name}"; parts: ${PARTS.map((p) => p.part).join(", ")}`);
}
const chosen = PARTS.filter((p) => (only.size > 0 ? only.has(p.part) : FULL || !p.fullOnly) && !skip.has(p.part));
const deferred = PARTS.filter((p) => only.size === 0 && !FULL && p.fullOnly).map((p) => p.part);
if (values.list) {
  for (const p of chosen) console.log(`${p.part}\t${p.script} ${(FULL && p.full ? p.full : p.args).join(" ")}`);
  Deno.exit(0);
}

const deno = new URL("../node_modules/.bin/deno", import.meta.url).pathname;
const started = performance.now();
const ran = [];
for (const [i, p] of chosen.entries()) {
  const args = FULL && p.full ? p.full : p.args;
  say("bench", `(${i + 1}/${chosen.length}) ${p.part}: ${p.script} ${args.join(" ")}  [${secondsSince(started)} s so far]`);
  const partStarted = performance.now();
  const status = await new Deno.Command(deno, { args: ["run", "-A", p.script, ...args], stdout: "inherit", stderr: "inherit" }).output();
  ran.push({ part: p.part, ok: status.success, seconds: secondsSince(partStarted) });
  say("bench", `${p.part} ${status.success ? "done" : `FAILED (exit ${status.code})`} in ${secondsSince(partStarted)} s`);
}
const total = secondsSince(started);
await writeResult("run", { full: FULL, parts: ran, full_only_not_run: deferred, total_seconds: total });
const path = await writeSummary();
say("bench", `all parts in ${total} s (${(total / 60).toFixed(1)} min); summary: ${path}; \`npm run bench:readme\` copies its table into README.md`);
if (ran.some((r) => !r.ok)) Deno.exit(1);
