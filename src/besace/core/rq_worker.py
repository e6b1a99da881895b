"""The RQ worker of BESACE_TASKS=rq (`besace rqworker`): RQ's, plus running again the tasks of a dead worker.

RQ notices a job whose worker stopped beating (killed, out of memory, machine lost) about a minute and a
half after its last heartbeat (rq's job monitoring interval, 30 s, plus a fixed 60 s), when a worker cleans
the registries, and moves it to the failed registry with an AbandonedJobError. This worker cleans them
every BESACE_WORKER_HEARTBEAT_SECONDS (rq's default is every 10 minutes) and queues such a job again, up to
BESACE_TASK_MAX_ATTEMPTS runs in all, like the database backend (besace.core.tasks). Tasks therefore run
at least once: their bodies are written to be safe to run again.

RQ's own retries (`Retry`) would do it too, but they also run again a job that raised, which
`retried_task` already does, with its backoff and a result for each attempt.
"""

import logging

from django.conf import settings
from django_rq.workers import Worker as DjangoRQWorker
from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.job import JobStatus
from rq.registry import FailedJobRegistry, StartedJobRegistry

logger = logging.getLogger(__name__)

ABANDONED_RUNS = "besace_abandoned_runs"  # in the job's meta: how many of its runs lost their worker


class Worker(DjangoRQWorker):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("maintenance_interval", max(1, round(settings.BESACE_WORKER_HEARTBEAT_SECONDS)))
        super().__init__(*args, **kwargs)

    def clean_registries(self) -> None:
        abandoned = {queue: StartedJobRegistry(queue=queue).get_expired_job_ids() for queue in self.queues}
        super().clean_registries()  # moves those to the failed registry (or leaves them to another worker)
        for queue, job_ids in abandoned.items():
            for job_id in job_ids:
                abandoned_job_requeue(queue, job_id)


def abandoned_job_requeue(queue, job_id: str) -> bool:
    """Queue again the job `job_id` if RQ failed it because its worker was lost and it has runs left."""
    try:
        job = queue.job_class.fetch(job_id, connection=queue.connection, serializer=queue.serializer)
    except NoSuchJobError:
        return False
    last = job.latest_result()
    if (
        job.get_status() != JobStatus.FAILED
        or last is None
        or "AbandonedJobError" not in (last.exc_string or "")
    ):
        return False  # finished, failed by its own error (retried_task's business), or not cleaned yet
    runs = job.meta.get(ABANDONED_RUNS, 0) + 1
    if runs >= settings.BESACE_TASK_MAX_ATTEMPTS:
        logger.error(
            "task %s (job %s): its worker was lost %d times, not run again", job.func_name, job.id, runs
        )
        return False
    job.meta[ABANDONED_RUNS] = runs
    job.save_meta()
    try:
        FailedJobRegistry(queue=queue).requeue(job)
    except InvalidJobOperation:  # another worker queued it again first
        return False
    logger.warning("task %s (job %s): its worker was lost, run again", job.func_name, job.id)
    return True
