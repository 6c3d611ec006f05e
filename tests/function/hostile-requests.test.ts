// Issue 11 item 7: at least 1,000 generated hostile requests through the real function over HTTP
// (the local function server, the real Postgres, the provider simulator). Each must be answered
// with a 4xx in OpenAI's error shape, none with a 5xx; no provider is called, and no table of any
// non-system schema (auth, public, routing, ...) gains or loses a row. Generation is seeded, so a failure names a
// case that can be replayed (its index and kind are in the assertion message).
import assert from "node:assert/strict";
import { SignJWT } from "jose";
import { prng } from "../simulator/prng.ts";
import { createUserWithAgent, e2e, nonSystemTables, type Sql, startStack, userToken } from "./harness.ts";

interface Hostile {
  kind: string;
  /** A JSON value to send, or raw text (malformed JSON), or a stream of chunks without Content-Length. */
  body: unknown;
  raw?: boolean;
  chunked?: { chunk: string; count: number };
  /** "user" (a valid user token), "none", or a literal Authorization header value. */
  auth: "user" | "none" | { header: string };
  headers?: Record<string, string>;
  path?: string;
}

const SQL_INJECTION = [
  "'; drop table routing.decisions; --",
  "1' or '1'='1",
  "\" or 1=1 --",
  "'); delete from public.agents where ('a'='a",
  "00000000-0000-0000-0000-000000000000' union select * from auth.users --",
  "$$; truncate routing.calls; $$",
  "%27%20or%201%3D1",
  "\\x27; select pg_sleep(10); --",
];
const HEADER_INJECTION = [
  "abc\r\nx-injected: 1",
  "abc\nset-cookie: a=b",
  "\u0000null-byte",
  "a".repeat(5000),
  "😀-emoji-id",
  "../../etc/passwd",
  "${jndi:ldap://x}",
  "<script>alert(1)</script>",
];
const WRONG_TYPES: unknown[] = ["text", 42, 1.5, true, null, [], {}, [1, "a"], { a: 1 }, -1];
const ROLES_UNKNOWN = ["wizard", "SYSTEM", "User", "admin", "", "root", "model", "bot", "tool_result", "human"];

