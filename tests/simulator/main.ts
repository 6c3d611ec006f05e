// Runs the PROVIDER SIMULATOR (a test double for OpenAI and Anthropic) as its own process, for the
// demo and for function tests that run the router in another process:
//   deno run -A tests/simulator/main.ts --port 54329
// Prints one line `provider-simulator listening on <url>` once it accepts connections, then serves
// until SIGINT / SIGTERM. Script it over HTTP: POST <url>/__simulator/script (a JSON array of
// steps), POST <url>/__simulator/reset, GET <url>/__simulator/received.
import { startProviderSimulator } from "./provider-simulator.ts";

function portFromArgs(args: string[]): number {
  const at = args.findIndex((a) => a === "--port" || a.startsWith("--port="));
  if (at < 0) return 0;
  const raw = args[at].includes("=") ? args[at].split("=")[1] : args[at + 1];
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`provider-simulator: --port needs a port number, got ${raw}`);
    Deno.exit(2);
  }
  return port;
}

const simulator = await startProviderSimulator({ port: portFromArgs(Deno.args) });
console.log(`provider-simulator listening on ${simulator.url}`);
console.log(`  OpenAI baseURL:    ${simulator.openaiBaseUrl}`);
console.log(`  Anthropic baseURL: ${simulator.anthropicBaseUrl}`);

let stopping = false;
const stop = async (signal: string): Promise<void> => {
  if (stopping) return;
  stopping = true;
  console.log(`provider-simulator: ${signal}, stopping`);
  await simulator.close();
  Deno.exit(0);
};
for (const signal of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(signal, () => void stop(signal));
