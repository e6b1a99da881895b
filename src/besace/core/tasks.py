"""Background tasks that survive failures.

- `retried_task`: a django-tasks task that, when it raises, is queued again with exponential backoff.
- Worker heartbeats: django-tasks-db leaves a task RUNNING for ever when its worker dies mid-run (killed,
  out of memory, machine lost). Each `besace db_worker` records a heartbeat; the tasks of a worker silent for
  longer than BESACE_WORKER_LOST_AFTER_SECONDS are made ready again and run by another worker. Tasks therefore
  run at least once, not exactly once: their bodies must be safe to run again.
"""

import inspect
import logging
import threading
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connections
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskContext, TaskResultStatus

logger = logging.getLogger(__name__)


def retried_task(func):
    """Decorate a module-level function as a django-tasks task run up to BESACE_TASK_MAX_ATTEMPTS times.

    A failed run stays recorded as a failed result, with its traceback; the next run is queued after
    BESACE_TASK_RETRY_SECONDS, then twice that, four times..., and receives its number as the `attempt`
    keyword argument, so the attempts can be read from the results (and `func` is given it too when it has
    an `attempt` parameter, to tell what it records, see retry_time). Backends that cannot defer a task
    (the immediate one) do not retry.
    """
    takes_attempt = "attempt" in inspect.signature(func).parameters

    def run(context: TaskContext, *args, attempt: int = 1, **kwargs):
        try:
            if takes_attempt:
                return func(*args, attempt=attempt, **kwargs)
            return func(*args, **kwargs)
        except Exception:
            _retry_later(context.task_result.task, args, kwargs, attempt=attempt)
            raise

    # The task is found again by its module path; no __wrapped__, so django-tasks sees `context` first.
    for name in ("__module__", "__name__", "__qualname__", "__doc__"):
        setattr(run, name, getattr(func, name))
    return task(takes_context=True)(run)


def retry_time(queued_task, *, attempt: int) -> datetime | None:
    """When the retried task failing at `attempt` runs again; None when it is not retried."""
    if attempt >= settings.BESACE_TASK_MAX_ATTEMPTS or not queued_task.get_backend().supports_defer:
        return None
    return timezone.now() + timedelta(seconds=settings.BESACE_TASK_RETRY_SECONDS * 2 ** (attempt - 1))


def _retry_later(queued_task, args, kwargs, *, attempt: int) -> None:
    run_after = retry_time(queued_task, attempt=attempt)
    if run_after is None:
        logger.error("task %s failed (attempt %d), not retried", queued_task.module_path, attempt)
        return
    try:
        queued_task.using(run_after=run_after).enqueue(*args, attempt=attempt + 1, **kwargs)
    except Exception:  # the queue itself may be what failed: the original error is what matters
        logger.exception("task %s could not be queued again", queued_task.module_path)
        return
    logger.warning("task %s failed (attempt %d), retried at %s", queued_task.module_path, attempt, run_after)


class WorkerLost(Exception):
    """Recorded as the error of a task whose workers died while running it too many times."""


def heartbeat_record(worker_id: str) -> None:
    from besace.core.models import WorkerHeartbeat

    WorkerHeartbeat.objects.update_or_create(worker_id=worker_id, defaults={"seen_at": timezone.now()})


def heartbeat_forget(worker_id: str) -> None:
    from besace.core.models import WorkerHeartbeat

    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def orphaned_tasks_recover() -> int:
    """Make the RUNNING tasks of lost workers ready again (or failed, after BESACE_TASK_MAX_ATTEMPTS runs);
    return how many were made ready."""
    from django_tasks_db.models import DBTaskResult

    from besace.core.models import WorkerHeartbeat

    lost_before = timezone.now() - timedelta(seconds=settings.BESACE_WORKER_LOST_AFTER_SECONDS)
    alive = set(WorkerHeartbeat.objects.filter(seen_at__gte=lost_before).values_list("worker_id", flat=True))
    recovered = 0
    for result in DBTaskResult.objects.running().only("id", "started_at", "worker_ids", "task_path"):
        if result.worker_ids and result.worker_ids[-1] in alive:
            continue
        # Matching started_at too: another worker recovering at the same time, or a new claim, wins.
        claim = DBTaskResult.objects.filter(
            pk=result.pk, status=TaskResultStatus.RUNNING, started_at=result.started_at
        )
        if len(result.worker_ids) >= settings.BESACE_TASK_MAX_ATTEMPTS:
            if claim.exists():
                logger.error("task %s %s: its worker was lost, not run again", result.task_path, result.pk)
                result.set_failed(WorkerLost(f"worker {result.worker_ids[-1]} stopped while running it"))
        elif claim.update(status=TaskResultStatus.READY):
            logger.warning("task %s %s: its worker was lost, run again", result.task_path, result.pk)
            recovered += 1
    WorkerHeartbeat.objects.filter(seen_at__lt=lost_before).delete()
    return recovered


class Heartbeat(threading.Thread):
    """Beats for one worker every BESACE_WORKER_HEARTBEAT_SECONDS, and recovers the tasks of lost workers."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while True:
                try:
                    heartbeat_record(self.worker_id)
                    orphaned_tasks_recover()
                except DatabaseError:  # e.g. SQLite busy with a long write: the next beat will do
                    logger.warning("worker %s: heartbeat failed", self.worker_id, exc_info=True)
                if self.stopped.wait(settings.BESACE_WORKER_HEARTBEAT_SECONDS):
                    return
        finally:
            connections.close_all()

    def stop(self) -> None:
        self.stopped.set()
        self.join()
        heartbeat_forget(self.worker_id)
