// What the server side sees of a browser module: opaque values to serve as source. The browser
// modules are type-checked with the page's globals (tsconfig.browser.json); the functions' own
// program (Deno's globals, no DOM) must not check them again, so page-script.ts imports them
// with `// @ts-types` pointing here.
declare const exports: { readonly [name: string]: unknown };
export = exports;
