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

// Live search: a form with data-live="ID" shows results in element ID as the person types
// (after a pause, from 3 characters), using the same page with partial=1. Enter still submits.
(function () {
  var form = document.querySelector("form[data-live]");
  if (!form || !window.fetch || !window.URLSearchParams) { return; }
  var target = document.getElementById(form.getAttribute("data-live"));
  var timer = null;
  var latest = 0;
  function search() {
    var params = new URLSearchParams(new FormData(form));
    var q = (params.get("q") || "").trim();
    if (q.length < 3) { return; }
    var ticket = ++latest;
    params.set("partial", "1");
    fetch(form.action + "?" + params.toString(), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null || ticket !== latest) { return; }
        target.innerHTML = html;
        params.delete("partial");
        window.history.replaceState(null, "", form.action + "?" + params.toString());
      })
      .catch(function () {});
  }
  form.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(search, 400);
  });
})();
