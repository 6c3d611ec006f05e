import { deepStrictEqual } from "node:assert/strict";
import { readJsonObject } from "./body.ts";
import { RouterHttpError } from "./openai-error.ts";

const post = (body: string, headers: Record<string, string> = {}) =>
  new Request("http://local/f", { method: "POST", body, headers: { "content-type": "application/json", ...headers } });

/** The object read, or the error's status and OpenAI body. */
async function read(req: Request, maxBytes = 64): Promise<unknown> {
  try {
    return { object: await readJsonObject(req, maxBytes) };
  } catch (error) {
    if (!(error instanceof RouterHttpError)) throw error;
    return { status: error.status, body: error.toBody() };
  }
}

const invalidJson = (message: string) => ({
  status: 400, body: { error: { message, type: "invalid_request_error", param: "body", code: "invalid_json" } },
});
const tooLarge = { status: 413, body: { error: { message: "The request body is larger than 64 bytes.", type: "invalid_request_error", param: null, code: "request_too_large" } } };

const rows: Array<[string, () => Request, unknown]> = [
  ["a JSON object is read", () => post('{"a":1,"b":[true]}'), { object: { a: 1, b: [true] } }],
  ["exactly the limit is accepted", () => post(`{"a":"${"x".repeat(56)}"}`), { object: { a: "x".repeat(56) } }],
  ["one byte above the limit is a 413", () => post(`{"a":"${"x".repeat(57)}"}`), tooLarge],
  ["a declared length above the limit is a 413 before reading", () => post("{}", { "content-length": "65" }), tooLarge],
  ["text that is not JSON is a 400", () => post("{not json"), invalidJson("The request body is not valid JSON.")],
  ["an empty body is a 400", () => post(""), invalidJson("The request body is not valid JSON.")],
  ["an array is a 400", () => post("[1]"), invalidJson("The request body must be a JSON object.")],
  ["null is a 400", () => post("null"), invalidJson("The request body must be a JSON object.")],
];

for (const [name, req, expected] of rows) {
  Deno.test(`readJsonObject: ${name}`, async () => {
    deepStrictEqual(await read(req()), expected);
  });
}

Deno.test("readJsonObject: a chunked body without Content-Length is refused once past the limit, the rest never pulled", async () => {
  let pulled = 0;
  // An endless stream of 16-byte chunks: a reader that buffered the whole body would never end.
  const endless = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled += 1;
      controller.enqueue(new TextEncoder().encode('{"a":"xxxxxxxxx,'));
    },
  });
  const req = new Request("http://local/f", { method: "POST", body: endless });
  deepStrictEqual({ result: await read(req), pulledAtMost: pulled <= 6 }, { result: tooLarge, pulledAtMost: true });
});

Deno.test("readJsonObject: a chunked body within the limit is read whole", async () => {
  const parts = ['{"a":', '"b",', '"c":[1,2]}'];
  const chunked = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = parts.shift();
      if (next === undefined) controller.close();
      else controller.enqueue(new TextEncoder().encode(next));
    },
  });
  const req = new Request("http://local/f", { method: "POST", body: chunked });
  deepStrictEqual(await read(req), { object: { a: "b", c: [1, 2] } });
});
