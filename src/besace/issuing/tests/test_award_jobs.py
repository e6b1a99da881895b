"""Awards from a large CSV file run as a background job: batches, progress, e-mails, resuming."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from besace.core.models import AuditEntry
from besace.issuing import award_jobs, emails, services
from besace.issuing.models import Assertion, AwardEmail, AwardJob

ROWS = 300
BATCH = 100
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def _csv_text(rows: int = ROWS) -> str:
    lines = ["email,name,narrative,evidence_url"]
    lines += [f"p{n}@example.org,Person {n},Row {n},https://evidence.example/{n}" for n in range(rows)]
    return "\n".join(lines) + "\n"


def _awards(rows: int = ROWS) -> list[services.AwardRequest]:
    return [services.AwardRequest(email=f"p{n}@example.org", name=f"Person {n}") for n in range(rows)]


@pytest.fixture(autouse=True)
def _small_batches(monkeypatch):
    monkeypatch.setattr(award_jobs, "BATCH_SIZE", BATCH)


@pytest.fixture
def upload_and_confirm(login, owner, badge_class):
    def run(user=None, text=None):
        client = login(user or owner)
        url = reverse("issuing:award_csv", args=[badge_class.public_id])
        upload = SimpleUploadedFile("awards.csv", (text or _csv_text()).encode(), "text/csv")
        preview = client.post(url, {"file": upload})
        assert preview.context["parsed"].errors == []
        return client.post(url, {"confirm": "1"})

    return run


class _KilledWorker(BaseException):
    """Stands for the worker process dying: no `except Exception` handler sees it."""


def _fail_on_call(monkeypatch, owner_module, name, call_number, error):
    real = getattr(owner_module, name)
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == call_number:
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(owner_module, name, failing)


def _assert_every_row_awarded_once(job: AwardJob, mailoutbox):
    rows = list(Assertion.objects.filter(award_job=job).values_list("award_job_row", flat=True))
    assert sorted(rows) == list(range(ROWS))
    duplicates = Assertion.objects.values("recipient_email").annotate(n=Count("id")).filter(n__gt=1)
    assert not duplicates.exists()
    awarded = AuditEntry.objects.filter(action="assertion.awarded", data__award_job=job.public_id)
    assert sorted(int(pk) for pk in awarded.values_list("target_id", flat=True)) == sorted(
        Assertion.objects.values_list("pk", flat=True)
    )
    assert sorted(m.to[0] for m in mailoutbox) == sorted(f"p{n}@example.org" for n in range(ROWS))


def test_a_confirmed_file_is_awarded_by_a_job_then_shows_its_result(
    upload_and_confirm, owner, badge_class, mailoutbox
):
    response = upload_and_confirm()
    job = AwardJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("issuing:award_job", args=[job.public_id])
    assert (job.state, job.total, job.awarded, job.emails_queued) == ("done", ROWS, ROWS, ROWS)
    _assert_every_row_awarded_once(job, mailoutbox)
    first = Assertion.objects.get(award_job_row=0)
    assert (first.recipient_email, first.recipient_name, first.narrative, first.evidence_url) == (
        "p0@example.org",
        "Person 0",
        "Row 0",
        "https://evidence.example/0",
    )
    assert first.awarded_by == owner and first.salt and first.identity_hash.startswith("sha256$")
    assert AuditEntry.objects.filter(action="award_job.created", target_id=str(job.pk)).count() == 1
    assert AuditEntry.objects.filter(action="award_job.finished", target_id=str(job.pk)).count() == 1

    client_page = response.client.get(response.url).content.decode()
    assert "300 of 300 badges awarded, 300 e-mails queued." in client_page
    assert "300 badges awarded; e-mails are on their way." in client_page
    assert 'http-equiv="refresh"' not in client_page
    badge_page = response.client.get(reverse("issuing:badgeclass", args=[badge_class.public_id]))
    assert reverse("issuing:award_job", args=[job.public_id]) in badge_page.content.decode()


def test_a_queued_job_shows_a_progress_page_that_reloads_itself(upload_and_confirm, settings, mailoutbox):
    settings.TASKS = DUMMY_TASKS  # no worker: the job waits
    response = upload_and_confirm()
    job = AwardJob.objects.get()
    assert (job.state, job.awarded) == ("queued", 0) and not Assertion.objects.exists()
    page = response.client.get(response.url).content.decode()
    assert '<progress max="300" value="0"' in page
    assert "0 of 300 badges awarded, 0 e-mails queued." in page
    # Followed in place by a script file; without JavaScript, the page reloads itself.
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert 'data-refresh-seconds="2"' in page and "issuing/award_job.js" in page
    assert "<script" not in page.split("<main", 1)[-1]  # no inline script
    assert mailoutbox == []


def test_a_job_that_stopped_after_a_batch_shows_where_it_is_and_resumes_without_duplicates(
    upload_and_confirm, monkeypatch, mailoutbox
):
    _fail_on_call(monkeypatch, services, "assertions_create_bulk", 2, RuntimeError("database went away"))
    response = upload_and_confirm()
    job = AwardJob.objects.get()
    assert (job.state, job.awarded, job.emails_queued) == ("failed", BATCH, BATCH)
    assert "database went away" in job.error
    assert Assertion.objects.count() == BATCH and len(mailoutbox) == BATCH

    page = response.client.get(response.url).content.decode()
    assert '<progress max="300" value="100"' in page and "Resume" in page
    assert 'http-equiv="refresh"' not in page  # nothing moves until the issuer resumes

    resumed = response.client.post(reverse("issuing:award_job_resume", args=[job.public_id]))
    assert resumed.status_code == 302
    job.refresh_from_db()
    assert (job.state, job.awarded, job.emails_queued, job.error) == ("done", ROWS, ROWS, "")
    _assert_every_row_awarded_once(job, mailoutbox)
    assert AuditEntry.objects.filter(action="award_job.resumed", target_id=str(job.pk)).count() == 1


def test_a_batch_that_breaks_midway_leaves_nothing_of_itself(upload_and_confirm, monkeypatch, mailoutbox):
    # The second batch's assertions are inserted, then its audit entries fail: the batch is rolled back.
    _fail_on_call(monkeypatch, services, "audit_record_bulk", 2, RuntimeError("disk full"))
    upload_and_confirm()
    job = AwardJob.objects.get()
    assert (job.state, job.awarded) == ("failed", BATCH)
    assert Assertion.objects.count() == BATCH
    assert award_jobs.award_job_run(job.pk).state == "done"
    _assert_every_row_awarded_once(job, mailoutbox)


def test_a_job_whose_worker_was_killed_is_completed_by_running_it_again(
    upload_and_confirm, monkeypatch, mailoutbox
):
    # Killed after the second batch was committed, before its e-mails were queued.
    _fail_on_call(monkeypatch, award_jobs, "_emails_queue", 2, _KilledWorker())
    upload_and_confirm()  # the task backend notes the task failed; the job's own handler never ran
    job = AwardJob.objects.get()
    assert (job.state, job.awarded, job.emails_queued) == ("running", 2 * BATCH, BATCH)
    assert not award_jobs.award_job_resumable(job)  # it may still be moving
    AwardJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - datetime.timedelta(hours=1))
    job.refresh_from_db()
    assert award_jobs.award_job_resumable(job)  # now it is seen as stalled
    monkeypatch.undo()
    monkeypatch.setattr(award_jobs, "BATCH_SIZE", BATCH)
    assert award_jobs.award_job_run(job.pk).state == "done"  # as a worker taking the task again
    _assert_every_row_awarded_once(job, mailoutbox)


def test_two_runs_cannot_award_a_row_twice(owner, badge_class, settings):
    settings.TASKS = DUMMY_TASKS
    job = award_jobs.award_job_create(badge_class=badge_class, awards=_awards(), actor=owner)
    award_jobs.award_job_run(job.pk)
    assert Assertion.objects.count() == ROWS
    # A run that read the counts before another one moved them finds its batch done...
    award_jobs._batch_award(job, start=0)
    assert Assertion.objects.count() == ROWS
    # ...and the database refuses a row awarded twice whatever the code does.
    with pytest.raises(IntegrityError), transaction.atomic():
        services.assertions_create_bulk(badge_class=badge_class, awards=_awards(1), job=job, first_row=0)


def test_a_done_job_is_neither_run_nor_resumed_again(owner, badge_class, mailoutbox):
    job = award_jobs.award_job_create(badge_class=badge_class, awards=_awards(), actor=owner)
    job.refresh_from_db()
    assert award_jobs.award_job_run(job.pk).state == "done"
    assert award_jobs.award_job_resume(job=job, actor=owner) is False
    assert Assertion.objects.count() == ROWS and len(mailoutbox) == ROWS


def test_the_queries_of_a_batch_do_not_grow_with_its_rows(owner, badge_class, settings):
    from django.db import connection

    settings.TASKS = DUMMY_TASKS  # e-mails queued, not sent here

    def queries_for(rows: int) -> int:
        job = award_jobs.award_job_create(badge_class=badge_class, awards=_awards(rows), actor=owner)
        with CaptureQueriesContext(connection) as captured:
            award_jobs.award_job_run(job.pk)
        assert AwardJob.objects.get(pk=job.pk).awarded == rows
        Assertion.objects.all().delete()
        return len(captured)

    one_batch, three_batches = queries_for(BATCH), queries_for(3 * BATCH)
    per_batch = (three_batches - one_batch) / 2
    # SQLite inserts at most 999 values per statement: 100 assertions take 2 inserts, their audit 1, their
    # e-mail records 1.
    assert per_batch <= 13, (one_batch, three_batches)
    assert one_batch <= per_batch + 8


def test_one_refused_address_does_not_stop_the_other_emails(owner, badge_class, monkeypatch, mailoutbox):
    assertions = services.assertions_create_bulk(badge_class=badge_class, awards=_awards(3), actor=owner)
    real = emails.award_email_message

    def refusing(assertion):
        if assertion.recipient_email == "p1@example.org":
            raise ValueError("refused")
        return real(assertion)

    monkeypatch.setattr(emails, "award_email_message", refusing)
    result = emails.award_emails_send_task.enqueue([a.pk for a in assertions])  # run at once in tests
    assert result.return_value == 2
    assert sorted(m.to[0] for m in mailoutbox) == ["p0@example.org", "p2@example.org"]


@pytest.mark.parametrize("role", ["owner", "editor", "awarder"])
def test_issuer_staff_who_award_follow_and_resume_a_job(request, role, login, owner, badge_class, settings):
    settings.TASKS = DUMMY_TASKS
    job = award_jobs.award_job_create(badge_class=badge_class, awards=_awards(), actor=owner)
    AwardJob.objects.filter(pk=job.pk).update(state=AwardJob.State.FAILED)
    client = login(request.getfixturevalue(role))
    assert client.get(reverse("issuing:award_job", args=[job.public_id])).status_code == 200
    client.post(reverse("issuing:award_job_resume", args=[job.public_id]))
    assert AwardJob.objects.get(pk=job.pk).state == "queued"


@pytest.mark.parametrize("who", ["outsider", "anonymous"])
def test_others_neither_see_nor_resume_a_job(request, who, login, owner, badge_class, settings):
    settings.TASKS = DUMMY_TASKS
    job = award_jobs.award_job_create(badge_class=badge_class, awards=_awards(), actor=owner)
    AwardJob.objects.filter(pk=job.pk).update(state=AwardJob.State.FAILED)
    client = login(request.getfixturevalue(who) if who == "outsider" else None)
    page = client.get(reverse("issuing:award_job", args=[job.public_id]))
    resume = client.post(reverse("issuing:award_job_resume", args=[job.public_id]))
    expected = 404 if who == "outsider" else 302  # anonymous: to the sign-in page
    assert (page.status_code, resume.status_code) == (expected, expected)
    assert AwardJob.objects.get(pk=job.pk).state == "failed"


class _EnqueueThenDie:
    """The e-mail task, as seen by a worker killed right after queuing its `call_number`th batch of e-mails
    and before noting it: the run that completes the job queues that batch again."""

    def __init__(self, call_number: int):
        self.calls, self.call_number = 0, call_number

    def enqueue(self, pks):
        self.calls += 1
        emails.award_emails_send_task.enqueue(pks)
        if self.calls == self.call_number:
            raise _KilledWorker()


def test_emails_queued_twice_by_a_killed_worker_go_once_each(upload_and_confirm, monkeypatch, mailoutbox):
    monkeypatch.setattr(award_jobs, "award_emails_send_task", _EnqueueThenDie(call_number=2))
    upload_and_confirm()
    job = AwardJob.objects.get()
    assert (job.state, job.awarded, job.emails_queued) == ("running", 2 * BATCH, BATCH)
    assert len(mailoutbox) == 2 * BATCH  # the second batch's e-mails went before the worker died
    monkeypatch.setattr(award_jobs, "award_emails_send_task", emails.award_emails_send_task)
    assert award_jobs.award_job_run(job.pk).state == "done"
    _assert_every_row_awarded_once(job, mailoutbox)  # one e-mail each: the second batch's not sent again
    assert set(AwardEmail.objects.values_list("status", flat=True)) == {"sent"}
