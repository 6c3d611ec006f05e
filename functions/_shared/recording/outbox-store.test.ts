import { deepStrictEqual, equal, ok } from "node:assert/strict";
import type { CallRecord } from "../db/router-db.ts";
import { outboxStore, type PendingRecord, pendingInLog, ROTATE_MS } from "./outbox-store.ts";

const record = (n: number): PendingRecord => ({
  decisionId: "d",
  call: {
    call_key: `0b7c2a0e-5a55-4c2e-9d6e-${String(n).padStart(12, "0")}`, status: "succeeded", model: "m", provider: "openai",
    fallback_used: false, latency_ms: 5, attempts: [], warnings: [],
  } as CallRecord,
});
const keysOf = (records: PendingRecord[]) => records.map((p) => p.call.call_key).sort();
const segments = (dir: string) => [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".jsonl")).sort();
const onDisk = (dir: string) => keysOf(segments(dir).flatMap((n) => pendingInLog(Deno.readTextFileSync(`${dir}/${n}`))));

async function inTempDir(test: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    await test(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("outbox log: records put in a row share one segment, a line each; done lines settle them; the file stays while it takes records", () =>
  inTempDir(async (dir) => {
    const outbox = outboxStore({ dir, onError: () => {} });
    for (const n of [1, 2, 3]) await outbox.put(record(n));
    equal(segments(dir).length, 1, "one segment for the three");
    deepStrictEqual(onDisk(dir), keysOf([record(1), record(2), record(3)]), "each on disk once put resolved");
    await outbox.remove(record(2).call.call_key);
    deepStrictEqual(onDisk(dir), keysOf([record(1), record(3)]));
    deepStrictEqual(outbox.size(), 2);
    outbox.close();
  }));

Deno.test("outbox log: the directory, a segment and a set-aside record are this user's only (0700 / 0600), whatever the umask", () =>
  inTempDir(async (parent) => {
    const dir = `${parent}/outbox`;
    const umask = Deno.umask(0o000); // the most permissive: the modes must come from the store itself
    try {
      const outbox = outboxStore({ dir, onError: () => {} });
      await outbox.put(record(1));
      await outbox.put(record(2));
      await outbox.reject(record(2).call.call_key);
      const mode = (path: string) => (Deno.statSync(path).mode ?? 0) & 0o777;
      deepStrictEqual([mode(dir), mode(`${dir}/${segments(dir)[0]}`), mode(`${dir}/${record(2).call.call_key}.rejected`)], [0o700, 0o600, 0o600]);
      outbox.close();
    } finally {
      Deno.umask(umask);
    }
  }));

Deno.test("outbox log: a segment is deleted once it no longer takes records and all its records are done", () =>
  inTempDir(async (dir) => {
    let now = 1_000_000;
    const outbox = outboxStore({ dir, onError: () => {}, now: () => now });
    await outbox.put(record(1));
    const first = segments(dir);
    now += ROTATE_MS;
    await outbox.put(record(2));
    equal(segments(dir).length, 2, "a new segment after ROTATE_MS; the old one still holds record 1");
    await outbox.remove(record(1).call.call_key);
    deepStrictEqual(segments(dir).filter((n) => first.includes(n)), [], "the old segment deleted with its last record");
    deepStrictEqual(onDisk(dir), keysOf([record(2)]));
    outbox.close();
  }));

Deno.test("outbox log: a line cut short by a crash is skipped; the lines before it count", () => {
  const whole = `${JSON.stringify({ put: record(1) })}\n${JSON.stringify({ put: record(2) })}\n${JSON.stringify({ done: record(1).call.call_key })}\n`;
  const cut = `${whole}${JSON.stringify({ put: record(3) }).slice(0, 40)}`;
  deepStrictEqual(keysOf(pendingInLog(cut)), keysOf([record(2)]));
  deepStrictEqual(pendingInLog(`{"put": {"decisionId": "d", "call": {"call_key": "not-a-key"}}}\n`), [], "not a record of ours");
});

Deno.test("outbox log: a write torn part way (a full disk) does not glue the next record to its cut line", () =>
  inTempDir(async (dir) => {
    const errors: string[] = [];
    const outbox = outboxStore({ dir, onError: (what) => errors.push(what) });
    await outbox.put(record(1));
    const writeSync = Deno.FsFile.prototype.writeSync;
    // The next write puts half its bytes on disk, then fails as a full disk would.
    Deno.FsFile.prototype.writeSync = function (this: Deno.FsFile, p: Uint8Array) {
      Deno.FsFile.prototype.writeSync = writeSync;
      writeSync.call(this, p.subarray(0, Math.floor(p.length / 2)));
      throw new Deno.errors.WriteZero("no space left on device");
    };
    try {
      await outbox.put(record(2));
    } finally {
      Deno.FsFile.prototype.writeSync = writeSync;
    }
    await outbox.put(record(3));
    deepStrictEqual(errors, ["outbox_write_failed"], "the torn write was reported");
    deepStrictEqual(onDisk(dir), keysOf([record(1), record(3)]), "the record after the torn line is on disk whole");
    deepStrictEqual(keysOf(await outbox.list()), keysOf([record(1), record(2), record(3)]), "the torn one waits in memory");
    outbox.close();
  }));

Deno.test("outbox log: a refused record that cannot be set aside keeps waiting instead of being dropped", () =>
  inTempDir(async (dir) => {
    const errors: string[] = [];
    const outbox = outboxStore({ dir, onError: (what) => errors.push(what) });
    await outbox.put(record(1));
    const writeTextFile = Deno.writeTextFile;
    Deno.writeTextFile = () => Promise.reject(new Deno.errors.WriteZero("no space left on device"));
    try {
      await outbox.reject(record(1).call.call_key);
    } finally {
      Deno.writeTextFile = writeTextFile;
    }
    deepStrictEqual(errors, ["outbox_write_failed"]);
    deepStrictEqual(keysOf(await outbox.list()), keysOf([record(1)]), "still listed for the next drain");
    deepStrictEqual(onDisk(dir), keysOf([record(1)]), "still in the log");
    await outbox.reject(record(1).call.call_key);
    deepStrictEqual(await outbox.list(), [], "set aside once the file can be written");
    outbox.close();
  }));

Deno.test("outbox log: a process that is gone leaves its segment; the next one lists what was not done, once, and deletes the segment when stored", () =>
  inTempDir(async (dir) => {
    const gone = outboxStore({ dir, onError: () => {} });
    for (const n of [1, 2, 3]) await gone.put(record(n));
    await gone.remove(record(1).call.call_key);
    const alive = outboxStore({ dir, onError: () => {} });
    deepStrictEqual(await alive.list(), [], "a live process's segment is its own: it holds the lock");
    gone.close();

    const next = outboxStore({ dir, onError: () => {} });
    deepStrictEqual(keysOf(await next.list()), keysOf([record(2), record(3)]));
    await next.remove(record(2).call.call_key);
    deepStrictEqual(keysOf(await next.list()), keysOf([record(3)]), "a stored record is not listed again");
    equal(segments(dir).length, 1, "kept while a record in it waits");
    await next.reject(record(3).call.call_key);
    deepStrictEqual(segments(dir), [], "deleted once nothing in it waits");
    deepStrictEqual(JSON.parse(Deno.readTextFileSync(`${dir}/${record(3).call.call_key}.rejected`)), record(3), "the refused record set aside");
    deepStrictEqual(await next.list(), []);
    next.close();
    alive.close();
  }));

Deno.test("outbox log: an unwritable directory leaves the records in memory and says so once", async () => {
  const errors: string[] = [];
  const file = await Deno.makeTempFile();
  try {
    const outbox = outboxStore({ dir: `${file}/outbox`, onError: (what) => errors.push(what) });
    await outbox.put(record(1));
    await outbox.put(record(2));
    deepStrictEqual({ errors, size: outbox.size() }, { errors: ["outbox_dir_unwritable"], size: 2 });
    ok(keysOf(await outbox.list()).length === 2);
    outbox.close();
  } finally {
    await Deno.remove(file);
  }
});
