"""Running background tasks as a real `besace db_worker` would, inside a test: tasks kept in the database,
retries deferred, nothing run before its time."""

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def worker_run(worker_id: str = "worker-1") -> None:
    """What `besace db_worker --batch` does: run every task ready now, then return."""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    ).run()


def retries_due_now() -> int:
    """Time passes: the deferred tasks (retries) are due now. Returns how many were waiting."""
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY, run_after__gt=timezone.now())
    return waiting.update(run_after=timezone.now())


@pytest.fixture
def db_tasks(settings, db, monkeypatch):
    """Tasks queued in the database and run by worker_run(); 3 attempts, 30 s apart, then 60 s."""
    settings.TASKS = DB_TASKS
    # The worker closes connections between tasks, as requests do; inside a test's transaction that would
    # close the test's own connection (PostgreSQL).
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    settings.BESACE_TASK_MAX_ATTEMPTS = 3
    settings.BESACE_TASK_RETRY_SECONDS = 30
    settings.BESACE_WORKER_LOST_AFTER_SECONDS = 60
