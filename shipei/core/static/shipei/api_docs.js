// The API docs page (core/api_docs.html): Swagger UI draws parameter selects and body text
// areas without labels, and code boxes that scroll but cannot take focus (axe: critical and
// serious). Give each a name and a tab stop as it appears.
(function () {
  "use strict";
  const root = document.getElementById("swagger-ui");
  if (!root) return;

  function mend(scope) {
    scope.querySelectorAll("tr[data-param-name] select:not([aria-label]), tr[data-param-name] input:not([aria-label])").forEach(function (el) {
      el.setAttribute("aria-label", el.closest("tr").getAttribute("data-param-name"));
    });
    scope.querySelectorAll(".body-param textarea:not([aria-label])").forEach(function (el) {
      el.setAttribute("aria-label", "请求体（JSON）");
    });
    scope.querySelectorAll(".highlight-code .microlight:not([tabindex])").forEach(function (el) {
      el.setAttribute("tabindex", "0");
    });
  }

  new MutationObserver(function () { mend(root); }).observe(root, { childList: true, subtree: true });
  mend(root);
})();
