// Enhancement only: every page works without this script.
// Forms with data-confirm ask before doing something that cannot be undone.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form && form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
