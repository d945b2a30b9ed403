// The test's countdown (the server holds the deadline; this only shows it) and the essay's
// live 字数, counted the way the server counts it (text.length).
(function () {
  "use strict";
  function tick() {
    var el = document.getElementById("sp-as-left");
    if (!el) { return; }
    var left = parseInt(el.dataset.seconds, 10);
    if (left > 0) { el.dataset.seconds = String(left - 1); }
    var m = Math.floor(left / 60), s = left % 60;
    el.textContent = m + " 分 " + (s < 10 ? "0" : "") + s + " 秒";
  }
  tick();
  setInterval(tick, 1000);
  var WORD = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[\u3001-\u303f\uff00-\uffef\u2018\u2019\u201c\u201d\u2014\u2026\u00b7]|[A-Za-z0-9\u00c0-\u024f]+(?:['’.\-][A-Za-z0-9\u00c0-\u024f]+)*/g;
  var body = document.getElementById("id_body");
  var count = document.getElementById("sp-as-count");
  if (body && count) {
    body.addEventListener("input", function () {
      var text = body.value.replace(/<[^>]*>/g, " ");
      var n = (text.match(WORD) || []).length;
      count.textContent = String(n);
      count.classList.toggle("text-danger", n < parseInt(count.dataset.minimum, 10));
    });
  }
})();
