// POST /routing-dashboard/api/control: reads and checks one operator command before anything
// runs. Each action maps to one operator function of the database:
//   {"action": "set_enabled", "enabled": true|false}             -> public.set_routing_enabled
//   {"action": "set_rollout", "percentage": 0..100}              -> public.set_rollout_percentage
//   {"action": "clear_rollback", "note": "why it is safe again"} -> public.clear_routing_rollback
//   {"action": "set_agent_preference", "agent_id": uuid, "preference": "premium" | model | null}
//                                                                -> public.set_agent_model_preference
//   {"action": "evaluate_alerts"}                                -> public.evaluate_routing_alerts
import { readJsonObject } from "../_shared/http/body.ts";
import { uuidParam } from "../_shared/http/ids.ts";
import { RouterHttpError } from "../_shared/http/openai-error.ts";

export type ControlCommand =
  | { action: "set_enabled"; enabled: boolean }
  | { action: "set_rollout"; percentage: number }
  | { action: "clear_rollback"; note: string }
  | { action: "set_agent_preference"; agentId: string; preference: string | null }
  | { action: "evaluate_alerts" };

export const CONTROL_ACTIONS = ["set_enabled", "set_rollout", "clear_rollback", "set_agent_preference", "evaluate_alerts"] as const;

const MAX_BODY_BYTES = 16 * 1024;

const invalid = (message: string, param: string) => new RouterHttpError(400, message, { param, code: "invalid_value" });

export async function readControlCommand(req: Request): Promise<ControlCommand> {
  return parseControlCommand(await readJsonObject(req, MAX_BODY_BYTES));
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
      const agentId = uuidParam({ value: typeof body.agent_id === "string" ? body.agent_id.trim() : body.agent_id, param: "agent_id" });
      const pref = body.preference ?? null;
      if (pref !== null && (typeof pref !== "string" || pref.trim() === "" || pref.length > 64)) {
        throw invalid('preference must be null (let the router decide), "premium" or a model of the catalog.', "preference");
      }
      return { action: "set_agent_preference", agentId, preference: pref === null ? null : pref.trim() };
    }
    default:
      throw invalid(`action must be one of ${CONTROL_ACTIONS.join(", ")}.`, "action");
  }
}
