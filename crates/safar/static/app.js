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

// Attendance sheet: a tap shows at once and is kept in this browser until the server has
// it, then sent in the background (last tap per trainee and day wins). Taps still waiting
// are shown and re-sent when the page loads again, so a slow or dropped connection or a
// reload loses none. Without the script each tap is an ordinary form post.
(function () {
  var forms = document.querySelectorAll("form.tap[data-api]");
  var sync = document.querySelector("[data-sync]");
  if (!forms.length || !window.fetch || !window.localStorage || !window.JSON) { return; }
  var KEY = "safar.attendance";
  var sending = false;

  function load() {
    try { return JSON.parse(window.localStorage.getItem(KEY) || "{}") || {}; } catch (e) { return {}; }
  }
  function save(queue) {
    try { window.localStorage.setItem(KEY, JSON.stringify(queue)); } catch (e) { /* private mode */ }
  }
  function show(api, present) {
    var form = document.querySelector('form.tap[data-api="' + api + '"]');
    if (!form) { return; }
    var buttons = form.querySelectorAll("button[name=present]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", String(buttons[i].value === (present ? "1" : "0")));
    }
  }
  function report() {
    if (!sync) { return; }
    var waiting = Object.keys(load()).length;
    sync.textContent = waiting ? sync.getAttribute("data-pending").replace("#", waiting) : sync.getAttribute("data-saved");
  }
  function flush() {
    var queue = load();
    var api = Object.keys(queue)[0];
    if (sending || !api) { report(); return; }
    sending = true;
    var present = queue[api];
    fetch(api, {
      method: "PUT",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify({ present: present })
    }).then(function (r) {
      sending = false;
      if (r.status >= 500) { throw new Error("server"); }
      // Saved (204), or refused for good (4xx: the sheet is reloaded to show the truth).
      var now = load();
      if (now[api] === present) { delete now[api]; save(now); }
      if (!r.ok) { window.location.reload(); return; }
      flush();
    }).catch(function () {
      sending = false;
      report();
      window.setTimeout(flush, 4000);
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form.tap[data-api]")) { return; }
    var button = event.submitter;
    if (!button || button.name !== "present") { return; }
    event.preventDefault();
    var queue = load();
    var present = button.value === "1";
    queue[form.getAttribute("data-api")] = present;
    save(queue);
    show(form.getAttribute("data-api"), present);
    flush();
  });

  var waiting = load();
  for (var api in waiting) {
    if (Object.prototype.hasOwnProperty.call(waiting, api)) { show(api, waiting[api]); }
  }
  window.addEventListener("online", flush);
  flush();
})();
