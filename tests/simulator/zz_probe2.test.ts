import OpenAI from "npm:openai@6.49.0";
import Anthropic from "npm:@anthropic-ai/sdk@1.14.0";
Deno.test("types", () => {
  const c = new OpenAI({ apiKey: "test-openai-key", baseURL: `http://127.0.0.1:1/v1`, maxRetries: 0 });
  const a = new Anthropic({ apiKey: "test-anthropic-key", baseURL: `http://127.0.0.1:1`, maxRetries: 0 });
  const x: number = c.maxRetries + a.maxRetries;
  console.log(x);
});