/** Every hostile request, generated from one seed. */
function generate({ agentId, anonKey, forged, seed }: { agentId: string; anonKey: string; forged: string[]; seed: number }): Hostile[] {
  const rand = prng(seed);
  const pick = <T>(items: ReadonlyArray<T>): T => items[Math.floor(rand() * items.length)];
  const int = (min: number, max: number) => min + Math.floor(rand() * (max - min + 1));
  const word = (n = int(3, 12)) => Array.from({ length: n }, () => "abcdefghijklmnopqrstuvwxyz_"[int(0, 26)]).join("");
  const hi = [{ role: "user", content: "hi" }];
  const base = () => ({ agent_id: agentId, messages: hi });
  const cases: Hostile[] = [];
  const add = (kind: string, body: unknown, extra: Partial<Hostile> = {}) => cases.push({ kind, body, auth: "user", ...extra });

  // 1. Malformed JSON: truncations and corruptions of a valid body, and plain garbage.
  const valid = JSON.stringify({ ...base(), temperature: 0.5, tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }] });
  for (let i = 0; i < 80; i++) add("malformed json: truncated", valid.slice(0, int(0, valid.length - 1)), { raw: true });
  // Corruptions that still parse (a letter changed inside a string) are not malformed: skipped.
  for (let made = 0; made < 40;) {
    const at = int(0, valid.length - 1);
    const text = valid.slice(0, at) + pick(["{", "}", "\"", ",", ":", "\\", "]", "\u0000"]) + valid.slice(at + 1);
    if (parses(text)) continue;
    add("malformed json: corrupted", text, { raw: true });
    made++;
  }
  for (let i = 0; i < 20; i++) add("malformed json: garbage", Array.from({ length: int(1, 200) }, () => String.fromCharCode(int(1, 0x2fff))).join(""), { raw: true });
  for (const body of ["[]", "null", "42", "\"a string\"", "true", "[{\"messages\":[]}]"]) add("json that is not an object", body, { raw: true });

  // 2. Wrong types for every field.
  const typed: Record<string, (v: unknown) => boolean> = {
    messages: (v) => !Array.isArray(v) || true,
    temperature: (v) => typeof v !== "number",
    top_p: (v) => typeof v !== "number",
    presence_penalty: (v) => typeof v !== "number",
    frequency_penalty: (v) => typeof v !== "number",
    max_tokens: (v) => !Number.isInteger(v),
    max_completion_tokens: (v) => !Number.isInteger(v),
    n: (v) => !Number.isInteger(v),
    seed: (v) => !Number.isInteger(v),
    top_logprobs: (v) => !Number.isInteger(v),
    logprobs: (v) => typeof v !== "boolean",
    stream: (v) => typeof v !== "boolean",
    store: (v) => typeof v !== "boolean",
    parallel_tool_calls: (v) => typeof v !== "boolean",
    stop: (v) => typeof v !== "string" && !(Array.isArray(v) && v.every((s) => typeof s === "string")),
    user: (v) => typeof v !== "string",
    tools: (v) => !Array.isArray(v) || v.length > 0,
    tool_choice: (v) => typeof v !== "string" || true,
    response_format: () => true,
    metadata: (v) => typeof v !== "object" || Array.isArray(v) || (v !== null && Object.values(v).some((x) => typeof x !== "string")),
    logit_bias: (v) => typeof v !== "object" || Array.isArray(v) || (v !== null && Object.keys(v).length > 0),
    service_tier: () => true,
    reasoning_effort: () => true,
    stream_options: (v) => typeof v !== "object" || Array.isArray(v),
    model: (v) => typeof v !== "string",
  };
  for (const [field, isWrong] of Object.entries(typed)) {
    for (const value of WRONG_TYPES) {
      // null is "not given" for most optional fields in OpenAI's API: only sent where it is wrong.
      if (value === null && !["messages"].includes(field)) continue;
      if (!isWrong(value)) continue;
      add(`wrong type: ${field}`, { ...base(), [field]: value });
    }
  }

  // 3. Out-of-range values.
  const ranges: Array<[string, () => unknown]> = [
    ["temperature", () => pick([2.0001, 5, 100, -0.1, -5, 1e9])],
    ["top_p", () => pick([1.01, 2, -0.01, -1])],
    ["presence_penalty", () => pick([2.5, -2.5, 10, -100])],
    ["frequency_penalty", () => pick([2.01, -2.01, 50])],
    ["n", () => pick([0, 2, 3, 10, -1])],
    ["max_tokens", () => pick([0, -1, -1000, 0.5])],
    ["max_completion_tokens", () => pick([0, -5, 1.25])],
    ["top_logprobs", () => pick([21, 100, -1])],
    ["stop", () => Array.from({ length: int(5, 40) }, () => word())],
    ["tool_choice", () => pick(["garbage", "any", "force", "NONE", "", { type: "function" }, { type: "bogus" }, { type: "function", function: { name: 5 } }])],
    ["service_tier", () => pick(["premium", "fast", "", "AUTO"])],
    ["reasoning_effort", () => pick(["extreme", "maximum", "", "HIGH", "ultra"])],
    ["response_format", () => pick([{ type: "xml" }, { type: "yaml" }, {}, { type: "json_schema" }, { type: "json_schema", json_schema: { name: "bad name!" } }])],
    ["metadata", () => Object.fromEntries(Array.from({ length: int(17, 40) }, (_, i) => [`k${i}`, "v"]))],
    ["metadata", () => ({ [word(65 + int(0, 20))]: "v" })],
    ["metadata", () => ({ k: "v".repeat(513 + int(0, 100)) })],
    ["logit_bias", () => ({ "50256": pick([101, -101, 1000]) })],
    ["logit_bias", () => ({ [word()]: 1 })],
    ["modalities", () => [pick(["video", "image", "smell"])]],
  ];
  for (let i = 0; i < 160; i++) {
    const [field, value] = ranges[i % ranges.length];
    add(`out of range: ${field}`, { ...base(), [field]: value() });
  }

  // 4. Unknown top-level parameters.
  for (let i = 0; i < 60; i++) add("unknown parameter", { ...base(), [`${word()}_${i}`]: pick(WRONG_TYPES.filter((v) => v !== null)) });
  for (const name of ["__proto__x", "constructor", "functions_v2", "temperatur", "maxTokens", "Model", "prompt", "suffix", "best_of", "echo"]) {
    add("unknown parameter (near miss)", { ...base(), [name]: 1 });
  }

  // 5. Unknown roles and bad message shapes.
  for (const role of ROLES_UNKNOWN) for (let i = 0; i < 4; i++) add("unknown role", { ...base(), messages: [...hi.slice(0, i % 2), { role, content: "x" }] });
  const badMessages: unknown[] = [
    [{ content: "no role" }], [{ role: "user" }], [{ role: "user", content: 5 }], [{ role: "user", content: [] }],
    [{ role: "user", content: [{ type: "bogus", text: "x" }] }], [{ role: "user", content: [{ type: "text" }] }],
    [{ role: "user", content: [{ type: "image_url" }] }], [{ role: "user", content: [{ type: "image_url", image_url: { url: 5 } }] }],
    [{ role: "user", content: [{ type: "image_url", image_url: { url: "https://x/y.png", detail: "ultra" } }] }],
    [{ role: "user", content: [{ type: "input_audio", input_audio: { data: "", format: "ogg" } }] }],
    [{ role: "tool", content: "r" }], [{ role: "function", content: "r" }], [{ role: "system", content: [{ type: "image_url", image_url: { url: "https://x" } }] }],
    [...hi, { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "f" } }] }],
    [...hi, { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }] }],
    [...hi, { role: "tool", tool_call_id: "nobody", content: "r" }],
    [...hi, { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "not json" } }] }, { role: "tool", tool_call_id: "c1", content: "r" }],
    [...hi, { role: "assistant", content: 7 }], ["just a string"], [null], [42], [[hi]],
  ];
  for (let i = 0; i < 66; i++) add("bad message", { ...base(), messages: badMessages[i % badMessages.length] });

  // 6. Invalid tools and schemas.
  const fn = (name: unknown, extra: Record<string, unknown> = {}) => ({ type: "function", function: { name, ...extra } });
  const badTools: Array<() => unknown> = [
    () => [fn(`${word()} ${word()}`)], () => [fn("x".repeat(65))], () => [fn("")], () => [fn(5)], () => [fn("a.b")], () => [fn("naïve")],
    () => [fn("f"), fn("f")], () => [{ type: "retrieval" }], () => [{ type: "function" }], () => [{ function: { name: "f" } }],
    () => [fn("f", { parameters: "not an object" })], () => [fn("f", { parameters: [] })], () => [fn("f", { parameters: 5 })],
    () => [fn("f", { strict: "yes" })], () => [fn("f", { description: 5 })],
    () => Array.from({ length: int(129, 400) }, (_, i) => fn(`t${i}`)),
    () => Array.from({ length: 200 }, () => fn("same")),
  ];
  for (let i = 0; i < 85; i++) add("invalid tools", { ...base(), tools: badTools[i % badTools.length]() });
  for (let i = 0; i < 10; i++) add("tool_choice naming no tool", { ...base(), tools: [fn("f")], tool_choice: { type: "function", function: { name: word() } } });

  // 7. Huge arrays, deep nesting, oversized bodies.
  for (const count of [2049, 3000, 5000, 20000]) add("huge messages array", { ...base(), messages: Array.from({ length: count }, () => hi[0]) });
  for (const count of [1000, 5000, 22000]) add("huge tools array", { ...base(), tools: Array.from({ length: count }, (_, i) => fn(`t${i}`)) });
  // Built as text: a value this deep cannot go through JSON.stringify (nor, unbounded, through the function).
  const nested = (depth: number) => `${'{"p":['.repeat(depth)}{}${"]}".repeat(depth)}`;
  const prefix = `{"agent_id":${JSON.stringify(agentId)},"messages":${JSON.stringify(hi)}`;
  for (const depth of [33, 50, 500, 5000, 50000]) {
    add("deeply nested schema", `${prefix},"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"x":${nested(depth)}}}}}]}`, { raw: true });
    add("deeply nested content", `{"agent_id":${JSON.stringify(agentId)},"messages":[{"role":"user","content":[{"type":"text","text":"x","extra":${nested(depth)}}]}]}`, { raw: true });
    add("deeply nested unknown field", `${prefix},"metadata":${nested(depth)}}`, { raw: true });
  }
  for (let i = 0; i < 6; i++) add("oversized body", { ...base(), messages: [{ role: "user", content: "x".repeat(1_100_000 + i * 100_000) }] });
  for (let i = 0; i < 4; i++) add("oversized chunked body without content-length", null, { chunked: { chunk: "x".repeat(64 * 1024), count: 20 + i * 20 } });

  // 8. SQL and header injection in the ids.
  for (const s of SQL_INJECTION) {
    add("sql injection: agent_id", { ...base(), agent_id: s });
    add("sql injection: metadata.agent_id", { messages: hi, metadata: { agent_id: s } });
    add("sql injection: x-agent-id", { messages: hi }, { headers: { "x-agent-id": s } });
    add("sql injection: execution_id with a bad temperature", { ...base(), execution_id: s, temperature: 9 });
    add("sql injection: execution_id too long", { ...base(), execution_id: s.repeat(40) });
    add("sql injection: model", { ...base(), model: { $ne: s } });
    add("sql injection: unknown parameter", { ...base(), [s]: 1 });
  }
  for (const s of HEADER_INJECTION) {
    add("header injection: agent_id", { ...base(), agent_id: s });
    add("header injection: execution_id blank or too long", { ...base(), execution_id: s.length > 200 ? s : `   ${" ".repeat(200)}${s}` });
    add("header injection: as a role", { ...base(), messages: [{ role: s, content: "x" }] });
    // As real headers, where fetch can send them at all (no CR, LF, NUL or non-Latin-1 characters).
    if (/^[\x20-\x7e]*$/.test(s)) {
      add("header injection: x-agent-id header", { messages: hi }, { headers: { "x-agent-id": s } });
      add("header injection: x-execution-id header with a bad top_p", { ...base(), top_p: 3 }, { headers: { "x-execution-id": s } });
    }
    add("header injection: metadata.execution_id number", { ...base(), metadata: { execution_id: 5, note: s } });
  }
  for (let i = 0; i < 20; i++) add("agent_id not a uuid", { ...base(), agent_id: pick([word(), String(int(0, 1e6)), `${crypto.randomUUID?.name}`, "", 5, true, [], {}]) });
  add("no agent_id anywhere", { messages: hi });

  // 9. Forged, expired, wrong-audience, alg-none JWTs, the anon key, garbage headers: a VALID body,
  //    so only the credentials stand between it and a routed call.
  const goodBody = { ...base(), temperature: 0.2 };
  for (let i = 0; i < 6; i++) for (const token of forged) cases.push({ kind: "bad credentials: forged token", body: goodBody, auth: { header: `Bearer ${token}` } });
  for (let i = 0; i < 20; i++) cases.push({ kind: "bad credentials: the anon key", body: goodBody, auth: { header: `Bearer ${anonKey}` }, path: pick(["", "/v1/chat/completions", "/chat/completions"]) });
  const garbage = ["", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer a.b.c", "Bearer ....", `Bearer ${"x".repeat(5000)}`, "Bearer eyJhbGciOiJub25lIn0", "Token abc", "bearer null"];
  for (let i = 0; i < 30; i++) cases.push({ kind: "bad credentials: garbage header", body: goodBody, auth: { header: garbage[i % garbage.length] } });
  for (let i = 0; i < 10; i++) cases.push({ kind: "bad credentials: none", body: goodBody, auth: "none" });

  // The OpenAI-compatible path takes the same checks.
  return cases.map((c, i) => c.path === undefined && i % 3 === 0 ? { ...c, path: "/v1/chat/completions" } : c);
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const b64 = (value: unknown) => btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
const now = () => Math.floor(Date.now() / 1000);

/** Tokens that must all be refused: each claims the user, none is valid. */
async function forgedTokens(userId: string, secret: string, issuer: string): Promise<string[]> {
  const claims = { sub: userId, role: "authenticated", aud: "authenticated", iss: issuer, session_id: crypto.randomUUID(), is_anonymous: false };
  const hs = (c: Record<string, unknown>, key = secret, alg = "HS256") =>
    new SignJWT(c).setProtectedHeader({ alg, typ: "JWT" }).sign(new TextEncoder().encode(key));
  const valid = await hs({ ...claims, iat: now(), exp: now() + 600 });
  const [h, p] = valid.split(".");
  return [
    await hs({ ...claims, iat: now(), exp: now() + 600 }, "another-secret-that-is-at-least-32-characters"), // forged signature
    await hs({ ...claims, iat: now() - 7200, exp: now() - 3600 }), // expired
    await hs({ ...claims, aud: "anon", iat: now(), exp: now() + 600 }), // wrong audience
    await hs({ ...claims, aud: "somebody-else", iat: now(), exp: now() + 600 }),
    await hs({ ...claims, iat: now() }), // no exp
    await hs({ ...claims, iss: "https://evil.example/auth/v1", iat: now(), exp: now() + 600 }), // wrong issuer
    await hs({ ...claims, role: "service_role", iat: now(), exp: now() + 600 }, "another-secret-that-is-at-least-32-characters"),
    `${b64({ alg: "none", typ: "JWT" })}.${b64({ ...claims, exp: now() + 600 })}.`, // alg none
    `${b64({ alg: "none", typ: "JWT" })}.${b64({ ...claims, role: "service_role", exp: now() + 600 })}.`,
    `${h}.${b64({ ...claims, sub: crypto.randomUUID(), exp: now() + 600 })}.${valid.split(".")[2]}`, // payload swapped
    `${h}.${p}.${"A".repeat(43)}`, // signature zeroed
    `${b64({ alg: "HS256", typ: "JWT", kid: "../../etc/passwd" })}.${p}.${valid.split(".")[2]}`,
    await hs({ ...claims, is_anonymous: true, iat: now(), exp: now() + 600 }), // an anonymous sign-in
    await hs({ ...claims, iat: now(), exp: now() + 600, nbf: now() + 3600 }), // not yet valid
  ];
}

/** Row counts of every table of every non-system schema (auth, public, routing, ...). */
async function tableCounts(sql: Sql): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const name of await nonSystemTables(sql)) {
    const [row] = await sql.unsafe(`select count(*)::int as n from ${name}`);
    counts[name] = row.n;
  }
  return counts;
}

