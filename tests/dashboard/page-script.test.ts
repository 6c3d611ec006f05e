// The dashboard's browser script is served as the source of the functions of
// functions/routing-dashboard/browser/*.ts (see page-script.ts for why). These tests hold the
// rules that make that work, so a module that would break in the page fails here, by name,
// before the browser test: exported functions only, no module-level values, no renamed imports,
// every imported value a served function; and the assembled script parses.
import { deepStrictEqual, equal, match, ok, throws } from "node:assert/strict";
import { assembleScript, BROWSER_MODULES, browserFunctions, PAGE_SCRIPT } from "../../functions/routing-dashboard/page-script.ts";
import { renderPage } from "../../functions/routing-dashboard/page.ts";

const BROWSER_DIR = new URL("../../functions/routing-dashboard/browser/", import.meta.url);

async function browserSources(): Promise<Map<string, string>> {
  const sources = new Map<string, string>();
  for await (const entry of Deno.readDir(BROWSER_DIR)) {
    if (entry.isFile && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
      sources.set(entry.name, await Deno.readTextFile(new URL(entry.name, BROWSER_DIR)));
    }
  }
  return sources;
}

/** The rule a module's source breaks, one line each; empty when it can be served. */
function servabilityProblems(file: string, source: string, served: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  for (const [, decl] of source.matchAll(/^(?:export\s+)?((?:const|let|var|class|enum)\s+\w+)/gm)) {
    problems.push(`${file}: module-level ${decl} (a served function cannot see it)`);
  }
  for (const [, name] of source.matchAll(/^(?:async\s+)?function\s+(\w+)/gm)) {
    problems.push(`${file}: function ${name} is not exported (it would not be served)`);
  }
  if (/^export\s+default\b/m.test(source)) problems.push(`${file}: a default export has no name to be served under`);
  for (const [, typeOnly, list, from] of source.matchAll(/^import\s+(type\s+)?\{([^}]*)\}\s*from\s*"([^"]+)"/gm)) {
    if (typeOnly) continue;
    for (const spec of list.split(",").map((s) => s.trim()).filter((s) => s !== "" && !s.startsWith("type "))) {
      if (/\sas\s/.test(spec)) problems.push(`${file}: import { ${spec} } renames a served function`);
      else if (!served.has(spec)) problems.push(`${file}: imports ${spec} from ${from}, which is not a served browser function`);
    }
  }
  for (const [, spec] of source.matchAll(/^import\s+(?!type\b)(\*\s+as\s+\w+|\w+)\s+from/gm)) {
    problems.push(`${file}: import ${spec} (only named imports of served functions can be resolved in the page)`);
  }
  return problems;
}

Deno.test("every browser module can be served as source: each rule, with a module that breaks it", async (t) => {
  const served = new Set(browserFunctions(BROWSER_MODULES).keys());
  const cases: { name: string; source: string; expected: string[] }[] = [
    { name: "a servable module", source: 'import type { X } from "../summary.ts";\nimport { el } from "./dom.ts";\nexport function f(): void { el("p"); }\n', expected: [] },
    { name: "a module-level constant", source: "export const LIMIT = 3;\n", expected: ["m.ts: module-level const LIMIT (a served function cannot see it)"] },
    { name: "an unexported helper", source: "function helper() {}\n", expected: ["m.ts: function helper is not exported (it would not be served)"] },
    { name: "a renamed import", source: 'import { el as make } from "./dom.ts";\n', expected: ["m.ts: import { el as make } renames a served function"] },
    { name: "a value from elsewhere", source: 'import { readSummary } from "../dashboard-db.ts";\n', expected: ["m.ts: imports readSummary from ../dashboard-db.ts, which is not a served browser function"] },
    { name: "a namespace import", source: 'import * as dom from "./dom.ts";\n', expected: ["m.ts: import * as dom (only named imports of served functions can be resolved in the page)"] },
  ];
  for (const c of cases) {
    await t.step(c.name, () => deepStrictEqual(servabilityProblems("m.ts", c.source, served), c.expected));
  }
  await t.step("the modules of functions/routing-dashboard/browser/", async () => {
    const sources = await browserSources();
    deepStrictEqual([...sources.keys()].sort(), Object.keys(BROWSER_MODULES).map((m) => `${m}.ts`).sort(), "every browser module is served");
    const problems = [...sources].flatMap(([file, source]) => servabilityProblems(file, source, served));
    deepStrictEqual(problems, []);
  });
});

Deno.test("browserFunctions: every exported function by name; a value or a reused name is refused by name", () => {
  const f = function f() {};
  const g = function g() {};
  const modules = { a: { f }, b: { g } };
  const before = structuredClone(Object.keys(modules));
  deepStrictEqual([...browserFunctions(modules)], [["f", f], ["g", g]]);
  deepStrictEqual(Object.keys(modules), before, "the input is not changed");
  throws(() => browserFunctions({ a: { f, LIMIT: 3 } }), { message: "browser/a.ts exports LIMIT, which is not a function: it cannot be served." });
  throws(() => browserFunctions({ a: { f }, b: { f } }), { message: "browser/b.ts exports f, a name another browser module serves already." });
});

Deno.test("assembleScript: the sources in one strict scope, then the entry point called once", () => {
  function one(): number {
    return 1;
  }
  function main(): number {
    return one() + 1;
  }
  const script = assembleScript(new Map<string, (...args: never[]) => unknown>([["one", one], ["main", main]]), main);
  equal(script, `(function () {\n"use strict";\n${one.toString()}\n${main.toString()}\nmain();\n})();\n`);
  const message = "The entry point is not one of the served browser functions.";
  throws(() => assembleScript(new Map([["one", one]]), main), { message });
  throws(() => assembleScript(new Map([["one", one]]), "one"), { message });
});

Deno.test("PAGE_SCRIPT is plain JavaScript that can sit inline in the page", () => {
  // Compiles (without running) as a classic script: no types, no import/export left in it.
  new Function(PAGE_SCRIPT);
  ok(!/<\/script/i.test(PAGE_SCRIPT), "nothing in it can close the inline <script> early");
  ok(!/^\s*(import|export)\s/m.test(PAGE_SCRIPT), "no module syntax");
  match(PAGE_SCRIPT, /\ndashboardMain\(\);\n\}\)\(\);\n$/);
  for (const name of browserFunctions(BROWSER_MODULES).keys()) {
    equal(PAGE_SCRIPT.split(new RegExp(`^(?:async )?function ${name.replace("$", "\\$")}\\(`, "m")).length, 2, `${name} is served once`);
  }
  const html = renderPage("test-nonce");
  ok(html.includes(`<script nonce="test-nonce">${PAGE_SCRIPT}</script>`), "the page carries the script under its nonce, unaltered");
});
