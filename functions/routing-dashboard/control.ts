// POST /routing-dashboard/api/control: reads and checks one operator command before anything
// runs. Each action maps to one operator function of the database:
//   {"action": "set_enabled", "enabled": true|false}             -> public.set_routing_enabled
//   {"action": "set_rollout", "percentage": 0..100}              -> public.set_rollout_percentage
//   {"action": "clear_rollback", "note": "why it is safe again"} -> public.clear_routing_rollback
//   {"action": "set_agent_preference", "agent_id": uuid, "preference": "premium" | model | null}
//                                                                -> public.set_agent_model_preference
//   {"action": "evaluate_alerts"}                                -> public.evaluate_routing_alerts
import { RouterHttpError } from "../_shared/http/openai-error.ts";

export type ControlCommand =
  | { action: "set_enabled"; enabled: boolean }
  | { action: "set_rollout"; percentage: number }
  | { action: "clear_rollback"; note: string }
  | { action: "set_agent_preference"; agentId: string; preference: string | null }
  | { action: "evaluate_alerts" };

export const CONTROL_ACTIONS = ["set_enabled", "set_rollout", "clear_rollback", "set_agent_preference", "evaluate_alerts"] as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_BODY_BYTES = 16 * 1024;

const invalid = (message: string, param: string, code = "invalid_value") => new RouterHttpError(400, message, { param, code });

export async function readControlCommand(req: Request): Promise<ControlCommand> {
  const bytes = new Uint8Array(await req.arrayBuffer());
  if (bytes.length > MAX_BODY_BYTES) throw new RouterHttpError(413, `The request body is larger than ${MAX_BODY_BYTES} bytes.`, { code: "request_too_large" });
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw invalid("The request body is not valid JSON.", "body", "invalid_json");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw invalid("The request body must be a JSON object.", "body", "invalid_json");
  return parseControlCommand(body as Record<string, unknown>);
}

export function parseControlCommand(body: Record<string, unknown>): ControlCommand {
  switch (body.action) {
    case "set_enabled":
      if (typeof body.enabled !== "boolean") throw invalid("enabled must be true or false.", "enabled");
      return { action: "set_enabled", enabled: body.enabled };
    case "set_rollout": {
      const p = body.percentage;
      if (typeof p !== "number" || !Number.isInteger(p) || p < 0 || p > 100) throw invalid("percentage must be an integer from 0 to 100.", "percentage");
      return { action: "set_rollout", percentage: p };
    }
    case "clear_rollback": {
      const note = body.note;
      if (typeof note !== "string" || note.trim() === "" || note.length > 1000) {
        throw invalid("note is required (1 to 1000 characters): say why routing may resume.", "note");
      }
      return { action: "clear_rollback", note: note.trim() };
    }
    case "evaluate_alerts":
      return { action: "evaluate_alerts" };
    case "set_agent_preference": {
      if (typeof body.agent_id !== "string" || !UUID.test(body.agent_id.trim())) throw invalid("agent_id must be a UUID.", "agent_id");
      const pref = body.preference ?? null;
      if (pref !== null && (typeof pref !== "string" || pref.trim() === "" || pref.length > 64)) {
        throw invalid('preference must be null (let the router decide), "premium" or a model of the catalog.', "preference");
      }
      return { action: "set_agent_preference", agentId: body.agent_id.trim().toLowerCase(), preference: pref === null ? null : pref.trim() };
    }
    default:
      throw invalid(`action must be one of ${CONTROL_ACTIONS.join(", ")}.`, "action");
  }
}
