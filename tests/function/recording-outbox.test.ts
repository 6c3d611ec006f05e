// Nothing lost (issue 11): a recording failure injected after the provider answered. The fault
// is real: public.record_completion is renamed away (every record fails with 42883, as with a
// broken or locked-out RPC) while the provider answers; the caller still gets its 200 (the record
// is written ahead into the outbox, memory and a log line in ROUTER_OUTBOX_DIR, before the answer, and
// sent after it), the background send gives up and leaves it there, and once the RPC is back the
// record appears exactly once, drained by the timer or, after a restart (a new function server
// process with the same directory), by the next call. A model the catalog has not priced yet
// (record_completion's 55000) is such a failure too: its records wait until the price lands.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { auditCounts, configuredModels, createUserWithAgent, e2e, outboxRecords, outboxSegments, post, type Sql, startStack, userToken, waitFor } from "./harness.ts";

const messages = [{ role: "user", content: "Record me once." }];

async function breakRecording(sql: Sql) {
  await sql`alter function public.record_completion(uuid, jsonb) rename to record_completion_off`;
}
async function restoreRecording(sql: Sql) {
  const [{ off }] = await sql`select to_regprocedure('public.record_completion_off(uuid, jsonb)') is not null as off`;
  if (off) await sql`alter function public.record_completion_off(uuid, jsonb) rename to record_completion`;
}

const callsOf = async (sql: Sql, decisionId: string) =>
  (await sql`select count(*)::int as n, min(call_key::text) as key from routing.calls where decision_id = ${decisionId}`)[0] as {
    n: number;
    key: string | null;
  };

/** The call keys waiting in the outbox's log. */
const waiting = (dir: string) => outboxRecords(dir).map((p) => p.call.call_key).sort();
const nothingWaits = (dir: string) => waitFor("the outbox emptied", () => Promise.resolve(waiting(dir)), (w) => w.length === 0);

/** The background send tried and gave up: the record waits in the outbox. */
const deferred = (logs: () => string) =>
  waitFor("the deferral in the log", () => Promise.resolve(logs().includes("record_completion_deferred")), (seen) => seen);

