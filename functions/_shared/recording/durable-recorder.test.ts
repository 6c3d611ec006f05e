import { deepStrictEqual, equal } from "node:assert/strict";
import type { CallRecord, RecordedCall } from "../db/router-db.ts";
import { RouterHttpError } from "../http/openai-error.ts";
import { durableRecorder } from "./durable-recorder.ts";
import { outboxStore, type PendingRecord, pendingInLog } from "./outbox-store.ts";

/** The records the outbox directory holds, as a new process would read them. */
const waitingOnDisk = (dir: string): PendingRecord[] =>
  [...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".jsonl")).flatMap((e) => pendingInLog(Deno.readTextFileSync(`${dir}/${e.name}`)));

const KEY = "0b7c2a0e-5a55-4c2e-9d6e-000000000001";
const call: CallRecord = Object.freeze({
  call_key: KEY, status: "succeeded", model: "m", provider: "openai", fallback_used: false, latency_ms: 5,
  attempts: [{ model: "m", provider: "openai", status: 200, error_type: null, latency_ms: 5, input_tokens: 1, output_tokens: 1, cached_tokens: 0, cache_write_tokens: 0 }],
  warnings: [],
}) as CallRecord;
const decided: PendingRecord = { decisionId: "d", call };
const stored: RecordedCall = { call_id: "c", cost_usd: "0", baseline_cost_usd: "0", attempts: 1, breakers: {} };
const down = () => new RouterHttpError(503, "The routing database is unreachable.", { code: "database_unavailable" });

/**
 * A database that fails its first `failures` sends (with `error`), then stores. `hold` keeps every
 * send waiting until `release` is called, to look at the outbox while a send is under way.
 */
function setup({ failures, error = down, dir = null, hold = false }: { failures: number; error?: () => Error; dir?: string | null; hold?: boolean }) {
  const sends: PendingRecord[] = [];
  const sleeps: number[] = [];
  let now = 0;
  let release = () => {};
  const gate = hold ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve();
  const outbox = outboxStore({ dir, onError: () => {} });
  const recorder = durableRecorder({
    send: async (pending) => {
      sends.push(pending);
      const n = sends.length;
      await gate;
      if (n <= failures) throw error();
      return stored;
    },
    outbox,
    retry: { tries: 3, baseDelayMs: 100, budgetMs: 1000 },
    clock: { now: () => now, sleep: (ms) => { sleeps.push(ms); now += ms; return Promise.resolve(); } },
  });
  return { recorder, outbox, sends, sleeps, release: () => release() };
}

const rows: Array<{ name: string; failures: number; error?: () => Error; outcome: string; sends: number; sleeps: number[]; waiting: number }> = [
  { name: "stored at once, then forgotten", failures: 0, outcome: "stored", sends: 1, sleeps: [], waiting: 0 },
  { name: "stored on the third try, after 100 and 200 ms", failures: 2, outcome: "stored", sends: 3, sleeps: [100, 200], waiting: 0 },
  { name: "still down after three tries: left in the outbox for a drain", failures: 3, outcome: "deferred", sends: 3, sleeps: [100, 200], waiting: 1 },
  {
    name: "refused for good (400): not retried, not kept",
    failures: 1, error: () => new RouterHttpError(400, "bad", { code: "invalid_value" }), outcome: "rejected", sends: 1, sleeps: [], waiting: 0,
  },
];

for (const row of rows) {
  Deno.test(`durable recorder: ${row.name}`, async () => {
    const s = setup({ failures: row.failures, error: row.error });
    const { sent } = await s.recorder.keep(decided);
    const outcome = await sent;
    deepStrictEqual(
      { outcome: outcome.kind, sends: s.sends.length, sleeps: s.sleeps, waiting: s.outbox.size() },
      { outcome: row.outcome, sends: row.sends, sleeps: row.sleeps, waiting: row.waiting },
    );
    deepStrictEqual(call.call_key, KEY, "the record is not mutated");
  });
}

