/// <reference lib="dom" />
// (The page's types also where `deno test` checks this module in a Deno program: see ../page-script.ts.)
// Browser side of the dashboard: how figures are written. Money and percentages are shown
// exactly as the database sent them (strings of exact numerics); numbers are parsed only to size
// bars and pick a colour, never shown. Served as source by ../page-script.ts.
import type { Decimal } from "../summary.ts";

export function money(v: Decimal | null | undefined): string {
  if (v === null || v === undefined) return "n/a";
  const s = String(v);
  return s.charAt(0) === "-" ? "-$" + s.slice(1) : "$" + s;
}

export function pct(v: Decimal | null | undefined): string {
  return v === null || v === undefined ? "n/a" : v + "%";
}

export function text(v: unknown): string {
  return v === null || v === undefined || v === "" ? "none" : String(v);
}

export function plural(n: number, word: string): string {
  return n + " " + word + (n === 1 ? "" : "s");
}

/** For bar geometry only: never shown. */
export function size(v: Decimal | null | undefined): number {
  const n = parseFloat(v ?? "");
  return isFinite(n) && n > 0 ? n : 0;
}

export function rateClass(rate: Decimal | null): string {
  const n = parseFloat(rate ?? "");
  return n >= 98 ? "bar-ok" : n >= 95 ? "bar-warn" : "bar-bad";
}

export function rateMark(rate: Decimal | null): string {
  const n = parseFloat(rate ?? "");
  return n >= 98 ? " \u2713" : n >= 95 ? " !" : " \u2717";
}

/** The `days` UTC days from `since` ('YYYY-MM-DD'), in order. */
export function dayList(since: string, days: number): string[] {
  const first = new Date(since + "T00:00:00Z").getTime();
  const out: string[] = [];
  for (let i = 0; i < days; i++) out.push(new Date(first + i * 86400000).toISOString().slice(0, 10));
  return out;
}
