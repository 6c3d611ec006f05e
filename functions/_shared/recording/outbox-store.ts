// Where every call record waits until the database has it (issues 11 and 12, "nothing lost"): the
// write-ahead log of the recording. Each record is put here before its answer leaves, sent in the
// background, and removed once stored. In memory for the isolate's life, and, where a writable
// directory exists, in an append-only log, so a new process (a cold start, a restart, a crash
// between answer and record) finds what the last one had not stored.
//
// The log (issue 12: a file per record cost three file operations per call, the function's largest
// own cost; creating a file is ~60 times an append): segments `outbox-<created ms>-<uuid>.jsonl`,
// one JSON line per event, `{"put": <record>}` when a record is kept and `{"done": "<call_key>"}`
// when it was stored or set aside. Each line is one synchronous append to the open segment (a few
// microseconds, no thread hop): once it returned the kernel has it, and a process crash (SIGKILL
// included) loses no completed write, so the answer may leave. A line cut short by a crash does
// not parse and is skipped: its record's answer had not left (it waits for the append). A process
// starts a new segment when its current one is ROTATE_MS old or holds ROTATE_RECORDS records, and
// deletes a segment once it is not current and every record in it is done. It holds an exclusive
// lock on its segments while it lives; the kernel drops the lock when the process dies. A drain
// reads the segments of processes that are gone (the lock is free), sends their records without a
// `done` (each carries its call_key, so the database stores it once even if sent before), and
// deletes such a segment once they are stored; a live process's segments are its own to send. Only the call record is stored: no request body,
// no header, no key. A record the database refuses for good is set aside as `<call_key>.rejected`.
import type { CallRecord, FailOpenDecisionRecord } from "../db/router-db.ts";

/**
 * A record still to send: record_completion(decision_id, call), or, for a call answered without
 * the database (fail-open), record_fail_open_completion(decision, call), which writes both.
 */
export type PendingRecord =
  | { decisionId: string; call: CallRecord }
  | { decisionId: null; failOpen: FailOpenDecisionRecord; call: CallRecord };

/** A value of the log is a record of ours. */
export const isPending = (value: unknown): value is PendingRecord => {
  const p = value as Partial<{ decisionId: unknown; failOpen: Partial<FailOpenDecisionRecord>; call: Partial<CallRecord> }> | null;
  if (typeof p?.call?.call_key !== "string" || !KEY.test(p.call.call_key)) return false;
  return typeof p.decisionId === "string" || (p.decisionId === null && typeof p.failOpen?.agent_id === "string");
};

export interface OutboxStore {
  /** Keeps the record (memory, then its line in the log when a directory is set); never throws. Resolves once the line is written. */
  put: (pending: PendingRecord) => Promise<void>;
  /** Every record waiting: this isolate's and those in the segments other processes left. */
  list: () => Promise<PendingRecord[]>;
  /** The record was stored (or is a repeat): forget it. */
  remove: (callKey: string) => Promise<void>;
  /** The database refused the record itself (it can never be stored): kept aside for an operator, not retried (kept waiting if it cannot be set aside). */
  reject: (callKey: string) => Promise<void>;
  /** How many records wait in this isolate's memory. */
  size: () => number;
  /** Closes this process's segments as its death would (their locks go, their files stay): for tests, and a store no longer used. */
  close: () => void;
}

const KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A segment takes records for this long at most, and at most this many. */
export const ROTATE_MS = 2_000;
const ROTATE_RECORDS = 5_000;
/** Another process's segment older than this takes no more records (ROTATE_MS, with room for a slow append). */
const FOREIGN_QUIET_MS = ROTATE_MS + 3_000;
const SEGMENT = /^outbox-(\d+)-[0-9a-f-]{36}\.jsonl$/;

/** One of this process's segments: open while it holds records not done. */
interface Segment {
  path: string;
  file: Deno.FsFile;
  created: number;
  records: number;
  /** Keys put here and not done yet. */
  open: Set<string>;
  /** A write failed part way (a full disk): the next line starts on a line of its own. */
  torn: boolean;
}

