"""The application flow by keyboard alone: an owner signs in, skips to the main content,
opens 申請 from the menu, starts a 持続化補助金 application (declining one class of the
record), is sent back to the form by the error summary, follows its links to the fields,
fills the form, saves it, goes to submission and submits. Only Tab, Shift+Tab, Enter,
Space, arrow keys and typing: no mouse click, no `fill`, no `check`.

At every key press the focused element must show its focus (tests/browser/keyboard.py:
an outline of at least 2 px or a box-shadow, on screen, not covered). The form with its errors is also checked by
axe-core, a state the URL walk does not reach."""

from __future__ import annotations

import re

import pytest

from tests.applications.factories import SubsidyRoundFactory, business_with_record
from tests.applications.helpers import ensure_reference_data
from tests.browser.axe import axe_problems
from tests.browser.conftest import current_totp_code
from tests.browser.keyboard import Keyboard
from tests.factories import PASSWORD, UserFactory, with_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_application_flow_by_keyboard_alone_with_visible_focus(page, screenshot):
    from accounts.models import Membership
    from applications.models import Application

    ensure_reference_data()
    business = business_with_record(name="株式会社青葉精機")
    owner = UserFactory(email="keyboard-owner@example.jp")
    Membership.objects.create(user=owner, business=business, account_type="prime")
    secret = with_totp(owner)
    round_ = SubsidyRoundFactory()
    keys = Keyboard(page)

    # Sign in. The first Tab reaches the skip link, which shows itself; Enter moves the focus to <main>.
    page.goto("/accounts/login/")
    state = keys.press("Tab")
    assert keys.focused("a.skip-link[href='#main']"), state
    assert page.evaluate("document.querySelector('a.skip-link').getBoundingClientRect().left") >= 0
    page.keyboard.press("Enter")
    assert keys.focused("main#main"), page.evaluate("document.activeElement.outerHTML.slice(0, 80)")
    keys.tab_to("input[name=login]")
    keys.type(owner.email)
    keys.tab_to("input[name=password]")
    keys.type(PASSWORD)
    keys.activate("Enter", url="**/accounts/2fa/authenticate/**")
    keys.tab_to("input[name=code]")
    keys.type(current_totp_code(secret))
    keys.activate("Enter", url="**/mypage/")

    # The menu: the group that holds 申請 opens with Enter, its link follows with Tab.
    group = page.evaluate("""() => {
      const link = document.querySelector('#site-nav a[href="/applications/"]');
      const list = link && link.closest('.nav-submenu');
      return list ? list.id : null;
    }""")
    if group:
        keys.tab_to(f'button[aria-controls="{group}"]')
        keys.activate("Enter")
        assert page.get_attribute(f'button[aria-controls="{group}"]', "aria-expanded") == "true"
    keys.tab_to('#site-nav a[href="/applications/"]')
    keys.activate("Enter", url="**/applications/")

    # Start: the round, and one class of the record declined with Space.
    keys.tab_to('a[href="/applications/new/jizokuka_general/"]')
    keys.activate("Enter", url="**/applications/new/jizokuka_general/")
    keys.tab_to("select[name=subsidy_round]")
    assert page.input_value("select[name=subsidy_round]") == str(round_.pk)
    keys.tab_to("input[name=class_5]")  # 担当者
    keys.activate("Space")
    assert not page.is_checked("input[name=class_5]")
    keys.tab_to("main form button[type=submit]")
    keys.activate("Enter", url="**/edit/")
    application = Application.objects.get(business=business)
    assert page.input_value("input[name=company_name]") == "株式会社青葉精機"
    assert page.input_value("input[name=contact_email]") == ""  # the declined class stayed out

    # Save and go to submission with the required items empty: the error summary takes the
    # focus and its links take it to the fields.
    keys.tab_to("button[name=to_submit]", backwards=True)
    keys.activate("Enter", url=f"**/applications/{application.pk}/edit/**")
    summary = keys.check_focus(after="the error summary took the focus")
    assert keys.focused(".error-summary"), summary
    problems = axe_problems(page)
    assert not problems, "\n".join(problems)
    screenshot(page, "keyboard-error-summary")
    # The declined 担当者 is needed to submit: its link first, then back up with Shift+Tab.
    keys.tab_to('.error-summary a[href="#id_contact_name"]')
    keys.activate("Enter")
    assert keys.focused("input[name=contact_name]"), page.evaluate("document.activeElement.outerHTML.slice(0, 80)")
    keys.check_focus(after="the summary's link")
    keys.type("鍵盤 次郎")
    keys.tab_to('.error-summary a[href="#id_plan_title"]', backwards=True)
    keys.activate("Enter")
    assert keys.focused("input[name=plan_title]"), page.evaluate("document.activeElement.outerHTML.slice(0, 80)")
    keys.type("新商品のネット販売による販路開拓")

    keys.tab_to("textarea[name=sales_plan]")
    keys.type("自社ECサイトを構築し、県外の顧客に新商品を販売する。")
    keys.tab_to("input[name=revenue_expected]")
    keys.choose("input[name=revenue_expected]", "no")
    assert page.is_checked("input[name=revenue_expected][value=no]")
    keys.tab_to("select[name=exp-0-category]")
    keys.choose("select[name=exp-0-category]", "advertising")
    keys.tab_to("input[name=exp-0-description]")
    keys.type("チラシ作成")
    keys.tab_to("input[name=exp-0-amount]")
    keys.type("300000")
    keys.tab_to("input[name=confirm_all]")
    keys.activate("Space")
    assert page.is_checked("input[name=confirm_all]")

    # Save the draft (Enter on 下書きを保存): the page comes back with what was typed.
    keys.tab_to("button[name=save]")
    keys.activate("Enter", url=f"**/applications/{application.pk}/edit/**")
    assert page.input_value("input[name=plan_title]") == "新商品のネット販売による販路開拓"
    application.refresh_from_db()
    assert application.plan_title == "新商品のネット販売による販路開拓"

    # Submission needs the 様式4 of the area's 商工会 (its own browser test: test_lifecycle.py).
    from tests.supportplans.helpers import issued

    issued(owner, application)

    # Go to submission from the bottom of the page (Shift+Tab), then submit with Space.
    keys.tab_to("button[name=to_submit]", backwards=True)
    keys.activate("Enter", url=re.compile(rf"/applications/{application.pk}/submit/(#.*)?$"))
    keys.tab_to("input[name=pledge]")
    keys.activate("Space")
    keys.tab_to("main form button[type=submit]")
    screenshot(page, "keyboard-submit")
    keys.activate("Space", url=re.compile(rf"/applications/{application.pk}/(#.*)?$"))
    assert "申請を提出しました" in page.content()
    application.refresh_from_db()
    assert application.status == "submitted"

    # On a phone (390 px) the menu folds behind メニュー: Enter opens it, every link in it is
    # reached by Tab with its focus visible, Escape closes it and gives the focus back;
    # the open menu passes axe-core too.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/mypage/")
    keys.tab_to("button[data-nav-toggle]")
    assert page.get_attribute("button[data-nav-toggle]", "aria-expanded") == "false"
    keys.activate("Enter")
    assert page.get_attribute("button[data-nav-toggle]", "aria-expanded") == "true"
    problems = axe_problems(page)
    assert not problems, "\n".join(problems)
    screenshot(page, "keyboard-menu-390")
    for group in page.eval_on_selector_all("#site-nav [data-nav-group]", "(bs) => bs.map((b) => b.getAttribute('aria-controls'))"):
        keys.tab_to(f'button[aria-controls="{group}"]')
        if page.get_attribute(f'button[aria-controls="{group}"]', "aria-expanded") != "true":
            keys.activate("Enter")
    links = page.locator("#site-nav a").count()
    index = "() => Array.from(document.querySelectorAll('#site-nav a')).indexOf(document.activeElement)"
    keys.tab_to("button[data-nav-toggle]", backwards=True)
    reached = set()
    while keys.press("Tab") and keys.focused("#site-nav *"):
        reached.add(page.evaluate(index))
    assert reached - {-1} == set(range(links)) and links >= 5, (sorted(reached), links)
    # Escape closes the open group, then the menu, each time handing the focus back.
    keys.tab_to("#site-nav .nav-submenu a", backwards=True)
    page.keyboard.press("Escape")
    assert keys.focused("[data-nav-group]")
    page.keyboard.press("Escape")
    assert page.get_attribute("button[data-nav-toggle]", "aria-expanded") == "false"
    assert keys.focused("button[data-nav-toggle]")
    keys.check_focus(after="Escape")

    print(f"keyboard flow: {keys.presses} key presses, {len(keys.stops)} distinct focus stops, each with a visible focus")
    assert keys.presses >= 20 and len(keys.stops) >= 15
