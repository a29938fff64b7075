"""Keyboard-only driving for browser tests: key presses that check, after each one, that
the focused element shows its focus (a computed outline of at least 2 px or a
box-shadow), is on screen and is not covered by anything (a sticky header or column)."""

from __future__ import annotations

import re

FOCUS_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const s = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
  const y = Math.min(Math.max(r.top + Math.min(r.height / 2, 20), 0), innerHeight - 1);
  const top = document.elementFromPoint(x, y);
  const labels = el.labels ? Array.from(el.labels) : [];
  return {
    element: el.tagName.toLowerCase() + (el.name ? `[name=${el.name}]` : '') + (el.id ? '#' + el.id : '')
             + ' ' + (el.innerText || el.value || '').trim().slice(0, 30),
    focusVisible: el.matches(':focus-visible'), focus: el.matches(':focus'), hasFocus: document.hasFocus(),
    html: el.outerHTML.slice(0, 200), outlineStyle: s.outlineStyle + ' ' + s.outlineWidth,
    outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
    shadow: s.boxShadow !== 'none' && s.boxShadow !== '',
    size: r.width > 0 && r.height > 0,
    inView: r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth,
    onTop: !!top && (top === el || el.contains(top) || top.contains(el) || labels.some((l) => l.contains(top))),
    covering: top ? top.tagName.toLowerCase() + (typeof top.className === 'string' && top.className ? '.' + top.className.split(' ')[0] : '') : null,
    rect: [Math.round(r.left), Math.round(r.top), Math.round(r.width), Math.round(r.height)],
  };
}"""


class Keyboard:
    """Key presses that check, after each one, that the focus can be seen."""

    def __init__(self, page):
        self.page = page
        self.presses = 0
        self.stops: set[str] = set()

    def press(self, key: str, *, may_leave: bool = False) -> dict | None:
        self.page.keyboard.press(key)
        self.presses += 1
        return self.check_focus(after=key, may_leave=may_leave)

    def check_focus(self, *, after: str = "", may_leave: bool = False) -> dict | None:
        state = self.page.evaluate(FOCUS_JS)
        if state is None and may_leave:
            return None  # Tab past the last control leaves the page for the browser's own bar
        assert state is not None, f"nothing has the focus after {after} on {self.page.url}"
        visible = state["outline"] or state["shadow"]
        assert visible and state["size"] and state["inView"] and state["onTop"], f"focus not visible after {after}: {state}"
        self.stops.add(state["element"])
        return state

    def focused(self, selector: str) -> bool:
        return self.page.evaluate("(s) => document.activeElement.matches(s)", selector)

    def tab_to(self, selector: str, *, backwards: bool = False, limit: int = 250) -> dict:
        left = 0
        for _ in range(limit):
            state = self.press("Shift+Tab" if backwards else "Tab", may_leave=left == 0)
            if state is None:
                left += 1  # once round the page at most, then the control must come
                continue
            if self.focused(selector):
                return state
        raise AssertionError(f"{selector} not reached with {'Shift+' if backwards else ''}Tab on {self.page.url}")

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def activate(self, key: str = "Enter", *, url: str | re.Pattern | None = None) -> None:
        """Press Enter (links, buttons) or Space (buttons, boxes); wait for the next page if one loads."""
        if url:
            with self.page.expect_navigation(url=url):
                self.page.keyboard.press(key)
            self.page.wait_for_load_state()
        else:
            self.press(key)

    def choose(self, selector: str, value: str, *, key: str = "ArrowDown", limit: int = 30) -> None:
        """A select or a radio group: arrow keys until `value` is chosen."""
        chosen = """([s, v]) => { const el = document.activeElement;
          return el.matches(s) && el.value === v && (el.type !== 'radio' || el.checked); }"""
        for _ in range(limit):
            if self.page.evaluate(chosen, [selector, value]):
                return
            self.press(key)
        raise AssertionError(f"could not choose {value} in {selector} with {key}")
