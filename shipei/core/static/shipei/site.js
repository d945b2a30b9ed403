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

// A long select (the 专业类 of the catalogue, grouped by 大类) gets a box above it that keeps the
// options containing the typed text (and their groups); the select itself works without it.
function addSelectSearch(root) {
  root.querySelectorAll("select[data-search]:not([data-search-ready])").forEach((select) => {
    select.setAttribute("data-search-ready", "");
    const box = document.createElement("input");
    box.type = "search";
    box.className = "form-control form-control-sm mb-1";
    box.placeholder = "输入文字筛选，如 计算机";
    box.setAttribute("aria-label", "筛选选项");
    box.addEventListener("input", () => {
      const text = box.value.trim();
      select.querySelectorAll("option").forEach((option) => {
        option.hidden = Boolean(text) && option.value !== "" && !option.textContent.includes(text);
      });
      select.querySelectorAll("optgroup").forEach((group) => {
        group.hidden = Boolean(text) && !group.label.includes(text)
          && !group.querySelector("option:not([hidden])");
        if (group.label.includes(text) && text) {
          group.querySelectorAll("option").forEach((option) => { option.hidden = false; });
        }
      });
      const shown = select.querySelectorAll("option:not([hidden]):not([value=''])");
      if (!select.multiple && shown.length === 1) shown[0].selected = true;
    });
    select.before(box);
  });
}
document.addEventListener("DOMContentLoaded", () => addSelectSearch(document));
document.addEventListener("htmx:afterSettle", (event) => addSelectSearch(event.target));
