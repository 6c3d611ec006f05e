// The real dependencies of a routed completion: the routing database, the providers' SDKs,
// the clock and the log. complete.test.ts passes its own.
import { type RouterSettings, readRoutingEnv } from "../_shared/config/settings.ts";
import { recordCompletion, routeModel } from "../_shared/db/router-db.ts";
import { log } from "../_shared/log.ts";
import { callProvider } from "../_shared/providers/call-provider.ts";
import type { CompletionDeps } from "./complete.ts";

export function liveDeps(settings: RouterSettings): CompletionDeps {
  return {
    // The overrides are read per call, as the environment may change between deploys of a warm isolate.
    decide: (args) => routeModel(settings.databaseUrl, { ...args, env: readRoutingEnv() }),
    callProvider: (target, wire, timeoutMs) => callProvider({ target, wire, timeoutMs }),
    record: (decisionId, call) => recordCompletion(settings.databaseUrl, decisionId, call),
    // Monotonic (latencies never go negative) and on the epoch (deadlines, retry-after dates).
    clock: { now: () => performance.timeOrigin + performance.now(), sleep, random: Math.random },
    log,
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
