// Reads and updates a dotenv file (.env.local) without losing the keys it does not touch.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * The local stack's env file: `.env.local` at the project root, unless ROUTER_ENV_FILE names another
 * (`npm test` points it into .local/test, so a test run never rewrites the developer's .env.local).
 * @param {string} root the project root
 * @returns {string}
 */
export function envFilePath(root) {
  return process.env.ROUTER_ENV_FILE || join(root, ".env.local");
}

/**
 * Parses KEY=VALUE lines; ignores comments and blank lines; strips one pair of quotes.
 * @param {string} path
 * @returns {Record<string, string>}
 */
export function readEnvFile(path) {
  /** @type {Record<string, string>} */
  const values = {};
  if (!existsSync(path)) return values;
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)\s*$/.exec(line);
    if (!match) continue;
    values[match[1]] = match[2].replace(/^(['"])(.*)\1$/, "$2");
  }
  return values;
}

/**
 * Sets the given keys, keeping the others; the file is local-only (see .gitignore).
 * @param {string} path
 * @param {Record<string, string>} updates
 */
export function updateEnvFile(path, updates) {
  const merged = { ...readEnvFile(path), ...updates };
  mkdirSync(dirname(path), { recursive: true });
  const body = Object.entries(merged).map(([k, v]) => `${k}=${v}`).join("\n");
  writeFileSync(path, `# Written by the local stack scripts; local use only, never commit.\n${body}\n`, { mode: 0o600 });
}
