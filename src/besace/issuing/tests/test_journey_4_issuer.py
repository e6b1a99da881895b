"""Journey 4 of issue 8, in a real browser and in French: an issuer creates its issuer and a badge aligned
on ESCO competences, awards it to 200 people from a CSV file while a progress bar follows the background
job (run by a real database worker), sees what recipients did with it as charts (accepted, pending,
declined, revoked; made public, shared), and revokes one award."""

import re
import threading

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import connections
from django.utils import translation
from django.utils.translation import ngettext

from besace.accounts.services import consent_record
from besace.backpack import services as backpack_services
from besace.backpack import sharing
from besace.backpack.models import Visibility
from besace.demo.images import badge_png
from besace.issuing import award_jobs, views
from besace.issuing.models import Assertion, BadgeClass
from besace.testing.browser import BROWSER_TEST, chromium, french
from besace.testing.browser import SCREENSHOTS as SCREENSHOTS_ROOT
from besace.testing.tasks import DB_TASKS, worker_run

pytestmark = BROWSER_TEST

SCREENSHOTS = SCREENSHOTS_ROOT / "journey-4"
PASSWORD = "responsable formation 2026"
PEOPLE = 200
BATCH = 50
ACCEPTED, PUBLIC, SHARED, DECLINED = 30, 12, 5, 4
ESCO = [
    ("gérer des projets", "http://data.europa.eu/esco/skill/7111b95d-0ce3-441a-9d92-4c75d05c4388", "S4.2.0"),
    ("travailler en équipe", "http://data.europa.eu/esco/skill/1d6f8b9e-55a4-4b58-a1a5-8cc0b4f6a0cf", "T2.2"),
]


def in_thread(work) -> threading.Thread:
    """Run database work beside the browser, on a connection of its own (closed at the end): inside the
    browser block the ORM would open one in Playwright's greenlet and leave it open."""
    errors: list[BaseException] = []

    def run():
        try:
            work()
        except BaseException as error:  # noqa: BLE001 (re-raised in the test's thread)
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.errors = errors
    thread.start()
    return thread


def finished(thread: threading.Thread) -> None:
    thread.join(60)
    assert not thread.is_alive()
    if thread.errors:
        raise thread.errors[0]


def recipients_act() -> None:
    """Some recipients accept the badge (a few make it public, fewer share it), a few decline it."""
    assertions = list(Assertion.objects.order_by("award_job_row"))
    for row, assertion in enumerate(assertions[: ACCEPTED + DECLINED]):
        if row >= ACCEPTED:
            backpack_services.assertion_decline(assertion=assertion)
            continue
        user = get_user_model().objects.create_user(email=assertion.recipient_email, password=PASSWORD)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        consent_record(user=user)
        entry = backpack_services.assertion_accept(assertion=assertion, user=user)
        if row < PUBLIC:
            entry.visibility = Visibility.PUBLIC
            entry.save(update_fields=["visibility"])
        if row < SHARED:
            sharing.badge_shared(entry=entry, network="linkedin-profile", actor=user)


def chart_numbers(page, chart_id: str) -> list[int]:
    """The numbers a chart says in its description, in order."""
    description = page.locator(f"#{chart_id}-desc").text_content()
    return [int(number) for number in re.findall(r": (\d+)", description)]


@pytest.fixture
def base_url(settings, live_server, monkeypatch) -> str:
    settings.BESACE_BASE_URL = live_server.url
    # Tasks wait in the database for the worker, as in production.
    settings.TASKS = DB_TASKS
    monkeypatch.setattr(award_jobs, "BATCH_SIZE", BATCH)
    # The progress page follows the award by itself, but here the test reloads it while the worker waits
    # between batches: SQLite's shared in-memory test database refuses a read while another connection
    # writes.
    monkeypatch.setattr(views, "AWARD_JOB_REFRESH_SECONDS", 600)
    return live_server.url


