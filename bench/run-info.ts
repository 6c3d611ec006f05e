// What every bench result names: the commit measured, the date and the machine (CPU model and
// cores), so figures from different runs are never compared blind.

/** The checked-out commit, or null outside a git checkout. */
export async function commit(): Promise<string | null> {
  try {
    const out = await new Deno.Command("git", { args: ["rev-parse", "HEAD"], stdout: "piped", stderr: "null" }).output();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : null;
  } catch {
    return null;
  }
}

/** The CPU model of /proc/cpuinfo, or null where there is none. */
export async function cpuModel(): Promise<string | null> {
  try {
    return /^model name\s*:\s*(.+)$/m.exec(await Deno.readTextFile("/proc/cpuinfo"))?.[1] ?? null;
  } catch {
    return null;
  }
}

/** The machine as the results record it. */
export async function machine(): Promise<{ os: string; arch: string; cpu: string | null; cores: number; deno: string }> {
  return { os: Deno.build.os, arch: Deno.build.arch, cpu: await cpuModel(), cores: navigator.hardwareConcurrency, deno: Deno.version.deno };
}
