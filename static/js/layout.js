// Layout helpers. (1) Wide tables scroll inside their own container, never the page:
// every table.table not already in one is wrapped, and a container that does scroll is
// made focusable and named so that keyboard users can scroll it too.
// (2) The header menu (components/header.html): groups become disclosure menus, and below
// 48rem the whole menu folds behind the メニュー button. Keyboard: Enter/Space toggle,
// Escape closes and returns focus to the button that opened the list.
(() => {
  const SMALL = window.matchMedia("(max-width: 48rem)");

  const setUp = () => {
    const nav = document.querySelector("[data-nav]");
    if (!nav) return;
    const toggle = nav.querySelector("[data-nav-toggle]");
    const menu = nav.querySelector(".nav-groups");
    const groups = Array.from(nav.querySelectorAll("[data-nav-group]"));
    document.documentElement.classList.add("js-nav");

    const setGroup = (button, open) => {
      button.setAttribute("aria-expanded", String(open));
      document.getElementById(button.getAttribute("aria-controls")).hidden = !open;
    };
    const closeGroups = (except) => groups.forEach((b) => { if (b !== except) setGroup(b, false); });
    const setMenu = (open) => {
      toggle.setAttribute("aria-expanded", String(open));
      menu.hidden = !open;
    };
    const layout = () => {
      closeGroups(null);
      if (SMALL.matches) {
        toggle.hidden = false;
        setMenu(false);
      } else {
        toggle.hidden = true;
        menu.hidden = false;
      }
    };

    groups.forEach((button) => {
      button.addEventListener("click", () => {
        const open = button.getAttribute("aria-expanded") !== "true";
        if (!SMALL.matches) closeGroups(button);
        setGroup(button, open);
      });
    });
    toggle.addEventListener("click", () => setMenu(toggle.getAttribute("aria-expanded") !== "true"));
    nav.addEventListener("keydown", (event) => {
      if (event.key !== "Escape") return;
      const open = groups.find((b) => b.getAttribute("aria-expanded") === "true" && b.parentElement.contains(event.target));
      if (open) {
        setGroup(open, false);
        open.focus();
      } else if (SMALL.matches && !menu.hidden) {
        setMenu(false);
        toggle.focus();
      }
    });
    // A click or focus outside a desktop dropdown closes it.
    document.addEventListener("click", (event) => {
      if (!SMALL.matches && !nav.contains(event.target)) closeGroups(null);
    });
    nav.addEventListener("focusout", (event) => {
      if (SMALL.matches || (event.relatedTarget && nav.contains(event.relatedTarget))) return;
      if (event.relatedTarget) closeGroups(null);
    });
    SMALL.addEventListener("change", layout);
    layout();
  };

  const wrapTables = (root) => {
    root.querySelectorAll("table").forEach((table) => {
      let wrap = table.parentElement;
      if (!wrap.classList.contains("table-scroll") && !wrap.classList.contains("consent-table-wrap")) {
        wrap = document.createElement("div");
        wrap.className = "table-scroll";
        table.parentNode.insertBefore(wrap, table);
        wrap.appendChild(table);
      }
      const scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      if (scrolls && !wrap.hasAttribute("tabindex")) {
        wrap.tabIndex = 0;
        wrap.setAttribute("role", "region");
        const caption = table.querySelector("caption");
        wrap.setAttribute("aria-label", (caption && caption.textContent.trim()) || document.title);
      } else if (!scrolls && wrap.getAttribute("tabindex") === "0" && !wrap.dataset.keepFocus) {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  };
  const start = () => {
    setUp();
    const main = document.getElementById("main") || document.body;
    wrapTables(main);
    // No debounce: a rotated phone's tables must be reachable at once, and the check is cheap.
    window.addEventListener("resize", () => wrapTables(main));
    document.addEventListener("htmx:afterSettle", (event) => wrapTables(event.target));
    // Widths change once web fonts and images arrive: a table that fitted at first may
    // scroll afterwards, and must then be reachable by keyboard (WCAG 2.1.1).
    window.addEventListener("load", () => wrapTables(main));
    if (document.fonts && document.fonts.ready) document.fonts.ready.then(() => wrapTables(main));
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
