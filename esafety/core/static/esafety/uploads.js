// Refuse an over-size file as soon as it is chosen, before the form is sent (esafety/core/uploads.py):
// the page says the file's size and the limit in megabytes, and the form is not sent until it is fixed.
(function () {
  "use strict";
  function mb(bytes) {
    var text = (bytes / (1024 * 1024)).toFixed(1);
    return text.replace(/\.0$/, "") + " MB";
  }
  function problem(input) {
    var limit = parseInt(input.getAttribute("data-max-bytes"), 10);
    if (!limit || !input.files) { return ""; }
    for (var i = 0; i < input.files.length; i++) {
      var file = input.files[i];
      if (file.size > limit) {
        return "\u201c" + file.name + "\u201d is " + mb(file.size) + "; the limit is " + mb(limit) + ".";
      }
    }
    return "";
  }
  function show(input) {
    var message = problem(input);
    var id = input.id + "-size-error";
    var note = document.getElementById(id);
    if (!note) {
      note = document.createElement("p");
      note.id = id;
      note.className = "errorlist size-error";
      note.setAttribute("role", "alert");
      input.insertAdjacentElement("afterend", note);
    }
    note.textContent = message;
    note.hidden = !message;
    input.setCustomValidity(message);
    return message;
  }
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.matches && input.matches("input[type=file][data-max-bytes]")) { show(input); }
  });
  document.addEventListener("submit", function (event) {
    var inputs = event.target.querySelectorAll("input[type=file][data-max-bytes]");
    for (var i = 0; i < inputs.length; i++) {
      if (show(inputs[i])) {
        event.preventDefault();
        inputs[i].focus();
        return;
      }
    }
  }, true);
})();
