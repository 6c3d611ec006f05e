// The PROVIDER SIMULATOR (a test double) run standalone, as the demo runs it: another process
// starts main.ts, reads its URL, scripts it over the control API, and stops it with SIGTERM.
import assert from "node:assert/strict";
import OpenAI from "openai";
import { OPENAI_TEST_KEY } from "./test-helpers.ts";

Deno.test("main.ts: standalone process, scripted over HTTP, stops on SIGTERM", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./main.ts", import.meta.url).pathname, "--port", "0"],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  try {
    let output = "";
    while (!/listening on (\S+)/.test(output)) {
      const { value, done } = await lines.read();
      if (done) throw new Error(`simulator exited early: ${output}`);
      output += value;
    }
    const url = /listening on (\S+)/.exec(output)?.[1] ?? "";
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);

    const scripted = await fetch(`${url}/__simulator/script`, {
      method: "POST",
      body: JSON.stringify([{ provider: "openai", error: "rate_limit", retryAfterSeconds: 1 }]),
    });
    assert.equal(scripted.status, 200);
    await scripted.body?.cancel();

    const client = new OpenAI({ apiKey: OPENAI_TEST_KEY, baseURL: `${url}/v1`, maxRetries: 0 });
    const request = { model: "gpt-4o", messages: [{ role: "user" as const, content: "Hi" }] };
    const limited = await client.chat.completions.create(request).catch((e: unknown) => e);
    assert.ok(limited instanceof OpenAI.RateLimitError);
    assert.equal(limited.headers.get("retry-after"), "1");
    assert.equal((await client.chat.completions.create(request)).choices[0].finish_reason, "stop");

    const received = await (await fetch(`${url}/__simulator/received`)).json() as { status: number }[];
    assert.deepEqual(received.map((r) => r.status), [429, 200]);
  } finally {
    child.kill("SIGTERM");
    // Drain stdout so the pipe closes, then reap the process (the sanitizer checks both).
    while (!(await lines.read()).done) { /* drain */ }
    const status = await child.status;
    assert.equal(status.code, 0);
  }
});
