"""Awarding a badge to every row of a confirmed CSV file, in the background.

The request that confirms the file checks every row once more (one wrong row: nothing is awarded, see
besace.issuing.csv_awards) and stores the rows as an AwardJob; a task then awards them in batches. Each
batch is one transaction: the assertions and their audit entries in bulk inserts, and the job's
`awarded` count. Its e-mails are then queued as one task, and `emails_queued` moves: sending never holds
up the awards. The issuer follows along on a progress page.

A run that stopped anywhere (an error, a worker killed) is completed by running the job again: the counts
say where to go on, and the unique (job, row) of assertions refuses a row awarded twice, even by two runs
at once. E-mails are queued at least once: a worker killed between queuing a batch's e-mails and noting
it queues them again.

Baked images are not made here: Besace bakes an award's image when it is downloaded, so the image always
carries the assertion as it stands (and the signed form the issuer's current key). Baking is cheap enough
for that: bench/bench_bulk_award.py bakes every image of a 10,000-row award to measure it. Storing baked
copies would keep 10,000 copies of the badge image for files most earners never download.
"""

import datetime
import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from besace.core.audit import audit_record
from besace.issuing import services
from besace.issuing.emails import award_emails_send_task
from besace.issuing.models import Assertion, AwardJob, BadgeClass

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
# A job not moved for this long while queued or running has lost its worker: the issuer may resume it.
STALLED_AFTER = datetime.timedelta(minutes=10)
ROW_FIELDS = ("email", "name", "narrative", "evidence_url")


def award_job_create(
    *, badge_class: BadgeClass, awards: list[services.AwardRequest], actor, language: str = ""
) -> AwardJob:
    """Store the checked awards of a file as a job, and queue it."""
    with transaction.atomic():
        job = AwardJob.objects.create(
            badge_class=badge_class,
            created_by=actor if actor is not None and actor.is_authenticated else None,
            language=language,
            rows=[{name: getattr(award, name) for name in ROW_FIELDS} for award in awards],
            total=len(awards),
        )
        audit_record(
            action="award_job.created",
            target=job,
            actor=actor,
            badge_class=badge_class.public_id,
            rows=job.total,
        )
    # Queued once the job is committed, so that a worker finds it (tests run it at once, right here).
    award_job_task.enqueue(job.pk)
    return job


@task()
def award_job_task(job_pk: int) -> None:
    award_job_run(job_pk)


def award_job_run(job_pk: int) -> AwardJob | None:
    """Award the job's rows not awarded yet and queue the e-mails not queued yet; the job ends done, or
    failed (to be resumed) if something broke."""
    job = AwardJob.objects.filter(pk=job_pk).select_related("badge_class__issuer", "created_by").first()
    if job is None or job.state == AwardJob.State.DONE:
        return job
    AwardJob.objects.filter(pk=job_pk).update(
        state=AwardJob.State.RUNNING, error="", updated_at=timezone.now()
    )
    try:
        while True:
            progress = AwardJob.objects.filter(pk=job_pk).values("awarded", "emails_queued").first()
            if progress is None:  # deleted meanwhile
                return None
            if progress["emails_queued"] < progress["awarded"]:
                _emails_queue(job, start=progress["emails_queued"], end=progress["awarded"])
            elif progress["awarded"] < job.total:
                _batch_award(job, start=progress["awarded"])
            else:
                break
    except Exception as error:
        logger.exception("award job %s stopped", job.public_id)
        AwardJob.objects.filter(pk=job_pk).update(
            state=AwardJob.State.FAILED,
            error=f"{type(error).__name__}: {error}"[:500],
            updated_at=timezone.now(),
        )
        return AwardJob.objects.filter(pk=job_pk).first()
    _job_finish(job)
    return AwardJob.objects.filter(pk=job_pk).first()


def _batch_award(job: AwardJob, *, start: int) -> None:
    rows = job.rows[start : start + BATCH_SIZE]
    with transaction.atomic():
        # Locks the job's row (PostgreSQL): a second run of the same job waits here, then sees the batch
        # done. Elsewhere the unique (job, row) of assertions makes the later of two runs fail instead.
        awarded = AwardJob.objects.select_for_update().values_list("awarded", flat=True).get(pk=job.pk)
        if awarded != start:
            return
        services.assertions_create_bulk(
            badge_class=job.badge_class,
            awards=[services.AwardRequest(**row) for row in rows],
            actor=job.created_by,
            language=job.language,
            job=job,
            first_row=start,
        )
        AwardJob.objects.filter(pk=job.pk).update(awarded=start + len(rows), updated_at=timezone.now())


def _emails_queue(job: AwardJob, *, start: int, end: int) -> None:
    pks = list(
        Assertion.objects.filter(award_job=job, award_job_row__gte=start, award_job_row__lt=end)
        .order_by("award_job_row")
        .values_list("pk", flat=True)
    )
    award_emails_send_task.enqueue(pks)
    AwardJob.objects.filter(pk=job.pk, emails_queued=start).update(
        emails_queued=end, updated_at=timezone.now()
    )


def _job_finish(job: AwardJob) -> None:
    finished = AwardJob.objects.filter(Q(pk=job.pk) & ~Q(state=AwardJob.State.DONE)).update(
        state=AwardJob.State.DONE, finished_at=timezone.now(), updated_at=timezone.now()
    )
    if finished:  # by this run, not by another one that ran alongside
        audit_record(action="award_job.finished", target=job, actor=job.created_by, awarded=job.total)


def award_job_resumable(job: AwardJob) -> bool:
    """Failed, or queued or running without moving for a while (its worker died)."""
    if job.state == AwardJob.State.FAILED:
        return True
    return job.state != AwardJob.State.DONE and job.updated_at < timezone.now() - STALLED_AFTER


def award_job_resume(*, job: AwardJob, actor) -> bool:
    """Queue a stopped job again; False when it is not stopped (done, or moving)."""
    if not award_job_resumable(job):
        return False
    AwardJob.objects.filter(pk=job.pk).update(state=AwardJob.State.QUEUED, updated_at=timezone.now())
    audit_record(action="award_job.resumed", target=job, actor=actor, awarded=job.awarded)
    award_job_task.enqueue(job.pk)
    return True
