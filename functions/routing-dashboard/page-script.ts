// The dashboard's browser script (plain ES2020, no build step). It keeps the token in
// sessionStorage, reads /api/summary every 30 s and after each control, and draws the charts as
// inline SVG. Every figure is written with textContent (never as HTML); money and percentages
// are shown exactly as the database sent them (strings of exact numerics), and numbers are
// parsed only to size the bars.
// Written without template literals so that it can live in one.
export const PAGE_SCRIPT = String.raw`
(function () {
  "use strict";
  var TOKEN_KEY = "routing-dashboard-token";
  var REFRESH_MS = 30000;
  var SVGNS = "http://www.w3.org/2000/svg";
  var base = location.pathname.replace(/\/+$/, "");
  var current = null;
  var timer = null;
  var loading = false;

  function $(id) { return document.getElementById(id); }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    setAll(node, attrs, children);
    return node;
  }
  function sv(tag, attrs, children) {
    var node = document.createElementNS(SVGNS, tag);
    setAll(node, attrs, children);
    return node;
  }
  function setAll(node, attrs, children) {
    if (attrs) for (var k in attrs) if (attrs[k] !== null && attrs[k] !== undefined) node.setAttribute(k, String(attrs[k]));
    if (children !== undefined && children !== null) {
      (Array.isArray(children) ? children : [children]).forEach(function (c) {
        if (c === null || c === undefined) return;
        node.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
      });
    }
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }

  function money(v) {
    if (v === null || v === undefined) return "n/a";
    var s = String(v);
    return s.charAt(0) === "-" ? "-$" + s.slice(1) : "$" + s;
  }
  function pct(v) { return v === null || v === undefined ? "n/a" : v + "%"; }
  function text(v) { return v === null || v === undefined || v === "" ? "none" : String(v); }
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }
  /** For bar geometry only: never shown. */
  function size(v) { var n = parseFloat(v); return isFinite(n) && n > 0 ? n : 0; }

  function token() { try { return sessionStorage.getItem(TOKEN_KEY); } catch (e) { return null; } }

  async function api(path, body) {
    var init = { method: body ? "POST" : "GET", cache: "no-store", headers: { authorization: "Bearer " + token() } };
    if (body) { init.headers["content-type"] = "application/json"; init.body = JSON.stringify(body); }
    var res = await fetch(base + path, init);
    var data = null;
    try { data = await res.json(); } catch (e) { data = null; }
    if (!res.ok) {
      var err = new Error(data && data.error && data.error.message ? data.error.message : "HTTP " + res.status);
      err.status = res.status;
      throw err;
    }
    return data;
  }

  // ---------------------------------------------------------------- sign in / out
  function showSignIn(message) {
    $("dashboard").hidden = true;
    $("topbar-controls").hidden = true;
    $("signin").hidden = false;
    $("signin-error").textContent = message || "";
    setPill(null);
    $("token").focus();
  }
  function showDashboard() {
    $("signin").hidden = true;
    $("dashboard").hidden = false;
    $("topbar-controls").hidden = false;
  }
  function signOut(message) {
    try { sessionStorage.removeItem(TOKEN_KEY); } catch (e) { /* ignore */ }
    if (timer) clearInterval(timer);
    timer = null;
    current = null;
    showSignIn(message);
  }

  $("signin-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var value = $("token").value.trim();
    if (!value) return;
    sessionStorage.setItem(TOKEN_KEY, value);
    $("token").value = "";
    start();
  });
  $("sign-out").addEventListener("click", function () { signOut(""); });
  $("refresh").addEventListener("click", function () { load(); });
  $("days").addEventListener("change", function () { load(); });

  function start() {
    showDashboard();
    load();
    if (timer) clearInterval(timer);
    timer = setInterval(load, REFRESH_MS);
  }

  // ---------------------------------------------------------------- loading
  async function load() {
    if (loading || !token()) return;
    loading = true;
    try {
      var summary = await api("/api/summary?days=" + encodeURIComponent($("days").value));
      current = summary;
      render(summary);
      $("last-updated").textContent = "updated " + summary.generated_at.replace("T", " ").replace("Z", " UTC");
    } catch (err) {
      if (err.status === 401 || err.status === 403) { signOut(err.message); return; }
      say("Could not load the figures: " + err.message, false);
    } finally {
      loading = false;
    }
  }

  function say(message, ok) {
    var m = $("message");
    m.textContent = message;
    m.className = "message " + (ok ? "ok" : "bad");
  }

  async function control(body, done) {
    var buttons = document.querySelectorAll("#dashboard button");
    buttons.forEach(function (b) { b.disabled = true; });
    try {
      var answer = await api("/api/control", body);
      say(done(answer.result) + " (by " + answer.actor + ")", true);
    } catch (err) {
      if (err.status === 401 || err.status === 403) { signOut(err.message); return; }
      say("Not done: " + err.message, false);
    } finally {
      buttons.forEach(function (b) { b.disabled = false; });
      await load();
    }
  }

  $("toggle-routing").addEventListener("click", function () {
    if (!current || !current.status) return;
    var enable = !current.status.enabled;
    control({ action: "set_enabled", enabled: enable }, function () { return enable ? "Routing turned on" : "Routing turned off"; });
  });
  $("rollout-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var p = parseInt($("rollout").value, 10);
    control({ action: "set_rollout", percentage: p }, function () { return "Rollout set to " + p + "%"; });
  });
  $("rollback-form").addEventListener("submit", function (event) {
    event.preventDefault();
    control({ action: "clear_rollback", note: $("rollback-note").value }, function (r) {
      return r && r.cleared ? "Rollback trip cleared" : "There was no rollback trip to clear";
    });
    $("rollback-note").value = "";
  });
  $("preference-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var pref = $("agent-preference").value || null;
    control({ action: "set_agent_preference", agent_id: $("agent-id").value.trim(), preference: pref }, function (r) {
      return "Agent " + r.agent_id + ": preference " + text(r.old_preference) + " -> " + text(r.model_preference);
    });
  });
  $("evaluate-alerts").addEventListener("click", function () {
    control({ action: "evaluate_alerts" }, function () { return "Alerts evaluated"; });
  });

  // ---------------------------------------------------------------- rendering
  function render(s) {
    renderStatus(s.status, s.viewer);
    renderCost(s.cost, s.since, s.days);
    renderDistribution(s.distribution);
    renderSuccess(s.success_by_model, s.success_overall);
    renderCohorts(s.cohorts, s.cohort_days);
    renderAlerts(s.alerts);
    renderChanges(s.recent_changes);
    renderModels(s.models);
  }

  function setPill(status) {
    var pill = $("status-pill");
    if (!status) { pill.className = "pill pill-unknown"; pill.textContent = "Status unknown"; return; }
    if (status.rollback_tripped_at) {
      pill.className = "pill pill-tripped";
      pill.textContent = "ROLLED BACK (automatic trip)";
    } else if (status.enabled) {
      pill.className = "pill pill-on";
      pill.textContent = "ENABLED (" + status.rollout_percentage + "% rollout)" + (status.force_model ? ", forced " + status.force_model : "");
    } else {
      pill.className = "pill pill-off";
      pill.textContent = "DISABLED";
    }
  }

  function renderStatus(st, viewer) {
    setPill(st);
    var dl = clear($("status-facts"));
    if (!st) { dl.appendChild(el("dd", null, "No routing.config row.")); return; }
    var breakers = st.breakers ? Object.keys(st.breakers).map(function (p) { return p + " " + st.breakers[p]; }).join(", ") : "none";
    var rows = [
      ["Routing", st.enabled ? "on" : "off"],
      ["Deciding by tier", st.routing_active ? "yes" : "no"],
      ["Rollout", st.rollout_percentage + "% of agents routed"],
      ["Forced model", text(st.force_model)],
      ["Rollback trip", st.rollback_tripped_at ? "tripped " + st.rollback_tripped_at : "not tripped"],
      ["Trip reason", text(st.rollback_reason)],
      ["Auto-rollback", st.auto_rollback_enabled === false ? "off (alerts only)" : "on"],
      ["Baseline model", st.baseline_model],
      ["Circuits", breakers],
      ["Last change", st.updated_at + " by " + st.updated_by],
      ["Signed in as", viewer ? viewer.name + " (" + viewer.kind + ")" : "?"],
    ];
    rows.forEach(function (r) { dl.appendChild(el("dt", null, r[0])); dl.appendChild(el("dd", null, r[1])); });
    var toggle = $("toggle-routing");
    toggle.textContent = st.enabled ? "Turn routing off" : "Turn routing on";
    toggle.className = st.enabled ? "danger" : "";
    toggle.setAttribute("aria-pressed", st.enabled ? "true" : "false");
    if (document.activeElement !== $("rollout")) $("rollout").value = st.rollout_percentage;
    $("clear-rollback").disabled = !st.rollback_tripped_at;
  }

  function kpi(label, value, note) {
    return el("div", null, [el("dt", null, label), el("dd", { class: "num" }, [value, note ? el("small", null, note) : null])]);
  }

  function dayList(since, days) {
    var out = [];
    var d = new Date(since + "T00:00:00Z");
    for (var i = 0; i < days; i++) {
      out.push(new Date(d.getTime() + i * 86400000).toISOString().slice(0, 10));
    }
    return out;
  }

  function renderCost(cost, since, days) {
    var t = cost.totals;
    var k = clear($("cost-kpis"));
    k.appendChild(kpi("Without routing", money(t.baseline_cost_usd), "baseline"));
    k.appendChild(kpi("With routing", money(t.actual_cost_usd), "actual"));
    k.appendChild(kpi("Savings", money(t.savings_usd), t.savings_pct === null ? "no calls" : pct(t.savings_pct)));
    k.appendChild(kpi("Per execution", money(t.cost_per_execution_usd), plural(t.executions, "execution")));

    var byDay = {};
    cost.days.forEach(function (d) { byDay[d.day] = d; });
    var list = dayList(since, days).map(function (day) {
      return byDay[day] || { day: day, calls: 0, executions: 0, actual_cost_usd: "0", baseline_cost_usd: "0" };
    });
    drawCostChart($("cost-chart"), list);

    var body = clear($("cost-table").tBodies[0]);
    var rows = cost.days.slice().reverse();
    if (rows.length === 0) body.appendChild(el("tr", null, el("td", { colspan: 8, class: "empty" }, "No calls in this period.")));
    rows.forEach(function (d) {
      body.appendChild(el("tr", { "data-day": d.day }, [
        el("td", null, d.day), el("td", { class: "num" }, d.calls), el("td", { class: "num" }, d.executions),
        el("td", { class: "num" }, money(d.actual_cost_usd)), el("td", { class: "num" }, money(d.baseline_cost_usd)),
        el("td", { class: "num" }, money(d.savings_usd)), el("td", { class: "num" }, pct(d.savings_pct)),
        el("td", { class: "num" }, money(d.cost_per_execution_usd)),
      ]));
    });
  }

  function drawCostChart(holder, list) {
    clear(holder);
    var W = 560, H = 200, left = 8, right = 8, top = 18, bottom = 24;
    var max = 0, maxText = "0";
    list.forEach(function (d) {
      if (size(d.baseline_cost_usd) > max) { max = size(d.baseline_cost_usd); maxText = d.baseline_cost_usd; }
      if (size(d.actual_cost_usd) > max) { max = size(d.actual_cost_usd); maxText = d.actual_cost_usd; }
    });
    var label = "Cost per day, actual vs baseline, " + list.length + " days; highest " + money(maxText);
    var svg = sv("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": label });
    var plotH = H - top - bottom, plotW = W - left - right;
    svg.appendChild(sv("line", { class: "grid-line", x1: left, x2: W - right, y1: top, y2: top }));
    svg.appendChild(sv("text", { x: left, y: top - 5 }, "max " + money(maxText)));
    svg.appendChild(sv("line", { class: "axis", x1: left, x2: W - right, y1: top + plotH, y2: top + plotH }));
    var slot = plotW / Math.max(list.length, 1);
    var barW = Math.max(Math.min(slot * 0.36, 28), 1.5);
    var every = Math.ceil(list.length / 10);
    list.forEach(function (d, i) {
      var x = left + i * slot + slot / 2;
      var hb = max > 0 ? size(d.baseline_cost_usd) / max * plotH : 0;
      var ha = max > 0 ? size(d.actual_cost_usd) / max * plotH : 0;
      var b = sv("rect", { class: "bar-baseline", x: x - barW - 1, y: top + plotH - hb, width: barW, height: hb });
      b.appendChild(sv("title", null, d.day + " baseline " + money(d.baseline_cost_usd)));
      var a = sv("rect", { class: "bar-actual", x: x + 1, y: top + plotH - ha, width: barW, height: ha });
      a.appendChild(sv("title", null, d.day + " actual " + money(d.actual_cost_usd)));
      svg.appendChild(b);
      svg.appendChild(a);
      if (i % every === 0) svg.appendChild(sv("text", { x: x, y: H - 8, "text-anchor": "middle" }, d.day.slice(5)));
    });
    holder.appendChild(svg);
  }

  function barList(holder, rows, opts) {
    clear(holder);
    if (rows.length === 0) { holder.appendChild(el("p", { class: "empty" }, opts.empty)); return; }
    var rowH = 38, W = 380, labelW = 112, valueW = 140;
    var H = rows.length * rowH + 4;
    var svg = sv("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": opts.label });
    var barMax = W - labelW - valueW - 8;
    rows.forEach(function (r, i) {
      var y = i * rowH + 4;
      var g = sv("g", { "data-model": r.key });
      g.appendChild(sv("title", null, r.title));
      g.appendChild(sv("text", { class: "label", x: 0, y: y + 14 }, r.key));
      if (r.sub) g.appendChild(sv("text", { x: 0, y: y + 29 }, r.sub));
      g.appendChild(sv("rect", { class: "bar-track", x: labelW, y: y + 3, width: barMax, height: 16, rx: 3 }));
      g.appendChild(sv("rect", { class: r.cls || "bar-actual", x: labelW, y: y + 3, width: Math.max(r.fraction * barMax, r.fraction > 0 ? 2 : 0), height: 16, rx: 3 }));
      g.appendChild(sv("text", { class: "label", x: labelW + barMax + 8, y: y + 14 }, r.value));
      if (r.detail) g.appendChild(sv("text", { x: labelW + barMax + 8, y: y + 29 }, r.detail));
      svg.appendChild(g);
    });
    holder.appendChild(svg);
  }

  function renderDistribution(rows) {
    barList($("distribution"), rows.map(function (r) {
      return {
        key: r.model, sub: r.provider, fraction: size(r.share_pct) / 100, value: pct(r.share_pct),
        detail: plural(r.calls, "call") + ", " + plural(r.executions, "execution"),
        title: r.model + ": " + plural(r.calls, "call") + " (" + pct(r.share_pct) + " of calls), " + plural(r.executions, "execution") +
          ", " + plural(r.fallback_calls, "fallback call"),
      };
    }), { label: "Share of calls by chosen model", empty: "No calls in this period." });
  }

  function rateClass(rate) {
    var n = parseFloat(rate);
    return n >= 98 ? "bar-ok" : n >= 95 ? "bar-warn" : "bar-bad";
  }
  function rateMark(rate) {
    var n = parseFloat(rate);
    return n >= 98 ? " \u2713" : n >= 95 ? " !" : " \u2717";
  }

  function renderSuccess(rows, overall) {
    var all = rows.slice();
    if (rows.length > 1 && overall && overall.executions > 0) all.push({ model: "Overall", provider: "all models", executions: overall.executions, succeeded: overall.succeeded, success_rate: overall.success_rate });
    barList($("success"), all.map(function (r) {
      return {
        key: r.model, sub: r.provider, fraction: size(r.success_rate) / 100, cls: rateClass(r.success_rate),
        value: pct(r.success_rate) + rateMark(r.success_rate), detail: r.succeeded + "/" + r.executions + " succeeded",
        title: r.model + ": " + pct(r.success_rate) + " (" + r.succeeded + " of " + r.executions + " executions succeeded)",
      };
    }), { label: "Success rate of executions by chosen model", empty: "No execution outcomes in this period." });
  }

  function renderCohorts(rows, days) {
    var maxCost = 0;
    rows.forEach(function (r) { maxCost = Math.max(maxCost, size(r.cost_per_execution_usd), size(r.baseline_cost_per_execution_usd)); });
    var bars = [];
    rows.forEach(function (r) {
      bars.push({ key: r.cohort, sub: "success rate", fraction: size(r.success_rate) / 100, cls: rateClass(r.success_rate),
        value: pct(r.success_rate), detail: r.succeeded + "/" + r.executions + " succeeded",
        title: r.cohort + " success rate " + pct(r.success_rate) });
      bars.push({ key: "", sub: "cost / execution", fraction: maxCost > 0 ? size(r.cost_per_execution_usd) / maxCost : 0, cls: "bar-actual",
        value: money(r.cost_per_execution_usd), detail: "baseline " + money(r.baseline_cost_per_execution_usd),
        title: r.cohort + " cost per execution " + money(r.cost_per_execution_usd) });
    });
    barList($("cohorts"), bars, { label: "Routed vs control: success rate and cost per execution", empty: "No execution outcomes in this period." });

    var body = clear($("cohort-table").tBodies[0]);
    rows.forEach(function (r) {
      body.appendChild(el("tr", null, [el("td", null, r.cohort), el("td", { class: "num" }, r.executions),
        el("td", { class: "num" }, pct(r.success_rate)), el("td", { class: "num" }, money(r.cost_per_execution_usd)),
        el("td", { class: "num" }, money(r.baseline_cost_per_execution_usd))]));
    });
    var dbody = clear($("cohort-days-table").tBodies[0]);
    if (days.length === 0) dbody.appendChild(el("tr", null, el("td", { colspan: 6, class: "empty" }, "No execution outcomes in this period.")));
    days.slice(0, 12).forEach(function (r) {
      dbody.appendChild(el("tr", null, [el("td", null, r.day), el("td", null, r.cohort), el("td", { class: "num" }, r.executions),
        el("td", { class: "num" }, pct(r.success_rate)), el("td", { class: "num" }, text(r.p50_latency_ms)),
        el("td", { class: "num" }, text(r.p95_latency_ms))]));
    });
  }

  function renderAlerts(rows) {
    var ul = clear($("alerts"));
    if (rows.length === 0) ul.appendChild(el("li", { class: "empty" }, "No alerts defined."));
    rows.forEach(function (a) {
      var detail;
      if (a.alert === "auto_rollback") detail = text(a.message);
      else if (a.value === null) detail = "no sample yet (" + a.sample + "/" + text(a.min_sample) + " in " + text(a.window) + ")";
      else detail = a.value + ", fires " + a.comparator + " " + a.threshold + " (sample " + a.sample + ", window " + text(a.window) + ")";
      ul.appendChild(el("li", { class: a.state, title: a.state + " since " + a.since + (a.evaluated_at ? ", evaluated " + a.evaluated_at : "") }, [
        el("span", { class: "state" }, a.state === "firing" ? "FIRING" : "ok"),
        el("div", { class: "name" }, a.alert),
        el("div", { class: "detail" }, detail),
        a.state === "firing" ? el("div", { class: "detail" }, "since " + a.since) : null,
      ]));
    });
  }

  function describeChange(c) {
    return Object.keys(c.new_values).map(function (key) {
      return key + " " + JSON.stringify(c.old_values[key]) + " \u2192 " + JSON.stringify(c.new_values[key]);
    }).join("; ");
  }
  function renderChanges(rows) {
    var ol = clear($("changes"));
    if (rows.length === 0) ol.appendChild(el("li", { class: "empty" }, "No changes yet."));
    rows.forEach(function (c) {
      ol.appendChild(el("li", null, [el("strong", null, c.changed_by), " " + c.changed_at + ": " + describeChange(c)]));
    });
  }

  function renderModels(models) {
    var select = $("agent-preference");
    var chosen = select.value;
    while (select.options.length > 2) select.remove(2);
    models.forEach(function (m) { select.appendChild(el("option", { value: m.model }, m.model + " (" + m.provider + ")")); });
    select.value = chosen;
  }

  if (token()) start(); else showSignIn("");
})();
`;