async function send(endpoint: string, token: string, c: Hostile): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = { "content-type": "application/json", ...(c.headers ?? {}) };
  if (c.auth === "user") headers.authorization = `Bearer ${token}`;
  else if (c.auth !== "none") headers.authorization = c.auth.header;
  let body: BodyInit;
  if (c.chunked) {
    const { chunk, count } = c.chunked;
    let sent = 0;
    body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ >= count) controller.close();
        else controller.enqueue(new TextEncoder().encode(chunk));
      },
    });
  } else {
    body = c.raw ? String(c.body) : JSON.stringify(c.body);
  }
  try {
    const res = await fetch(`${endpoint}${c.path ?? ""}`, { method: "POST", headers, body });
    return { status: res.status, text: await res.text() };
  } catch (error) {
    // fetch refuses header values with CR/LF before sending: the request never reached the function.
    if (error instanceof TypeError && /header/i.test(String(error.message))) return { status: 0, text: String(error.message) };
    throw error;
  }
}

function isOpenAIError(text: string): boolean {
  try {
    const { error } = JSON.parse(text);
    return typeof error === "object" && error !== null && typeof error.message === "string" && error.message !== "" &&
      typeof error.type === "string" && (error.param === null || typeof error.param === "string") &&
      (error.code === null || typeof error.code === "string");
  } catch {
    return false;
  }
}

