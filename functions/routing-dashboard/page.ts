// The dashboard page: one HTML document with its CSS and script inline (no build step, no CDN),
// kept in TS modules so `supabase functions deploy` bundles it with the function. The page holds
// no data: it asks for a token (kept in sessionStorage, never in the URL) and reads the API.
import { PAGE_SCRIPT } from "./page-script.ts";
import { PAGE_STYLE } from "./page-style.ts";

export function renderPage(nonce: string): string {
  // Replacer functions: the script contains "$" sequences that a replacement string would expand.
  return PAGE_HTML.replaceAll("__NONCE__", nonce).replace("__STYLE__", () => PAGE_STYLE).replace("__SCRIPT__", () => PAGE_SCRIPT);
}

const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>Intelligent routing dashboard</title>
<style nonce="__NONCE__">__STYLE__</style>
</head>
<body>
<header class="topbar">
  <h1>Intelligent routing dashboard</h1>
  <p id="status-pill" class="pill pill-unknown" role="status" aria-live="polite">Status unknown</p>
  <div class="topbar-right" id="topbar-controls" hidden>
    <label for="days">Period</label>
    <select id="days" name="days">
      <option value="1">today (UTC)</option>
      <option value="7" selected>last 7 days</option>
      <option value="30">last 30 days</option>
      <option value="90">last 90 days</option>
    </select>
    <button type="button" id="refresh">Refresh</button>
    <span class="muted" id="last-updated" aria-live="off">not loaded</span>
    <button type="button" id="sign-out" class="secondary">Sign out</button>
  </div>
</header>

<main>
  <section id="signin" class="card signin" aria-labelledby="signin-title">
    <h2 id="signin-title">Sign in</h2>
    <p>Enter the project's <strong>service role key</strong> or the JWT of a routing admin
      (a user whose <code>app_metadata.routing_admin</code> is <code>true</code>).
      It is kept in this tab's session storage only and sent as <code>Authorization: Bearer</code>.</p>
    <form id="signin-form" autocomplete="off">
      <label for="token">Service role key or admin JWT</label>
      <input id="token" name="token" type="password" required spellcheck="false" autocomplete="off">
      <button type="submit">Open dashboard</button>
    </form>
    <p id="signin-error" class="error" role="alert"></p>
  </section>

  <div id="dashboard" hidden>
    <p id="message" class="message" role="status" aria-live="polite"></p>
    <div class="grid">
      <section class="card span-4 rows-2" aria-labelledby="status-title">
        <h2 id="status-title">Routing status</h2>
        <dl class="facts" id="status-facts"></dl>
        <h3>Controls</h3>
        <div class="control-row">
          <button type="button" id="toggle-routing">Turn routing off</button>
        </div>
        <form id="rollout-form" class="control-row">
          <label for="rollout">Rollout percentage</label>
          <input id="rollout" name="rollout" type="number" min="0" max="100" step="1" required>
          <button type="submit">Set rollout</button>
        </form>
        <form id="rollback-form" class="control-row">
          <label for="rollback-note">Note</label>
          <input id="rollback-note" name="note" type="text" maxlength="500" placeholder="why it is safe again">
          <button type="submit" id="clear-rollback">Clear rollback trip</button>
        </form>
        <form id="preference-form" class="control-grid">
          <label for="agent-id">Agent id</label>
          <input id="agent-id" name="agent_id" type="text" required spellcheck="false"
                 pattern="[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
                 placeholder="00000000-0000-0000-0000-000000000000">
          <label for="agent-preference">Model preference</label>
          <select id="agent-preference" name="preference">
            <option value="">router decides</option>
            <option value="premium">premium</option>
          </select>
          <span></span>
          <button type="submit">Set agent preference</button>
        </form>
      </section>
      <section class="card span-5" aria-labelledby="cost-title">
        <h2 id="cost-title">Cost savings</h2>
        <dl class="kpis" id="cost-kpis"></dl>
        <figure>
          <div id="cost-chart" class="chart"></div>
          <figcaption class="legend"><span class="swatch baseline"></span> without routing (baseline)
            <span class="swatch actual"></span> with routing (actual), USD per UTC day</figcaption>
        </figure>
      </section>
      <section class="card span-3" aria-labelledby="alerts-title">
        <h2 id="alerts-title">Alerts</h2>
        <ul id="alerts" class="alerts"></ul>
        <div class="control-row"><button type="button" id="evaluate-alerts" class="secondary">Evaluate alerts now</button></div>
      </section>
      <section class="card span-4" aria-labelledby="dist-title">
        <h2 id="dist-title">Model distribution</h2>
        <div id="distribution" class="chart"></div>
      </section>
      <section class="card span-4" aria-labelledby="success-title">
        <h2 id="success-title">Success rate by model</h2>
        <div id="success" class="chart"></div>
      </section>
      <section class="card span-4" aria-labelledby="cohort-title">
        <h2 id="cohort-title">Routed vs control</h2>
        <div id="cohorts" class="chart"></div>
        <div class="table-wrap"><table class="data" id="cohort-table">
          <caption>By cohort over the period</caption>
          <thead><tr><th scope="col">Cohort</th><th scope="col">Executions</th><th scope="col">Success</th>
            <th scope="col">Cost / exec.</th><th scope="col">Baseline / exec.</th></tr></thead>
          <tbody></tbody>
        </table></div>
      </section>
      <section class="card span-8" aria-labelledby="days-title">
        <h2 id="days-title">Cost per day</h2>
        <div class="table-wrap"><table class="data" id="cost-table">
          <caption>Exact USD from the database (UTC days)</caption>
          <thead><tr><th scope="col">Day</th><th scope="col">Calls</th><th scope="col">Executions</th>
            <th scope="col">Actual</th><th scope="col">Baseline</th><th scope="col">Savings</th>
            <th scope="col">Savings %</th><th scope="col">Cost / execution</th></tr></thead>
          <tbody></tbody>
        </table></div>
      </section>
      <section class="card span-6" aria-labelledby="latency-title">
        <h2 id="latency-title">Cohorts per day</h2>
        <div class="table-wrap"><table class="data" id="cohort-days-table">
          <caption>Latency percentiles of the calls (per day; they cannot be summed)</caption>
          <thead><tr><th scope="col">Day</th><th scope="col">Cohort</th><th scope="col">Executions</th>
            <th scope="col">Success</th><th scope="col">p50 ms</th><th scope="col">p95 ms</th></tr></thead>
          <tbody></tbody>
        </table></div>
      </section>
      <section class="card span-6" aria-labelledby="changes-title">
        <h2 id="changes-title">Recent config changes</h2>
        <ol id="changes" class="changes"></ol>
      </section>
    </div>
  </div>
</main>
<script nonce="__NONCE__">__SCRIPT__</script>
</body>
</html>
`;
