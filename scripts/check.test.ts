// The pure parts of scripts/check.mjs: the import-map rule and the reading of `deno check` output.
import { deepStrictEqual } from "node:assert/strict";
import { importMapProblems, typeErrors } from "./check.mjs";

const PACKAGE = { dependencies: { openai: "6.49.0", "@anthropic-ai/sdk": "1.14.0" }, devDependencies: { deno: "2.9.6" } };

Deno.test("importMapProblems: pins must match package.json and agree between the functions", async (t) => {
  const cases: { name: string; denoJsons: Record<string, { imports?: Record<string, string> }>; expected: string[] }[] = [
    {
      name: "two functions with the same pins as package.json, subpaths included",
      denoJsons: {
        a: { imports: { openai: "npm:openai@6.49.0", "openai/": "npm:/openai@6.49.0/", "@anthropic-ai/sdk": "npm:@anthropic-ai/sdk@1.14.0" } },
        b: { imports: { openai: "npm:openai@6.49.0" } },
        c: {},
      },
      expected: [],
    },
    {
      name: "a version package.json does not have",
      denoJsons: { a: { imports: { openai: "npm:openai@6.48.0" } } },
      expected: ["functions/a/deno.json: openai@6.48.0, but package.json has openai 6.49.0"],
    },
    {
      name: "a package package.json does not list",
      denoJsons: { a: { imports: { zod: "npm:zod@3.0.0" } } },
      expected: ["functions/a/deno.json: zod@3.0.0, but package.json has zod (none)"],
    },
    {
      name: "an unpinned or non-npm target",
      denoJsons: { a: { imports: { openai: "npm:openai", std: "jsr:@std/assert@1" } } },
      expected: [
        'functions/a/deno.json: "openai" maps to npm:openai, not a pinned npm: package',
        'functions/a/deno.json: "std" maps to jsr:@std/assert@1, not a pinned npm: package',
      ],
    },
    {
      name: "two functions mapping one name differently",
      denoJsons: { a: { imports: { sdk: "npm:openai@6.49.0" } }, b: { imports: { sdk: "npm:@anthropic-ai/sdk@1.14.0" } } },
      expected: ["functions/b/deno.json maps \"sdk\" to npm:@anthropic-ai/sdk@1.14.0, functions/a/deno.json to npm:openai@6.49.0"],
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const input = structuredClone(c.denoJsons);
      deepStrictEqual(importMapProblems(PACKAGE, c.denoJsons), c.expected);
      deepStrictEqual(c.denoJsons, input, "the input is not changed");
    });
  }
});

Deno.test("typeErrors: one line per diagnostic; a failure without one is reported whole", () => {
  const root = new URL("..", import.meta.url).pathname;
  const output = [
    "TS2322 [ERROR]: Type 'string' is not assignable to type 'number'.",
    "const x: number = \"a\";",
    "      ^",
    `    at file://${root}functions/x.ts:1:7`,
    "",
    "TS6133 [ERROR]: 'x' is declared but its value is never read.",
    "const x: number = \"a\";",
    `    at file://${root}functions/x.ts:1:7`,
    "",
    "Found 2 errors.",
  ].join("\n");
  deepStrictEqual(typeErrors(output, 1), [
    "TS2322 functions/x.ts:1:7 Type 'string' is not assignable to type 'number'.",
    "TS6133 functions/x.ts:1:7 'x' is declared but its value is never read.",
  ]);
  deepStrictEqual(typeErrors("Check functions/a.ts\nerror: Module not found \"file:///b.ts\".\n", 1), ['error: Module not found "file:///b.ts".']);
  deepStrictEqual(typeErrors("Check functions/a.ts\n", 0), []);
});