def test_an_issuer_awards_200_people_from_a_csv_sees_the_charts_and_revokes_one(
    transactional_db, base_url, make_user, tmp_path, monkeypatch
):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    make_user("responsable@cnam.example", password=PASSWORD)
    image = tmp_path / "badge.png"
    image.write_bytes(badge_png())
    csv_file = tmp_path / "stagiaires.csv"
    csv_file.write_text(
        "email,name\n" + "".join(f"stagiaire{n}@example.org,Stagiaire {n}\n" for n in range(PEOPLE)),
        encoding="utf-8",
    )
    # The worker stops after its first batch until the test has looked at the progress bar.
    halfway, go_on = threading.Event(), threading.Event()
    queue_emails = award_jobs._emails_queue

    def emails_queue_then_wait(job, *, start, end):
        queue_emails(job, start=start, end=end)
        if start == 0:
            halfway.set()
            go_on.wait(30)

    monkeypatch.setattr(award_jobs, "_emails_queue", emails_queue_then_wait)

    with chromium() as browser:
        page = browser.new_context(locale="fr-FR").new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{base_url}/accounts/login/?next=/issuers/")
        page.fill("input[name=login]", "responsable@cnam.example")
        page.fill("input[name=password]", PASSWORD)
        page.click("form button[type=submit]")
        page.wait_for_url(re.compile(r".*/issuers/$"))
        assert page.locator("html").get_attribute("lang") == "fr"

        # 1. « Créer un émetteur ».
        page.fill("#id_name", "Cnam Formation continue")
        page.fill("#id_url", "https://formation.cnam.example")
        page.fill("#id_email", "badges@cnam.example")
        page.screenshot(path=SCREENSHOTS / "01-create-issuer.png", full_page=True)
        page.get_by_role("button", name=french("Create the issuer")).click()
        page.wait_for_url(re.compile(r".*/issuers/[\w-]+/$"))
        assert page.locator("h1").inner_text() == "Cnam Formation continue"

        # 2. « Nouveau badge », aligned on two ESCO competences.
        page.get_by_role("link", name=french("New badge")).click()
        page.fill("#id_name", "Conduite de projet")
        page.fill("#id_description", "Conduire un projet en équipe, du cadrage au bilan.")
        page.set_input_files("#id_image", str(image))
        page.fill("#id_criteria_text", "Avoir conduit un projet tutoré de bout en bout.")
        for index, (name, url, code) in enumerate(ESCO):
            page.fill(f"#id_alignment-{index}-target_name", name)
            page.fill(f"#id_alignment-{index}-target_url", url)
            page.fill(f"#id_alignment-{index}-target_framework", "ESCO")
            page.fill(f"#id_alignment-{index}-target_code", code)
        page.screenshot(path=SCREENSHOTS / "02-new-badge-with-esco.png", full_page=True)
        page.get_by_role("button", name=french("Create the badge")).click()
        page.wait_for_url(re.compile(r".*/issuers/badges/[\w-]+/$"))
        badge_page = page.url

        # 3. « Attribuer à plusieurs (CSV) »: the preview, then the confirmation.
        page.set_input_files("form[action$='/award-csv/'] input[type=file]", str(csv_file))
        page.locator("form[action$='/award-csv/']").get_by_role("button", name=french("Preview")).click()
        with translation.override("fr"):
            ready = ngettext(
                "%(counter)s award is ready. Check it, then confirm.",
                "%(counter)s awards are ready. Check them, then confirm.",
                PEOPLE,
            ) % {"counter": PEOPLE}
        assert ready in page.inner_text("main")
        page.screenshot(path=SCREENSHOTS / "03-csv-preview.png", full_page=True)
        page.get_by_role("button", name=french("Confirm and award")).click()
        page.wait_for_url(re.compile(r".*/issuers/award-jobs/[\w-]+/$"))
        progress = page.locator("#award-job-progress progress")
        assert progress.get_attribute("value") == "0" and progress.get_attribute("max") == str(PEOPLE)
        following = page.locator("#award-job-progress[data-refresh-seconds]")
        assert following.count() == 1  # it follows the award by itself
        page.screenshot(path=SCREENSHOTS / "04-progress-queued.png", full_page=True)

        # 4. The worker runs: the bar moves batch by batch, then the job is done.
        worker = in_thread(worker_run)
        assert halfway.wait(60)
        page.reload()
        assert progress.get_attribute("value") == str(BATCH)
        status = french(
            "%(awarded)s of %(total)s badges awarded, %(emails)s e-mails queued.",
            awarded=BATCH,
            total=PEOPLE,
            emails=BATCH,
        )
        assert page.locator("#award-job-progress-text").inner_text() == status
        page.screenshot(path=SCREENSHOTS / "05-progress-halfway.png", full_page=True)
        go_on.set()
        finished(worker)
        page.reload()
        assert progress.get_attribute("value") == str(PEOPLE)
        assert following.count() == 0
        page.screenshot(path=SCREENSHOTS / "06-progress-done.png", full_page=True)

        # 5. Recipients act on their e-mails; the issuer opens « Statistiques ».
        finished(in_thread(recipients_act))
        page.goto(badge_page)
        page.get_by_role("link", name="Cnam Formation continue").click()
        page.get_by_role("link", name=french("Statistics")).click()
        page.wait_for_url(re.compile(r".*/issuers/[\w-]+/statistics/$"))
        assert page.locator("svg[role=img]").count() == 3
        pending = PEOPLE - ACCEPTED - DECLINED
        assert chart_numbers(page, "issuer-acceptance") == [ACCEPTED, pending, DECLINED, 0]
        assert chart_numbers(page, "issuer-shares") == [ACCEPTED, PUBLIC, SHARED]
        assert chart_numbers(page, "issuer-awards")[-1] == PEOPLE
        assert page.locator("#issuer-shares-title").text_content() == french("Recipients who share the badge")
        for number in (str(ACCEPTED), str(PUBLIC), str(SHARED)):  # the numbers show on the chart itself
            assert page.locator(
                "svg[aria-labelledby^=issuer-shares] text.chart-value", has_text=number
            ).count()
        page.screenshot(path=SCREENSHOTS / "07-statistics.png", full_page=True)
        page.set_viewport_size({"width": 375, "height": 812})  # on a phone
        assert page.evaluate("document.documentElement.scrollWidth") <= 375  # the table scrolls, not the page
        page.screenshot(path=SCREENSHOTS / "08-statistics-phone.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 720})

        # 6. Back on the badge: its own charts, then « Révoquer » the last award.
        page.get_by_role("link", name="Conduite de projet").click()
        page.wait_for_url(re.compile(r".*#statistics$"))
        assert chart_numbers(page, "badge-acceptance") == [ACCEPTED, pending, DECLINED, 0]
        # The page lists all 200 awards below: the screenshots show the part the step is about.
        page.locator("#statistics").scroll_into_view_if_needed()
        page.screenshot(path=SCREENSHOTS / "09-badge-statistics.png")
        row = page.locator("table.awards tbody tr").first
        revoked_email = row.locator("td").first.inner_text()
        row.locator("summary", has_text=french("Revoke")).click()
        row.locator("input[name=reason]").fill("Inscrit par erreur")
        row.get_by_role("button", name=french("Revoke")).click()
        page.wait_for_url(re.compile(r".*/issuers/badges/[\w-]+/(#.*)?$"))
        revoked_row = page.locator("table.awards tbody tr", has_text=revoked_email)
        assert (
            french("Revoked") in revoked_row.inner_text() and "Inscrit par erreur" in revoked_row.inner_text()
        )
        assert chart_numbers(page, "badge-acceptance") == [ACCEPTED, pending - 1, DECLINED, 1]
        revoked_row.scroll_into_view_if_needed()
        page.screenshot(path=SCREENSHOTS / "10-revoked.png")

    badge_class = BadgeClass.objects.get(name="Conduite de projet")
    assert [alignment.target_code for alignment in badge_class.alignments.order_by("position")] == [
        code for _name, _url, code in ESCO
    ]
    assert badge_class.assertions.count() == PEOPLE
    assert (
        badge_class.assertions.filter(revoked_at__isnull=False).get().revocation_reason
        == "Inscrit par erreur"
    )
