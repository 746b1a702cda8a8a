// Enhancement only: every page works without this script.
// Forms with data-confirm ask before doing something that cannot be undone.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form && form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// Background jobs: a block with data-poll="/api/…" follows the job's progress and reloads
// the page when it ends (without the script, the page has a refresh link).
(function () {
  var box = document.querySelector("[data-poll]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-poll");
  var bar = box.querySelector("progress");
  var percent = box.querySelector("[data-percent]");
  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (job) {
        if (!job) { return; }
        if (bar) { bar.value = job.percent; }
        if (percent) { percent.textContent = job.percent; }
        if (job.state === "done" || job.state === "failed") { window.location.reload(); return; }
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
