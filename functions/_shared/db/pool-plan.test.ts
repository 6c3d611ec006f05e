// The pool's connection plan: what decides prepared statements and the pool size (pool-plan.ts).
import assert from "node:assert/strict";
import { readDbPoolMode } from "../config/settings.ts";
import { parsePoolMode, POOLED_MAX, poolPlan } from "./pool-plan.ts";

const env = (values: Record<string, string>) => ({ get: (name: string) => values[name] });
const HOSTED_TRANSACTION = "postgresql://postgres.abcdefghijklmnop:p%40ss@aws-0-eu-central-1.pooler.supabase.com:6543/postgres";
const HOSTED_SESSION = "postgresql://postgres.abcdefghijklmnop:secret@aws-0-eu-central-1.pooler.supabase.com:5432/postgres";
const HOSTED_DIRECT = "postgresql://postgres:secret@db.abcdefghijklmnop.supabase.co:5432/postgres";
const LOCAL = "postgresql://postgres:postgres@127.0.0.1:54322/postgres";

Deno.test("Supavisor's transaction port: no prepared statements and a small pool", () => {
  assert.deepEqual(poolPlan(HOSTED_TRANSACTION, "auto", 4), { mode: "transaction", prepare: false, max: POOLED_MAX, because: "port 6543" });
});

Deno.test("Any port of a pooler.supabase.com host goes through the pooler: no prepared statements", () => {
  const plan = poolPlan(HOSTED_SESSION, "auto", 4);
  assert.equal(plan.prepare, false);
  assert.equal(plan.max, POOLED_MAX);
  assert.equal(plan.because, "a pooler.supabase.com host");
});

Deno.test("A direct connection, hosted or local, prepares statements and keeps the function's pool size", () => {
  for (const url of [HOSTED_DIRECT, LOCAL]) {
    assert.deepEqual(poolPlan(url, "auto", 4), { mode: "direct", prepare: true, max: 4, because: "a direct connection" });
  }
});

Deno.test("ROUTER_DB_POOL_MODE overrides what the URL says, both ways", () => {
  assert.deepEqual(poolPlan(LOCAL, "transaction", 4), { mode: "transaction", prepare: false, max: POOLED_MAX, because: "ROUTER_DB_POOL_MODE=transaction" });
  assert.deepEqual(poolPlan(HOSTED_TRANSACTION, "direct", 3), { mode: "direct", prepare: true, max: 3, because: "ROUTER_DB_POOL_MODE=direct" });
});

Deno.test("A pool smaller than the pooled size stays as small", () => {
  assert.equal(poolPlan(HOSTED_TRANSACTION, "auto", 1).max, 1);
});

Deno.test("A URL that does not parse is taken as direct, without throwing", () => {
  assert.equal(poolPlan("not a url", "auto", 4).mode, "direct");
});

Deno.test("The setting reads transaction, direct and auto in any case; unset is auto; anything else is transaction", () => {
  assert.equal(parsePoolMode(" Transaction "), "transaction");
  assert.equal(parsePoolMode("DIRECT"), "direct");
  assert.equal(parsePoolMode(undefined), "auto");
  assert.equal(parsePoolMode("session"), null);
  assert.equal(readDbPoolMode(env({})), "auto");
  assert.equal(readDbPoolMode(env({ ROUTER_DB_POOL_MODE: "direct" })), "direct");
  assert.equal(readDbPoolMode(env({ ROUTER_DB_POOL_MODE: "bouncer" })), "transaction");
});
