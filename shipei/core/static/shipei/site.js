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
