// Progressive enhancement: when a form comes back with errors, move focus to the summary, so that
// a screen reader reads it first and the keyboard starts from its links to the fields.
(function () {
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
})();
