// The slip's "Print" button. Without JavaScript the button does nothing and the browser's own Print works.
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("print-slip");
  if (button) {
    button.addEventListener("click", function () { window.print(); });
  }
});
