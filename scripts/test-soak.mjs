#!/usr/bin/env node
// `npm run test:soak`: the long variants of issue 11's reliability suite, on a fresh test database
// of its own (scripts/db.mjs startTestDatabase, as `npm test` does): the load test with 50,000
// calls at concurrency 50 (tests/function/load.test.ts) and the fault matrix with its intermittent
// rows repeated 10 times (tests/function/fault-matrix.test.ts). Override with LOAD_CALLS,
// LOAD_CONCURRENCY and FAULT_MATRIX_GROUPS. Exits non-zero when a test fails.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startTestDatabase } from "./db.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

const databaseUrl = await startTestDatabase();
const env = {
  ...process.env,
  NO_COLOR: "1",
  DATABASE_URL: databaseUrl,
  ROUTER_ENV_FILE: join(root, ".local", "test", "env"),
  LOAD_CALLS: process.env.LOAD_CALLS ?? "50000",
  LOAD_CONCURRENCY: process.env.LOAD_CONCURRENCY ?? "50",
  FAULT_MATRIX_GROUPS: process.env.FAULT_MATRIX_GROUPS ?? "10",
};
process.stderr.write(`[soak] ${env.LOAD_CALLS} calls at concurrency ${env.LOAD_CONCURRENCY}; fault matrix with ${env.FAULT_MATRIX_GROUPS} intermittent groups\n`);
const deno = join(root, "node_modules", ".bin", "deno");
const files = ["tests/function/fault-matrix.test.ts", "tests/function/load.test.ts"];
const run = spawnSync(deno, ["test", "-A", "--no-check=remote", ...files], { cwd: root, env, stdio: "inherit" });
process.exit(run.status ?? 1);
