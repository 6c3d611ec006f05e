// Installs Debian packages the project needs, once, when they are missing: with apt-get when we
// are root, otherwise by telling the user the exact command. Used by the local stack (PostgreSQL,
// pgTAP) and the browser test (Chromium).
import { spawnSync } from "node:child_process";

/**
 * @param {string[]} packages Debian package names
 * @param {{ why: string, log?: (msg: string) => void }} options `why` opens the error when we cannot install
 */
export function aptInstall(packages, { why, log = (msg) => process.stderr.write(`${msg}\n`) }) {
  const command = `apt-get update && apt-get install -y --no-install-recommends ${packages.join(" ")}`;
  if (process.getuid?.() !== 0) {
    throw new Error(`${why} Install it with:\n  sudo sh -c '${command}'`);
  }
  log(`installing ${packages.join(", ")} with apt-get (one time)...`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  // Wait for another apt run (a concurrent install, unattended upgrades) instead of failing.
  const lockWait = ["-o", "DPkg::Lock::Timeout=300"];
  for (const args of [[...lockWait, "update"], [...lockWait, "install", "-y", "--no-install-recommends", ...packages]]) {
    const res = spawnSync("apt-get", args, { env, stdio: ["ignore", "ignore", "inherit"] });
    if (res.status !== 0) throw new Error(`apt-get ${args.join(" ")} failed (exit ${res.status}); run: ${command}`);
  }
}
