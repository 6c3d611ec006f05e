// The verified-token memo: bounded in entries, never good past the token's exp or its max age.
import { deepStrictEqual } from "node:assert/strict";
import { verifiedTokens } from "./verified-tokens.ts";

Deno.test("a kept token is returned until its exp, then forgotten", () => {
  const memo = verifiedTokens<string>({ maxEntries: 10, maxAgeSeconds: 300 });
  memo.set("t1", "claims", 1_100, 1_000);
  deepStrictEqual([memo.get("t1", 1_000), memo.get("t1", 1_099)], ["claims", "claims"]);
  deepStrictEqual(memo.get("t1", 1_100), undefined);
  deepStrictEqual(memo.size(), 0);
});

Deno.test("a long-lived token is kept no longer than the max age", () => {
  const memo = verifiedTokens<string>({ maxEntries: 10, maxAgeSeconds: 60 });
  memo.set("t1", "claims", 1_000_000, 1_000);
  deepStrictEqual([memo.get("t1", 1_059), memo.get("t1", 1_060)], ["claims", undefined]);
});

Deno.test("a token already past its exp is not kept", () => {
  const memo = verifiedTokens<string>({ maxEntries: 10, maxAgeSeconds: 60 });
  memo.set("t1", "claims", 1_000, 1_000);
  deepStrictEqual([memo.get("t1", 1_000), memo.size()], [undefined, 0]);
});

Deno.test("past maxEntries the oldest token goes: 10,000 callers keep at most maxEntries", () => {
  const memo = verifiedTokens<number>({ maxEntries: 100, maxAgeSeconds: 60 });
  for (let i = 0; i < 10_000; i++) memo.set(`t${i}`, i, 2_000, 1_000);
  deepStrictEqual(memo.size(), 100);
  deepStrictEqual([memo.get("t9899", 1_000), memo.get("t9900", 1_000), memo.get("t9999", 1_000)], [undefined, 9_900, 9_999]);
});

Deno.test("setting a kept token again refreshes it instead of growing", () => {
  const memo = verifiedTokens<number>({ maxEntries: 2, maxAgeSeconds: 60 });
  memo.set("a", 1, 2_000, 1_000);
  memo.set("b", 2, 2_000, 1_000);
  memo.set("a", 3, 2_000, 1_000);
  memo.set("c", 4, 2_000, 1_000);
  deepStrictEqual([memo.get("a", 1_000), memo.get("b", 1_000), memo.get("c", 1_000), memo.size()], [3, undefined, 4, 2]);
});
