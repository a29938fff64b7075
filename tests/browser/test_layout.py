"""Every page of the URL walk fits the screen at 1280 px and 390 px for every demo role:
no page-level horizontal scroll (a wide table scrolls in its own container), and every
page passes axe-core at WCAG 2.2 AA with zero violations (at 1280 px; at 390 px for the
main pages and a sample of the others). The ten main pages are saved as screenshots at
both widths under var/screenshots/ for review.

One test seeds the demo data once and walks all roles, loading each page once for both
checks: seeding and page loads are the slow part."""

from __future__ import annotations

import time
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from accounts.demo import DEMO_TOTP_SECRETS
from tests.browser.axe import axe_problems
from tests.browser.conftest import SCREENSHOTS, sign_in
from tests.browser.walk import ROLES, Role, goto_page, page_paths, real_objects

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 390)
# At 390 px axe runs on the main pages and on every AXE_390_EVERY-th other page.
AXE_390_EVERY = 6
OVERFLOW_JS = """() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth) return null;
  // Name the widest culprits so that a failure says where to look.
  const culprits = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right > root.clientWidth + 1 && !el.closest('.table-scroll, .consent-table-wrap')) {
      culprits.push(el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : ''));
      if (culprits.length >= 3) break;
    }
  }
  return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, culprits};
}"""
# (role, url name or path) → screenshot name: the pages a reviewer looks at first.
MAIN_PAGES = {
    ("anonymous", "/"): "home",
    ("anonymous", "/programs/"): "programs",
    ("anonymous", "programs:program_detail"): "program-detail",
    ("anonymous", "/open-data/"): "open-data",
    ("owner", "/mypage/"): "mypage",
    ("owner", "/record/"): "record",
    ("owner", "/consent/"): "consent",
    ("owner", "/applications/"): "applications",
    ("owner", "applications:edit"): "application-form",
    ("advisor2", "disclosure:company_data"): "advisor-company-view",
    ("analyst", "/analytics/dashboard/"): "dashboard",
}


# advisor@ (商工会) has no approved disclosure in the demo data; advisor2@ (よろず) has one.
# Its company view is a main page, opened on its own rather than walking a sixth role.
COMPANY_VIEW = Role("advisor2", "advisor2@yorozu.demo.mirasapo.jp", totp=True)


def _walk_plan():
    """(role, paths): every page of the walk for the main roles, then the advisor's company view."""
    for role in ROLES:
        yield role, page_paths(role)
    kwargs = real_objects(COMPANY_VIEW).get("disclosure:company_data")
    assert kwargs, "the demo data has no approved disclosure for advisor2@"
    yield COMPANY_VIEW, [reverse("disclosure:company_data", kwargs=kwargs)]


@pytest.fixture
def demo_data(transactional_db):
    call_command("seed_demo", companies=12, seed=15, stdout=open("/dev/null", "w"))


def _main_page_name(role_key: str, path: str) -> str | None:
    from django.urls import resolve

    name = MAIN_PAGES.get((role_key, path))
    if name:
        return name
    try:
        match = resolve(path)
    except Exception:
        return None
    return MAIN_PAGES.get((role_key, match.view_name))


def test_every_page_of_the_walk_fits_1280_and_390_px(chromium_browser, live_server, demo_data, screenshot):
    problems: list[str] = []
    a11y: list[str] = []
    axe_runs = {1280: 0, 390: 0}
    axe_seconds = 0.0
    measured: dict[str, int] = {}
    shots: list[str] = []
    (SCREENSHOTS / "axe-violations.txt").unlink(missing_ok=True)
    for role, paths in _walk_plan():
        context = chromium_browser.new_context(locale="ja-JP", base_url=live_server.url, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(20_000)
        if role.email:
            sign_in(page, role.email, settings.DEMO_PASSWORD, totp_secret=DEMO_TOTP_SECRETS.get(role.email) if role.totp else None)
            assert "/accounts/login" not in page.url, f"{role.key} could not sign in"
        seen: set[tuple[str, int]] = set()
        for path in paths:
            response = goto_page(page, path)
            if response is None:
                continue
            final = (urlparse(page.url).path, response.status)
            if final[0] != path and final in seen:  # e.g. protected pages redirecting to one page
                continue
            seen.add(final)
            if response.status >= 400 and any(st == response.status for _p, st in seen - {final}):
                continue  # one error page of each kind is enough: they share one template
            measured[role.key] = measured.get(role.key, 0) + 1
            shot = _main_page_name(role.key, path)
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                # Let the page's resize handlers run (layout.js makes tables that now scroll
                # keyboard-reachable), as they would on a rotated phone before anyone acts.
                page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
                overflow = page.evaluate(OVERFLOW_JS)
                if overflow:
                    problems.append(f"{role.key} {path} → {final[0]} ({final[1]}) at {width}px: {overflow}")
                if width == 1280 or shot or measured[role.key] % AXE_390_EVERY == 0:
                    started = time.monotonic()
                    a11y += [f"{role.key} {path} → {final[0]} ({final[1]}) at {width}px: {v}" for v in axe_problems(page)]
                    axe_runs[width] += 1
                    axe_seconds += time.monotonic() - started
                if shot:
                    screenshot(page, f"main-{shot}-{width}")
                    shots.append(f"{shot}-{width}")
            page.set_viewport_size({"width": 1280, "height": 900})
        context.close()
    print("pages measured per role:", measured, "axe runs per width:", axe_runs, f"axe time {axe_seconds:.0f}s")
    if a11y:  # the full list beside the screenshots, for whoever fixes them
        (SCREENSHOTS / "axe-violations.txt").write_text("\n".join(a11y) + "\n", encoding="utf-8")
    assert not problems, "\n".join(problems)
    assert not a11y, f"{len(a11y)} axe-core violations (WCAG 2.2 AA):\n" + "\n".join(a11y)
    # The walk reached real pages for every role, not only the sign-in page.
    assert measured["anonymous"] >= 8 and all(measured[r.key] >= 15 for r in ROLES if r.email), measured
    # The main pages, each at both widths, under clear names (main-<page>-<width>.png).
    assert sorted(shots) == sorted(f"{name}-{w}" for name in MAIN_PAGES.values() for w in WIDTHS), shots
