// The command dashboard: each flow figure's trend drawn by ECharts from the JSON the page carries
// (json_script "command-trends"), and the ranking's figure picker submitting itself when changed. Without this
// script the page still shows every figure, the ranking and its buttons.
(function () {
  "use strict";

  function drawTrends() {
    var source = document.getElementById("command-trends");
    if (!source || typeof window.echarts === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var charts = [];
    data.series.forEach(function (s) {
      var el = document.querySelector('[data-trend="' + s.code + '"]');
      if (!el) {
        return;
      }
      var chart = window.echarts.init(el, null, {renderer: "svg"});
      chart.setOption({
        animation: false,
        grid: {left: 40, right: 12, top: 12, bottom: 24},
        tooltip: {trigger: "axis"},
        xAxis: {type: "category", data: data.days.map(function (d) { return d.slice(5); })},
        yAxis: {type: "value", minInterval: 1},
        series: [{name: s.label, type: "line", smooth: true, showSymbol: false, areaStyle: {opacity: 0.15},
                  data: s.values, color: "#c0392b"}]
      });
      el.setAttribute("data-drawn", "1");
      charts.push(chart);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }

  function autosubmit() {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawTrends();
    autosubmit();
  });
}());
