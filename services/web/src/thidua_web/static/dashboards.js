/* Dashboards: charts drawn with Apache ECharts (vendored, its Vietnamese locale registered as "VI"
   by echarts-langVI.js) from data the server rendered (a JSON block or a data-chart attribute,
   never executed), and live updates of the leaderboard through the console's SSE relay.
   The tables hold the figures; the charts only show them. No inline script or style: ECharts
   styles its elements through the CSSOM (allowed by the page policy), and its tooltip is drawn on
   the canvas (renderMode richText) rather than as HTML with style attributes. */
(function () {
  "use strict";

  var lang = document.documentElement.lang === "en" ? "en" : "vi";
  var numbers = new Intl.NumberFormat(lang === "en" ? "en-US" : "vi-VN", { maximumFractionDigits: 2 });

  function format(value) {
    return typeof value === "number" ? numbers.format(value) : String(value);
  }

  function dataOf(el) {
    var source = el.getAttribute("data-source");
    var text = source ? (document.getElementById(source) || {}).textContent : el.getAttribute("data-chart");
    try {
      return JSON.parse(text || "null");
    } catch (e) {
      return null;
    }
  }

  function options(data) {
    var common = {
      animation: false,
      grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", renderMode: "richText", valueFormatter: format },
    };
    if (data.kind === "board") {
      // best first, top to bottom: a category axis draws its first item at the bottom
      var names = data.names.slice().reverse();
      var values = data.values.slice().reverse();
      common.xAxis = { type: "value", max: data.max || null, axisLabel: { formatter: format } };
      common.yAxis = { type: "category", data: names, axisLabel: { width: 180, overflow: "truncate" } };
      common.series = [{ type: "bar", data: values, label: { show: true, position: "right", formatter: function (p) { return format(p.value); } } }];
      return common;
    }
    common.xAxis = { type: "category", data: data.names };
    common.yAxis = { type: "value", max: data.max || null, axisLabel: { formatter: format } };
    common.series = [{ type: "bar", name: data.title, data: data.values, label: { show: true, position: "top", formatter: function (p) { return format(p.value); } } }];
    return common;
  }

  function draw(root) {
    if (!window.echarts) return;
    var found = root.querySelectorAll ? root.querySelectorAll(".chart") : [];
    Array.prototype.forEach.call(found, function (el) {
      var data = dataOf(el);
      if (!data || !data.names || !data.names.length) return;
      var old = window.echarts.getInstanceByDom(el);
      if (old) old.dispose();
      var chart = window.echarts.init(el, null, { renderer: "canvas", locale: lang === "en" ? "EN" : "VI" });
      chart.setOption(options(data));
      el.setAttribute("data-drawn", "true");
    });
  }

  function resizeAll() {
    Array.prototype.forEach.call(document.querySelectorAll(".chart[data-drawn]"), function (el) {
      var chart = window.echarts && window.echarts.getInstanceByDom(el);
      if (chart) chart.resize();
    });
  }

  // -- live updates: reporting's stream relayed by the console (the browser holds no token) ---------
  var live = document.getElementById("live");
  var refreshing = false;

  function say(key) {
    if (live) live.textContent = live.getAttribute("data-text-" + key) || "";
  }

  function refreshBoard() {
    var board = document.getElementById("board");
    if (board && window.htmx) {
      refreshing = true;
      window.htmx.trigger(board, "live-scores");
    }
  }

  function listen() {
    if (!live || !window.EventSource) return;
    var source = new EventSource(live.getAttribute("data-live"));
    var hellos = 0;
    source.addEventListener("hello", function () {
      hellos += 1;
      say("on");
      if (hellos > 1) refreshBoard(); // reconnected: a change may have come in between
    });
    source.addEventListener("scores", refreshBoard);
    source.addEventListener("error", function () {
      say("off");
    });
    window.addEventListener("pagehide", function () {
      source.close();
    });
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || !window.echarts) return;
    Array.prototype.forEach.call(target.querySelectorAll(".chart[data-drawn]"), function (el) {
      var chart = window.echarts.getInstanceByDom(el);
      if (chart) chart.dispose();
    });
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    if (refreshing && event.detail && event.detail.elt && event.detail.elt.id === "board") {
      refreshing = false;
      say("updated");
    }
  });

  function start() {
    draw(document);
    // every board htmx swaps in (the form's choice, a live update) is drawn when it arrives
    document.addEventListener("htmx:load", function (event) {
      if (event.target && event.target !== document.body) draw(event.target);
    });
    window.addEventListener("resize", resizeAll);
    listen();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
