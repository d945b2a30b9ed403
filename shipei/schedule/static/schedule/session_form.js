// Show only the fields of the chosen kind of session (the server clears the others anyway).
(function () {
  var form = document.getElementById("session-form");
  if (!form) return;
  var kinds = { live: ["link"], self_paced: ["resource"], offline: ["room"], practice: ["practice_site", "place"] };
  var kind = form.querySelector("[name=kind]");
  function show() {
    Object.keys(kinds).forEach(function (k) {
      kinds[k].forEach(function (name) {
        var box = document.getElementById("div_id_" + name);
        if (box) box.hidden = kind.value !== k;
      });
    });
  }
  kind.addEventListener("change", show);
  show();
})();
