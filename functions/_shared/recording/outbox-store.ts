// Where a call record waits when record_completion could not take it (issue 11, "nothing lost"):
// in memory for the isolate's life, and, where a writable directory exists, one JSON file per
// record (`<call_key>.json`), written before the answer leaves and removed once recorded, so a
// new process (a cold start, a restart) finds what the last one could not record.
// Only the call record is stored: no request body, no header, no key.
import type { CallRecord } from "../db/router-db.ts";

/** A record still to send: what record_completion(decision_id, call) takes. */
export interface PendingRecord {
  decisionId: string;
  call: CallRecord;
}

export interface OutboxStore {
  /** Keeps the record (memory first, then its file when a directory is set); never throws. */
  put: (pending: PendingRecord) => Promise<void>;
  /** Every record waiting: this isolate's and the files other processes left. */
  list: () => Promise<PendingRecord[]>;
  /** The record was stored (or is a repeat): forget it. */
  remove: (callKey: string) => Promise<void>;
  /** The database refused the record itself (it can never be stored): kept aside for an operator, not retried. */
  reject: (callKey: string) => Promise<void>;
  /** How many records wait in this isolate's memory. */
  size: () => number;
}

const KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An outbox in memory, mirrored to `dir` when it is writable (null: memory only). */
export function outboxStore({ dir, onError }: { dir: string | null; onError: (what: string, error: unknown) => void }): OutboxStore {
  const memory = new Map<string, PendingRecord>();
  const fileOf = (key: string) => `${dir}/${key}.json`;
  let dirReady: Promise<boolean> | null = null;
  const ensureDir = () =>
    dirReady ??= dir === null ? Promise.resolve(false) : Deno.mkdir(dir, { recursive: true }).then(() => true, (error) => {
      onError("outbox_dir_unwritable", error);
      return false;
    });

  return {
    put: async (pending) => {
      memory.set(pending.call.call_key, pending);
      if (!(await ensureDir())) return;
      try {
        // Written whole then renamed: a reader never sees half a record.
        const tmp = `${fileOf(pending.call.call_key)}.tmp`;
        await Deno.writeTextFile(tmp, JSON.stringify(pending));
        await Deno.rename(tmp, fileOf(pending.call.call_key));
      } catch (error) {
        onError("outbox_write_failed", error);
      }
    },
    list: async () => {
      const found = new Map(memory);
      if (dir !== null) {
        try {
          for await (const entry of Deno.readDir(dir)) {
            const key = entry.name.replace(/\.json$/, "");
            if (!entry.isFile || !entry.name.endsWith(".json") || !KEY.test(key) || found.has(key)) continue;
            try {
              const pending = JSON.parse(await Deno.readTextFile(fileOf(key))) as PendingRecord;
              if (pending?.call?.call_key === key && typeof pending.decisionId === "string") found.set(key, pending);
            } catch { /* removed by another drain meanwhile, or not ours */ }
          }
        } catch (error) {
          if (!(error instanceof Deno.errors.NotFound)) onError("outbox_read_failed", error);
        }
      }
      return [...found.values()];
    },
    remove: async (callKey) => {
      memory.delete(callKey);
      if (dir === null) return;
      await Deno.remove(fileOf(callKey)).catch(() => {});
    },
    reject: async (callKey) => {
      memory.delete(callKey);
      if (dir === null) return;
      await Deno.rename(fileOf(callKey), `${dir}/${callKey}.rejected`).catch(() => {});
    },
    size: () => memory.size,
  };
}
