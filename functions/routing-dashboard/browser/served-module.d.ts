// What the functions' own program sees of a browser module: named values to serve as source.
// The browser modules are type-checked with the page's globals (tsconfig.browser.json); the
// functions' program (Deno's globals, no DOM) must not take them in, so ../page-script.ts imports
// them with `// @ts-types` pointing here.
declare const exports: { readonly [name: string]: unknown };
export = exports;
