import http from "node:http";
import OpenAI from "npm:openai@6.49.0";
import Anthropic from "npm:@anthropic-ai/sdk@1.14.0";
async function start() {
  const hangs = new Set<() => void>();
  const server = http.createServer((req, res) => {
    const chunks: Uint8Array[] = [];
    req.on("data", (c: Uint8Array) => chunks.push(c));
    req.on("end", () => {
      console.log(req.method, req.url, JSON.stringify(req.headers));
      if (req.url?.includes("hang")) { hangs.add(() => {}); return; }
      res.writeHead(200, {"content-type":"application/json"});
      res.end(JSON.stringify({id:"x",object:"chat.completion",choices:[], type:"message", content:[]}));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as {port:number}).port;
  return { port, close: () => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }) };
}
Deno.test("openai", async () => {
  const s = await start();
  try {
    const c = new OpenAI({ apiKey: "test-openai-key", baseURL: `http://127.0.0.1:${s.port}/v1`, maxRetries: 0 });
    const r = await c.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] });
    console.log(r.id);
  } finally { await s.close(); }
});
Deno.test("anthropic", async () => {
  const s = await start();
  try {
    const c = new Anthropic({ apiKey: "test-anthropic-key", baseURL: `http://127.0.0.1:${s.port}`, maxRetries: 0 });
    const r = await c.messages.create({ model: "claude-3-haiku", max_tokens: 10, messages: [{ role: "user", content: "hi" }] });
    console.log(r.id);
  } finally { await s.close(); }
});
Deno.test("hang timeout", async () => {
  const s = await start();
  try {
    const c = new OpenAI({ apiKey: "test-openai-key", baseURL: `http://127.0.0.1:${s.port}/hang`, maxRetries: 0, timeout: 200 });
    await c.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }).catch((e) => console.log("err", e.constructor.name));
  } finally { await s.close(); }
});
