// The call records, off the answer's critical path and never lost (issue 11 "nothing lost",
// issue 12 "answer first, record after").
//   keep   write-ahead: the record goes into the outbox (outbox-store.ts: memory, and a file where
//          a directory is writable) before the answer leaves; then it is sent in the background,
//          tried a few times with backoff within a small budget, and removed from the outbox once
//          the database stored it. A crash after the answer leaves the file for the next process.
//   drain  sends every waiting record once (on the next call, on a timer while records wait).
// Every send carries the call's key (call.call_key), so a record sent twice (a background send
// and a drain, a send whose answer was lost) is stored once: the database returns the first
// result and changes nothing. A half-open trial's outcome is in the record's attempts, so it
// waits in the outbox with it.
import type { RecordedCall } from "../db/router-db.ts";
import { RouterHttpError } from "../http/openai-error.ts";
import type { OutboxStore, PendingRecord } from "./outbox-store.ts";

export interface RecordRetryPolicy {
  /** Sends before a record is left to the drains. */
  tries: number;
  baseDelayMs: number;
  /** No new try starts after this much time since the first. */
  budgetMs: number;
}

export const DEFAULT_RECORD_RETRY: RecordRetryPolicy = { tries: 3, baseDelayMs: 100, budgetMs: 1500 };

/** The database could not be reached (503 database_unavailable): every record would fail alike now. */
export const isUnreachable = (error: unknown): boolean => error instanceof RouterHttpError && error.status === 503;

/** The database refused the record itself (invalid, unknown decision or agent, not allowed): sending it again cannot help. */
export const isPermanent = (error: unknown): boolean =>
  error instanceof RouterHttpError && error.status >= 400 && error.status < 500;

/** How a background send ended. */
export type SendOutcome =
  | { kind: "stored"; recorded: RecordedCall }
  /** Not stored now: the record waits in the outbox for a drain. */
  | { kind: "deferred"; error: unknown }
  /** Refused for good: set aside (`<key>.rejected`), never retried. */
  | { kind: "rejected"; error: unknown };

export interface DurableRecorder {
  /**
   * Puts the record in the outbox (resolves once it is there: the answer may leave) and starts
   * sending it; `sent` settles (never rejects) when the send ended.
   */
  keep: (pending: PendingRecord) => Promise<{ sent: Promise<SendOutcome> }>;
  /** Sends every waiting record not already being sent, once; how many were stored. One drain at a time per isolate. */
  drain: () => Promise<number>;
  /**
   * The call path's drain: only when this isolate holds a record no send is under way for, or the
   * outbox directory was last read `rescanMs` ago or never (files an earlier process left). Else
   * nothing, so a healthy call costs no directory read.
   */
  drainIfDue: () => Promise<number>;
}

export function durableRecorder(
  { send, outbox, retry = DEFAULT_RECORD_RETRY, rescanMs = 5_000, clock, onDrained }: {
    send: (pending: PendingRecord) => Promise<RecordedCall>;
    outbox: OutboxStore;
    retry?: RecordRetryPolicy;
    /** How often the call path reads the outbox directory again when nothing waits in memory. */
    rescanMs?: number;
    clock: { now: () => number; sleep: (ms: number) => Promise<void> };
    /** Told of each record a drain stored or gave up on (the log). */
    onDrained?: (event: { pending: PendingRecord; stored: boolean; error?: unknown }) => void;
  },
): DurableRecorder {
  let draining: Promise<number> | null = null;
  let lastScan: number | null = null;
  /** Keys being sent by `keep`: a drain leaves them to it. */
  const inFlight = new Set<string>();

  const sendWithRetries = async (pending: PendingRecord): Promise<SendOutcome> => {
    const started = clock.now();
    let lastError: unknown = null;
    for (let attempt = 0; attempt < Math.max(1, retry.tries); attempt++) {
      if (attempt > 0) {
        const delay = retry.baseDelayMs * 2 ** (attempt - 1);
        if (clock.now() - started + delay > retry.budgetMs) break;
        await clock.sleep(delay);
      }
      try {
        const recorded = await send(pending);
        await outbox.remove(pending.call.call_key);
        return { kind: "stored", recorded };
      } catch (error) {
        lastError = error;
        if (isPermanent(error)) {
          await outbox.reject(pending.call.call_key);
          return { kind: "rejected", error };
        }
      }
    }
    return { kind: "deferred", error: lastError };
  };

  const keep = async (pending: PendingRecord): Promise<{ sent: Promise<SendOutcome> }> => {
    const key = pending.call.call_key;
    inFlight.add(key);
    await outbox.put(pending);
    const sent = sendWithRetries(pending)
      .catch((error): SendOutcome => ({ kind: "deferred", error }))
      .finally(() => inFlight.delete(key));
    return { sent };
  };

  const drainOnce = async (): Promise<number> => {
    lastScan = clock.now();
    let stored = 0;
    for (const pending of await outbox.list()) {
      if (inFlight.has(pending.call.call_key)) continue;
      const outcome = await sendOnce(pending);
      if (outcome === "stored") stored++;
      // The database is still down: the rest would fail the same way; the next drain tries again.
      // Any other failure is this record's own (say a price missing for its model): it stays for
      // the next drain, and the records behind it are still sent.
      if (outcome === "unreachable") break;
    }
    return stored;
  };

  const sendOnce = async (pending: PendingRecord): Promise<"stored" | "failed" | "unreachable" | "rejected"> => {
    const key = pending.call.call_key;
    inFlight.add(key);
    try {
      await send(pending);
      await outbox.remove(key);
      onDrained?.({ pending, stored: true });
      return "stored";
    } catch (error) {
      const permanent = isPermanent(error);
      if (permanent) await outbox.reject(key);
      onDrained?.({ pending, stored: false, error });
      return permanent ? "rejected" : isUnreachable(error) ? "unreachable" : "failed";
    } finally {
      inFlight.delete(key);
    }
  };

  const drain = () => {
    draining ??= drainOnce().finally(() => (draining = null));
    return draining;
  };

  const drainIfDue = () => {
    const waitingHere = outbox.size() > inFlight.size;
    const scanDue = lastScan === null || clock.now() - lastScan >= rescanMs;
    return waitingHere || scanDue ? drain() : Promise.resolve(0);
  };

  return { keep, drain, drainIfDue };
}
