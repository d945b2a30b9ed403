// Batch actions confirm with the count of selected rows (UX.md); "select all" boxes.
document.addEventListener("change", (event) => {
  const all = event.target.closest("[data-select-all]");
  if (all) {
    document.querySelectorAll(all.dataset.selectAll).forEach((box) => { box.checked = all.checked; });
  }
});
document.addEventListener("submit", (event) => {
  const form = event.target;
  const template = form.dataset.confirm;
  if (!template) return;
  const count = form.querySelectorAll("input[name=selected]:checked").length;
  if (!window.confirm(template.replace("%(count)s", count))) event.preventDefault();
});
// Page size and jump-to-page keep the other filters of the list (they live in the URL).
document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-page-size]");
  if (!select) return;
  const url = new URL(window.location.href);
  url.searchParams.set("per_page", select.value);
  url.searchParams.delete("page");
  window.location.assign(url.toString());
});
// A table that scrolls sideways in its box (phones) must be reachable by keyboard to scroll it
// (WCAG 2.1.1); boxes that fit get no extra tab stop.
function markScrollableTables() {
  document.querySelectorAll(".sp-table-box").forEach((box) => {
    if (box.scrollWidth > box.clientWidth + 1) {
      if (box.hasAttribute("tabindex")) return;
      box.dataset.spScroll = "1";
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", "表格（可左右滚动）");
    } else if (box.dataset.spScroll) {
      delete box.dataset.spScroll;
      ["tabindex", "role", "aria-label"].forEach((name) => box.removeAttribute(name));
    }
  });
}
markScrollableTables();
window.addEventListener("resize", markScrollableTables);
document.addEventListener("htmx:afterSettle", markScrollableTables);
/* approvers */
// A batch form (its confirmation names "%(count)s") keeps its submit button disabled until a row
// is ticked, so "确定通过选中的 0 条报名？" never appears; [data-batch-count] says how many are
// ticked. Without JavaScript the button works and the server asks to tick rows first.
function syncBatchForms() {
  document.querySelectorAll("form[data-confirm*='%(count)s']").forEach((form) => {
    const count = form.querySelectorAll("input[name=selected]:checked").length;
    form.querySelectorAll("button[type=submit]").forEach((button) => { button.disabled = count === 0; });
    form.querySelectorAll("[data-batch-count]").forEach((note) => {
      note.textContent = (count ? note.dataset.batchCount : note.dataset.batchNone).replace("%(count)s", count);
    });
  });
}
document.addEventListener("change", (event) => {
  if (event.target.matches("input[type=checkbox]")) syncBatchForms();
});
window.addEventListener("pageshow", syncBatchForms);
document.addEventListener("htmx:afterSettle", syncBatchForms);
syncBatchForms();
