// Where every call record waits until the database has it (issues 11 and 12, "nothing lost"): the
// write-ahead log of the recording. Each record is put here before its answer leaves, sent in the
// background, and removed once stored. In memory for the isolate's life, and, where a writable
// directory exists, one JSON file per record (`<call_key>.json`), so a new process (a cold start,
// a restart, a crash between answer and record) finds what the last one had not stored.
// Only the call record is stored: no request body, no header, no key.
import type { CallRecord, FailOpenDecisionRecord } from "../db/router-db.ts";

/**
 * A record still to send: record_completion(decision_id, call), or, for a call answered without
 * the database (fail-open), record_fail_open_completion(decision, call), which writes both.
 */
export type PendingRecord =
  | { decisionId: string; call: CallRecord }
  | { decisionId: null; failOpen: FailOpenDecisionRecord; call: CallRecord };

/** A file's content is a record of ours (a crash never leaves half a file: each is renamed into place). */
const isPending = (value: unknown, key: string): value is PendingRecord => {
  const p = value as Partial<{ decisionId: unknown; failOpen: Partial<FailOpenDecisionRecord>; call: Partial<CallRecord> }> | null;
  if (p?.call?.call_key !== key) return false;
  return typeof p.decisionId === "string" || (p.decisionId === null && typeof p.failOpen?.agent_id === "string");
};

export interface OutboxStore {
  /** Keeps the record (memory first, then its file when a directory is set); never throws. Resolves once the file is in place. */
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
              const pending: unknown = JSON.parse(await Deno.readTextFile(fileOf(key)));
              if (isPending(pending, key)) found.set(key, pending);
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
