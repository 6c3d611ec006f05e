#!/usr/bin/env node
// The local database without Docker: `node scripts/db.mjs start|stop|reset|status|url`.
//
// start  installs Debian's PostgreSQL 15 + pgTAP when missing, starts a throwaway cluster
//        (run by the `postgres` user, since Postgres refuses root) on a free port, adds what
//        Supabase would have (sql/bootstrap/supabase-shim.sql) unless the database is a real
//        Supabase one, applies the migrations and the seed with the pinned Supabase CLI
//        (`supabase db push --db-url ...`), writes DATABASE_URL to .env.local and prints the
//        URL on its last line. Idempotent. With DATABASE_URL set, it uses that database instead.
// stop   stops the throwaway cluster (never touches a DATABASE_URL database).
// reset  throws the throwaway cluster away and starts a fresh one.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, chownSync } from "node:fs";
import { execFileSync, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { aptInstall } from "./apt.mjs";
import { createHash } from "node:crypto";
import { readdirSync } from "node:fs";
import { envFilePath, updateEnvFile } from "./env-file.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const PG_BIN = "/usr/lib/postgresql/15/bin";
const stateDir = join(root, ".local", "postgres");
const dataDir = join(stateDir, "data");
const portFile = join(stateDir, "port");
const logFile = join(stateDir, "postgres.log");
const DEFAULT_PORT = 54322; // Supabase's local database port


const isRoot = process.getuid?.() === 0;
/** @param {string} msg */
const log = (msg) => process.stderr.write(`[db] ${msg}\n`);

/** @typedef {import("node:child_process").SpawnSyncOptions & { allowFail?: boolean }} RunOptions */

/**
 * Runs a command to completion; throws with its output unless it exits 0 (or `allowFail`).
 * @param {string} cmd
 * @param {string[]} args
 * @param {RunOptions} [opts]
 * @returns {import("node:child_process").SpawnSyncReturns<string>}
 */
function run(cmd, args, opts = {}) {
  const { allowFail, ...spawnOptions } = opts;
  const res = spawnSync(cmd, args, { ...spawnOptions, encoding: "utf8" });
  if (res.status !== 0 && !allowFail) {
    const detail = `${res.stderr ?? ""}${res.stdout ?? ""}`.trim();
    throw new Error(`${cmd} ${args.join(" ")} failed (exit ${res.status}):\n${detail}`);
  }
  return res;
}

/**
 * Runs a PostgreSQL server binary as the `postgres` user when we are root.
 * @param {string} bin
 * @param {string[]} args
 * @param {RunOptions} [opts]
 */
function runAsPostgres(bin, args, opts = {}) {
  return isRoot ? run("runuser", ["-u", "postgres", "--", bin, ...args], opts) : run(bin, args, opts);
}

function missingPackages() {
  /** @type {string[]} */
  const missing = [];
  if (!existsSync(join(PG_BIN, "postgres"))) missing.push("postgresql-15");
  if (!existsSync("/usr/share/postgresql/15/extension/pgtap.control")) missing.push("postgresql-15-pgtap");
  if (spawnSync("sh", ["-c", "command -v pg_prove"]).status !== 0) missing.push("libtap-parser-sourcehandler-pgtap-perl");
  return missing;
}

export function ensurePackages() {
  const missing = missingPackages();
  if (missing.length === 0) return;
  // Only what is missing: reinstalling postgresql-15 could upgrade it under a running cluster.
  aptInstall(missing, { why: `PostgreSQL 15 with pgTAP is missing (${missing.join(", ")}).`, log });
  // Debian's package creates and starts a default cluster on 5432; we never use it.
  spawnSync("pg_ctlcluster", ["15", "main", "stop"], { stdio: "ignore" });
}

/**
 * @param {number} port
 * @returns {Promise<boolean>}
 */
function portIsFree(port) {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

/** @returns {Promise<number>} */
async function freePort() {
  if (await portIsFree(DEFAULT_PORT)) return DEFAULT_PORT;
  return await new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      if (address === null || typeof address === "string") {
        srv.close(() => reject(new Error("could not read the port the system chose")));
        return;
      }
      srv.close(() => resolve(address.port));
    });
  });
}

function clusterRunning() {
  if (!existsSync(join(dataDir, "PG_VERSION"))) return false;
  return runAsPostgres(join(PG_BIN, "pg_ctl"), ["-D", dataDir, "status"], { allowFail: true }).status === 0;
}

/** @param {number} port */
const localUrl = (port) => `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`;

