import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_renders_in_japanese(page, screenshot):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert "ホーム" in page.title()
    screenshot(page, "home-ja")
