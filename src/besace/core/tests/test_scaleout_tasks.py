"""Background tasks survive failures: retries with backoff, and tasks of a dead worker run by another one."""

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from besace.core.models import WorkerHeartbeat
from besace.core.tasks import orphaned_tasks_recover, retried_task
from besace.testing.tasks import worker_run


@retried_task
def flaky_task(marker: str) -> str:
    """Fails until the file `marker` exists."""
    if not Path(marker).exists():
        raise ConnectionError("SMTP server unreachable")
    return "sent"


@task()
def blocking_task(folder: str) -> str:
    """Records each run (its process id), then waits until the file `release` exists."""
    with (Path(folder) / "runs").open("a") as runs:
        runs.write(f"{os.getpid()}\n")
    while not (Path(folder) / "release").exists():
        time.sleep(0.05)
    return "released"


def _results():
    return list(DBTaskResult.objects.order_by("enqueued_at"))


def test_failed_task_is_retried_with_exponential_backoff_then_given_up(db_tasks, tmp_path):
    flaky_task.enqueue(str(tmp_path / "never"))
    delays = []
    for attempt in (1, 2, 3):
        before = timezone.now()
        worker_run()
        results = _results()
        assert [r.status for r in results[:attempt]] == [TaskResultStatus.FAILED] * attempt
        assert "ConnectionError" in results[attempt - 1].exception_class_path
        if attempt < 3:
            retry = results[attempt]
            assert retry.status == TaskResultStatus.READY
            assert retry.args_kwargs["kwargs"] == {"attempt": attempt + 1}
            delays.append(retry.run_after - before)
            DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())  # time passes
    assert len(_results()) == 3  # the third failure is the last
    assert [round(delay.total_seconds()) for delay in delays] == [30, 60]


def test_retried_task_succeeds_once_the_cause_is_gone(db_tasks, tmp_path):
    marker = tmp_path / "smtp-up"
    flaky_task.enqueue(str(marker))
    worker_run()
    marker.touch()
    retry = _results()[1]
    worker_run()
    assert retry.run_after > timezone.now() + timedelta(seconds=25)  # not run before its time
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    worker_run()
    result = flaky_task.get_result(str(retry.pk))
    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value == "sent"


def test_immediate_backend_does_not_retry(db, tmp_path):
    result = flaky_task.enqueue(str(tmp_path / "never"))
    assert result.status == TaskResultStatus.FAILED


def test_tasks_of_a_lost_worker_are_made_ready_again(db_tasks, tmp_path):
    lost = flaky_task.enqueue(str(tmp_path / "x"))
    busy = flaky_task.enqueue(str(tmp_path / "y"))
    for result, worker_id in ((lost, "lost-worker"), (busy, "live-worker")):
        DBTaskResult.objects.get(pk=result.id).claim(worker_id)
    WorkerHeartbeat.objects.create(worker_id="live-worker", seen_at=timezone.now())
    WorkerHeartbeat.objects.create(worker_id="lost-worker", seen_at=timezone.now() - timedelta(minutes=5))

    assert orphaned_tasks_recover() == 1
    assert DBTaskResult.objects.get(pk=lost.id).status == TaskResultStatus.READY
    assert DBTaskResult.objects.get(pk=busy.id).status == TaskResultStatus.RUNNING
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["live-worker"]
    worker_run("worker-2")
    again = DBTaskResult.objects.get(pk=lost.id)
    assert again.worker_ids == ["lost-worker", "worker-2"]  # both attempts recorded
    assert again.status == TaskResultStatus.FAILED  # ran (and failed: the file is absent), no longer lost


def test_task_that_keeps_killing_its_workers_is_given_up(db_tasks, tmp_path):
    result = flaky_task.enqueue(str(tmp_path / "x"))
    row = DBTaskResult.objects.get(pk=result.id)
    for worker_id in ("w1", "w2", "w3"):  # BESACE_TASK_MAX_ATTEMPTS runs, each worker died
        row.claim(worker_id)
    assert orphaned_tasks_recover() == 0
    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED
    assert row.exception_class_path == "besace.core.tasks.WorkerLost"


