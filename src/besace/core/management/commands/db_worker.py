"""`besace db_worker`: django-tasks-db's worker, with a heartbeat so that another worker runs again the tasks
of a worker that died mid-task (see besace.core.tasks)."""

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from besace.core.tasks import Heartbeat, heartbeat_record


class Command(DatabaseWorkerCommand):
    help = "Run a database background worker (with a heartbeat; recovers the tasks of lost workers)"

    def handle(self, *args, worker_id: str, **options) -> None:
        # Alive before it can claim anything, so no other worker takes its first task for an orphan.
        heartbeat_record(worker_id)
        heartbeat = Heartbeat(worker_id)
        heartbeat.start()
        try:
            super().handle(*args, worker_id=worker_id, **options)
        finally:
            heartbeat.stop()
