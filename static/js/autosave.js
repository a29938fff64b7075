// Save as you go: <form data-autosave="name"> keeps what is typed in localStorage (per
// path and form) so that nothing is lost when the session ends (idle timeout, sign-in
// again) or the tab closes. Passwords, hidden fields and files are never stored.
// A draft is dropped once the form was submitted and the next page shows no errors
// for it, unless the user came back through the sign-in page (session expired).
(() => {
  "use strict";
  const PREFIX = "mirasapo:autosave:";
  const RESUME = "mirasapo:autosave:resume";
  const SKIP_TYPES = new Set(["password", "hidden", "file", "submit", "button", "reset"]);
  const MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000; // a forgotten draft does not stay for ever
  let signingOut = false;

  const storage = (() => {
    try { const s = window.localStorage; s.setItem(PREFIX + "probe", "1"); s.removeItem(PREFIX + "probe"); return s; }
    catch (e) { return null; }
  })();
  if (!storage) return;

  const keyOf = (form) => PREFIX + window.location.pathname + "#" + form.dataset.autosave;
  const fieldsOf = (form) => Array.from(form.elements).filter(
    (el) => el.name && el.name !== "csrfmiddlewaretoken" && !SKIP_TYPES.has(el.type) && !el.disabled);

  const read = (key) => { try { return JSON.parse(storage.getItem(key)); } catch (e) { return null; } };

  const snapshot = (form, submitted) => {
    if (signingOut) return;
    const values = {};
    fieldsOf(form).forEach((el) => {
      if (el.type === "checkbox" || el.type === "radio") {
        if (!(el.name in values)) values[el.name] = [];
        if (el.checked) values[el.name].push(el.value);
      } else if (el.tagName === "SELECT" && el.multiple) {
        values[el.name] = Array.from(el.selectedOptions).map((o) => o.value);
      } else {
        values[el.name] = el.value;
      }
    });
    storage.setItem(keyOf(form), JSON.stringify({ values, submitted: !!submitted, savedAt: Date.now() }));
  };

  const restore = (form, values) => {
    fieldsOf(form).forEach((el) => {
      if (!(el.name in values)) return;
      const saved = values[el.name];
      if (el.type === "checkbox" || el.type === "radio") el.checked = saved.includes(el.value);
      else if (el.tagName === "SELECT" && el.multiple) Array.from(el.options).forEach((o) => { o.selected = saved.includes(o.value); });
      else el.value = saved;
      el.dispatchEvent(new Event("change", { bubbles: true }));
    });
  };

  const clearAll = () => {
    signingOut = true; // a change event fired by leaving a field must not write it back
    Object.keys(storage).filter((key) => key.startsWith(PREFIX)).forEach((key) => storage.removeItem(key));
  };

  document.addEventListener("DOMContentLoaded", () => {
    // Signing out on purpose (a shared computer) forgets every draft.
    document.querySelectorAll("form[data-autosave-clear]").forEach((form) => form.addEventListener("submit", clearAll));
    Object.keys(storage).filter((key) => key.startsWith(PREFIX)).forEach((key) => {
      const draft = read(key);
      if (!draft || !draft.savedAt || Date.now() - draft.savedAt > MAX_AGE_MS) storage.removeItem(key);
    });
    // Arriving at the sign-in page means the session ended: restore drafts after it.
    if (document.body.dataset.page === "account_login") { window.sessionStorage.setItem(RESUME, "1"); return; }
    const resuming = window.sessionStorage.getItem(RESUME) === "1";
    document.querySelectorAll("form[data-autosave]").forEach((form) => {
      const key = keyOf(form);
      const draft = read(key);
      const hasErrors = form.querySelector(".errorlist, .error-summary") !== null;
      if (draft && draft.submitted && !hasErrors && !resuming) {
        storage.removeItem(key); // the submission went through
      } else if (draft && !hasErrors) {
        restore(form, draft.values);
        const note = form.querySelector(".autosave-note") || document.createElement("p");
        note.className = "autosave-note";
        note.setAttribute("role", "status");
        note.textContent = document.body.dataset.autosaveRestored || "";
        if (note.textContent && !note.parentNode) form.prepend(note);
      }
      let timer = null;
      const save = () => { clearTimeout(timer); timer = setTimeout(() => snapshot(form, false), 200); };
      form.addEventListener("input", save);
      form.addEventListener("change", save);
      form.addEventListener("submit", () => { clearTimeout(timer); snapshot(form, true); });
    });
    window.sessionStorage.removeItem(RESUME);
  });
})();
