#!/usr/bin/env node
// `npm test`: runs the static checks, makes a fresh test database of its own (scripts/db.mjs
// startTestDatabase: from a template, so the demo's data never fails a test and stays untouched), then runs
//   0. the static checks of scripts/check.mjs: the type check (tsconfig.json, strict), each
//      function's deno.json graph, the import maps against package.json, and the linter; each
//      problem is printed and counted as a failure;
//   1. the pgTAP suite (supabase/tests/database/*.test.sql, where `supabase test db` looks) with
//      pg_prove, against the migrated database; its first file installs the fixture helpers;
//   1b. `supabase db advisors --fail-on warn` (Supabase's security and performance linter);
//   2. the Deno tests (translation modules, simulator, the function over HTTP, scripts/*.test.ts).
// Prints one closing line "tests: N passed, M failed" and exits non-zero on any failure.
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runChecks } from "./check.mjs";
import { startTestDatabase } from "./db.mjs";
import { ensureChromium } from "./install-chromium.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Runs a command, streaming its output, and returns everything it printed.
 * @param {string} cmd
 * @param {string[]} args
 * @param {Record<string, string>} [env]
 * @returns {Promise<{ code: number | null, output: string }>}
 */
function runStreaming(cmd, args, env) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    /**
     * @param {import("node:stream").Readable} stream
     * @param {NodeJS.WriteStream} sink
     */
    const forward = (stream, sink) => stream.on("data", (/** @type {Buffer} */ chunk) => { output += chunk; sink.write(chunk); });
    forward(child.stdout, process.stdout);
    forward(child.stderr, process.stderr);
    child.on("close", (code) => resolve({ code, output }));
  });
}

/** @typedef {{ passed: number, failed: number, ok: boolean }} SuiteResult */

/**
 * @param {string} databaseUrl
 * @returns {Promise<SuiteResult>}
 */
async function runPgTap(databaseUrl) {
  const dir = join("supabase", "tests", "database");
  // Sorted: the first file (00000_test_helpers.test.sql) installs the fixture helpers.
  const files = readdirSync(join(root, dir)).filter((f) => f.endsWith(".test.sql")).sort();
  if (files.length === 0) return { passed: 0, failed: 0, ok: true };
  const { code, output } = await runStreaming("pg_prove", ["--ext", ".sql", "-d", databaseUrl, ...files.map((f) => join(dir, f))]);
  const total = Number(/Tests=(\d+)/.exec(output)?.[1] ?? 0);
  const failed = [...output.matchAll(/Failed (\d+)\/\d+ subtests/g)].reduce((sum, m) => sum + Number(m[1]), 0);
  // A file that dies before its plan completes counts as one failure at least.
  const ok = code === 0;
  return { passed: Math.max(total - failed, 0), failed: ok ? failed : Math.max(failed, 1), ok };
}

/** @returns {Promise<SuiteResult>} */
/**
 * Supabase's own database linter (`supabase db advisors`, security and performance), failing on any
 * warning; the intended INFO-level exceptions are listed in docs/architecture.md.
 * @param {string} databaseUrl
 */
async function runAdvisors(databaseUrl) {
  const cli = join(root, "node_modules", ".bin", "supabase");
  const url = databaseUrl + (databaseUrl.includes("?") ? "&" : "?") + "sslmode=disable";
  const { code, output } = await runStreaming(cli, ["db", "advisors", "--db-url", url, "--type", "all", "--fail-on", "warn"],
    { SUPABASE_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" });
  return { passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1, ok: code === 0, output };
}

async function runDeno() {
  const deno = join(root, "node_modules", ".bin", "deno");
  // scripts/ holds test.mjs itself, which `deno test scripts/` would take for a test: its tests by name.
  const scriptTests = readdirSync(join(root, "scripts")).filter((f) => f.endsWith(".test.ts")).map((f) => join("scripts", f));
  const { code, output } = await runStreaming(deno, ["test", "-A", "--no-check=remote", "functions/", ...scriptTests, "tests/"], { NO_COLOR: "1" });
  const summary = /(\d+) passed.*?\| (\d+) failed/.exec(output);
  const passed = Number(summary?.[1] ?? 0);
  const failed = Number(summary?.[2] ?? 0);
  return { passed, failed: code === 0 ? failed : Math.max(failed, 1), ok: code === 0 };
}

async function main() {
  process.stderr.write("[test] static checks (type check, function configs, lint)\n");
  const checks = await runChecks();
  const checkProblems = checks.reduce((n, c) => n + c.problems.length, 0);
  process.stderr.write("[test] a fresh test database\n");
  // Hermetic: a database of the run's own, and an env file of its own (the function server the
  // tests start writes its keys there), so the developer's .env.local and data stay as they were.
  const databaseUrl = await startTestDatabase();
  process.env.DATABASE_URL = databaseUrl;
  process.env.ROUTER_ENV_FILE = join(root, ".local", "test", "env");
  process.stderr.write("[test] pgTAP suite\n");
  const db = await runPgTap(databaseUrl);
  process.stderr.write("[test] supabase db advisors (fail on warn)\n");
  const advisors = await runAdvisors(databaseUrl);
  process.stderr.write("[test] Deno tests\n");
  ensureChromium(); // for the dashboard's browser test
  const deno = await runDeno();
  const passed = db.passed + advisors.passed + deno.passed;
  const failed = db.failed + advisors.failed + deno.failed + checkProblems;
  console.log(`\nchecks: ${checks.map((c) => `${c.name} ${c.problems.length === 0 ? "ok" : `${c.problems.length} failed`}`).join("; ")}`);
  for (const c of checks) for (const p of c.problems) console.log(`  ${c.name}: ${p.split("\n")[0]}`);
  console.log(`pgTAP: ${db.passed} passed, ${db.failed} failed`);
  console.log(`advisors: ${advisors.ok ? "no warnings" : "warnings or errors (see above)"}`);
  console.log(`Deno: ${deno.passed} passed, ${deno.failed} failed`);
  console.log(`tests: ${passed} passed, ${failed} failed${checkProblems > 0 ? ` (${checkProblems} from the static checks)` : ""}`);
  process.exit(checkProblems === 0 && db.ok && advisors.ok && deno.ok && passed > 0 ? 0 : 1);
}

main().catch((err) => {
  process.stderr.write(`[test] ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