async function startCluster() {
  mkdirSync(stateDir, { recursive: true });
  if (clusterRunning()) {
    const port = Number(readFileSync(portFile, "utf8"));
    log(`cluster already running on port ${port}`);
    return localUrl(port);
  }
  if (!existsSync(join(dataDir, "PG_VERSION"))) {
    log("creating a throwaway cluster in .local/postgres");
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    if (isRoot) chownPostgres([stateDir, dataDir]);
    const pwFile = join(stateDir, "pwfile");
    writeFileSync(pwFile, "postgres\n", { mode: 0o644 });
    runAsPostgres(join(PG_BIN, "initdb"), [
      "-D", dataDir, "-U", "postgres", "--pwfile", pwFile,
      "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8",
    ]);
    rmSync(pwFile);
  }
  const port = await freePort();
  writeFileSync(portFile, String(port));
  if (isRoot) chownPostgres([logFile], true);
  // Sockets in the data dir's parent keep us clear of /var/run/postgresql permissions.
  const options = [
    `-p ${port}`, "-c listen_addresses=127.0.0.1", `-k ${stateDir}`,
    "-c shared_buffers=256MB", "-c max_connections=200", "-c fsync=off",
    "-c synchronous_commit=off", "-c full_page_writes=off",
  ].join(" ");
  runAsPostgres(join(PG_BIN, "pg_ctl"), ["-D", dataDir, "-l", logFile, "-o", options, "-w", "-t", "60", "start"]);
  log(`cluster started on port ${port}`);
  return localUrl(port);
}

/**
 * @param {string[]} paths
 * @param {boolean} [createFiles] create the files that do not exist yet (empty) first
 */
function chownPostgres(paths, createFiles = false) {
  const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }));
  const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }));
  for (const p of paths) {
    if (createFiles && !existsSync(p)) writeFileSync(p, "");
    chownSync(p, uid, gid);
  }
}

/**
 * @param {string} url
 * @param {string[]} args
 * @param {RunOptions} [opts]
 */
function psql(url, args, opts = {}) {
  return run("psql", [url, "-v", "ON_ERROR_STOP=1", "-X", "-q", ...args], opts);
}

/** @param {string} url */
function isSupabaseDatabase(url) {
  const out = psql(url, ["-At", "-c", "select exists (select 1 from pg_roles where rolname = 'supabase_admin')"]);
  return out.stdout.trim() === "t";
}

