// The TypeScript lists that name what the database also names, checked against the database
// itself (docs/architecture.md: one vocabulary): the error types with their two flags, and the
// environment variables the function passes to route_model as overrides, and the baseline target the
// function falls open to when the database is unreachable.
import postgres from "postgres";
import { deepStrictEqual } from "node:assert/strict";
import { ROUTING_ENV_NAMES } from "../../functions/_shared/config/settings.ts";
import { ERROR_TYPES } from "../../functions/_shared/routing/error-types.ts";
import { FAIL_OPEN_TARGET } from "../../functions/route-completion/fail-open.ts";
import { databaseUrl } from "./harness.ts";

/** Code-point order, so the database's collation cannot reorder names with underscores. */
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

async function query<T>(run: (sql: ReturnType<typeof postgres>) => Promise<T>): Promise<T> {
  const sql = postgres(await databaseUrl(), { max: 1, onnotice: () => {} });
  try {
    return await run(sql);
  } finally {
    await sql.end();
  }
}

Deno.test("ERROR_TYPES equals routing.error_types, flags included", async () => {
  const rows = await query((sql) => sql`select error_type, caller_fault, breaker_failure from routing.error_types order by 1`);
  const fromDb = rows.map((r) => ({ ...r })).sort((a, b) => byName(a.error_type, b.error_type));
  const fromTs = Object.entries(ERROR_TYPES)
    .map(([error_type, t]) => ({ error_type, caller_fault: t.callerFault, breaker_failure: t.breakerFailure }))
    .sort((a, b) => byName(a.error_type, b.error_type));
  deepStrictEqual(fromDb, fromTs);
});

Deno.test("ROUTING_ENV_NAMES equals routing.overridable_settings.env_var, as a set", async () => {
  const rows = await query((sql) => sql`select env_var from routing.overridable_settings order by 1`);
  deepStrictEqual(rows.map((r) => String(r.env_var)).sort(byName), [...new Set<string>(ROUTING_ENV_NAMES)].sort(byName));
});

Deno.test("the fail-open target is the seeded baseline model's decision target, as route_model would give it", async () => {
  const [row] = await query((sql) =>
    sql`select routing._targets(array[c.baseline_model], array[null]) -> 0 as target from routing.config c`
  );
  deepStrictEqual(row.target, FAIL_OPEN_TARGET);
});
