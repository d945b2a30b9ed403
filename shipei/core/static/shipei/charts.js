// Draws every `<div data-chart="ID">` of a page with ECharts, from the option in the
// `<script type="application/json" id="ID">` beside it (json_script, made in Python: STACK.md).
// Each chart's table carries the same numbers for those who read rather than look, and for
// screen readers. Used by the statistics dashboard and the survey results; the page loads
// vendor/echarts/echarts.common.min.js first. An option may carry "height" (px, default 280).
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var font = window.getComputedStyle(document.body).fontFamily;
  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (box) {
    var data = document.getElementById(box.dataset.chart);
    if (!data) { return; }
    var option = JSON.parse(data.textContent);
    box.style.height = (option.height || 280) + "px";
    delete option.height;
    // The page's own Chinese font stack (UX.md), not the canvas default.
    option.textStyle = Object.assign({ fontFamily: font }, option.textStyle);
    var chart = echarts.init(box, null, { renderer: "canvas" });
    chart.setOption(option);
    charts.push(chart);
  });
  // A box changes width with the window, the phone's orientation or the column it sits in.
  if (typeof ResizeObserver !== "undefined") {
    var seen = new ResizeObserver(function (entries) {
      entries.forEach(function (entry) {
        var chart = echarts.getInstanceByDom(entry.target);
        if (chart) { chart.resize(); }
      });
    });
    charts.forEach(function (c) { seen.observe(c.getDom()); });
  } else {
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }
})();
