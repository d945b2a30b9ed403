// The phone grid: a tap on a trainee moves them to the next status (出勤 → 迟到 → 请假 → 缺勤),
// into the hidden field the one submit sends.
(() => {
  const form = document.querySelector("form.sp-att-grid");
  if (!form) return;
  const cycle = form.dataset.cycle.split(",").map((pair) => pair.split(":"));
  form.addEventListener("click", (event) => {
    const button = event.target.closest(".sp-att-tap");
    if (!button) return;
    const at = cycle.findIndex(([value]) => value === button.dataset.status);
    const [value, label] = cycle[(at + 1) % cycle.length];
    button.dataset.status = value;
    button.previousElementSibling.value = value;
    const badge = button.querySelector(".badge");
    badge.className = `badge sp-att-${value}`;
    badge.textContent = label;
    const name = button.querySelector(".sp-att-name").textContent;
    button.setAttribute("aria-label", `${name}：${label}`);
  });
})();
