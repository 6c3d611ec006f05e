#!/usr/bin/env node
// `npm run serve`: the local function server, as `supabase functions serve` would run it.
// Starts the database if needed, writes SUPABASE_URL and the local keys to .env.local, then runs
// scripts/functions-server.ts in the foreground until stopped. The environment it is given
// (OPENAI_BASE_URL, ANTHROPIC_BASE_URL, keys, routing flags) wins over .env.local.
import { spawn } from "node:child_process";
import { readdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { start as startDatabase } from "./db.mjs";
import { envFilePath, readEnvFile, updateEnvFile } from "./env-file.mjs";
import { localKeys } from "./local-keys.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const FUNCTIONS_PORT = Number(process.env.FUNCTIONS_PORT ?? 54321);

/**
 * Prepares .env.local and returns the environment the function server runs with.
 * @returns {Promise<Record<string, string | undefined>>}
 */
export async function prepareFunctionEnv() {
  const envPath = envFilePath(root);
  const databaseUrl = process.env.DATABASE_URL ?? (await startDatabase());
  const keys = await localKeys();
  updateEnvFile(envPath, { DATABASE_URL: databaseUrl, SUPABASE_URL: `http://127.0.0.1:${FUNCTIONS_PORT}`, ...keys });
  const fileEnv = readEnvFile(envPath);
  return { ...fileEnv, SUPABASE_DB_URL: fileEnv.DATABASE_URL, ...process.env, FUNCTIONS_PORT: String(FUNCTIONS_PORT) };
}

/**
 * Spawns the function server; resolves once it listens.
 * @param {NodeJS.ProcessEnv} env
 * @param {{ quiet?: boolean }} [options]
 * @returns {Promise<import("node:child_process").ChildProcess>}
 */
export function spawnFunctionServer(env, { quiet = false } = {}) {
  const deno = join(root, "node_modules", ".bin", "deno");
  const child = spawn(deno, ["run", "-A", "--no-prompt", join(root, "scripts", "functions-server.ts")], {
    cwd: root, env, stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let ready = false;
    child.stdout.on("data", (chunk) => {
      if (!quiet) process.stdout.write(chunk);
      if (!ready && String(chunk).includes("serving")) {
        ready = true;
        resolve(child);
      }
    });
    child.stderr.on("data", (chunk) => { if (!quiet || !ready) process.stderr.write(chunk); });
    child.on("exit", (code) => { if (!ready) reject(new Error(`the function server exited with code ${code}`)); });
  });
}

/**
 * Resolves once the function server's outbox (ROUTER_OUTBOX_DIR, else .local/router-outbox) holds no
 * record still to be stored: the function answers first and stores each record just after, so a
 * report read right after the last answer waits for this. False when records still wait after `timeoutMs`.
 * @param {Record<string, string | undefined>} env
 * @param {number} [timeoutMs]
 * @returns {Promise<boolean>}
 */
export async function recordsSettled(env, timeoutMs = 15_000) {
  const dir = env.ROUTER_OUTBOX_DIR || join(root, ".local", "router-outbox");
  if (dir === "none") return true;
  const until = Date.now() + timeoutMs;
  for (;;) {
    const waiting = await readdir(dir).then((names) => names.filter((n) => n.endsWith(".json")).length, () => 0);
    if (waiting === 0) return true;
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function main() {
  const env = await prepareFunctionEnv();
  const child = await spawnFunctionServer(env);
  for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"])) process.on(signal, () => child.kill(signal));
  child.on("exit", (code) => process.exit(code ?? 0));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    process.stderr.write(`[serve] ${err.message}\n`);
    process.exit(1);
  });
}
