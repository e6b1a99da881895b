"""In a real browser: the progress page of an award from a CSV file follows the award in place (no timed
reload, which would take a screen reader back to the top), then shows the outcome once it is done."""

from django.test import Client

from besace.issuing.models import AwardJob
from besace.testing.browser import BROWSER_TEST, chromium

pytestmark = BROWSER_TEST


def test_the_progress_page_follows_the_award_in_place(
    transactional_db, settings, live_server, owner, badge_class
):
    settings.BESACE_BASE_URL = live_server.url
    job = AwardJob.objects.create(
        badge_class=badge_class, created_by=owner, rows=[{"email": "a@example.org"}] * 200, total=200
    )
    signed_in = Client()
    signed_in.force_login(owner)
    session = signed_in.cookies[settings.SESSION_COOKIE_NAME].value

    with chromium() as browser:
        context = browser.new_context()
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )
        tab = context.new_page()
        tab.set_default_timeout(10_000)
        tab.goto(f"{live_server.url}/issuers/award-jobs/{job.public_id}/")
        assert tab.locator("progress").get_attribute("value") == "0"
        tab.evaluate("window.__samePage = true")  # gone if the page reloads

        AwardJob.objects.filter(pk=job.pk).update(
            state=AwardJob.State.RUNNING, awarded=120, emails_queued=100
        )
        tab.locator("progress[value='120']").wait_for()  # the property reflects to the attribute
        assert "120 of 200 badges awarded, 100 e-mails queued." in tab.inner_text("[role=status]")
        assert tab.evaluate("window.__samePage") is True

        AwardJob.objects.filter(pk=job.pk).update(state=AwardJob.State.DONE, awarded=200, emails_queued=200)
        tab.wait_for_selector("text=200 badges awarded; e-mails are on their way.")
        assert tab.evaluate("window.__samePage") is None  # reloaded once, to show the outcome