Deno.test("durable recorder: write-ahead: the record is in the log when keep resolves, before the database answered", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const s = setup({ failures: 0, dir, hold: true });
    const { sent } = await s.recorder.keep(decided);
    deepStrictEqual(waitingOnDisk(dir), [decided], "on disk while the send is under way");
    equal(await s.recorder.drain(), 0, "a drain leaves a record being sent to its sender");
    s.release();
    deepStrictEqual((await sent).kind, "stored");
    deepStrictEqual({ sends: s.sends.length, waiting: waitingOnDisk(dir) }, { sends: 1, waiting: [] }, "done once stored");
    s.outbox.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("durable recorder: the outbox file outlives the process; a new recorder drains it once", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // A process that died before its send: the record is in the file only.
    const first = setup({ failures: 3, dir });
    deepStrictEqual((await (await first.recorder.keep(decided)).sent).kind, "deferred");
    deepStrictEqual(waitingOnDisk(dir), [decided]);
    const alive = setup({ failures: 0, dir });
    equal(await alive.recorder.drain(), 0, "a live process's log is its own to send (it holds the lock)");
    first.outbox.close(); // the process dies: its lock goes, its log stays

    // A new process: nothing in memory, the log on disk.
    const second = setup({ failures: 0, dir });
    deepStrictEqual(await second.recorder.drain(), 1);
    deepStrictEqual({ sends: second.sends, files: [...Deno.readDirSync(dir)].length }, { sends: [decided], files: 0 }, "the dead process's log deleted once stored");
    deepStrictEqual(await second.recorder.drain(), 0, "a second drain has nothing left to send");
    second.outbox.close();
    alive.outbox.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("durable recorder: a fail-open record keeps its decision through the file and is sent with it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const failOpen: PendingRecord = {
      decisionId: null,
      failOpen: { agent_id: "a", execution_id: "e", acting_user: null, model: "gpt-5.6-sol", decided_at: "2026-12-02T10:00:00.000Z" },
      call,
    };
    const first = setup({ failures: 3, dir });
    await (await first.recorder.keep(failOpen)).sent;
    first.outbox.close();
    const next = setup({ failures: 0, dir });
    deepStrictEqual(await next.recorder.drain(), 1);
    deepStrictEqual(next.sends, [failOpen]);
    next.outbox.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("durable recorder: a drain while the database is still down keeps the record for the next one", async () => {
  const s = setup({ failures: 4 });
  deepStrictEqual((await (await s.recorder.keep(decided)).sent).kind, "deferred");
  deepStrictEqual(await s.recorder.drain(), 0);
  deepStrictEqual(s.outbox.size(), 1);
  deepStrictEqual(await s.recorder.drain(), 1);
  deepStrictEqual(s.outbox.size(), 0);
});

Deno.test("durable recorder: a record that fails on its own (a 500) does not hold back the records behind it", async () => {
  const outbox = outboxStore({ dir: null, onError: () => {} });
  const keys = ["0b7c2a0e-5a55-4c2e-9d6e-00000000000a", "0b7c2a0e-5a55-4c2e-9d6e-00000000000b", "0b7c2a0e-5a55-4c2e-9d6e-00000000000c"];
  for (const call_key of keys) await outbox.put({ decisionId: "d", call: { ...call, call_key } });
  const sends: string[] = [];
  const recorder = durableRecorder({
    send: (pending) => {
      sends.push(pending.call.call_key);
      return pending.call.call_key === keys[0]
        ? Promise.reject(new RouterHttpError(500, "baseline model has no price in force", { code: "internal_error" }))
        : Promise.resolve(stored);
    },
    outbox,
    clock: { now: () => 0, sleep: () => Promise.resolve() },
  });
  equal(await recorder.drain(), 2, "the two records behind the failing one are stored");
  deepStrictEqual(sends.toSorted(), keys.toSorted(), "each record was sent once");
  deepStrictEqual(outbox.size(), 1, "the failing record waits for the next drain");
});

Deno.test("durable recorder: the call path reads the outbox once at start, then only when a record waits or the rescan is due", async () => {
  let now = 0;
  let lists = 0;
  const store = outboxStore({ dir: null, onError: () => {} });
  const outbox = { ...store, list: () => (lists++, store.list()) };
  let failing = true;
  const recorder = durableRecorder({
    send: () => (failing ? Promise.reject(down()) : Promise.resolve(stored)),
    outbox,
    retry: { tries: 1, baseDelayMs: 1, budgetMs: 1 },
    rescanMs: 5_000,
    clock: { now: () => now, sleep: () => Promise.resolve() },
  });
  await recorder.drainIfDue();
  equal(lists, 1, "the first call reads what an earlier process left");
  failing = false;
  await (await recorder.keep(decided)).sent;
  await recorder.drainIfDue();
  equal(lists, 1, "a stored record leaves nothing to drain: no read on a healthy call");
  failing = true;
  await (await recorder.keep({ decisionId: "d", call: { ...call, call_key: "0b7c2a0e-5a55-4c2e-9d6e-000000000002" } })).sent;
  failing = false;
  equal(await recorder.drainIfDue(), 1, "a record left by its send is drained by the next call");
  equal(lists, 2);
  now += 5_000;
  await recorder.drainIfDue();
  equal(lists, 3, "the directory is read again once the rescan is due");
});
