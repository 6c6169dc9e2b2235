/* The board's dashboards (/board): bar charts drawn with the vendored Apache ECharts (its
   Vietnamese locale registered as "VI" by echarts-langVI.js) from the JSON blocks the server
   rendered next to each table (board/charts.py: {names, series: [{name, values}], stacked}).
   The tables hold the figures and stay the accessible version; the charts only show them.
   No inline script or style (CSP): ECharts styles its elements through the CSSOM, and its tooltip
   is drawn on the canvas (renderMode richText) rather than as HTML with style attributes. */
(function () {
  "use strict";

  var lang = document.documentElement.lang === "en" ? "en" : "vi";
  var numbers = new Intl.NumberFormat(lang === "en" ? "en-US" : "vi-VN", { maximumFractionDigits: 2 });

  function format(value) {
    return typeof value === "number" ? numbers.format(value) : String(value);
  }

  function dataOf(el) {
    var block = document.getElementById(el.getAttribute("data-source") || "");
    try {
      return JSON.parse((block && block.textContent) || "null");
    } catch (e) {
      return null;
    }
  }

  function options(data) {
    // a legend names the series: several of them, or the recipient types of the stacked awards
    var several = data.series.length > 1 || data.stacked;
    return {
      animation: false,
      grid: { left: 8, right: 16, top: several ? 40 : 16, bottom: 8, containLabel: true },
      legend: several ? { top: 0, data: data.series.map(function (s) { return s.name; }) } : undefined,
      tooltip: { trigger: "axis", renderMode: "richText", valueFormatter: format },
      xAxis: { type: "category", data: data.names, axisLabel: { interval: 0, width: 120, overflow: "truncate", hideOverlap: true } },
      yAxis: { type: "value", minInterval: 1, axisLabel: { formatter: format } },
      series: data.series.map(function (s) {
        return {
          type: "bar",
          name: s.name,
          data: s.values,
          stack: data.stacked ? "all" : undefined,
          barMaxWidth: 56,
          label: { show: !data.stacked, position: "top", formatter: function (p) { return format(p.value); } },
        };
      }),
    };
  }

  function draw() {
    if (!window.echarts) return;
    Array.prototype.forEach.call(document.querySelectorAll(".brd-chart"), function (el) {
      var data = dataOf(el);
      if (!data || !data.names || !data.names.length || !data.series) return;
      var chart = window.echarts.init(el, null, { renderer: "canvas", locale: lang === "en" ? "EN" : "VI" });
      chart.setOption(options(data));
      el.setAttribute("data-drawn", "true");
    });
  }

  function resizeAll() {
    Array.prototype.forEach.call(document.querySelectorAll(".brd-chart[data-drawn]"), function (el) {
      var chart = window.echarts && window.echarts.getInstanceByDom(el);
      if (chart) chart.resize();
    });
  }

  function start() {
    draw();
    window.addEventListener("resize", resizeAll);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
