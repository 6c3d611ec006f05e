// The routing dashboard end to end: its API over HTTP (auth rules, figures, controls and their
// audit) and its page in headless Chromium against the real database, with known seeded figures.
// Chromium is Debian's package (scripts/install-chromium.mjs installs it when missing); a browser
// that cannot start FAILS the test, it is never skipped.
import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { SignJWT } from "jose";
import { chromium } from "playwright-core";
import { ensureChromium } from "../../scripts/install-chromium.mjs";
import { LOCAL_JWT_ISSUER } from "../../scripts/local-keys.mjs";
import { e2e, resetBreakers, type Sql, type Stack, startStack, userToken } from "../function/harness.ts";
import { EXPECTED, PREFERRED_MODEL, removeSeed, removeTestUsers, SEED_EMAIL_PREFIX, seedKnownFigures } from "./seed.ts";

const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];
const ARTIFACTS = new URL("../../test-artifacts/", import.meta.url);

type Json = Record<string, unknown>;

function dashboardUrl(stack: Stack): string {
  return `${stack.supabaseUrl}/functions/v1/routing-dashboard`;
}

async function call(url: string, token: string | null, body?: unknown): Promise<{ status: number; headers: Headers; body: Json }> {
  const res = await fetch(url, {
    method: body === undefined ? "GET" : "POST",
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: Json;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = { raw: text };
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** A user's access token as GoTrue signs it after `raw_app_meta_data.routing_admin = true`. */
async function adminToken(stack: Stack, userId: string, email: string, routingAdmin: unknown = true): Promise<string> {
  return await new SignJWT({ role: "authenticated", aud: "authenticated", email, app_metadata: { provider: "email", routing_admin: routingAdmin } })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(LOCAL_JWT_ISSUER)
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime("1h")
    .sign(new TextEncoder().encode(stack.jwtSecret));
}

async function newUser(sql: Sql, label: string): Promise<{ userId: string; email: string }> {
  const userId = crypto.randomUUID();
  const email = `dashboard-${label}-${userId.slice(0, 8)}@test.local`;
  await sql`insert into auth.users (id, aud, role, email) values (${userId}, 'authenticated', 'authenticated', ${email})`;
  return { userId, email };
}

function assertOpenAIError(body: Json, status: number, type: string): void {
  const error = body.error as Json | undefined;
  ok(error, `expected an OpenAI-shaped error, got ${JSON.stringify(body)}`);
  deepStrictEqual(Object.keys(error).sort(), ["code", "message", "param", "type"], `status ${status}`);
  equal(error.type, type);
  equal(typeof error.message, "string");
}

/** The switches the tests touch, to put back afterwards (they are global state). */
interface Switches {
  enabled: boolean;
  rollout_percentage: number;
  force_model: string | null;
  force_provider: string | null;
  rollback_tripped_at: Date | null;
  rollback_reason: string | null;
}

async function saveSwitches(sql: Sql): Promise<Switches> {
  const [row] = await sql`select enabled, rollout_percentage, force_model, force_provider, rollback_tripped_at, rollback_reason
                          from routing.config where id`;
  return row as unknown as Switches;
}

async function restoreSwitches(sql: Sql, s: Switches): Promise<void> {
  await sql`update routing.config set enabled = ${s.enabled}, rollout_percentage = ${s.rollout_percentage},
              force_model = ${s.force_model}, force_provider = ${s.force_provider},
              rollback_tripped_at = ${s.rollback_tripped_at}, rollback_reason = ${s.rollback_reason}
            where id`;
}

Deno.test("routing-dashboard API: page, auth rules, figures and audited controls", e2e, async (t) => {
  const stack = await startStack();
  const base = dashboardUrl(stack);
  const saved = await saveSwitches(stack.sql);
  try {
    await t.step("GET serves the page without auth, with no data and a strict CSP", async () => {
      const res = await fetch(base);
      equal(res.status, 200);
      match(res.headers.get("content-type") ?? "", /^text\/html/);
      const csp = res.headers.get("content-security-policy") ?? "";
      match(csp, /script-src 'nonce-[A-Za-z0-9+/=]+'/);
      match(csp, /connect-src 'self'/);
      const html = await res.text();
      match(html, /<title>Intelligent routing dashboard<\/title>/);
      match(html, /<label for="token">Service role key or admin JWT<\/label>/);
      ok(!html.includes(stack.serviceKey), "the page never embeds a key");
      equal((await fetch(`${base}/`)).status, 200);
    });

    await t.step("no token: 401; anon key or a forged token: 401; all in OpenAI's error shape", async () => {
      const none = await call(`${base}/api/summary`, null);
      equal(none.status, 401);
      assertOpenAIError(none.body, 401, "authentication_error");
      equal((none.body.error as Json).code, "missing_authorization");

      const anon = await call(`${base}/api/summary`, stack.anonKey);
      equal(anon.status, 401);
      assertOpenAIError(anon.body, 401, "authentication_error");
      equal((anon.body.error as Json).code, "anon_not_allowed");

      const forged = await new SignJWT({ role: "service_role" }).setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode("x".repeat(40)));
      equal((await call(`${base}/api/summary`, forged)).status, 401);
      equal((await call(`${base}/api/control`, null, { action: "set_enabled", enabled: false })).status, 401);
    });

    await t.step("a signed-in user who is not a routing admin: 403 on both endpoints, nothing changes", async () => {
      const { userId, email } = await newUser(stack.sql, "user");
      const plain = await userToken(stack, userId);
      const summary = await call(`${base}/api/summary`, plain);
      equal(summary.status, 403);
      assertOpenAIError(summary.body, 403, "permission_error");
      equal((summary.body.error as Json).code, "not_routing_admin");

      // routing_admin must be the boolean true, not a look-alike.
      const stringy = await adminToken(stack, userId, email, "true");
      equal((await call(`${base}/api/summary`, stringy)).status, 403);

      const [before] = await stack.sql`select count(*)::int as n from routing.config_changes`;
      const control = await call(`${base}/api/control`, plain, { action: "set_enabled", enabled: !saved.enabled });
      equal(control.status, 403);
      assertOpenAIError(control.body, 403, "permission_error");
      const [after] = await stack.sql`select count(*)::int as n from routing.config_changes`;
      equal(after.n, before.n);
    });

    await t.step("a routing admin's JWT: 200 with the figures, money as exact strings", async () => {
      const { userId, email } = await newUser(stack.sql, "admin");
      const res = await call(`${base}/api/summary?days=7`, await adminToken(stack, userId, email));
      equal(res.status, 200, JSON.stringify(res.body));
      const body = res.body as Json;
      deepStrictEqual(body.viewer, { kind: "admin", name: email });
      equal(body.days, 7);
      const status = body.status as Json;
      equal(typeof status.enabled, "boolean");
      equal(typeof status.rollout_percentage, "number");
      for (const key of ["distribution", "success_by_model", "cohorts", "cohort_days", "alerts", "recent_changes", "models"]) {
        ok(Array.isArray(body[key]), `${key} is a list`);
      }
      const totals = (body.cost as Json).totals as Json;
      equal(typeof totals.actual_cost_usd, "string");
      match(totals.actual_cost_usd as string, /^-?\d+(\.\d+)?$/);
      ok((body.alerts as Json[]).some((a) => a.alert === "auto_rollback"), "the alert states are listed");
      ok((body.models as Json[]).some((m) => m.model === "gpt-5.6-sol"), "the catalog is listed");

      equal((await call(`${base}/api/summary?days=0`, stack.serviceKey)).status, 400);
      equal((await call(`${base}/api/summary?days=abc`, stack.serviceKey)).status, 400);
      equal((await call(`${base}/api/summary?days=90`, stack.serviceKey)).status, 200);
    });

    await t.step("an admin's control runs the operator function and the audit names the admin", async () => {
      const { userId, email } = await newUser(stack.sql, "operator");
      const token = await adminToken(stack, userId, email);
      const target = saved.rollout_percentage === 37 ? 38 : 37;
      const res = await call(`${base}/api/control`, token, { action: "set_rollout", percentage: target });
      equal(res.status, 200, JSON.stringify(res.body));
      equal(res.body.actor, email);
      equal((res.body.result as Json).rollout_percentage, target);
      const [cfg] = await stack.sql`select rollout_percentage, updated_by from routing.config`;
      equal(cfg.rollout_percentage, target);
      equal(cfg.updated_by, email);
      const [change] = await stack.sql`select changed_by, new_values from routing.config_changes order by id desc limit 1`;
      equal(change.changed_by, email);
      deepStrictEqual(change.new_values, { rollout_percentage: target });
    });

    await t.step("the service role key sets an agent's preference; bad commands are 400 / 404 naming the field", async () => {
      const { userId } = await newUser(stack.sql, "owner");
      const agentId = crypto.randomUUID();
      await stack.sql`insert into public.agents (id, user_id, name) values (${agentId}, ${userId}, 'dashboard preference target')`;
      const set = await call(`${base}/api/control`, stack.serviceKey, { action: "set_agent_preference", agent_id: agentId, preference: "premium" });
      equal(set.status, 200, JSON.stringify(set.body));
      equal((set.body.result as Json).model_preference, "premium");
      const [audit] = await stack.sql`select changed_by, old_preference, new_preference from routing.agent_preference_changes where agent_id = ${agentId}`;
      deepStrictEqual({ ...audit }, { changed_by: "service_role", old_preference: null, new_preference: "premium" });
      const cleared = await call(`${base}/api/control`, stack.serviceKey, { action: "set_agent_preference", agent_id: agentId, preference: null });
      equal((cleared.body.result as Json).model_preference, null);

      const unknownModel = await call(`${base}/api/control`, stack.serviceKey, { action: "set_agent_preference", agent_id: agentId, preference: "gpt-9" });
      equal(unknownModel.status, 400);
      const missing = await call(`${base}/api/control`, stack.serviceKey, { action: "set_agent_preference", agent_id: crypto.randomUUID(), preference: null });
      equal(missing.status, 404);
      const badAction = await call(`${base}/api/control`, stack.serviceKey, { action: "drop_everything" });
      equal(badAction.status, 400);
      equal((badAction.body.error as Json).param, "action");
      const badRollout = await call(`${base}/api/control`, stack.serviceKey, { action: "set_rollout", percentage: 101 });
      equal((badRollout.body.error as Json).param, "percentage");
      const noNote = await call(`${base}/api/control`, stack.serviceKey, { action: "clear_rollback", note: " " });
      equal((noNote.body.error as Json).param, "note");
      equal((await call(`${base}/api/control`, stack.serviceKey, "{not json")).status, 400);
      equal((await call(`${base}/api/summary`, stack.serviceKey, {})).status, 405);

      const evaluated = await call(`${base}/api/control`, stack.serviceKey, { action: "evaluate_alerts" });
      equal(evaluated.status, 200, JSON.stringify(evaluated.body));
      ok(Array.isArray(evaluated.body.result));
    });
  } finally {
    await restoreSwitches(stack.sql, saved);
    await removeTestUsers(stack.sql, "dashboard-%@test.local", SEED_EMAIL_PREFIX + "%");
    await stack.close();
  }
});

Deno.test("routing-dashboard page in Chromium: real figures render, 'routing off' is applied and audited", e2e, async () => {
  const executablePath = ensureChromium();
  const stack = await startStack();
  const saved = await saveSwitches(stack.sql);
  const userDataDir = await Deno.makeTempDir({ prefix: "dashboard-chromium-" });
  // deno-lint-ignore no-explicit-any
  let context: any = null;
  try {
    // Seed with routing on as configured by the env of each decision; no forced model, no trip.
    await stack.sql`update routing.config set enabled = true, force_model = null, force_provider = null,
                      rollback_tripped_at = null, rollback_reason = null where id`;
    await resetBreakers(stack.sql);
    const seeded = await seedKnownFigures(stack.sql);

    // The seeded day's row of the report is exactly the seeded calls (checked against the view itself).
    const [row] = await stack.sql`select calls::int, executions::int, actual_cost_usd::text, baseline_cost_usd::text, savings_usd::text,
                                         savings_pct::text, cost_per_execution_usd::text
                                  from public.routing_cost_savings where day = ${seeded.day}::date`;
    deepStrictEqual({ ...row }, {
      calls: EXPECTED.calls, executions: EXPECTED.executions, actual_cost_usd: EXPECTED.actualCost, baseline_cost_usd: EXPECTED.baselineCost,
      savings_usd: EXPECTED.savings, savings_pct: EXPECTED.savingsPct, cost_per_execution_usd: EXPECTED.costPerExecution,
    });
    // The preferred model's calls in the page's 7-day window: the seeded ones plus any other traffic there.
    const [others] = await stack.sql`
      select count(*)::int as n from routing.calls c join routing.decisions d on d.id = c.decision_id
      where d.model = ${PREFERRED_MODEL} and c.user_id <> ${seeded.userId}
        and (timezone('UTC', c.created_at))::date >= (timezone('UTC', now()))::date - 6`;
    const preferredCalls = EXPECTED.preferredCalls + others.n;

    try {
      context = await chromium.launchPersistentContext(userDataDir, {
        executablePath,
        headless: true,
        args: CHROMIUM_ARGS,
        viewport: { width: 1280, height: 800 },
      });
    } catch (error) {
      throw new Error(
        `Chromium could not be launched from ${executablePath}: ${(error as Error).message}\n` +
          "Install it with `node scripts/install-chromium.mjs` (Debian's chromium package). The dashboard test does not skip.",
      );
    }
    const page = context.pages()[0] ?? await context.newPage();
    const consoleErrors: string[] = [];
    page.on("console", (msg: { type(): string; text(): string }) => {
      if (msg.type() === "error") consoleErrors.push(msg.text());
    });
    page.on("pageerror", (err: Error) => consoleErrors.push(err.message));

    await page.goto(dashboardUrl(stack));
    await page.getByLabel("Service role key or admin JWT").fill(stack.serviceKey);
    await page.getByRole("button", { name: "Open dashboard" }).click();

    // The seeded day's row: the exact strings of the database.
    const dayRow = page.locator(`#cost-table tr[data-day="${seeded.day}"]`);
    await dayRow.waitFor({ timeout: 15_000 });
    const dayText = await dayRow.innerText();
    ok(dayText.includes(`$${EXPECTED.actualCost}`), `actual cost $${EXPECTED.actualCost} in: ${dayText}`);
    ok(dayText.includes(`$${EXPECTED.baselineCost}`), `baseline cost in: ${dayText}`);
    ok(dayText.includes(`$${EXPECTED.savings}`) && dayText.includes(`${EXPECTED.savingsPct}%`), `savings in: ${dayText}`);
    ok(dayText.includes(`$${EXPECTED.costPerExecution}`), `cost per execution in: ${dayText}`);

    const dist = await page.locator(`#distribution g[data-model="${PREFERRED_MODEL}"]`).textContent();
    ok(dist?.includes(`${preferredCalls} calls`), `${PREFERRED_MODEL} shows ${preferredCalls} calls: ${dist}`);
    const success = await page.locator(`#success g[data-model="${PREFERRED_MODEL}"]`).textContent();
    match(success ?? "", /\d+\/\d+ succeeded/);
    ok((await page.locator("#cohort-table").innerText()).includes("control"), "the control cohort is compared");
    equal(await page.locator("#status-pill").innerText(), "ENABLED (" + saved.rollout_percentage + "% rollout)");

    // The token stays out of the URL, in this tab's session storage.
    ok(!page.url().includes(stack.serviceKey.slice(-20)), "no token in the URL");
    equal(await page.evaluate(() => sessionStorage.getItem("routing-dashboard-token")), stack.serviceKey);

    // Routing off, through the page: the config changes and the audit row names the service role.
    const [{ last }] = await stack.sql`select coalesce(max(id), 0)::bigint::text as last from routing.config_changes`;
    await page.getByRole("button", { name: "Turn routing off" }).click();
    await page.getByRole("status").filter({ hasText: "Routing turned off" }).waitFor({ timeout: 10_000 });
    await page.getByRole("button", { name: "Turn routing on" }).waitFor({ timeout: 10_000 });
    const [cfg] = await stack.sql`select enabled, updated_by from routing.config`;
    equal(cfg.enabled, false);
    equal(cfg.updated_by, "service_role");
    const changes = await stack.sql`select changed_by, old_values, new_values from routing.config_changes where id > ${last}::bigint order by id`;
    equal(changes.length, 1);
    deepStrictEqual({ ...changes[0] }, { changed_by: "service_role", old_values: { enabled: true }, new_values: { enabled: false } });
    equal(await page.locator("#status-pill").innerText(), "DISABLED");

    await Deno.mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: new URL("dashboard.png", ARTIFACTS).pathname, fullPage: true });
    await page.screenshot({ path: new URL("dashboard-viewport.png", ARTIFACTS).pathname });
    deepStrictEqual(consoleErrors, [], "no script errors in the page");
  } finally {
    if (context) await context.close();
    await Deno.remove(userDataDir, { recursive: true }).catch(() => {});
    await restoreSwitches(stack.sql, saved);
    await removeSeed(stack.sql);
    await stack.close();
  }
});
