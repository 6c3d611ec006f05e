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
