// The real dependencies of a routed completion: the routing database, the providers' SDKs,
// the clock and the log. complete.test.ts passes its own.
import { type RouterSettings, readRoutingEnv } from "../_shared/config/settings.ts";
import { recordCompletion, recordFailOpenCompletion, routeModel } from "../_shared/db/router-db.ts";
import { RouterHttpError } from "../_shared/http/openai-error.ts";
import { errorFields, log, redactSecrets } from "../_shared/log.ts";
import { callProvider } from "../_shared/providers/call-provider.ts";
import { openStream } from "../_shared/providers/open-stream.ts";
import { type DurableRecorder, durableRecorder, type SendOutcome } from "../_shared/recording/durable-recorder.ts";
import { type OutboxStore, outboxStore, type PendingRecord } from "../_shared/recording/outbox-store.ts";
import type { CompletionDeps } from "./complete.ts";

export function liveDeps(settings: RouterSettings): CompletionDeps {
  const recording = recorderFor(settings.databaseUrl);
  return {
    // The overrides are read per call, as the environment may change between deploys of a warm isolate.
    // A call drains the outbox when records wait (ones an earlier call or process could not store).
    decide: (args) => {
      keepAlive(recording.recorder.drainIfDue());
      return routeModel(settings.databaseUrl, { ...args, env: readRoutingEnv() });
    },
    callProvider: (target, wire, timeoutMs, signal) => callProvider({ target, wire, timeoutMs, signal }),
    openStream: (args) => openStream(args),
    // Answer first, record after: the record is in the outbox when this resolves; its send runs on.
    record: async (pending) => {
      const { sent } = await recording.recorder.keep(pending);
      keepAlive(sent.then((outcome) => {
        logSend(pending, outcome);
        if (recording.outbox.size() > 0) recording.startTimer();
      }));
    },
    keepAlive,
    // Monotonic (latencies never go negative) and on the epoch (deadlines, retry-after dates).
    clock: { now: () => performance.timeOrigin + performance.now(), sleep, random: Math.random },
    log,
  };
}

/**
 * Where records wait: ROUTER_OUTBOX_DIR when set ("none": memory only), else /tmp on Supabase's
 * edge runtime (its one writable directory), else .local/ beside the project (the local function
 * server sets ROUTER_OUTBOX_DIR to it, as it also provides EdgeRuntime.waitUntil).
 */
export function outboxDir(env: { get: (name: string) => string | undefined } = Deno.env): string | null {
  const set = env.get("ROUTER_OUTBOX_DIR")?.trim();
  if (set === "none") return null;
  if (set) return set;
  return (globalThis as EdgeRuntimeGlobal).EdgeRuntime !== undefined ? "/tmp/router-outbox" : ".local/router-outbox";
}

/** How often the outbox is drained while records wait in this isolate (ROUTER_OUTBOX_DRAIN_MS, default 5 s). */
const drainEveryMs = () => {
  const ms = Number(Deno.env.get("ROUTER_OUTBOX_DRAIN_MS") ?? "5000");
  return Number.isFinite(ms) && ms >= 50 ? ms : 5000;
};

interface Recording {
  recorder: DurableRecorder;
  outbox: OutboxStore;
  startTimer: () => void;
}

/** One recorder and outbox per isolate and database: the memory outbox lives as long as the isolate. */
const recordings = new Map<string, Recording>();

function recorderFor(databaseUrl: string | null): Recording {
  const known = recordings.get(databaseUrl ?? "");
  if (known) return known;
  const outbox = outboxStore({ dir: outboxDir(), onError: (what, error) => log("error", what, errorFields(error)) });
  const recorder = durableRecorder({
    send: (pending) =>
      pending.decisionId === null
        ? recordFailOpenCompletion(databaseUrl, pending.failOpen, pending.call)
        : recordCompletion(databaseUrl, pending.decisionId, pending.call),
    outbox,
    clock: { now: () => performance.now(), sleep },
    onDrained: ({ pending, stored, error }) =>
      log(stored ? "info" : "warn", stored ? "outbox_record_stored" : "outbox_record_failed", {
        call_key: pending.call.call_key, decision_id: pending.decisionId, ...(error === undefined ? {} : errorFields(error)),
      }),
  });
  let timer: ReturnType<typeof setInterval> | null = null;
  // Drains while records wait; stops once this isolate's memory outbox is empty. Unref'd: it never keeps a process up.
  const startTimer = () => {
    if (timer !== null) return;
    const id = setInterval(() => {
      void recorder.drain().catch((error) => log("error", "outbox_drain_failed", errorFields(error))).finally(() => {
        if (outbox.size() === 0 && timer !== null) {
          clearInterval(timer);
          timer = null;
        }
      });
    }, drainEveryMs());
    timer = id;
    Deno.unrefTimer(id);
  };
  const recording = { recorder, outbox, startTimer };
  recordings.set(databaseUrl ?? "", recording);
  return recording;
}

/** A background send that did not store its record: deferred (waits in the outbox) or refused for good. */
function logSend(pending: PendingRecord, outcome: SendOutcome): void {
  switch (outcome.kind) {
    case "stored":
      return;
    case "deferred":
    case "rejected": {
      const cause = outcome.error;
      log("error", outcome.kind === "deferred" ? "record_completion_deferred" : "record_completion_failed", {
        decision_id: pending.decisionId,
        call_key: pending.call.call_key,
        status: cause instanceof RouterHttpError ? cause.status : null,
        message: redactSecrets(cause instanceof Error ? cause.message : String(cause)),
      });
      return;
    }
    default: {
      const never: never = outcome;
      throw new Error(`unknown send outcome ${JSON.stringify(never)}`);
    }
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Supabase's edge runtime keeps an isolate alive for the promises handed to it after the response;
 * the local function server (scripts/functions-server.ts) gives the same hook and waits for them
 * before it stops.
 */
type EdgeRuntimeGlobal = { EdgeRuntime?: { waitUntil?: (work: Promise<unknown>) => void } };

/** Work still running after the answer where no runtime hook exists (a bare Deno.serve), referenced until it settles. */
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
