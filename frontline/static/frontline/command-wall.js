/* The wall screen (指挥大屏): draws an area's key figures, ranking and trends from the JSON the page carries, then
 * asks the server again every few seconds (config.every). A failed or refused answer leaves the last figures on
 * the screen with their time and a notice saying the connection is lost; the last good answer is also kept in
 * localStorage, so a reload that cannot reach the server still shows something. Double-click: full screen. */
(function () {
  "use strict";
  const configEl = document.getElementById("wall-config");
  if (!configEl) return;
  const cfg = JSON.parse(configEl.textContent);
  const T = cfg.texts;
  const $ = (id) => document.getElementById(id);
  const notice = $("wall-notice");
  const charts = {};
  let current = null;

  const fmt = (text, values) => text.replace(/%\((\w+)\)s/g, (m, key) => (key in values ? values[key] : m));
  const number = (n) => Number(n || 0).toLocaleString(cfg.locale);
  const setText = (el, value) => { if (el.textContent !== value) el.textContent = value; };
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const newer = (a, b) => (!b || (a && Date.parse(a.computed_at) >= Date.parse(b.computed_at)) ? a : b);

  function stored() {
    try {
      const kept = JSON.parse(localStorage.getItem(cfg.storage_key) || "null");
      return kept && kept.data && kept.data.figures ? kept.data : null;
    } catch (e) { return null; }
  }
  function store(data) {
    try { localStorage.setItem(cfg.storage_key, JSON.stringify({ data: data, saved_at: Date.now() })); } catch (e) { /* full or private */ }
  }

  function figureTile(f) {
    const tile = el("div", "wall-figure");
    tile.dataset.code = f.code;
    tile.dataset.testid = "wall-figure";
    tile.appendChild(el("div", "wall-figure-label"));
    const value = el("div", "wall-figure-value");
    const n = el("span", "wall-number");
    n.dataset.testid = "wall-figure-value";
    value.appendChild(n);
    value.appendChild(el("span", "wall-unit"));
    tile.appendChild(value);
    const change = el("div", "wall-figure-change");
    change.dataset.testid = "wall-figure-change";
    tile.appendChild(change);
    return tile;
  }

  function renderFigures(figures) {
    const box = $("wall-figures");
    const tiles = Array.from(box.querySelectorAll(".wall-figure"));
    if (tiles.map((t) => t.dataset.code).join() !== figures.map((f) => f.code).join()) {
      box.replaceChildren(...figures.map(figureTile));
    }
    box.querySelectorAll(".wall-figure").forEach((tile, i) => {
      const f = figures[i];
      setText(tile.querySelector(".wall-figure-label"), f.label);
      const n = tile.querySelector(".wall-number");
      const shown = number(f.value);
      setText(n, shown);
      n.classList.toggle("wall-long", shown.length >= 5 && shown.length < 9);
      n.classList.toggle("wall-longer", shown.length >= 9);
      setText(tile.querySelector(".wall-unit"), f.unit);
      const change = tile.querySelector(".wall-figure-change");
      let words = T.no_history;
      if (f.change !== null && f.change !== undefined) {
        words = f.change > 0 ? fmt(T.up, { n: number(f.change) })
          : f.change < 0 ? fmt(T.down, { n: number(-f.change) }) : T.same;
      }
      setText(change, words);
      change.classList.toggle("wall-up", f.change > 0);
      change.classList.toggle("wall-down", f.change < 0);
    });
  }

  function renderRanking(rank) {
    setText($("wall-rank-label"), rank.label || "");
    const top = Math.max(1, ...rank.children.map((c) => c.value));
    $("wall-rank").replaceChildren(...rank.children.map((c) => {
      const row = el("li", "wall-rank-row");
      row.appendChild(el("span", "wall-rank-name", c.name));
      const bar = el("progress", "wall-rank-bar");
      bar.max = top;
      bar.value = c.value;
      row.appendChild(bar);
      row.appendChild(el("span", "wall-rank-value", number(c.value)));
      return row;
    }));
  }

  function renderTrends(trends) {
    if (!window.echarts) return; // the charts' library did not load: the figures still show
    const box = $("wall-charts");
    const codes = trends.series.map((s) => s.code);
    if (Array.from(box.children).map((c) => c.dataset.code).join() !== codes.join()) {
      Object.keys(charts).forEach((k) => { charts[k].dispose(); delete charts[k]; });
      box.replaceChildren(...codes.map((code) => { const d = el("div", "wall-chart"); d.dataset.code = code; return d; }));
    }
    trends.series.forEach((s) => {
      const holder = box.querySelector(`.wall-chart[data-code="${s.code}"]`);
      if (!charts[s.code]) charts[s.code] = echarts.init(holder, "dark", { renderer: "canvas" });
      charts[s.code].setOption({
        backgroundColor: "transparent",
        animation: false,
        title: { text: s.label, left: 8, top: 4, textStyle: { fontSize: 24, color: "#f2f5fa", fontWeight: "bold" } },
        grid: { left: 64, right: 20, top: 52, bottom: 36 },
        xAxis: { type: "category", data: trends.days, axisLabel: { fontSize: 18, color: "#c9d4e5" } },
        yAxis: { type: "value", minInterval: 1, axisLabel: { fontSize: 18, color: "#c9d4e5" },
                 splitLine: { lineStyle: { color: "#22375c" } } },
        series: [{ type: "line", data: s.values, smooth: true, symbolSize: 8, lineStyle: { width: 4 },
                   areaStyle: { opacity: 0.18 }, label: { show: false } }],
      });
    });
  }

  function render(data) {
    current = data;
    setText($("wall-time"), data.computed_time);
    setText($("wall-day"), data.day);
    renderFigures(data.figures);
    renderRanking(data.rank);
    renderTrends(data.trends);
  }

  function showNotice(text) {
    setText(notice, fmt(text, { time: current ? current.computed_minute : "--:--" }));
    notice.hidden = false;
    document.documentElement.dataset.wallState = "offline";
  }
  function hideNotice() {
    notice.hidden = true;
    document.documentElement.dataset.wallState = "live";
  }

  async function refresh() {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), Math.max(cfg.every * 1000, 5000));
    try {
      const resp = await fetch(cfg.data_url, { headers: { Accept: "application/json" }, cache: "no-cache",
                                               credentials: "same-origin", signal: controller.signal });
      const json = (resp.headers.get("Content-Type") || "").includes("application/json");
      if (resp.redirected || !json) { showNotice(T.logged_out); return; } // the session ended: the login page
      if (!resp.ok) throw new Error(String(resp.status));
      const data = await resp.json();
      render(data);
      store(data);
      hideNotice();
    } catch (e) {
      showNotice(T.lost);
    } finally {
      clearTimeout(timer);
      setTimeout(refresh, cfg.every * 1000);
    }
  }

  const initialEl = $("wall-initial");
  const initial = initialEl ? JSON.parse(initialEl.textContent) : null;
  const kept = stored();
  const first = newer(initial, kept);
  if (first) {
    render(first);
    if (first === initial) store(initial);
  }
  if (first && first !== initial) showNotice(T.stored); else hideNotice();
  window.addEventListener("resize", () => Object.values(charts).forEach((c) => c.resize()));
  document.addEventListener("dblclick", () => {
    if (document.fullscreenElement) document.exitFullscreen();
    else if (document.documentElement.requestFullscreen) document.documentElement.requestFullscreen().catch(() => {});
  });
  setTimeout(refresh, cfg.every * 1000);
})();
