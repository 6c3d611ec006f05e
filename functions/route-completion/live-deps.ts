// The real dependencies of a routed completion: the routing database, the providers' SDKs,
// the clock and the log. complete.test.ts passes its own.
import { type RouterSettings, readRoutingEnv } from "../_shared/config/settings.ts";
import { recordCompletion, routeModel } from "../_shared/db/router-db.ts";
import { errorFields, log } from "../_shared/log.ts";
import { callProvider } from "../_shared/providers/call-provider.ts";
import { openStream } from "../_shared/providers/open-stream.ts";
import type { CompletionDeps } from "./complete.ts";

export function liveDeps(settings: RouterSettings): CompletionDeps {
  return {
    // The overrides are read per call, as the environment may change between deploys of a warm isolate.
    decide: (args) => routeModel(settings.databaseUrl, { ...args, env: readRoutingEnv() }),
    callProvider: (target, wire, timeoutMs) => callProvider({ target, wire, timeoutMs }),
    openStream: (args) => openStream(args),
    record: (decisionId, call) => recordCompletion(settings.databaseUrl, decisionId, call),
    keepAlive,
    // Monotonic (latencies never go negative) and on the epoch (deadlines, retry-after dates).
    clock: { now: () => performance.timeOrigin + performance.now(), sleep, random: Math.random },
    log,
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Supabase's edge runtime keeps an isolate alive for the promises handed to it after the response. */
type EdgeRuntimeGlobal = { EdgeRuntime?: { waitUntil?: (work: Promise<unknown>) => void } };

/** Work still running after the answer (a stream's record), referenced until it settles elsewhere. */
const pending = new Set<Promise<unknown>>();

function keepAlive(work: Promise<unknown>): void {
  const guarded = work.catch((error) => log("error", "after_response_failed", errorFields(error)));
  const runtime = (globalThis as EdgeRuntimeGlobal).EdgeRuntime;
  if (typeof runtime?.waitUntil === "function") {
    runtime.waitUntil(guarded);
    return;
  }
  pending.add(guarded);
  void guarded.finally(() => pending.delete(guarded));
}
