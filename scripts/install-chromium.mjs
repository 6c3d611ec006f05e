#!/usr/bin/env node
// Chromium for the dashboard's browser test (tests/dashboard/): Debian's `chromium` package,
// driven by playwright-core (no browser download). `ensureChromium()` installs it with apt-get
// when /usr/bin/chromium is missing and we are root; otherwise it throws with the command to run.
// Called by scripts/test.mjs before the Deno tests; `node scripts/install-chromium.mjs` alone works too.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { aptInstall } from "./apt.mjs";

export const CHROMIUM_PATH = "/usr/bin/chromium";
/** @param {string} msg */
const log = (msg) => process.stderr.write(`[chromium] ${msg}\n`);

/** Returns the path of a working Chromium, installing Debian's package first when needed. */
export function ensureChromium() {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  aptInstall(["chromium"], { why: `Chromium is missing (${CHROMIUM_PATH}); the dashboard test needs it.`, log });
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`apt-get installed chromium but ${CHROMIUM_PATH} is still missing.`);
  return CHROMIUM_PATH;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    console.log(ensureChromium());
  } catch (err) {
    log(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}
