// Servers the benchmarks start beside the function server: the provider simulator in its own
// process (so the load generator's event loop is not the provider's) and the Portkey gateway.
const root = new URL("../../", import.meta.url);

export interface Server {
  url: string;
  pid: number;
  close: () => Promise<void>;
}

/** Spawns `cmd`, resolves once its output matches `ready` (the URL is read from group 1 if any). */
async function spawnUntil(cmd: string, args: string[], env: Record<string, string>, ready: RegExp, fallbackUrl: string): Promise<Server> {
  const child = new Deno.Command(cmd, { args, cwd: root.pathname, env, stdout: "piped", stderr: "piped", stdin: "null" }).spawn();
  let output = "";
  const decoder = new TextDecoder();
  let resolveUrl: (url: string) => void;
  const found = new Promise<string>((resolve) => (resolveUrl = resolve));
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) {
      // Only the start-up output is kept; the rest is read so the pipe never fills.
      if (output.length < 10_000) output += decoder.decode(chunk);
      const m = ready.exec(output);
      if (m) resolveUrl(m[1] ?? fallbackUrl);
    }
  };
  const pumps = [pump(child.stdout), pump(child.stderr)];
  const exited = child.status.then((s) => {
    throw new Error(`${cmd} ${args.join(" ")} exited (${s.code}) before it was ready:\n${output}`);
  });
  const url = await Promise.race([found, exited]);
  return {
    url,
    pid: child.pid,
    close: async () => {
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
      await child.status;
      await Promise.allSettled(pumps);
    },
  };
}

/** tests/simulator/main.ts on a free port; `url` is its origin (OpenAI base URL = url + "/v1"). */
export function startSimulatorProcess(): Promise<Server> {
  return spawnUntil(
    new URL("node_modules/.bin/deno", root).pathname,
    ["run", "-A", "--no-prompt", new URL("tests/simulator/main.ts", root).pathname, "--port", "0"],
    { PATH: Deno.env.get("PATH") ?? "", HOME: Deno.env.get("HOME") ?? "/tmp" },
    /listening on (http:\/\/[^\s]+)/,
    "",
  );
}

/** The Portkey gateway (devDependency @portkey-ai/gateway) under Node, headless, on `port`. */
export function startPortkey(port: number): Promise<Server> {
  return spawnUntil(
    "node",
    [new URL("node_modules/@portkey-ai/gateway/build/start-server.js", root).pathname, `--port=${port}`, "--headless"],
    { PATH: Deno.env.get("PATH") ?? "", HOME: Deno.env.get("HOME") ?? "/tmp", NODE_ENV: "production" },
    /Ready for connections/,
    `http://127.0.0.1:${port}`,
  );
}

/** Resident memory of a process in MiB (VmRSS, and the peak VmHWM) from /proc/<pid>/status. */
export async function residentMemory(pid: number): Promise<{ rss_mib: number; peak_mib: number }> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { rss_mib: +(kib("VmRSS") / 1024).toFixed(1), peak_mib: +(kib("VmHWM") / 1024).toFixed(1) };
}
