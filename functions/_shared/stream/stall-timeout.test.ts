import assert from "node:assert/strict";
import { type StallStep, withStallTimeout } from "./stall-timeout.ts";
import { stallFailure } from "./stream-failure.ts";

/** A source that yields each value after its delay, then ends (or hangs, like a stalled connection). */
function source(delays: number[], { hangAtEnd = false, throwAtEnd = false } = {}) {
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let release: (() => void) | null = null;
  const iterable: AsyncIterable<number> = {
    [Symbol.asyncIterator]() {
      let i = 0;
      return {
        next: () =>
          new Promise<IteratorResult<number>>((resolve, reject) => {
            if (i >= delays.length) {
              if (throwAtEnd) return reject(new Error("connection dropped"));
              if (!hangAtEnd) return resolve({ done: true, value: undefined });
              release = () => reject(new Error("aborted"));
              return;
            }
            const value = i++;
            const timer = setTimeout(() => {
              timers.delete(timer);
              resolve({ done: false, value });
            }, delays[value]);
            timers.add(timer);
          }),
      };
    },
  };
  // What the SDK's controller.abort() does to a pending read.
  const abort = () => {
    aborts++;
    for (const t of timers) clearTimeout(t);
    release?.();
  };
  let aborts = 0;
  return { iterable, abort, aborts: () => aborts };
}

async function collect<T>(steps: AsyncIterable<StallStep<T>>, stopAfter = Infinity): Promise<StallStep<T>[]> {
  const out: StallStep<T>[] = [];
  for await (const step of steps) {
    out.push(step);
    if (out.length >= stopAfter) break;
  }
  return out;
}

Deno.test("stall timeout: events within stallMs of each other pass; a long stream is not cut; no abort", async () => {
  const s = source([30, 30, 30, 30, 30]);
  const steps = await collect(withStallTimeout({ source: s.iterable, stallMs: 80, abortUpstream: s.abort }));
  assert.deepStrictEqual(steps, [0, 1, 2, 3, 4].map((event) => ({ kind: "event", event })));
  assert.equal(s.aborts(), 0);
});

Deno.test("stall timeout: silence for stallMs ends with a timeout failure and aborts upstream", async () => {
  const s = source([5, 5], { hangAtEnd: true });
  const started = Date.now();
  const steps = await collect(withStallTimeout({ source: s.iterable, stallMs: 60, abortUpstream: s.abort }));
  assert.deepStrictEqual(steps, [{ kind: "event", event: 0 }, { kind: "event", event: 1 }, { kind: "stalled", failure: stallFailure({ stallMs: 60 }) }]);
  assert.ok(Date.now() - started >= 60);
  assert.equal(s.aborts(), 1);
});

Deno.test("stall timeout: no first event within stallMs is a stall too", async () => {
  const s = source([200]);
  const steps = await collect(withStallTimeout({ source: s.iterable, stallMs: 30, abortUpstream: s.abort }));
  assert.deepStrictEqual(steps, [{ kind: "stalled", failure: stallFailure({ stallMs: 30 }) }]);
  assert.equal(s.aborts(), 1);
});

Deno.test("stall timeout: the caller's signal ends it at once and aborts upstream", async () => {
  const s = source([5, 500]);
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 40);
  const started = Date.now();
  const steps = await collect(withStallTimeout({ source: s.iterable, stallMs: 1000, signal: controller.signal, abortUpstream: s.abort }));
  assert.deepStrictEqual(steps, [{ kind: "event", event: 0 }, { kind: "aborted" }]);
  assert.ok(Date.now() - started < 400);
  assert.equal(s.aborts(), 1);
});

Deno.test("stall timeout: an already aborted signal yields aborted before reading", async () => {
  const s = source([5]);
  const steps = await collect(withStallTimeout({ source: s.iterable, stallMs: 100, signal: AbortSignal.abort(), abortUpstream: s.abort }));
  assert.deepStrictEqual(steps, [{ kind: "aborted" }]);
  assert.equal(s.aborts(), 1);
});

Deno.test("stall timeout: a consumer that stops early aborts upstream", async () => {
  const s = source([5, 5, 5]);
  const steps = await collect(withStallTimeout({ source: s.iterable, stallMs: 100, abortUpstream: s.abort }), 1);
  assert.deepStrictEqual(steps, [{ kind: "event", event: 0 }]);
  assert.equal(s.aborts(), 1);
});

Deno.test("stall timeout: an error of the source passes through, upstream aborted", async () => {
  const s = source([5], { throwAtEnd: true });
  await assert.rejects(collect(withStallTimeout({ source: s.iterable, stallMs: 100, abortUpstream: s.abort })), /connection dropped/);
  assert.equal(s.aborts(), 1);
});