/** @param {string} url */
const isLocalUrl = (url) => /@(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//.test(url);

/** The local cluster speaks no TLS; any other database keeps whatever the URL (or the CLI) asks for. */
/** @param {string} url */
function withSslDisabledIfLocal(url) {
  if (!isLocalUrl(url) || /[?&]sslmode=/.test(url)) return url;
  return url + (url.includes("?") ? "&" : "?") + "sslmode=disable";
}

/**
 * Applies the migrations, and the demo seed only on a local database (or with ROUTER_SEED=true):
 * the seed creates demo users and switches routing on, which a real project must not get by accident.
 * @param {string} url
 * @returns {boolean} whether migrations were applied (a fresh or older database)
 */
function migrate(url) {
  const seed = isLocalUrl(url) || process.env.ROUTER_SEED === "true";
  log(`applying migrations${seed ? " and seed" : ""} with the Supabase CLI (supabase db push)`);
  const cli = join(root, "node_modules", ".bin", "supabase");
  if (!existsSync(cli)) throw new Error("The Supabase CLI is not installed: run `npm ci` first.");
  const args = ["db", "push", "--db-url", withSslDisabledIfLocal(url), "--include-all", ...(seed ? ["--include-seed"] : []), "--yes"];
  const res = run(cli, args, {
    cwd: root, allowFail: true, env: { ...process.env, SUPABASE_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" },
  });
  const output = `${res.stdout}${res.stderr}`;
  if (res.status !== 0) {
    const hint = /migration|history|version/i.test(output)
      ? "\nThe migrations were reorganised since this database was made: `npm run db:reset` throws the local cluster away and starts fresh."
      : "";
    throw new Error(`supabase db push failed:\n${output}${hint}`);
  }
  for (const line of output.split("\n")) if (/Applying|up to date|Seeding/i.test(line)) log(line.trim());
  return /Applying migration/.test(output);
}

/**
 * Starts (or reuses) the database, migrated and seeded; returns its URL.
 * @returns {Promise<string>}
 */
export async function start() {
  const external = process.env.DATABASE_URL;
  /** @type {string} */
  let url;
  if (external) {
    log("using DATABASE_URL from the environment");
    url = external;
  } else {
    ensurePackages();
    url = await startCluster();
  }
  if (!isSupabaseDatabase(url)) {
    psql(url, ["-f", join(root, "sql", "bootstrap", "supabase-shim.sql")]);
  } else {
    log("Supabase database detected: skipping the local shim");
  }
  const applied = migrate(url);
  if (!external) checkLocalSchema(url, applied);
  updateEnvFile(envFilePath(root), { DATABASE_URL: url });
  return url;
}

/**
 * The migrations are not released yet and are edited in place, so `supabase db push` can say "up to
 * date" for a local database built from other versions of the same files. The local database keeps
 * the hash of the files it was built from (a comment on the database); a mismatch is a clear error
 * instead of a confusing one later. Never for a DATABASE_URL database.
 * @param {string} url
 * @param {boolean} applied whether this start applied migrations (a fresh database)
 */
function checkLocalSchema(url, applied) {
  const hash = schemaHash();
  const stored = psql(url, ["-At", "-c", "select coalesce(shobj_description(oid, 'pg_database'), '') from pg_database where datname = current_database()"]).stdout.trim();
  const mark = `router schema ${hash}`;
  if (applied || stored === mark) {
    if (stored !== mark) psql(url, ["-c", `do $$ begin execute format('comment on database %I is %L', current_database(), '${mark}'); end $$`]);
    return;
  }
  throw new Error(
    `the local database was built from other versions of the migrations (${stored || "no schema mark"}; these files are ${mark}).\n` +
      "Run `npm run db:reset` to throw the local cluster away and start fresh (the demo does so by default).",
  );
}

/** What a migrated database is made of: the shim, the migrations and the seed, hashed. */
function schemaHash() {
  const hash = createHash("sha256");
  const migrations = join(root, "supabase", "migrations");
  const files = [
    join(root, "sql", "bootstrap", "supabase-shim.sql"),
    ...readdirSync(migrations).filter((f) => f.endsWith(".sql")).sort().map((f) => join(migrations, f)),
    join(root, "supabase", "seed.sql"),
  ];
  for (const file of files) hash.update(`${file.slice(root.length)}\0`).update(readFileSync(file)).update("\0");
  return hash.digest("hex").slice(0, 16);
}

/**
 * A database URL of the local cluster with another database name.
 * @param {string} url
 * @param {string} name
 */
const withDatabase = (url, name) => url.replace(/\/[^/?]*(\?|$)/, `/${name}$1`);

const TEMPLATE = "router_template";

/**
 * A database of its own for one test run (`npm test`): created in about a second from a template
 * that holds the shim, the migrations and the seed, rebuilt only when one of those files changed.
 * Nothing a demo, a bench or a developer did to the `postgres` database can fail the tests, and
 * the tests leave it untouched. Earlier runs' databases are dropped first. With DATABASE_URL set,
 * that database is used as it is (the caller owns it).
 * @returns {Promise<string>}
 */
export async function startTestDatabase() {
  if (process.env.DATABASE_URL) {
    log("using DATABASE_URL from the environment for the tests (not a fresh database)");
    return process.env.DATABASE_URL;
  }
  ensurePackages();
  const admin = await startCluster();
  const hash = schemaHash();
  /** @param {string} sql */
  const q = (sql) => psql(admin, ["-At", "-c", sql]).stdout.trim();
  for (const name of q("select datname from pg_database where datname like 'router\\_test\\_%'").split("\n").filter(Boolean)) {
    psql(admin, ["-c", `drop database if exists "${name}" with (force)`]);
  }
  const current = q(`select shobj_description(oid, 'pg_database') from pg_database where datname = '${TEMPLATE}'`);
  if (current !== hash) {
    log(`building the test template database (schema ${hash})`);
    psql(admin, ["-c", `drop database if exists ${TEMPLATE} with (force)`]);
    psql(admin, ["-c", `create database ${TEMPLATE}`]);
    const templateUrl = withDatabase(admin, TEMPLATE);
    psql(templateUrl, ["-f", join(root, "sql", "bootstrap", "supabase-shim.sql")]);
    migrate(templateUrl);
    psql(admin, ["-c", `comment on database ${TEMPLATE} is '${hash}'`]);
  }
  const name = `router_test_${process.pid}`;
  psql(admin, ["-c", `create database "${name}" template ${TEMPLATE}`]);
  // Per-database settings are not copied from a template: the shim's search path, again.
  psql(admin, ["-c", `alter database "${name}" set search_path = "$user", public, extensions`]);
  log(`fresh test database ${name} (from ${TEMPLATE}, schema ${hash})`);
  return withDatabase(admin, name);
}

export function stop() {
  if (!clusterRunning()) {
    log("no local cluster running");
    return;
  }
  runAsPostgres(join(PG_BIN, "pg_ctl"), ["-D", dataDir, "-m", "fast", "-w", "stop"]);
  log("cluster stopped");
}

/** Throws the local cluster away and starts a fresh one (never a DATABASE_URL database). */
export async function reset() {
  if (process.env.DATABASE_URL) {
    throw new Error("reset only throws away the local cluster; for DATABASE_URL use `supabase db reset --db-url ...`.");
  }
  stop();
  rmSync(stateDir, { recursive: true, force: true });
  return await start();
}

async function main() {
  const command = process.argv[2] ?? "start";
  switch (command) {
    case "start":
      console.log(await start());
      break;
    case "stop":
      stop();
      break;
    case "reset":
      console.log(await reset());
      break;
    case "status":
      console.log(clusterRunning() ? `running on port ${readFileSync(portFile, "utf8")}` : "stopped");
      break;
    default:
      throw new Error(`unknown command "${command}": use start, stop, reset or status`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    process.stderr.write(`[db] ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
