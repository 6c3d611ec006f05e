/// <reference lib="dom" />
// (The page's types also where `deno test` checks this module in a Deno program: see ../page-script.ts.)
// Browser side of the dashboard: the entry point and its state. It keeps the token in
// sessionStorage (never in the URL), reads /api/summary every 30 s and after each control, and
// hands each summary to render(). Served as source by ../page-script.ts, which ends the script
// with a call to dashboardMain().
import type { ControlAnswer, SummaryResponse } from "../summary.ts";
import { $, byId } from "./dom.ts";
import { text } from "./format.ts";
import { render, setPill } from "./render.ts";

/** A failed API call: the HTTP status (null when there was no answer) and a message to show. */
export interface ApiFailure {
  status: number | null;
  message: string;
}

/** Any thrown value as an ApiFailure: api() throws those; anything else is a network or script error. */
export function apiFailure(error: unknown): ApiFailure {
  if (typeof error === "object" && error !== null && "status" in error && "message" in error) {
    const { status, message } = error;
    if ((typeof status === "number" || status === null) && typeof message === "string") return { status, message };
  }
  return { status: null, message: error instanceof Error ? error.message : String(error) };
}

/** Reads the error message of an OpenAI-shaped error body, if there is one. */
export function errorMessage(body: unknown): string | null {
  if (typeof body !== "object" || body === null || !("error" in body)) return null;
  const error = body.error;
  if (typeof error !== "object" || error === null || !("message" in error)) return null;
  return typeof error.message === "string" && error.message !== "" ? error.message : null;
}

export function dashboardMain(): void {
  const TOKEN_KEY = "routing-dashboard-token";
  const REFRESH_MS = 30000;
  const base = location.pathname.replace(/\/+$/, "");
  let current: SummaryResponse | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;
  let loading = false;

  const tokenInput = byId("token", HTMLInputElement);
  const days = byId("days", HTMLSelectElement);
  const rollout = byId("rollout", HTMLInputElement);
  const rollbackNote = byId("rollback-note", HTMLInputElement);
  const agentId = byId("agent-id", HTMLInputElement);
  const agentPreference = byId("agent-preference", HTMLSelectElement);

  function token(): string | null {
    try {
      return sessionStorage.getItem(TOKEN_KEY);
    } catch {
      return null;
    }
  }

  /** GET (no body) or POST (a JSON body) to the API; unless 2xx, throws an Error with the status. */
  async function api<T>(path: string, body?: object): Promise<T> {
    const headers: Record<string, string> = { authorization: "Bearer " + token() };
    if (body) headers["content-type"] = "application/json";
    const res = await fetch(base + path, {
      method: body ? "POST" : "GET",
      cache: "no-store",
      headers,
      body: body ? JSON.stringify(body) : undefined,
    });
    let data: unknown = null;
    try {
      data = await res.json();
    } catch {
      data = null;
    }
    if (!res.ok) {
      throw Object.assign(new Error(errorMessage(data) ?? "HTTP " + res.status), { status: res.status });
    }
    return data as T;
  }

  // ---------------------------------------------------------------- sign in / out
  function showSignIn(message: string): void {
    $("dashboard").hidden = true;
    $("topbar-controls").hidden = true;
    $("signin").hidden = false;
    $("signin-error").textContent = message;
    setPill(null);
    tokenInput.focus();
  }

  function showDashboard(): void {
    $("signin").hidden = true;
    $("dashboard").hidden = false;
    $("topbar-controls").hidden = false;
  }

  function signOut(message: string): void {
    try {
      sessionStorage.removeItem(TOKEN_KEY);
    } catch {
      // Storage may be unavailable; the token is gone from memory either way.
    }
    if (timer) clearInterval(timer);
    timer = null;
    current = null;
    showSignIn(message);
  }

  function start(): void {
    showDashboard();
    load();
    if (timer) clearInterval(timer);
    timer = setInterval(load, REFRESH_MS);
  }

  // ---------------------------------------------------------------- loading and controls
  function say(message: string, ok: boolean): void {
    const m = $("message");
    m.textContent = message;
    m.className = "message " + (ok ? "ok" : "bad");
  }

  async function load(): Promise<void> {
    if (loading || !token()) return;
    loading = true;
    try {
      const summary = await api<SummaryResponse>("/api/summary?days=" + encodeURIComponent(days.value));
      current = summary;
      render(summary);
      $("last-updated").textContent = "updated " + summary.generated_at.replace("T", " ").replace("Z", " UTC");
    } catch (error) {
      const failure = apiFailure(error);
      if (failure.status === 401 || failure.status === 403) signOut(failure.message);
      else say("Could not load the figures: " + failure.message, false);
    } finally {
      loading = false;
    }
  }

  /** Runs one control; `done` words its result for the status line. */
  async function control<R>(body: object, done: (result: R) => string): Promise<void> {
    const buttons = document.querySelectorAll<HTMLButtonElement>("#dashboard button");
    buttons.forEach((b) => b.disabled = true);
    try {
      const answer = await api<ControlAnswer<R>>("/api/control", body);
      say(done(answer.result) + " (by " + answer.actor + ")", true);
    } catch (error) {
      const failure = apiFailure(error);
      if (failure.status === 401 || failure.status === 403) {
        signOut(failure.message);
        return;
      }
      say("Not done: " + failure.message, false);
    } finally {
      buttons.forEach((b) => b.disabled = false);
      await load();
    }
  }

  byId("signin-form", HTMLFormElement).addEventListener("submit", (event) => {
    event.preventDefault();
    const value = tokenInput.value.trim();
    if (!value) return;
    sessionStorage.setItem(TOKEN_KEY, value);
    tokenInput.value = "";
    start();
  });
  $("sign-out").addEventListener("click", () => signOut(""));
  $("refresh").addEventListener("click", () => load());
  days.addEventListener("change", () => load());

  $("toggle-routing").addEventListener("click", () => {
    if (!current || !current.status) return;
    const enable = !current.status.enabled;
    control({ action: "set_enabled", enabled: enable }, () => enable ? "Routing turned on" : "Routing turned off");
  });
  byId("rollout-form", HTMLFormElement).addEventListener("submit", (event) => {
    event.preventDefault();
    const p = parseInt(rollout.value, 10);
    control({ action: "set_rollout", percentage: p }, () => "Rollout set to " + p + "%");
  });
  byId("rollback-form", HTMLFormElement).addEventListener("submit", (event) => {
    event.preventDefault();
    control<{ cleared: boolean } | null>({ action: "clear_rollback", note: rollbackNote.value }, (r) =>
      r && r.cleared ? "Rollback trip cleared" : "There was no rollback trip to clear");
    rollbackNote.value = "";
  });
  byId("preference-form", HTMLFormElement).addEventListener("submit", (event) => {
    event.preventDefault();
    const preference = agentPreference.value || null;
    control<{ agent_id: string; old_preference: string | null; model_preference: string | null }>(
      { action: "set_agent_preference", agent_id: agentId.value.trim(), preference: preference },
      (r) => "Agent " + r.agent_id + ": preference " + text(r.old_preference) + " -> " + text(r.model_preference),
    );
  });
  $("evaluate-alerts").addEventListener("click", () => {
    control({ action: "evaluate_alerts" }, () => "Alerts evaluated");
  });

  if (token()) start();
  else showSignIn("");
}
