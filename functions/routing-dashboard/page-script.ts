// The dashboard's browser script, assembled from the typed modules in ./browser/.
//
// Why this way: the script must be type-checked (DOM lib) and linted like the rest, yet reach the
// browser as plain JavaScript with no build step at deploy and nothing from JSR. Deno strips the
// types when it loads a module (locally and in Supabase's bundle alike), so each browser
// function's `.toString()` is already JavaScript: the page serves those sources, inlined under
// its CSP nonce. A static .js file would need `static_files` in config.toml and JSDoc types;
// this keeps real TypeScript and is bundled with the function like any other import.
//
// The rules that make a module servable (tests/dashboard/page-script.test.ts checks them):
//   - it exports functions only (types are free): each one is served under its own name, and
//     names are unique across the modules;
//   - it holds no module-level values: constants live inside the functions that use them;
//   - imports between the modules are never renamed (`import { a as b }`), so a call in one
//     function's source names the function served under that name.
//
// Types: tsconfig.browser.json checks the browser modules with the DOM lib and without Deno's.
// Here they are imported through `// @ts-types` as opaque values, so `deno check` never mixes the
// DOM into the functions' own program (where `document` must stay an error). `deno test` checks
// every local module it loads whatever @ts-types says, so each browser module also carries
// `/// <reference lib="dom" />`.
// @ts-types="./browser/served-module.d.ts"
import * as charts from "./browser/charts.ts";
// @ts-types="./browser/served-module.d.ts"
import * as dom from "./browser/dom.ts";
// @ts-types="./browser/served-module.d.ts"
import * as format from "./browser/format.ts";
// @ts-types="./browser/served-module.d.ts"
import * as main from "./browser/main.ts";
// @ts-types="./browser/served-module.d.ts"
import * as render from "./browser/render.ts";

/** The browser modules, in the order their functions are written into the script. */
export const BROWSER_MODULES: Readonly<Record<string, Readonly<Record<string, unknown>>>> = { dom, format, charts, render, main };

/** Every served function by name; throws if a module exports a value or reuses a name. */
export function browserFunctions(modules: Readonly<Record<string, Readonly<Record<string, unknown>>>>): Map<string, (...args: never[]) => unknown> {
  const served = new Map<string, (...args: never[]) => unknown>();
  for (const [moduleName, exports] of Object.entries(modules)) {
    for (const [name, value] of Object.entries(exports)) {
      if (typeof value !== "function") throw new Error(`browser/${moduleName}.ts exports ${name}, which is not a function: it cannot be served.`);
      if (served.has(name)) throw new Error(`browser/${moduleName}.ts exports ${name}, a name another browser module serves already.`);
      served.set(name, value as (...args: never[]) => unknown);
    }
  }
  return served;
}

/**
 * The script: every browser function's source in one strict scope, then a call of `entry` (one of
 * them) by its own name, which is the name its source declares.
 */
export function assembleScript(functions: ReadonlyMap<string, (...args: never[]) => unknown>, entry: unknown): string {
  const served = [...functions.values()];
  if (typeof entry !== "function" || !served.includes(entry as (...args: never[]) => unknown)) {
    throw new Error("The entry point is not one of the served browser functions.");
  }
  const sources = served.map((fn) => fn.toString());
  return `(function () {\n"use strict";\n${sources.join("\n")}\n${entry.name}();\n})();\n`;
}

export const PAGE_SCRIPT: string = assembleScript(browserFunctions(BROWSER_MODULES), main.dashboardMain);
