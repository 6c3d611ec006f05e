import { deepStrictEqual, ok, rejects } from "node:assert/strict";
import type { CallRecord, RecordedCall } from "../db/router-db.ts";
import { RouterHttpError } from "../http/openai-error.ts";
import { durableRecorder, RecordDeferred } from "./durable-recorder.ts";
import { outboxStore } from "./outbox-store.ts";

const KEY = "0b7c2a0e-5a55-4c2e-9d6e-000000000001";
const call: CallRecord = Object.freeze({
  call_key: KEY, status: "succeeded", model: "m", provider: "openai", fallback_used: false, latency_ms: 5,
  attempts: [{ model: "m", provider: "openai", status: 200, error_type: null, latency_ms: 5, input_tokens: 1, output_tokens: 1, cached_tokens: 0, cache_write_tokens: 0 }],
  warnings: [],
}) as CallRecord;
const stored: RecordedCall = { call_id: "c", cost_usd: "0", baseline_cost_usd: "0", attempts: 1, breakers: {} };
const down = () => new RouterHttpError(503, "The routing database is unreachable.", { code: "database_unavailable" });

/** A database that fails its first `failures` sends (with `error`), then stores. */
function setup({ failures, error = down, dir = null }: { failures: number; error?: () => Error; dir?: string | null }) {
  const sends: string[] = [];
  const sleeps: number[] = [];
  let now = 0;
  const outbox = outboxStore({ dir, onError: () => {} });
  const recorder = durableRecorder({
    send: (_decision, c) => {
      sends.push(c.call_key);
      return sends.length <= failures ? Promise.reject(error()) : Promise.resolve(stored);
    },
    outbox,
    retry: { tries: 3, baseDelayMs: 100, budgetMs: 1000 },
    clock: { now: () => now, sleep: (ms) => { sleeps.push(ms); now += ms; return Promise.resolve(); } },
  });
  return { recorder, outbox, sends, sleeps };
}

const rows: Array<{ name: string; failures: number; error?: () => Error; stored: boolean; sends: number; sleeps: number[]; waiting: number }> = [
  { name: "stored at once", failures: 0, stored: true, sends: 1, sleeps: [], waiting: 0 },
  { name: "stored on the third try, after 100 and 200 ms", failures: 2, stored: true, sends: 3, sleeps: [100, 200], waiting: 0 },
  { name: "still down after three tries: kept in the outbox", failures: 3, stored: false, sends: 3, sleeps: [100, 200], waiting: 1 },
  {
    name: "refused for good (400): not retried, not kept",
    failures: 1, error: () => new RouterHttpError(400, "bad", { code: "invalid_value" }), stored: false, sends: 1, sleeps: [], waiting: 0,
  },
];

for (const row of rows) {
  Deno.test(`durable recorder: ${row.name}`, async () => {
    const s = setup({ failures: row.failures, error: row.error });
    const outcome = await s.recorder.record("d", call).then((r) => r === stored, (e) => (ok(e instanceof RecordDeferred), false));
    deepStrictEqual(
      { stored: outcome, sends: s.sends.length, sleeps: s.sleeps, waiting: s.outbox.size() },
      { stored: row.stored, sends: row.sends, sleeps: row.sleeps, waiting: row.waiting },
    );
    deepStrictEqual(call.call_key, KEY, "the record is not mutated");
  });
}

Deno.test("durable recorder: the outbox file outlives the process; a new recorder drains it once", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const first = setup({ failures: 3, dir });
    await rejects(first.recorder.record("d", call), RecordDeferred);
    deepStrictEqual([...Deno.readDirSync(dir)].map((e) => e.name), [`${KEY}.json`]);
    deepStrictEqual(JSON.parse(Deno.readTextFileSync(`${dir}/${KEY}.json`)), { decisionId: "d", call });

    // A new process: nothing in memory, the file on disk.
    const second = setup({ failures: 0, dir });
    deepStrictEqual(await second.recorder.drain(), 1);
    deepStrictEqual({ sends: second.sends, files: [...Deno.readDirSync(dir)].length }, { sends: [KEY], files: 0 });
    deepStrictEqual(await second.recorder.drain(), 0, "a second drain has nothing left to send");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("durable recorder: a drain while the database is still down keeps the record for the next one", async () => {
  const s = setup({ failures: 4 });
  await rejects(s.recorder.record("d", call), RecordDeferred);
  deepStrictEqual(await s.recorder.drain(), 0);
  deepStrictEqual(s.outbox.size(), 1);
  deepStrictEqual(await s.recorder.drain(), 1);
  deepStrictEqual(s.outbox.size(), 0);
});
