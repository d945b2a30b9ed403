// Once a marked question is answered, its "please answer" note goes away.
document.addEventListener("change", (event) => {
  const question = event.target.closest(".sv-q.sv-invalid");
  if (!question) return;
  question.classList.remove("sv-invalid");
  question.querySelector(".sv-problem")?.remove();
});
