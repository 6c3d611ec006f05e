// The catalog as an OpenAI client lists it (GET /v1/models): the active models of routing.models,
// read with the function's pool, in OpenAI's model object shape. `owned_by` is the provider that
// serves the model; `created` is when it entered the catalog (seconds since the epoch).
import { modelNotFound } from "../http/openai-error.ts";
import { runQuery, sqlFor } from "./pool.ts";

export interface OpenAIModel {
  id: string;
  object: "model";
  created: number;
  owned_by: string;
}

const columns = (sql: ReturnType<typeof sqlFor>) =>
  sql`m.model as id, 'model' as object, floor(extract(epoch from m.created_at))::float8 as created, m.provider as owned_by`;

/** Every active model, by name. */
export async function listActiveModels(url: string | null, applicationName: string): Promise<OpenAIModel[]> {
  const sql = sqlFor(url, applicationName);
  const rows = await runQuery(() => sql`select ${columns(sql)} from routing.models m where m.active order by m.model`);
  return rows.map((row) => ({ ...row }) as OpenAIModel);
}

/** One active model, or 404 `model_not_found` as OpenAI answers it. */
export async function activeModel(url: string | null, applicationName: string, id: string): Promise<OpenAIModel> {
  const sql = sqlFor(url, applicationName);
  const rows = await runQuery(() => sql`select ${columns(sql)} from routing.models m where m.model = ${id} and m.active`);
  if (rows.length === 0) throw modelNotFound(`The model ${JSON.stringify(id.slice(0, 100))} is not an active model of the router's catalog.`);
  return { ...rows[0] } as OpenAIModel;
}
