import assert from "node:assert/strict";
import { convertImageUrl } from "./convert-image-url.ts";
import type { ImageBlockParam } from "./types.ts";

const PARAM = "messages[0].content[1].image_url.url";

const rows: Array<{ name: string; url: string; expected: ImageBlockParam }> = [
  {
    name: "png data URL → base64 source",
    url: "data:image/png;base64,iVBORw0KGgo=",
    expected: { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
  },
  {
    name: "image/jpg data URL → image/jpeg",
    url: "data:image/JPG;base64,/9j/4AAQ",
    expected: { type: "image", source: { type: "base64", media_type: "image/jpeg", data: "/9j/4AAQ" } },
  },
  {
    name: "data URL with an extra parameter before base64",
    url: "data:image/webp;name=a.webp;base64,UklGRg==",
    expected: { type: "image", source: { type: "base64", media_type: "image/webp", data: "UklGRg==" } },
  },
  {
    name: "PNG bytes labelled image/jpeg → the type the bytes carry (Anthropic refuses a mismatch)",
    url: "data:image/jpeg;base64,iVBORw0KGgoAAAANSUhEUg==",
    expected: { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgoAAAANSUhEUg==" } },
  },
  {
    name: "GIF bytes labelled image/png → image/gif",
    url: "data:image/png;base64,R0lGODlhAQABAAAAACw=",
    expected: { type: "image", source: { type: "base64", media_type: "image/gif", data: "R0lGODlhAQABAAAAACw=" } },
  },
  {
    name: "WebP bytes labelled image/jpeg → image/webp",
    url: "data:image/jpeg;base64,UklGRiQAAABXRUJQVlA4",
    expected: { type: "image", source: { type: "base64", media_type: "image/webp", data: "UklGRiQAAABXRUJQVlA4" } },
  },
  {
    name: "bytes of no known signature keep the declared type (the provider judges them)",
    url: "data:image/png;base64,AAAAAAAAAAAAAAAA",
    expected: { type: "image", source: { type: "base64", media_type: "image/png", data: "AAAAAAAAAAAAAAAA" } },
  },
  {
    name: "https URL → url source",
    url: "https://example.com/cat.gif?size=large",
    expected: { type: "image", source: { type: "url", url: "https://example.com/cat.gif?size=large" } },
  },
  {
    name: "http URL → url source",
    url: "http://example.com/cat.png",
    expected: { type: "image", source: { type: "url", url: "http://example.com/cat.png" } },
  },
];

for (const { name, url, expected } of rows) {
  Deno.test(`image url: ${name}`, () => {
    assert.deepStrictEqual(convertImageUrl({ url, param: PARAM }), expected);
  });
}

const errorRows: Array<{ name: string; url: unknown; code: string }> = [
  { name: "file: scheme", url: "file:///etc/passwd", code: "invalid_value" },
  { name: "ftp: scheme", url: "ftp://example.com/a.png", code: "invalid_value" },
  { name: "relative path", url: "cat.png", code: "invalid_value" },
  { name: "not base64", url: "data:image/png,rawbytes", code: "invalid_value" },
  { name: "empty data", url: "data:image/png;base64,", code: "invalid_value" },
  { name: "unsupported media type", url: "data:image/bmp;base64,Qk0=", code: "unsupported_value" },
  { name: "not a string", url: 42, code: "invalid_type" },
];

for (const { name, url, code } of errorRows) {
  Deno.test(`image url: ${name} → TranslationError`, () => {
    assert.throws(() => convertImageUrl({ url, param: PARAM }), { name: "TranslationError", param: PARAM, code });
  });
}
