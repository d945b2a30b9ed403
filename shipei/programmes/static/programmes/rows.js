// "添加一行" works without scripts (the server adds a blank row); with them, without a reload.
// Delegated, so that it also works in an item's form that htmx brought in.
document.addEventListener("click", (event) => {
  const button = event.target.closest(".sp-add-row");
  if (!button) return;
  const box = button.closest(".sp-rows");
  const total = box.querySelector("input[name$='-TOTAL_FORMS']");
  const html = box.querySelector("template.sp-row-template").innerHTML.replace(/__prefix__/g, total.value);
  event.preventDefault();
  const empty = box.querySelector(".sp-rows-empty");
  if (empty) empty.remove();
  box.querySelector(".sp-rows-list").insertAdjacentHTML("beforeend", html);
  total.value = String(Number(total.value) + 1);
  const rows = box.querySelectorAll(".sp-row");
  const first = rows[rows.length - 1].querySelector("input, select, textarea");
  if (first) first.focus();
});