/** The records of a log's text without a `done` line; lines that do not parse (cut short by a crash) are skipped. */
export function pendingInLog(text: string): PendingRecord[] {
  const put = new Map<string, PendingRecord>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    let event: { put?: unknown; done?: unknown };
    try {
      event = JSON.parse(line);
    } catch {
      continue;
    }
    if (isPending(event?.put)) put.set(event.put.call.call_key, event.put);
    else if (typeof event?.done === "string") put.delete(event.done);
  }
  return [...put.values()];
}

/** A segment another process left: what is still to store from it, and its file while this process holds its lock. */
interface ForeignSegment {
  waiting: Map<string, PendingRecord>;
  /** Keys stored (or set aside) from it: not sent again when it is read again. */
  settled: Set<string>;
  /** Open and locked: its owner is gone (a live owner holds its lock), so this process may delete it once nothing waits. */
  locked: Deno.FsFile | null;
  created: number;
}

/** An outbox in memory, logged to `dir` when it is writable (null: memory only). */
export function outboxStore(
  { dir, onError, now = Date.now }: { dir: string | null; onError: (what: string, error: unknown) => void; now?: () => number },
): OutboxStore {
  const memory = new Map<string, PendingRecord>();
  const encoder = new TextEncoder();
  /** The segment each of this process's records is in. */
  const segmentOf = new Map<string, Segment>();
  let current: Segment | null = null;
  const foreign = new Map<string, ForeignSegment>();
  const foreignOf = new Map<string, ForeignSegment>();
  /** null: not tried yet; false: the directory is not writable (memory only). */
  let writable: boolean | null = dir === null ? false : null;

  const append = (segment: Segment, event: unknown): boolean => {
    // After a torn write the bytes it left end with a newline first: the cut line is skipped when read and
    // this one parses, instead of being glued to it (pendingInLog skips empty lines).
    const bytes = encoder.encode(`${segment.torn ? "\n" : ""}${JSON.stringify(event)}\n`);
    try {
      for (let at = 0; at < bytes.length;) at += segment.file.writeSync(bytes.subarray(at));
      segment.torn = false;
      return true;
    } catch (error) {
      segment.torn = true;
      onError("outbox_write_failed", error);
      return false;
    }
  };

  const closeIfDone = (segment: Segment) => {
    if (segment === current || segment.open.size > 0) return;
    removeQuietly(segment.path);
    segment.file.close();
  };

  const segmentForPut = (): Segment | null => {
    if (writable === false) return null;
    const t = now();
    if (current !== null && t - current.created < ROTATE_MS && current.records < ROTATE_RECORDS) return current;
    try {
      // The records name tenants, agents and models: readable by this process's user only (umask aside).
      if (writable === null) Deno.mkdirSync(dir as string, { recursive: true, mode: 0o700 });
      writable = true;
      const path = `${dir}/outbox-${t}-${crypto.randomUUID()}.jsonl`;
      const file = Deno.openSync(path, { append: true, createNew: true, mode: 0o600 });
      lockQuietly(file);
      const old = current;
      current = { path, file, created: t, records: 0, open: new Set(), torn: false };
      if (old !== null) closeIfDone(old);
      return current;
    } catch (error) {
      onError(writable === null ? "outbox_dir_unwritable" : "outbox_write_failed", error);
      if (writable === null) writable = false;
      return null;
    }
  };

  /** Forgets `key`: a `done` line in its segment (this process's), or, read from another's, one record less to store there. */
  const settle = (key: string) => {
    memory.delete(key);
    const segment = segmentOf.get(key);
    if (segment !== undefined) {
      segmentOf.delete(key);
      segment.open.delete(key);
      append(segment, { done: key });
      closeIfDone(segment);
      return;
    }
    const from = foreignOf.get(key);
    if (from === undefined) return;
    foreignOf.delete(key);
    from.waiting.delete(key);
    from.settled.add(key);
  };

  /**
   * Deletes another process's segment once nothing in it waits, when its owner is gone (this
   * process holds its lock) or, where files cannot be locked, once it is too old to take records.
   */
  const dropSettledForeign = () => {
    for (const [path, segment] of foreign) {
      if (segment.waiting.size > 0) continue;
      if (segment.locked === null && now() - segment.created < FOREIGN_QUIET_MS) continue;
      foreign.delete(path);
      removeQuietly(path);
      segment.locked?.close();
    }
  };

  /** Reads another process's segment; null while its owner is alive (it holds the lock and sends its own records). */
  const readForeign = (path: string, name: string): ForeignSegment | null => {
    const known = foreign.get(path);
    let locked = known?.locked ?? null;
    if (locked === null) {
      try {
        locked = Deno.openSync(path, { read: true, write: true });
      } catch {
        return null; /* removed by another drain meanwhile */
      }
      const free = tryLockQuietly(locked);
      if (free === false) {
        locked.close();
        return null;
      }
      if (free === null) {
        locked.close();
        locked = null;
      }
    }
    let text: string;
    try {
      text = Deno.readTextFileSync(path);
    } catch {
      locked?.close();
      foreign.delete(path);
      return null;
    }
    const segment: ForeignSegment = known ?? { waiting: new Map(), settled: new Set(), locked, created: Number(SEGMENT.exec(name)?.[1] ?? 0) };
    segment.locked = locked;
    for (const p of pendingInLog(text)) {
      const key = p.call.call_key;
      if (segment.settled.has(key) || memory.has(key)) continue;
      segment.waiting.set(key, p);
      foreignOf.set(key, segment);
    }
    foreign.set(path, segment);
    return segment;
  };

  return {
    put: (pending) => {
      const key = pending.call.call_key;
      memory.set(key, pending);
      const segment = segmentForPut();
      if (segment !== null && append(segment, { put: pending })) {
        segment.records++;
        segment.open.add(key);
        segmentOf.set(key, segment);
      }
      return Promise.resolve();
    },
    list: async () => {
      const found = new Map(memory);
      if (dir === null) return [...found.values()];
      try {
        const own = new Set([...segmentOf.values(), ...(current ? [current] : [])].map((s) => s.path));
        for await (const entry of Deno.readDir(dir)) {
          const path = `${dir}/${entry.name}`;
          if (!entry.isFile || !SEGMENT.test(entry.name) || own.has(path)) continue;
          for (const [key, p] of readForeign(path, entry.name)?.waiting ?? []) if (!found.has(key)) found.set(key, p);
        }
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) onError("outbox_read_failed", error);
      }
      dropSettledForeign();
      return [...found.values()];
    },
    remove: (callKey) => {
      settle(callKey);
      dropSettledForeign();
      return Promise.resolve();
    },
    reject: async (callKey) => {
      const pending = memory.get(callKey) ?? foreignOf.get(callKey)?.waiting.get(callKey);
      if (dir !== null && pending !== undefined) {
        try {
          await Deno.writeTextFile(`${dir}/${callKey}.rejected`, JSON.stringify(pending), { mode: 0o600 });
        } catch (error) {
          // Not set aside: kept where it is (memory and log), so the record is not lost; the next drain tries again.
          onError("outbox_write_failed", error);
          return;
        }
      }
      settle(callKey);
      dropSettledForeign();
    },
    size: () => memory.size,
    close: () => {
      for (const segment of new Set([...segmentOf.values(), ...(current ? [current] : [])])) segment.file.close();
      for (const segment of foreign.values()) segment.locked?.close();
      segmentOf.clear();
      foreign.clear();
      foreignOf.clear();
      memory.clear();
      current = null;
    },
  };
}

function removeQuietly(path: string): void {
  try {
    Deno.removeSync(path);
  } catch { /* removed already */ }
}

/** The owner's lock on its segment, held while the process lives (the kernel drops it when the process dies). */
function lockQuietly(file: Deno.FsFile): void {
  try {
    file.lockSync(true);
  } catch { /* a file system without locks: other processes fall back to the segment's age */ }
}

/** true: locked now (its owner is gone); false: its owner holds it; null: this file system cannot lock. */
function tryLockQuietly(file: Deno.FsFile): boolean | null {
  try {
    return file.tryLockSync(true);
  } catch {
    return null;
  }
}
