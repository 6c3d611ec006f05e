// record_completion, retried and kept until it is stored (issue 11, "nothing lost").
// A record is tried a few times with backoff within a small budget; if the database still does
// not take it, it goes to the outbox (outbox-store.ts) before the answer leaves, and `drain`
// (on the next call, and on a timer while records wait) sends it again. Every send carries the
// call's key (call.call_key), so a record that reached the database although its answer was lost
// is not counted twice: record_completion returns the first result and changes nothing. A
// half-open trial's outcome is in the record's attempts, so it waits in the outbox with it.
import type { CallRecord, RecordedCall } from "../db/router-db.ts";
import { RouterHttpError } from "../http/openai-error.ts";
import type { OutboxStore, PendingRecord } from "./outbox-store.ts";

export interface RecordRetryPolicy {
  /** Sends before a record goes to the outbox. */
  tries: number;
  baseDelayMs: number;
  /** No new try starts after this much time since the first. */
  budgetMs: number;
}

export const DEFAULT_RECORD_RETRY: RecordRetryPolicy = { tries: 3, baseDelayMs: 100, budgetMs: 1500 };

/** The record was not stored now; it waits in the outbox (or was refused for good). */
export class RecordDeferred extends Error {
  constructor(readonly callKey: string, override readonly cause: unknown, readonly permanent: boolean) {
    super(permanent ? "record_completion refused the record" : "record_completion failed; the record waits in the outbox");
  }
}

/** The database refused the record itself (invalid, unknown decision, not allowed): sending it again cannot help. */
export const isPermanent = (error: unknown): boolean =>
  error instanceof RouterHttpError && error.status >= 400 && error.status < 500;

export interface DurableRecorder {
  /** Stores the call, or throws RecordDeferred once it is in the outbox (or refused for good). */
  record: (decisionId: string, call: CallRecord) => Promise<RecordedCall>;
  /** Sends every waiting record once; how many were stored. One drain at a time per isolate. */
  drain: () => Promise<number>;
}

export function durableRecorder(
  { send, outbox, retry = DEFAULT_RECORD_RETRY, clock, onDrained }: {
    send: (decisionId: string, call: CallRecord) => Promise<RecordedCall>;
    outbox: OutboxStore;
    retry?: RecordRetryPolicy;
    clock: { now: () => number; sleep: (ms: number) => Promise<void> };
    /** Told of each record a drain stored or gave up on (the log). */
    onDrained?: (event: { callKey: string; decisionId: string; stored: boolean; error?: unknown }) => void;
  },
): DurableRecorder {
  let draining: Promise<number> | null = null;

  const record = async (decisionId: string, call: CallRecord): Promise<RecordedCall> => {
    const started = clock.now();
    let lastError: unknown = null;
    for (let attempt = 0; attempt < Math.max(1, retry.tries); attempt++) {
      if (attempt > 0) {
        const delay = retry.baseDelayMs * 2 ** (attempt - 1);
        if (clock.now() - started + delay > retry.budgetMs) break;
        await clock.sleep(delay);
      }
      try {
        return await send(decisionId, call);
      } catch (error) {
        lastError = error;
        if (isPermanent(error)) throw new RecordDeferred(call.call_key, error, true);
      }
    }
    await outbox.put({ decisionId, call });
    throw new RecordDeferred(call.call_key, lastError, false);
  };

  const drainOnce = async (): Promise<number> => {
    let stored = 0;
    for (const pending of await outbox.list()) {
      const outcome = await sendOnce(pending);
      if (outcome === "stored") stored++;
      // The database is still down: the rest would fail the same way; the next drain tries again.
      if (outcome === "failed") break;
    }
    return stored;
  };

  const sendOnce = async ({ decisionId, call }: PendingRecord): Promise<"stored" | "failed" | "rejected"> => {
    try {
      await send(decisionId, call);
      await outbox.remove(call.call_key);
      onDrained?.({ callKey: call.call_key, decisionId, stored: true });
      return "stored";
    } catch (error) {
      const permanent = isPermanent(error);
      if (permanent) await outbox.reject(call.call_key);
      onDrained?.({ callKey: call.call_key, decisionId, stored: false, error });
      return permanent ? "rejected" : "failed";
    }
  };

  const drain = () => {
    draining ??= drainOnce().finally(() => (draining = null));
    return draining;
  };

  return { record, drain };
}
