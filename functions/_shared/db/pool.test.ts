import { deepStrictEqual } from "node:assert/strict";
import { reconnectBackoff } from "./pool.ts";

Deno.test("reconnect backoff: 50 ms doubling, never above 1 s however many failures an outage brought", () => {
  deepStrictEqual([1, 2, 3, 4, 5, 6, 50].map(reconnectBackoff), [0.05, 0.1, 0.2, 0.4, 0.8, 1, 1]);
});