Deno.test("a record that fails after the provider answered: 200 now, recorded exactly once after the drain", e2e, async () => {
  const dir = await Deno.makeTempDir({ prefix: "router-outbox-" });
  const stack = await startStack({ ROUTER_OUTBOX_DIR: dir, ROUTER_OUTBOX_DRAIN_MS: "300" });
  try {
    const { userId, agentId } = await createUserWithAgent(stack.sql, { score: 5.2, executions: 30, successRate: 97 });
    const token = await userToken(stack, userId);
    await breakRecording(stack.sql);
    const res = await post(stack.endpoint, token, { agent_id: agentId, messages }, {}, { awaitRecord: false });
    equal(res.status, 200, JSON.stringify(res.body));
    const routing = res.body.routing as Record<string, unknown>;
    const decisionId = String(routing.decision_id);
    const [saved, ...more] = outboxRecords(dir);
    deepStrictEqual([saved?.call.call_key, more.length], [routing.call_key, 0], "one record in the outbox, under the key the answer names, written before the answer returned");
    equal(saved.decisionId, decisionId);
    const log = outboxSegments(dir).map((name) => Deno.readTextFileSync(`${dir}/${name}`)).join("");
    ok(!log.includes("test-openai-key") && !log.includes("test-anthropic-key"), "no secret in the outbox");
    await deferred(stack.logs);
    deepStrictEqual(await callsOf(stack.sql, decisionId), { n: 0, key: null });
    deepStrictEqual(waiting(dir), [routing.call_key], "the record still waits after the background send gave up");

    await restoreRecording(stack.sql);
    const after = await waitFor("the drained record", () => callsOf(stack.sql, decisionId), (c) => c.n > 0);
    deepStrictEqual(after, { n: 1, key: saved.call.call_key }, "stored once, under the call's key");
    await nothingWaits(dir);

    // Another call drains again (nothing left) and records itself (post waits for its record): the first is still there once.
    const again = await post(stack.endpoint, token, { agent_id: agentId, messages });
    equal(again.status, 200);
    await new Promise((r) => setTimeout(r, 700));
    deepStrictEqual((await callsOf(stack.sql, decisionId)).n, 1, "still exactly once after more drains");
  } finally {
    await restoreRecording(stack.sql);
    await stack.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a call on a model the catalog has not priced yet: 200 now, the record waits in the outbox and is stored once the price lands", e2e, async () => {
  const dir = await Deno.makeTempDir({ prefix: "router-outbox-" });
  const stack = await startStack({ ROUTER_OUTBOX_DIR: dir, ROUTER_OUTBOX_DRAIN_MS: "300" });
  const low = (await configuredModels(stack.sql)).low.model;
  // An operator added a model the provider serves, and routed to it, before its price.
  stack.sim.addModels({ provider: "openai", id: "gpt-unpriced-test", maxOutputTokens: 4096 });
  await stack.sql`insert into routing.models (model, provider, wire_id, description) values ('gpt-unpriced-test', 'openai', 'gpt-unpriced-test', 'test only')`;
  await stack.sql`update routing.config set low_model = 'gpt-unpriced-test'`;
  try {
    const { userId, agentId } = await createUserWithAgent(stack.sql, { score: 2.1, executions: 30, successRate: 99 });
    const res = await post(stack.endpoint, await userToken(stack, userId), { agent_id: agentId, messages }, {}, { awaitRecord: false });
    equal(res.status, 200, JSON.stringify(res.body));
    equal(res.body.model, "gpt-unpriced-test");
    const callKey = (res.body.routing as Record<string, unknown>).call_key;
    await deferred(stack.logs);
    deepStrictEqual(await auditCounts(stack.sql, agentId), { decisions: 1, calls: 0, attempts: 0 });
    deepStrictEqual(waiting(dir), [callKey], "the record waits in the outbox for the price");
    deepStrictEqual([...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".rejected")), [], "nothing set aside for good");

    await stack.sql`insert into routing.model_prices (model, effective_from, input_per_mtok, output_per_mtok, cached_input_per_mtok, cache_write_per_mtok)
                    values ('gpt-unpriced-test', now() - interval '1 second', 1, 4, 0.1, 1.25)`;
    const stored = await waitFor("the record stored after the price landed",
      async () => (await stack.sql`select c.call_key::text as key, c.cost_usd::float8 as cost from routing.calls c
                                   join routing.decisions d on d.id = c.decision_id where d.agent_id = ${agentId}`),
      (rows) => rows.length > 0);
    deepStrictEqual(stored.map((r) => r.key), [callKey], "stored once, under the call's key");
    ok(Number(stored[0].cost) > 0, "costed at the price that landed");
    await nothingWaits(dir);
  } finally {
    await stack.sql`update routing.config set low_model = ${low}`;
    await stack.sql`delete from routing.decisions where model = 'gpt-unpriced-test'`;
    await stack.sql`delete from routing.model_prices where model = 'gpt-unpriced-test'`;
    await stack.sql`delete from routing.models where model = 'gpt-unpriced-test'`;
    await stack.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a restart (a new function server process) drains the outbox file the last one left", e2e, async () => {
  const dir = await Deno.makeTempDir({ prefix: "router-outbox-" });
  // A long timer: only the next call's drain can store the record.
  const env = { ROUTER_OUTBOX_DIR: dir, ROUTER_OUTBOX_DRAIN_MS: "600000" };
  const first = await startStack(env);
  let decisionId = "";
  let callKey = "";
  const { userId, agentId } = await createUserWithAgent(first.sql, { score: 5.2, executions: 30, successRate: 97 });
  try {
    await breakRecording(first.sql);
    const res = await post(first.endpoint, await userToken(first, userId), { agent_id: agentId, messages }, {}, { awaitRecord: false });
    equal(res.status, 200, JSON.stringify(res.body));
    decisionId = String((res.body.routing as Record<string, unknown>).decision_id);
    await deferred(first.logs);
    const pending = outboxRecords(dir);
    equal(pending.length, 1);
    callKey = pending[0].call.call_key;
  } finally {
    await restoreRecording(first.sql);
    await first.close();
  }

  const left = outboxSegments(dir);
  const second = await startStack(env);
  try {
    deepStrictEqual(await callsOf(second.sql, decisionId), { n: 0, key: null }, "the first process died with the record unsent");
    const res = await post(second.endpoint, await userToken(second, userId), { agent_id: agentId, messages });
    equal(res.status, 200, JSON.stringify(res.body));
    const drained = await waitFor("the drained record", () => callsOf(second.sql, decisionId), (c) => c.n > 0);
    deepStrictEqual(drained, { n: 1, key: callKey }, "the new process stored the old record once, under its key");
    await nothingWaits(dir);
    await waitFor("the old process's log deleted", () => Promise.resolve(outboxSegments(dir)), (s) => s.every((name) => !left.includes(name)));
  } finally {
    await second.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a crash between the answer and its record loses nothing: the answer did not wait, the next process stores it once", e2e, async () => {
  const dir = await Deno.makeTempDir({ prefix: "router-outbox-" });
  const env = { ROUTER_OUTBOX_DIR: dir, ROUTER_OUTBOX_DRAIN_MS: "600000" };
  const first = await startStack(env);
  const { userId, agentId } = await createUserWithAgent(first.sql, { score: 5.2, executions: 30, successRate: 97 });
  // A lock no insert into routing.calls gets past (reads still do): the record cannot be stored while it is held.
  let release = () => {};
  let locked = () => {};
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const held = first.sql.begin(async (tx) => {
    await tx`lock table routing.calls in share mode`;
    locked();
    await new Promise<void>((resolve) => (release = resolve));
  });
  let callKey = "";
  let decisionId = "";
  try {
    await isLocked;
    const res = await post(first.endpoint, await userToken(first, userId), { agent_id: agentId, messages }, {}, { awaitRecord: false });
    equal(res.status, 200, "answered although its record cannot be stored yet");
    const routing = res.body.routing as Record<string, unknown>;
    callKey = String(routing.call_key);
    decisionId = String(routing.decision_id);
    deepStrictEqual(waiting(dir), [callKey], "the record was written ahead of the answer");
    deepStrictEqual(await callsOf(first.sql, decisionId), { n: 0, key: null }, "and is not stored yet");
  } finally {
    // Killed mid-send (the signal leaves at once): no shutdown, no drain. Its session ends with the stack, once the lock is released.
    const crashed = first.crash();
    release();
    await held;
    await crashed;
  }

  const second = await startStack(env);
  try {
    // The first process's send may still complete in its orphaned session; the file is sent again: stored once either way.
    const res = await post(second.endpoint, await userToken(second, userId), { agent_id: agentId, messages });
    equal(res.status, 200, JSON.stringify(res.body));
    const stored = await waitFor("the record the crash left", () => callsOf(second.sql, decisionId), (c) => c.n > 0);
    await nothingWaits(dir);
    deepStrictEqual(stored, { n: 1, key: callKey });
    deepStrictEqual(await callsOf(second.sql, decisionId), { n: 1, key: callKey }, "exactly once");
  } finally {
    await second.close();
    await Deno.remove(dir, { recursive: true });
  }
});
