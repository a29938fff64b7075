// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // Confirm irreversible steps: <form data-confirm="...">
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
  // Move focus to the error summary so that screen readers announce it.
  const summary = document.querySelector(".error-summary");
  if (summary) summary.focus();

  // Warn two minutes before the idle timeout ends a signed-in session; any request
  // (here the health check) counts as activity and keeps the session.
  const body = document.body;
  const timeout = parseInt(body.dataset.sessionTimeout || "0", 10);
  if (timeout > 180) {
    let timer = null;
    const banner = document.createElement("div");
    banner.className = "session-warning";
    banner.setAttribute("role", "alert");
    banner.hidden = true;
    const text = document.createElement("p");
    text.textContent = body.dataset.sessionWarning;
    const stay = document.createElement("button");
    stay.type = "button";
    stay.className = "button button-primary button-small";
    stay.textContent = body.dataset.sessionStay;
    banner.append(text, stay);
    body.prepend(banner);
    const arm = () => {
      clearTimeout(timer);
      banner.hidden = true;
      timer = setTimeout(() => { banner.hidden = false; stay.focus(); }, (timeout - 120) * 1000);
    };
    stay.addEventListener("click", () => {
      fetch(body.dataset.sessionPing, { credentials: "same-origin" }).then(arm, arm);
    });
    document.addEventListener("htmx:afterRequest", arm);
    arm();
  }
});
