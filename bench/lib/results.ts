// What every benchmark part shares: the machine and commit a figure was measured on, writing
// bench/results/<part>.json, percentiles, and a progress line. One home, so every result file has
// the same header ({part, date, commit, uncommitted_changes, machine}) and the summary can read any.
import os from "node:os";

export interface Machine {
  platform: string;
  cpu: string;
  cores: number;
  memory_gb: number;
  deno: string;
}

export interface ResultHeader {
  part: string;
  date: string;
  commit: string | null;
  uncommitted_changes: boolean;
  machine: Machine;
  /** 1, 5 and 15-minute load averages when the file was written: the machine may be shared. */
  load_average: number[];
}

export const RESULTS_DIR = new URL("../results/", import.meta.url);

const round = (x: number, digits = 2) => +x.toFixed(digits);

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    platform: `${os.platform()} ${os.release()}`,
    cpu: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    memory_gb: round(os.totalmem() / 2 ** 30, 1),
    deno: Deno.version.deno,
  };
}

async function git(...args: string[]): Promise<string | null> {
  try {
    const out = await new Deno.Command("git", { args, stdout: "piped", stderr: "null" }).output();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : null;
  } catch {
    return null;
  }
}

export async function header(part: string): Promise<ResultHeader> {
  return {
    part,
    date: new Date().toISOString(),
    commit: await git("rev-parse", "HEAD"),
    uncommitted_changes: ((await git("status", "--porcelain")) ?? "").length > 0,
    machine: machine(),
    load_average: os.loadavg().map((x) => round(x)),
  };
}

/** Writes bench/results/<part>.json (or `out`) with the common header first; returns the path. */
export async function writeResult(part: string, figures: Record<string, unknown>, out?: string): Promise<string> {
  const path = out ?? new URL(`${part}.json`, RESULTS_DIR).pathname;
  await Deno.mkdir(RESULTS_DIR, { recursive: true });
  await Deno.writeTextFile(path, `${JSON.stringify({ ...(await header(part)), ...figures }, null, 2)}\n`);
  return path;
}

export interface Percentiles {
  n: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles (an observed value each), in the samples' unit, 3 decimals. */
export function percentiles(samples: number[]): Percentiles {
  if (samples.length === 0) return { n: 0, mean: NaN, p50: NaN, p95: NaN, p99: NaN, max: NaN };
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
  const mean = sorted.reduce((s, x) => s + x, 0) / sorted.length;
  return {
    n: sorted.length,
    mean: round(mean, 3),
    p50: round(at(0.5), 3),
    p95: round(at(0.95), 3),
    p99: round(at(0.99), 3),
    max: round(sorted[sorted.length - 1], 3),
  };
}

const encoder = new TextEncoder();
const tty = Deno.stderr.isTerminal();

/** `[part] line` on stderr: the run's log, kept out of stdout. */
export function say(part: string, line: string): void {
  Deno.stderr.writeSync(encoder.encode(`[${part}] ${line}\n`));
}

/**
 * A progress reporter for `total` steps: on a terminal one line rewritten in place, elsewhere a
 * line at every tenth, so a log file shows the run moving without a line per step.
 */
export function progress(part: string, label: string, total: number): (done: number) => void {
  const every = Math.max(1, Math.floor(total / 10));
  return (done: number) => {
    if (done !== total && done % every !== 0) return;
    const line = `[${part}] ${label}: ${done}/${total}`;
    Deno.stderr.writeSync(encoder.encode(tty ? `\r${line}${done === total ? "\n" : ""}` : `${line}\n`));
  };
}

/** Seconds since `started` (a performance.now() reading), 1 decimal. */
export const secondsSince = (started: number) => round((performance.now() - started) / 1000, 1);
