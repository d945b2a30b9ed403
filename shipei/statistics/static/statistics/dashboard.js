// Each chart's option comes from the page (json_script, made in Python: STACK.md); its table
// below carries the same numbers for those who read rather than look, and for screen readers.
(function () {
  "use strict";
  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (box) {
    var data = document.getElementById(box.dataset.chart);
    if (!data || typeof echarts === "undefined") { return; }
    var option = JSON.parse(data.textContent);
    box.style.height = (option.height || 280) + "px";
    delete option.height;
    var chart = echarts.init(box, null, { renderer: "canvas" });
    chart.setOption(option);
    charts.push(chart);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
})();
