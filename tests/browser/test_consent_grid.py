"""The consent grid is usable at 1280 px and 390 px: the page itself does not scroll
sideways, every one of the 8 recipients has a column whose head shows its short name
with the full name beside it, every column can be brought into view inside the grid's own
scroll container (not hidden under the sticky data-class column), each tick box is
reached by the keyboard with its focus visible, and the purpose tabs carry the purposes'
names (not 目的 1…9) and open the grid of that purpose by keyboard."""

from __future__ import annotations

import json
import re

import pytest

from tests.browser.conftest import sign_in
from tests.browser.keyboard import Keyboard
from tests.consent.factories import matrix_path
from tests.factories import PASSWORD, BusinessFactory, UserFactory, with_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COLUMN_JS = """(i) => {
  const wrap = document.querySelector('.consent-table-wrap');
  const head = document.querySelectorAll('thead th.consent-recipient')[i];
  head.scrollIntoView({block: 'center', inline: 'nearest'});
  const sticky = document.querySelector('thead th:first-child').getBoundingClientRect();
  // Scroll the grid's own container (not the page) until this column is clear of the sticky column.
  const before = head.getBoundingClientRect();
  wrap.scrollLeft += before.left - sticky.right - 2;
  const w = wrap.getBoundingClientRect(), r = head.getBoundingClientRect();
  const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return {left: r.left, right: r.right, wrapLeft: w.left, wrapRight: w.right, stickyRight: sticky.right,
          onTop: !!top && head.contains(top), text: head.innerText.trim(),
          title: (head.querySelector('[title]') || head).getAttribute('title') || ''};
}"""


def test_consent_grid_usable_at_1280_and_390(page, screenshot):
    from accounts.models import Membership

    spec = json.loads(matrix_path().read_text(encoding="utf-8"))
    recipients = [r["ja"] for r in spec["recipients"]]
    purposes = {p["code"]: p["ja"] for p in spec["purposes"]}
    business = BusinessFactory(name="青葉食品株式会社")
    owner = UserFactory(email="grid-owner@example.jp")
    Membership.objects.create(user=owner, business=business, account_type=Membership.AccountType.PRIME)
    sign_in(page, owner.email, PASSWORD, totp_secret=with_totp(owner))

    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/consent/")
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), width

        # Every recipient has a column, named, and each column comes into view clear of the sticky column.
        heads = page.locator("thead th.consent-recipient")
        assert heads.count() == len(recipients) == 8
        for i, name in enumerate(recipients):
            column = page.evaluate(COLUMN_JS, i)
            assert column["text"] and column["title"], column
            assert _same_name(column["title"], name), (column["title"], name)
            assert column["left"] >= column["stickyRight"] - 1 and column["right"] <= column["wrapRight"] + 1, (width, i, column)
            assert column["onTop"], (width, i, column)
        screenshot(page, f"consent-grid-last-column-{width}")

        # By keyboard: the grid's scroll region, then one tick box in every recipient's column.
        page.goto("/consent/")
        keys = Keyboard(page)
        keys.tab_to(".consent-table-wrap")
        reached = set()
        for _ in range(120):
            keys.press("Tab")
            cell = page.evaluate("() => { const td = document.activeElement.closest('td[data-cell]'); return td && td.dataset.cell; }")
            if cell is None:
                break
            reached.add(int(cell.split("-")[1]))
        editable = set(page.evaluate("""() => Array.from(document.querySelectorAll('td[data-cell] input[type=checkbox]'))
            .map((i) => Number(i.closest('td').dataset.cell.split('-')[1]))"""))
        assert editable and reached == editable, (width, sorted(reached), sorted(editable))

        # Purpose tabs carry names; Enter on one shows that purpose's grid with its full name.
        tabs = page.locator(".consent-purpose-nav a")
        texts = [t.strip() for t in tabs.all_inner_texts()]
        assert len(texts) == len(purposes) + 1 and len(set(texts)) == len(texts), texts
        assert not [t for t in texts if re.fullmatch(r"(目的|Purpose)\s*\d+", t)], texts
        code = 6
        keys.tab_to(f'.consent-purpose-nav a[href="?purpose={code}"]', backwards=True)
        page.keyboard.press("Enter")
        page.wait_for_function("(c) => document.querySelector('.consent-purpose-nav a[aria-current=page]')?.getAttribute('href') === '?purpose=' + c", arg=code)
        scope = page.locator(".consent-scope").inner_text()
        assert _same_name(scope, purposes[code]), (scope, purposes[code])
        screenshot(page, f"consent-grid-purpose-{width}")


def _same_name(shown: str, spec_name: str) -> bool:
    """The spec's names carry note marks such as (※5) that the page may leave out."""
    core = re.sub(r"[（(]※\d+[)）]", "", spec_name).strip()
    return core[:12] in shown