Deno.test("1,000+ generated hostile requests: each a 4xx in OpenAI's shape, none a 5xx, no provider called, no row changed", e2e, async () => {
  const stack = await startStack();
  try {
    const { userId, agentId } = await createUserWithAgent(stack.sql);
    const token = await userToken(stack, userId);
    const issuer = "http://127.0.0.1:54321/auth/v1";
    const cases = generate({ agentId, anonKey: stack.anonKey, forged: await forgedTokens(userId, stack.jwtSecret, issuer), seed: 20261202 });
    assert.ok(cases.length >= 1000, `only ${cases.length} cases generated`);

    const before = await tableCounts(stack.sql);
    const simBefore = stack.sim.received().length;
    const started = performance.now();
    const results: Array<{ index: number; kind: string; status: number; text: string }> = [];
    const concurrency = 8;
    for (let i = 0; i < cases.length; i += concurrency) {
      const batch = cases.slice(i, i + concurrency);
      const answers = await Promise.all(batch.map((c) => send(stack.endpoint, token, c)));
      answers.forEach((a, j) => results.push({ index: i + j, kind: batch[j].kind, ...a }));
    }
    const elapsed = performance.now() - started;

    const wrong = results.filter((r) => r.status !== 0 && !(r.status >= 400 && r.status < 500 && isOpenAIError(r.text)));
    assert.deepStrictEqual(
      wrong.slice(0, 5).map((r) => `#${r.index} ${r.kind}: ${r.status} ${r.text.slice(0, 300)}`),
      [],
      `${wrong.length} of ${results.length} hostile requests were not a 4xx in OpenAI's shape`,
    );
    const unsent = results.filter((r) => r.status === 0);
    assert.deepStrictEqual(unsent.map((r) => r.kind), [], "every request reached the function");
    assert.equal(stack.sim.received().length - simBefore, 0, "no hostile request reached a provider");
    assert.deepStrictEqual(await tableCounts(stack.sql), before, "no table of any non-system schema changed");

    if (Deno.env.get("HOSTILE_DUMP")) for (const r of results) console.log(`#${r.index} ${r.kind} ${r.status} ${r.text.slice(0, 160)}`);
    const byStatus: Record<number, number> = {};
    for (const r of results) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    console.log(`hostile requests: ${results.length} sent in ${(elapsed / 1000).toFixed(1)} s; by status ${JSON.stringify(byStatus)}; ${Object.keys(before).length} tables unchanged`);
  } finally {
    await stack.close();
  }
});
