#!/usr/bin/env node
// The static checks `npm test` runs before any test (`node scripts/check.mjs` alone works too):
//   1. the type check: `deno check` over functions/, scripts/, tests/ and bench/ with the top-level
//      tsconfig.json (strict; the .mjs scripts through JSDoc; the dashboard's browser modules
//      with the DOM lib of tsconfig.browser.json);
//   2. each function's own graph, resolved from its folder with its deno.json, as
//      `supabase functions deploy` bundles it (npm packages come from the npm registry then);
//   3. the function configs agree: every deno.json maps the same npm packages, at the versions of
//      package.json, so a shared module resolves alike in both functions, locally and deployed;
//   4. the linter: `deno lint` over the same folders (recommended rules).
// Each problem is printed as file:line:col and counted; a non-zero count fails the run.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const deno = join(root, "node_modules", ".bin", "deno");
/** The folders of TypeScript and JavaScript the checks cover. */
export const CHECKED_DIRS = ["functions/", "scripts/", "tests/", "bench/"];

/**
 * @typedef {object} CheckResult
 * @property {string} name
 * @property {string[]} problems one line each, "file:line:col message" where there is a place
 */

/**
 * Runs a command quietly and returns its exit code and everything it printed.
 * @param {string[]} args
 * @param {string} [cwd]
 * @returns {Promise<{ code: number | null, output: string }>}
 */
function runDeno(args, cwd = root) {
  return new Promise((resolve) => {
    const child = spawn(deno, args, { cwd, env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => { output += chunk; });
    child.stderr.on("data", (chunk) => { output += chunk; });
    child.on("close", (code) => resolve({ code, output }));
  });
}

/**
 * The type errors in `deno check` output, one line each: "TS2322 file:line:col message".
 * A failure with no diagnostic in it (a module that cannot be resolved) is one problem, its text.
 * @param {string} output
 * @param {number | null} code
 * @returns {string[]}
 */
export function typeErrors(output, code) {
  const problems = [];
  const pattern = /^(TS\d+) \[ERROR\]: (.*)\n(?:[\s\S]*?)^\s+at (?:file:\/\/)?(\S+)$/gm;
  for (const m of output.matchAll(pattern)) problems.push(`${m[1]} ${relative(root, m[3])} ${m[2]}`);
  if (code !== 0 && problems.length === 0) {
    problems.push(output.split("\n").filter((l) => l.trim() !== "" && !/^(Check|Download) /.test(l)).slice(0, 10).join("\n"));
  }
  return problems;
}

/** @returns {Promise<CheckResult>} */
async function typeCheck() {
  const { code, output } = await runDeno(["check", "--quiet", ...CHECKED_DIRS]);
  return { name: "type check (tsconfig.json)", problems: typeErrors(output, code) };
}

/** The functions that have their own deno.json, by folder name. */
function functionsWithConfig() {
  const dir = join(root, "functions");
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith("_") && existsSync(join(dir, e.name, "index.ts")))
    .map((e) => e.name);
}

/** @returns {Promise<CheckResult>} */
async function deployGraphs() {
  const problems = [];
  for (const name of functionsWithConfig()) {
    const dir = join(root, "functions", name);
    if (!existsSync(join(dir, "deno.json"))) {
      problems.push(`functions/${name}: no deno.json (Supabase deploys each function with the deno.json beside its index.ts)`);
      continue;
    }
    // From the function's folder, Deno takes its deno.json as the config, as the deploy bundler does.
    const { code, output } = await runDeno(["check", "--quiet", "index.ts"], dir);
    for (const p of typeErrors(output, code)) problems.push(`functions/${name} (own deno.json): ${p}`);
  }
  return { name: "each function with its deno.json", problems };
}

/**
 * What is wrong with the functions' import maps: a function's npm pin that package.json does not
 * pin the same, or two functions mapping a name differently (shared code resolves by both).
 * @param {{ dependencies?: Record<string, string>, devDependencies?: Record<string, string> }} packageJson
 * @param {Record<string, { imports?: Record<string, string> }>} denoJsons by function name
 * @returns {string[]}
 */
export function importMapProblems(packageJson, denoJsons) {
  const pinned = { ...packageJson.devDependencies, ...packageJson.dependencies };
  const problems = [];
  /** @type {Map<string, { target: string, by: string }>} */
  const seen = new Map();
  for (const [fn, config] of Object.entries(denoJsons)) {
    for (const [name, target] of Object.entries(config.imports ?? {})) {
      const npm = /^npm:\/?((?:@[^/@]+\/)?[^/@]+)@([^/]+)\/?$/.exec(target);
      if (!npm) {
        problems.push(`functions/${fn}/deno.json: "${name}" maps to ${target}, not a pinned npm: package`);
        continue;
      }
      const [, pkg, version] = npm;
      if (pinned[pkg] !== version) {
        problems.push(`functions/${fn}/deno.json: ${pkg}@${version}, but package.json has ${pkg} ${pinned[pkg] ?? "(none)"}`);
      }
      const other = seen.get(name);
      if (other && other.target !== target) {
        problems.push(`functions/${fn}/deno.json maps "${name}" to ${target}, functions/${other.by}/deno.json to ${other.target}`);
      }
      if (!other) seen.set(name, { target, by: fn });
    }
  }
  return problems;
}

/** @returns {CheckResult} */
function importMaps() {
  const packageJson = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  /** @type {Record<string, { imports?: Record<string, string> }>} */
  const denoJsons = {};
  for (const name of functionsWithConfig()) {
    const path = join(root, "functions", name, "deno.json");
    if (existsSync(path)) denoJsons[name] = JSON.parse(readFileSync(path, "utf8"));
  }
  return { name: "function import maps vs package.json", problems: importMapProblems(packageJson, denoJsons) };
}

/** @returns {Promise<CheckResult>} */
async function lint() {
  const { code, output } = await runDeno(["lint", "--json", ...CHECKED_DIRS]);
  /** @type {{ diagnostics?: { filename: string, range: { start: { line: number, col: number } }, code: string, message: string }[], errors?: { file_path: string, message: string }[] }} */
  let report;
  try {
    report = JSON.parse(output.slice(output.indexOf("{")));
  } catch {
    return { name: "lint", problems: code === 0 ? [] : [output.trim()] };
  }
  const problems = (report.diagnostics ?? []).map((d) =>
    `${relative(root, d.filename.replace(/^file:\/\//, ""))}:${d.range.start.line}:${d.range.start.col + 1} ${d.code}: ${d.message}`
  );
  for (const e of report.errors ?? []) problems.push(`${relative(root, e.file_path)}: ${e.message}`);
  return { name: "lint", problems };
}

/**
 * Runs every check and prints each problem; returns the problems per check.
 * @param {(line: string) => void} [print]
 * @returns {Promise<CheckResult[]>}
 */
export async function runChecks(print = (line) => process.stderr.write(`${line}\n`)) {
  const results = [await typeCheck(), await deployGraphs(), importMaps(), await lint()];
  for (const { name, problems } of results) {
    print(`[check] ${name}: ${problems.length === 0 ? "ok" : `${problems.length} problem${problems.length === 1 ? "" : "s"}`}`);
    for (const p of problems) print(`  ${p.replaceAll("\n", "\n    ")}`);
  }
  return results;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const results = await runChecks();
  process.exit(results.every((r) => r.problems.length === 0) ? 0 : 1);
}
