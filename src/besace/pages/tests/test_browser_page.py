"""In a real browser: an earner builds a page with a heading, text and a badge, makes it public, and a
visitor who is not signed in sees it."""

import re

import pytest

from besace.testing.browser import BROWSER_TEST, chromium

pytestmark = BROWSER_TEST

PASSWORD = "earner password 2026"


@pytest.fixture
def live_settings(settings, live_server):
    settings.BESACE_BASE_URL = live_server.url
    return live_server


def test_it_builds_a_public_page_and_shows_it_to_a_visitor(transactional_db, live_settings, make_user, award):
    from besace.backpack import services as backpack_services

    base = live_settings.url
    earner = make_user("earner@example.org", password=PASSWORD)
    entry = backpack_services.assertion_accept(assertion=award("earner@example.org"), user=earner)
    entry.visibility = "public"
    entry.save(update_fields=["visibility"])
    hidden = backpack_services.assertion_accept(assertion=award("earner@example.org"), user=earner)

    with chromium() as browser:
        page = browser.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{base}/accounts/login/?next=/pages/")
        page.fill("input[name=login]", "earner@example.org")
        page.fill("input[name=password]", PASSWORD)
        page.click("form button[type=submit]")
        page.wait_for_url(re.compile(r".*/pages/$"))

        page.click("text=New page")
        page.fill("#id_title", "Léa's portfolio")
        page.check("input[name=visibility][value=private]")
        page.check("input[name=theme][value=institutionnel]")
        page.click("main form button[type=submit]")
        page.wait_for_selector("text=Page created")

        page.click("#add-heading summary")
        page.fill("#id_heading-text", "What I can do")
        page.click("#add-heading button[type=submit]")
        page.wait_for_selector("text=Block added")
        page.click("#add-text summary")
        page.fill("#id_text-text", "I write **Python** every day.")
        page.click("#add-text button[type=submit]")
        page.wait_for_selector("text=Block added")
        page.click("#add-badge summary")
        page.select_option("#id_badge-badge", entry.public_id)
        page.click("#add-badge button[type=submit]")
        page.wait_for_selector("text=Block added")
        page.click("#add-badge summary")
        page.select_option("#id_badge-badge", hidden.public_id)  # private: others must not see it
        page.click("#add-badge button[type=submit]")
        page.wait_for_selector("text=Block added")

        page.click("text=Title, theme and visibility")
        page.check("input[name=visibility][value=public]")
        page.click("main form button[type=submit]")
        page.wait_for_selector("text=Page saved")
        page_url = page.input_value("#page-url")

        visitor = browser.new_context().new_page()
        visitor.set_default_timeout(10_000)
        visitor.goto(page_url)
        article = visitor.locator("article.portfolio.theme-institutionnel")
        assert article.locator("h1").inner_text() == "Léa's portfolio"
        assert article.locator("h2").inner_text() == "What I can do"
        assert article.locator("strong", has_text="Python").first.is_visible()
        cards = article.locator(".card")
        assert cards.count() == 1 and "Python" in cards.inner_text()
        assert entry.public_id in cards.locator("a").first.get_attribute("href")
        assert hidden.public_id not in visitor.content()
        assert visitor.locator("text=Log in").first.is_visible()  # really anonymous
