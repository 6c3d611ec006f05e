import { deepStrictEqual } from "node:assert/strict";
import { readSettings } from "../_shared/config/settings.ts";
import { liveDeps } from "./live-deps.ts";

const settings = readSettings({ get: () => undefined });

Deno.test("keepAlive hands the work to EdgeRuntime.waitUntil where Supabase's runtime provides it", async () => {
  const handed: Promise<unknown>[] = [];
  const global = globalThis as { EdgeRuntime?: unknown };
  global.EdgeRuntime = { waitUntil: (work: Promise<unknown>) => handed.push(work) };
  try {
    liveDeps(settings).keepAlive(Promise.resolve("recorded"));
    deepStrictEqual(handed.length, 1);
    // A failed record is logged, never an unhandled rejection that would kill the isolate.
    liveDeps(settings).keepAlive(Promise.reject(new Error("database down")));
    await Promise.all(handed);
  } finally {
    delete global.EdgeRuntime;
  }
});

Deno.test("the stall setting: ROUTER_STREAM_STALL_MS, 30 s by default", () => {
  deepStrictEqual(
    [settings.streamStallMs, readSettings({ get: (name) => (name === "ROUTER_STREAM_STALL_MS" ? "1500" : undefined) }).streamStallMs],
    [30_000, 1_500],
  );
});
