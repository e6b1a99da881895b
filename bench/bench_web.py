"""The public assertion URL under load: gunicorn with 2 workers on PostgreSQL, driven by wrk.

Run by bench_all.py (``bench_web(seconds)``); ``bench_web.py seed`` is its Django side (creates the
benchmark's issuer, badge and awards once, prints the awards' public ids). The database is
BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/h_perf), created and migrated when
needed; its media and static files go to var/bench/. Deployed as docs advise for more than one
process: persistent database connections (``?conn_max_age=``) and a Redis cache (a redis-server of
its own on loopback, without persistence). Each page is loaded for ``seconds`` by wrk, after a
warm-up, rotating over all the awards, as a verifier (Accept: application/ld+json) and as a browser
(Accept: text/html).
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench_all import REPO, Row

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/h_perf"
AWARDS = 200
WORKERS = 2
# Enough concurrent clients to keep both workers busy all the time, few enough that the queue in front
# of them does not become the latency being measured.
CONNECTIONS = 8
WRK_REPORT = """
paths = {%(paths)s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1], {["Accept"] = "%(accept)s"})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests": %%d, "seconds": %%f, "p50_ms": %%f, "p99_ms": %%f, '
    .. '"socket_errors": %%d, "bad_status": %%d}\\n', summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1e3, latency:percentile(99) / 1e3, e.connect + e.read + e.write + e.timeout,
    e.status))
end
"""


def _environment(port: int, redis_port: int) -> dict[str, str]:
    env = dict(os.environ)
    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    env.update(
        DATABASE_URL=f"{database_url}?conn_max_age=600",
        CACHE_URL=f"redis://127.0.0.1:{redis_port}/0",
        SECRET_KEY="bench-only",
        BESACE_BASE_URL=f"http://127.0.0.1:{port}",
        ALLOWED_HOSTS="127.0.0.1",
        BESACE_VAR_DIR=str(REPO / "var" / "bench"),
        BESACE_TASKS="immediate",
        DJANGO_SETTINGS_MODULE="besace.settings",
    )
    env.pop("DEBUG", None)
    return env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _create_database(url: str) -> None:
    import psycopg

    server, name = url.split("?", 1)[0].rsplit("/", 1)
    with psycopg.connect(server + "/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def _run(command: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=REPO)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}")
    return done.stdout


def seed() -> None:
    """Create the benchmark's awards once; print their public ids (one JSON list)."""
    import django

    django.setup()
    from django.db import transaction

    from besace.issuing.models import Assertion, Issuer

    issuer = Issuer.objects.filter(name="Bench University").first()
    if issuer is None:
        with transaction.atomic():  # all or nothing: a seed that failed is made again next time
            issuer = _seed_awards()
    ids = Assertion.objects.filter(badge_class__issuer=issuer).values_list("public_id", flat=True)
    print(json.dumps(sorted(ids)))


def _seed_awards():
    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile

    from besace.demo.images import badge_png
    from besace.issuing import services

    owner = get_user_model().objects.create_user(email="bench-owner@univ.example", password=None)
    issuer = services.issuer_create(
        owner=owner, name="Bench University", url="https://univ.example", email="badges@univ.example"
    )
    badge_class = services.badge_class_create(
        issuer=issuer,
        actor=owner,
        name="Python",
        description="Writes Python.",
        image=ContentFile(badge_png(), name="python.png"),
        criteria_text="Pass the **final** project.",
        tags=["python"],
        alignments=[{"target_name": "Python", "target_url": "http://data.europa.eu/esco/skill/python"}],
    )
    for number in range(AWARDS):
        services.badge_award(
            badge_class=badge_class,
            award=services.AwardRequest(
                email=f"earner{number}@example.org", name=f"Earner {number}", narrative="Led the project."
            ),
            actor=owner,
        )
    return issuer


def _wait_until_up(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited before answering")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer {url} within {timeout:g} s")


def _workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def _peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):  # the high-water mark of the resident set
            return int(line.split()[1]) / 1024
    raise SystemExit(f"no VmHWM for process {pid}")


def _load(base: str, paths: list[str], accept: str, seconds: float, workdir: Path) -> dict:
    script = workdir / f"report-{accept.replace('/', '-')}.lua"
    script.write_text(WRK_REPORT % {"paths": ", ".join(f'"{p}"' for p in paths), "accept": accept})
    done = subprocess.run(
        ["wrk", "-t", "2", "-c", str(CONNECTIONS), "-d", f"{seconds:g}s", "-s", str(script), base],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"wrk failed: {done.stderr}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    if report["socket_errors"] or report["bad_status"]:
        raise SystemExit(f"errors under load ({accept}): {report}")
    return report


def _wait_for_port(port: int, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit(f"nothing answers on port {port}") from None
            time.sleep(0.05)


def bench_web(seconds: float) -> list[Row]:
    for tool in ("wrk", "redis-server"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is missing: `apt-get install {tool}` (make bench does when it can)")
    port, redis_port = _free_port(), _free_port()
    env = _environment(port, redis_port)
    _create_database(env["DATABASE_URL"])
    bin_dir = REPO / ".venv" / "bin"
    _run([str(bin_dir / "besace"), "migrate", "--noinput"], env)
    _run([str(bin_dir / "besace"), "collectstatic", "--noinput"], env)
    base = f"http://127.0.0.1:{port}"
    redis = subprocess.Popen(
        [
            "redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(redis_port),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        # Awarding forgets cached public documents: the cache must be up before the awards are made.
        _wait_for_port(redis_port)
        ids = json.loads(_run([sys.executable, str(Path(__file__)), "seed"], env).strip().splitlines()[-1])
    except BaseException:
        redis.terminate()
        raise
    paths = [f"/public/assertions/{public_id}" for public_id in ids]
    server = subprocess.Popen(
        [
            str(bin_dir / "gunicorn"),
            "besace.wsgi:application",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=REPO,
    )
    try:
        _wait_until_up(base + paths[0] + ".json", server)
        with tempfile.TemporaryDirectory(prefix="besace-bench-wrk-") as workdir:
            # Each worker imports and fills its caches on its first requests: not what is measured.
            for accept in ("application/ld+json", "text/html"):
                _load(base, paths, accept, 2, Path(workdir))
            json_load = _load(base, paths, "application/ld+json", seconds, Path(workdir))
            html_load = _load(base, paths, "text/html", seconds, Path(workdir))
        peak = max(_peak_rss_mib(pid) for pid in _workers(server.pid))
    finally:
        server.terminate()
        server.wait(timeout=30)
        redis.terminate()
        redis.wait(timeout=30)
    rows = []
    for label, load, goal in (("JSON-LD", json_load, True), ("HTML page", html_load, False)):
        per_second = load["requests"] / load["seconds"]
        latency = f"p50 {load['p50_ms']:.1f} ms, p99 {load['p99_ms']:.1f} ms"
        rows.append(
            Row(
                f"Public assertion {label}, gunicorn {WORKERS} workers + PostgreSQL, {CONNECTIONS} clients",
                per_second,
                None,
                latency,
                "req/s",
                "≥ 500 req/s, p99 < 50 ms" if goal else "",
                (per_second >= 500 and load["p99_ms"] < 50) if goal else None,
            )
        )
    rows.append(Row("Peak RSS of a web worker under that load", peak, None, "", "MiB"))
    return rows


if __name__ == "__main__" and sys.argv[1:] == ["seed"]:
    seed()
