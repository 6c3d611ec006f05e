// A local stand-in for `supabase functions serve` (which needs Docker): serves every function in
// functions/<name>/index.ts at http://127.0.0.1:54321/functions/v1/<name>, checking the JWT like
// Supabase's gateway does when verify_jwt is on. Each function's own `Deno.serve(handler)` is
// captured, so the function code runs unchanged. Started by scripts/serve.mjs with the env ready.
// Like Supabase's edge runtime it gives the functions `EdgeRuntime.waitUntil` (work that runs on
// after the response: a call's record), and on SIGTERM / SIGINT it stops taking requests, waits
// for that work (at most ROUTER_SHUTDOWN_GRACE_MS, 10 s by default), then exits: what a record
// could not store by then stays in the outbox for the next start.
import { jwtVerify } from "jose";

type Handler = (req: Request) => Response | Promise<Response>;

const root = new URL("../functions/", import.meta.url);
const port = Number(Deno.env.get("FUNCTIONS_PORT") ?? "54321");
const jwtSecret = Deno.env.get("SUPABASE_JWT_SECRET") ?? "";
/** Functions with `verify_jwt = false` in supabase/config.toml skip the gateway's JWT check. */
const noVerify = await functionsWithoutJwtCheck(new URL("../supabase/config.toml", import.meta.url));

async function functionsWithoutJwtCheck(configToml: URL): Promise<Set<string>> {
  const names = new Set<string>();
  const text = await Deno.readTextFile(configToml);
  for (const section of text.split(/^(?=\[)/m)) {
    const name = /^\[functions\.([A-Za-z0-9_-]+)\]/.exec(section)?.[1];
    if (name && /^\s*verify_jwt\s*=\s*false\b/m.test(section)) names.add(name);
  }
  return names;
}

/** Work handed to waitUntil that has not settled yet. */
const pending = new Set<Promise<unknown>>();
(globalThis as { EdgeRuntime?: unknown }).EdgeRuntime = {
  waitUntil: (work: Promise<unknown>) => {
    const held = Promise.resolve(work).catch(() => {});
    pending.add(held);
    void held.finally(() => pending.delete(held));
  },
};
// The outbox beside the project, as live-deps.ts would choose without the runtime hook.
if (!Deno.env.get("ROUTER_OUTBOX_DIR")) Deno.env.set("ROUTER_OUTBOX_DIR", ".local/router-outbox");

const handlers = new Map<string, Handler>();
const realServe = Deno.serve;

for await (const entry of Deno.readDir(root)) {
  if (!entry.isDirectory || entry.name.startsWith("_")) continue;
  const index = new URL(`${entry.name}/index.ts`, root);
  try {
    await Deno.stat(index);
  } catch {
    continue;
  }
  let captured: Handler | null = null;
  // deno-lint-ignore no-explicit-any
  (Deno as any).serve = (...args: unknown[]) => {
    captured = args.find((a) => typeof a === "function") as Handler ??
      (args.find((a) => typeof a === "object" && a !== null && "handler" in a) as { handler: Handler } | undefined)?.handler ?? null;
    return { finished: Promise.resolve(), shutdown: () => Promise.resolve(), ref() {}, unref() {}, addr: { transport: "tcp", hostname: "127.0.0.1", port } };
  };
  await import(index.href);
  if (captured) handlers.set(entry.name, captured);
}
// deno-lint-ignore no-explicit-any
(Deno as any).serve = realServe;

/** Supabase's gateway: any valid project JWT (anon included) gets through; the function decides the rest. */
async function gatewayAllows(req: Request): Promise<boolean> {
  const token = /^Bearer\s+(\S+)$/i.exec(req.headers.get("authorization") ?? "")?.[1];
  if (!token) return false;
  if (token === Deno.env.get("SUPABASE_SERVICE_ROLE_KEY") || token === Deno.env.get("SUPABASE_ANON_KEY")) return true;
  try {
    await jwtVerify(token, new TextEncoder().encode(jwtSecret), { algorithms: ["HS256"] });
    return true;
  } catch {
    // Asymmetric user tokens are checked by the function itself against the JWKS.
    return /^eyJ/.test(token) && Deno.env.get("SUPABASE_JWKS_URL") !== undefined;
  }
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", "access-control-allow-origin": "*" } });

const server = realServe({ port, hostname: "127.0.0.1", onListen: () => console.log(`functions: serving ${[...handlers.keys()].join(", ")} at http://127.0.0.1:${port}/functions/v1/<name>`) }, async (req) => {
  const url = new URL(req.url);
  const match = /^\/functions\/v1\/([^/]+)(\/.*)?$/.exec(url.pathname);
  if (!match) return json(404, { msg: "not found" });
  const handler = handlers.get(match[1]);
  if (!handler) return json(404, { code: "NOT_FOUND", message: "Requested function was not found" });
  if (req.method !== "OPTIONS" && !noVerify.has(match[1]) && !(await gatewayAllows(req))) {
    return json(401, { code: 401, message: "Invalid JWT" });
  }
  // The function sees the path without the /functions/v1 prefix, as on Supabase.
  return await handler(asSeenByFunction(req, `${url.origin}/${match[1]}${match[2] ?? ""}${url.search}`));
});

/**
 * The request as the function sees it on Supabase: its path without the /functions/v1 prefix.
 * The same Request with its `url` shadowed, not a copy: `new Request(url, req)` re-reads every
 * header and wraps the body stream, a cost per call Supabase's runtime does not add (issue 12).
 */
function asSeenByFunction(req: Request, url: string): Request {
  Object.defineProperty(req, "url", { value: url, enumerable: true });
  return req;
}

const graceSetting = Number(Deno.env.get("ROUTER_SHUTDOWN_GRACE_MS") ?? "10000");
const graceMs = Number.isFinite(graceSetting) && graceSetting >= 0 ? graceSetting : 10_000;
let stopping = false;
/**
 * Stops taking requests and waits for the work after the responses (records), all within one
 * grace period: an open stream that never ends cannot hold the process. A second signal exits at once.
 */
async function stop(): Promise<void> {
  if (stopping) {
    console.log("functions: second signal, exiting without waiting");
    Deno.exit(1);
  }
  stopping = true;
  const waited = (async () => {
    await server.shutdown();
    // Settled work may hand over more (a send's log line): wait until none is left.
    while (pending.size > 0) await Promise.allSettled([...pending]);
    return "settled" as const;
  })();
  const outcome = await Promise.race([waited, new Promise<"timeout">((r) => setTimeout(() => r("timeout"), graceMs))]);
  console.log(`functions: stopped (${outcome === "settled" ? "work after the responses settled" : `gave up waiting after ${graceMs} ms`})`);
  Deno.exit(0);
}
for (const signal of ["SIGTERM", "SIGINT"] as const) Deno.addSignalListener(signal, () => void stop());