# --- a real `besace db_worker`, killed mid-task ---


def _besace(*args: str, env: dict) -> str:
    """The last line `besace ARGS` printed."""
    done = subprocess.run(
        [sys.executable, "-m", "besace", *args], env=env, check=True, capture_output=True, text=True
    )
    return done.stdout.strip().rpartition("\n")[2]


def _wait_for(condition, *, timeout: float = 30, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def _worker_start(worker_id: str, env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "besace", "db_worker", "--no-reload", "--no-startup-delay", "--interval=0.2"]
        + [f"--worker-id={worker_id}"],
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


@pytest.mark.scaleout
def test_task_survives_its_worker_being_killed(tmp_path):
    env = {
        **os.environ,
        "SECRET_KEY": "test-only",
        "DEBUG": "",
        "BESACE_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'tasks.sqlite3'}",
        "BESACE_TASKS": "db",
        "BESACE_WORKER_HEARTBEAT_SECONDS": "0.3",
        "BESACE_WORKER_LOST_AFTER_SECONDS": "2",
    }
    env.pop("REDIS_URL", None)
    env.pop("CACHE_URL", None)
    _besace("migrate", "-v0", env=env)
    enqueue = (
        "from besace.core.tests.test_scaleout_tasks import blocking_task;"
        f"print(blocking_task.enqueue({str(tmp_path)!r}).id)"
    )
    task_id = _besace("shell", "-c", enqueue, env=env)
    runs = tmp_path / "runs"

    first = _worker_start("first-worker", env, tmp_path / "first.log")
    try:
        _wait_for(lambda: runs.exists() and runs.read_text().count("\n") == 1, what="the first run")
        first.send_signal(signal.SIGKILL)  # no chance to clean up or mark anything
        first.wait(timeout=10)
    finally:
        first.kill()
    (tmp_path / "release").touch()

    second = _worker_start("second-worker", env, tmp_path / "second.log")
    try:
        status = (
            "import json; from django_tasks_db.models import DBTaskResult;"
            f"r = DBTaskResult.objects.get(pk={task_id!r});"
            "print(json.dumps([r.status, r.worker_ids, r.return_value]))"
        )

        def finished():
            return json.loads(_besace("shell", "-c", status, env=env))[0] != "RUNNING"

        _wait_for(lambda: runs.read_text().count("\n") == 2, what="the second run")
        _wait_for(finished, what="the task to finish")
        result = json.loads(_besace("shell", "-c", status, env=env))
    finally:
        second.terminate()
        second.wait(timeout=10)
    assert result == ["SUCCESSFUL", ["first-worker", "second-worker"], "released"]
    pids = runs.read_text().split()
    assert pids == [str(first.pid), str(second.pid)]
    # A worker stopped properly takes its heartbeat with it.
    heartbeats = "from besace.core.models import WorkerHeartbeat as H; print(list(H.objects.all()))"
    assert "second-worker" not in _besace("shell", "-c", heartbeats, env=env)


# --- a real `besace rqworker` (BESACE_TASKS=rq), killed mid-task ---

RQ_REDIS_URL = os.environ.get("BESACE_TEST_RQ_REDIS", "redis://127.0.0.1:6379/13")


def _rq_worker_start(name: str, env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "besace", "rqworker", f"--name={name}", "default"],
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


@pytest.mark.scaleout
def test_rq_task_survives_its_worker_being_killed(tmp_path):
    import redis
    from django_tasks_rq.backend import Job
    from rq.registry import StartedJobRegistry

    try:
        connection = redis.Redis.from_url(RQ_REDIS_URL, socket_connect_timeout=3)
        connection.flushdb()
    except redis.ConnectionError as error:
        pytest.skip(f"Redis unreachable at {RQ_REDIS_URL}: {error}")
    env = {
        **os.environ,
        "SECRET_KEY": "test-only",
        "DEBUG": "",
        "BESACE_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'tasks.sqlite3'}",
        "BESACE_TASKS": "rq",
        "REDIS_URL": RQ_REDIS_URL,
        "CACHE_URL": "",
        "BESACE_WORKER_HEARTBEAT_SECONDS": "1",  # the workers clean RQ's registries every second
    }
    enqueue = (
        "from besace.core.tests.test_scaleout_tasks import blocking_task;"
        f"print(blocking_task.enqueue({str(tmp_path)!r}).id)"
    )
    task_id = _besace("shell", "-c", enqueue, env=env)
    runs = tmp_path / "runs"
    try:
        first = _rq_worker_start("first-worker", env, tmp_path / "first.log")
        try:
            _wait_for(lambda: runs.exists() and runs.read_text().count("\n") == 1, what="the first run")
            # The worker and the work-horse it forked for the task (in a process group of its own) die
            # together, as on a lost machine: no chance to clean up or mark anything.
            os.kill(int(runs.read_text()), signal.SIGKILL)
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
        finally:
            first.kill()
        job = Job.fetch(task_id, connection=connection)
        assert job.get_status() == "started"  # as the dead worker left it
        # Time passes: RQ takes a job as abandoned 60 s after its worker's last heartbeat (plus its
        # monitoring interval, 30 s); not waited for here.
        registry = StartedJobRegistry("default", connection=connection)
        connection.zadd(registry.key, {entry: 1 for entry in connection.zrange(registry.key, 0, -1)})
        (tmp_path / "release").touch()

        second = _rq_worker_start("second-worker", env, tmp_path / "second.log")
        try:
            _wait_for(lambda: job.get_status(refresh=True) == "finished", what="the task to finish")
        finally:
            second.terminate()
            second.wait(timeout=10)
        assert len(runs.read_text().split()) == 2  # killed once, then run to the end once
        job.refresh()
        assert job.return_value() == "released"
        assert job.meta["besace_abandoned_runs"] == 1
        first_run, second_run = job.results()[::-1]  # newest first
        assert "AbandonedJobError" in first_run.exc_string
        assert second_run.type == second_run.Type.SUCCESSFUL
    finally:
        connection.flushdb()


@pytest.mark.scaleout
@pytest.mark.parametrize(("runs_lost_before", "queued_again"), [(0, True), (2, False)])
def test_rq_abandoned_job_runs_again_until_max_attempts(settings, runs_lost_before, queued_again):
    import redis
    from rq import Queue
    from rq.job import JobStatus
    from rq.registry import FailedJobRegistry, StartedJobRegistry

    from besace.core.rq_worker import ABANDONED_RUNS, abandoned_job_requeue

    settings.BESACE_TASK_MAX_ATTEMPTS = 3
    connection = redis.Redis.from_url(RQ_REDIS_URL, socket_connect_timeout=3)
    try:
        connection.flushdb()
    except redis.ConnectionError as error:
        pytest.skip(f"Redis unreachable at {RQ_REDIS_URL}: {error}")
    try:
        queue = Queue("default", connection=connection)
        job = queue.enqueue("os.getpid", meta={ABANDONED_RUNS: runs_lost_before})
        queue.remove(job)  # taken by a worker that then died: started, its heartbeat long gone
        job.set_status(JobStatus.STARTED)
        started = StartedJobRegistry(queue=queue)
        connection.zadd(started.key, {f"{job.id}:lost-execution": 1})  # its heartbeat's expiry, long past
        started.cleanup()
        assert job.get_status() == JobStatus.FAILED

        assert abandoned_job_requeue(queue, job.id) is queued_again
        assert (job.id in queue.get_job_ids()) is queued_again
        assert (job.id in FailedJobRegistry(queue=queue)) is not queued_again
        assert abandoned_job_requeue(queue, job.id) is False  # once only
    finally:
        connection.flushdb()
