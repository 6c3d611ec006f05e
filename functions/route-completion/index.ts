// route-completion: POST an OpenAI chat-completions body plus agent_id; the router picks the
// model, calls the provider, and answers in OpenAI's format. POST .../outcome records how an
// execution ended. Everything else lives in the modules beside this file.
import { handleRequest } from "./handler.ts";

Deno.serve(handleRequest);
