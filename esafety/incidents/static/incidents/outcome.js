// The outcome form: show only the fields the chosen outcome type needs. Without JavaScript every group is shown
// under a heading naming its type, and the server ignores the groups of other types, so nothing depends on this.
(function () {
  "use strict";
  function update(select, groups) {
    groups.forEach(function (group) {
      group.hidden = group.getAttribute("data-kind") !== select.value;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector(".outcome-form form");
    if (!form) return;
    var select = form.querySelector("select[name=kind]");
    var groups = Array.prototype.slice.call(form.querySelectorAll(".outcome-group"));
    if (!select || !groups.length) return;
    form.classList.add("progressive");
    update(select, groups);
    select.addEventListener("change", function () { update(select, groups); });
  });
  // A link in the error summary opens the folded outcome form before the browser moves to the field.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".error-summary a[href^='#']");
    if (!link) return;
    var field = document.getElementById(link.getAttribute("href").slice(1));
    var details = field && field.closest("details");
    if (details) details.open = true;
  });
})();
