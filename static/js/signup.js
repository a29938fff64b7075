// Business sign-up: check the 法人番号 as it is typed (GET /api/v1/corporate-numbers/{n}),
// and show the field only for a corporation. The server checks again on submit.
(() => {
  "use strict";
  const toHalfWidth = (value) =>
    value.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/[\s\-‐－ー]/g, "");

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("signup-form");
    const input = form && form.querySelector("input[data-corporate-number]");
    const status = document.getElementById("corporate-number-status");
    if (!form || !input || !status) return;
    const wrapper = document.getElementById("corporate-number-field");
    const template = form.dataset.checkUrl;
    let timer = null;
    let lastChecked = "";

    const show = (text, state) => {
      status.textContent = text;
      status.dataset.state = state;
      input.setAttribute("aria-invalid", state === "error" ? "true" : "false");
    };

    const check = async () => {
      const number = toHalfWidth(input.value);
      if (number === lastChecked) return;
      lastChecked = number;
      if (number.length === 0) { show("", ""); return; }
      if (number.length < 13 && /^\d*$/.test(number)) { show(status.dataset.msgTyping, "pending"); return; }
      try {
        const response = await fetch(template.replace("0000000000000", encodeURIComponent(number)), {
          headers: { Accept: "application/json" }, credentials: "same-origin",
        });
        const body = await response.json();
        if (toHalfWidth(input.value) !== number) return; // typed on meanwhile
        if (response.ok && body.valid) show(status.dataset.msgOk, "ok");
        else show(((body.errors || {}).corporate_number || [status.dataset.msgUnavailable])[0], "error");
      } catch (error) {
        show(status.dataset.msgUnavailable, "pending");
      }
    };

    input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(check, 250); });
    input.addEventListener("blur", check);

    const syncCorpType = () => {
      const chosen = form.querySelector("input[name=corp_type]:checked");
      const corporation = !chosen || chosen.value === "1";
      if (wrapper) wrapper.hidden = !corporation;
    };
    form.querySelectorAll("input[name=corp_type]").forEach((radio) => radio.addEventListener("change", syncCorpType));
    syncCorpType();
    if (input.value) check();
  });
})();
