// routing-dashboard: GET serves the operators' page; /api/summary and /api/control are its JSON
// API for the service role or a routing admin. Everything else lives in the modules beside this file.
import { handleRequest } from "./handler.ts";

Deno.serve(handleRequest);
