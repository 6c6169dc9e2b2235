// The public board: a tenant's verified leaderboards, read without sign-in. Served as a file by
// reporting: the page policy runs no inline script.
//
// Everything the API returns (campaign, cluster and unit names above all) is data typed by
// people, so it is put into the page as text only (textContent, new Option), never as markup.
// The page holds no credentials at all: it calls the public board's own read-only API.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.hash.slice(1));
  const tenant = document.body.dataset.tenant;
  const base = `api/${encodeURIComponent(tenant)}/`;  // /public/api/<tenant>/… from /public/<tenant>
  let campaigns = [];

  const ROMAN = ["", "I", "II", "III", "IV"];
  function periodLabel(p) {
    if (p.length === 4) return `Năm ${p}`;
    if (p[5] === "Q") return `Quý ${ROMAN[+p[6]]}/${p.slice(0, 4)}`;
    return `Tháng ${p.slice(5)}/${p.slice(0, 4)}`;
  }
  function periodsOf(c) {
    const out = [];
    const start = parseInt(c.start.slice(0, 4), 10), end = parseInt(c.end.slice(0, 4), 10);
    for (let y = start; y <= end; y++) {
      if (c.reporting_frequency === "year") out.push(String(y));
      else if (c.reporting_frequency === "quarter") for (let q = 1; q <= 4; q++) out.push(`${y}-Q${q}`);
      else for (let m = 1; m <= 12; m++) out.push(`${y}-${String(m).padStart(2, "0")}`);
    }
    return out;
  }

  function status(text, isError) {
    $("status").textContent = text;
    $("status").className = isError ? "error" : "";
  }

  function options(select, first, items) {  // items: [value, label] pairs, labels as text
    select.replaceChildren(...(first ? [new Option(first, "")] : []), ...items.map(([v, label]) => new Option(label, v)));
  }

  function cell(text, className) {
    const td = document.createElement("td");
    td.textContent = text == null ? "" : String(text);
    if (className) td.className = className;
    return td;
  }

  async function api(path) {
    const r = await fetch(base + path, { headers: { "Accept-Language": "vi" }, credentials: "omit" });
    let body = null;
    try { body = await r.json(); } catch (e) { body = null; }
    if (!r.ok) throw new Error((body && body.message) || String(r.status));
    return body;
  }

  async function loadCampaigns() {
    campaigns = await api("campaigns");
    options($("campaign"), null, campaigns.map((c) => [c.campaign_id, c.name]));
    if (params.get("campaign")) $("campaign").value = params.get("campaign");
    onCampaign();
  }

  function onCampaign() {
    const c = campaigns.find((x) => x.campaign_id === $("campaign").value);
    if (!c) return;
    options($("cluster"), "Tất cả", c.clusters.map((k) => [k.id, k.name]));
    options($("period"), "Cả giai đoạn", periodsOf(c).map((p) => [p, periodLabel(p)]));
    refresh();
  }

  function row(s, top) {
    const tr = document.createElement("tr");
    if (!s.reported) tr.className = "missing";
    const bar = document.createElement("div");
    bar.className = "bar";
    bar.style.width = `${(100 * s.score / top).toFixed(1)}%`;  // a style property, not markup
    const barCell = cell("", "bar-cell");
    barCell.append(bar);
    tr.append(cell(s.rank, "num"), cell(s.unit_name), cell(s.cluster_name || ""),
              cell(s.periods_reported, "num"), cell(s.score_display, "num"), cell(s.total_display, "num"), barCell);
    return tr;
  }

  async function refresh() {
    const id = $("campaign").value;
    if (!id) return;
    const q = new URLSearchParams();
    if ($("cluster").value) q.set("cluster", $("cluster").value);
    if ($("period").value) q.set("period", $("period").value);
    try {
      const board = await api(`campaigns/${encodeURIComponent(id)}/leaderboard?${q}`);
      const top = Math.max(1, ...board.standings.map((s) => s.score));  // the figure ranked
      $("rows").replaceChildren(...board.standings.map((s) => row(s, top)));
      status(`Cập nhật lúc ${board.generated_at}`, false);
      $("basis").textContent = board.basis.description;  // what the ranking compares (issue 8)
    } catch (e) {
      status("Lỗi: " + e.message, true);
    }
  }

  $("campaign").addEventListener("change", onCampaign);
  $("cluster").addEventListener("change", refresh);
  $("period").addEventListener("change", refresh);
  loadCampaigns().catch((e) => status("Lỗi: " + e.message, true));
  setInterval(refresh, 5000);  // verified standings change at review pace: no need to poll faster
})();
