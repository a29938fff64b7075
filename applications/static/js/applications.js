// Autosave ordering: every edit stamps the form with a newer sequence number, which the
// autosave (htmx) and the final save both send. The server keeps the highest number it has
// saved and refuses an older one, so a slow autosave that arrives after a newer save
// cannot overwrite it.
(function () {
  "use strict";
  function stamp(event) {
    var form = event.target && event.target.form;
    if (!form || form.id !== "application-form") return;
    var seq = form.querySelector("input[name=client_seq]");
    if (seq) seq.value = String(Math.max(Date.now(), Number(seq.value || 0) + 1));
  }
  document.addEventListener("input", stamp, true);
  document.addEventListener("change", stamp, true);
})();
