/* The dashboard's map without tiles: the area's children's outlines (GeoJSON from `command_map`) drawn by ECharts
 * as SVG, coloured by the chosen figure; a click on a region opens that area's dashboard. Nothing is fetched but
 * Frontline's own endpoint, so it works on an intranet with no map server. A list of the same links under the map
 * serves keyboards and screen readers. */
(function () {
  "use strict";
  const config = document.getElementById("command-map-config");
  const box = document.getElementById("command-map-chart");
  if (!config || !box || !window.echarts) return;
  const cfg = JSON.parse(config.textContent);
  const T = cfg.texts;
  const chooser = document.getElementById("command-map-figure");
  const message = document.getElementById("command-map-message");
  const links = document.getElementById("command-map-links");
  const chart = echarts.init(box, null, { renderer: "svg" });
  const mapName = `frontline-area-${cfg.area}`;
  let registered = false;

  function say(text) {
    message.textContent = text || "";
    message.classList.toggle("d-none", !text);
  }

  function listLinks(features) {
    links.replaceChildren(...features.map((f) => {
      const li = document.createElement("li");
      li.className = "list-inline-item";
      const a = document.createElement("a");
      a.href = f.properties.url;
      a.textContent = `${f.properties.name} ${f.properties.value}`;
      li.append(a);
      return li;
    }));
  }

  function draw(body) {
    const features = body.features || [];
    say(body.message);
    listLinks(features);
    if (!features.length) {
      chart.clear();
      box.classList.add("d-none");
      box.dataset.state = "empty";
      return;
    }
    box.classList.remove("d-none");
    if (!registered) { // the outlines do not change with the figure: registered once
      echarts.registerMap(mapName, { type: "FeatureCollection", features: features.map((f) => ({
        type: "Feature", properties: { name: f.properties.name }, geometry: f.geometry })) });
      registered = true;
    }
    const unit = body.figure.unit;
    chart.setOption({
      tooltip: { trigger: "item", formatter: (p) => `${p.name}<br>${body.figure.label}：${p.value ?? 0} ${unit}` },
      visualMap: {
        min: 0, max: Math.max(body.max, 1), calculable: true, left: "left", bottom: 8,
        text: [T.high, T.low], inRange: { color: ["#fff5f0", "#fcae91", "#fb6a4a", "#cb181d"] },
      },
      series: [{
        type: "map", map: mapName, roam: false, selectedMode: false,
        label: { show: features.length <= 40, fontSize: 11 },
        emphasis: { label: { show: true }, itemStyle: { areaColor: "#fdd49e" } },
        itemStyle: { borderColor: "#555", borderWidth: 0.6 },
        data: features.map((f) => ({ name: f.properties.name, value: f.properties.value, url: f.properties.url })),
      }],
    }, true);
    // Drawn (the regions are in the page): the state a test, or a reader of the page, can wait for.
    window.requestAnimationFrame(() => { box.dataset.state = "ready"; });
  }

  function load() {
    box.dataset.state = "loading";
    say(T.loading);
    const params = new URLSearchParams(cfg.query);
    params.set("code", chooser.value);
    fetch(`${cfg.url}?${params}`, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((r) => r.json().then((body) => ({ ok: r.ok, body })))
      .then(({ ok, body }) => {
        if (!ok) { say(body.error || T.failed); box.dataset.state = "error"; return; }
        draw(body);
      })
      .catch(() => { say(T.failed); box.dataset.state = "error"; });
  }

  chart.on("click", (p) => {
    if (p.data && p.data.url) window.location.assign(p.data.url);
  });
  chooser.addEventListener("change", load);
  window.addEventListener("resize", () => chart.resize());
  load();
})();
