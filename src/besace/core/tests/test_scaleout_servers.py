"""Stateless web processes: two web servers and an RQ worker share one PostgreSQL database and one Redis. An
award made through one server is served by the other, a session made on one works on the other, the cache
(throttles) is shared, and the worker runs what the web servers queue. Also /healthz."""

import json
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from contextlib import closing
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from besace.openbadges.png import unbake_png

POSTGRES_URL = os.environ.get("BESACE_SCALEOUT_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BESACE_SCALEOUT_REDIS", "redis://127.0.0.1:6379/7")
ISSUER_EMAIL, EARNER_EMAIL, PASSWORD = "issuer@demo.besace.test", "earner@demo.besace.test", "besace-demo"


def test_healthz_checks_the_database_and_the_cache(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_cache_is_down(client, db, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "cache": "unavailable"}


def _unreachable() -> str | None:
    """Why the shared services cannot be used here, or None."""
    try:
        import psycopg

        with psycopg.connect(POSTGRES_URL, connect_timeout=3):
            pass
    except Exception as error:  # noqa: BLE001 (any failure means: no PostgreSQL for this test)
        return f"PostgreSQL unreachable at {POSTGRES_URL}: {error}"
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except Exception as error:  # noqa: BLE001
        return f"Redis unreachable at {REDIS_URL}: {error}"
    return None


def _free_port() -> int:
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(condition, *, timeout: float = 30, what: str):
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = condition()
        except requests.ConnectionError:
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


class Cluster:
    def __init__(self, folder: Path):
        self.folder = folder
        self.database = f"h_scaleout_{uuid.uuid4().hex[:12]}"
        self.ports = [_free_port(), _free_port()]
        self.urls = [f"http://127.0.0.1:{port}" for port in self.ports]
        base = urlsplit(POSTGRES_URL)
        self.env = {
            **os.environ,
            "SECRET_KEY": "test-only-scaleout",
            "DEBUG": "",
            "DATABASE_URL": base._replace(path=f"/{self.database}").geturl(),
            "REDIS_URL": REDIS_URL,
            "CACHE_URL": "",
            "BESACE_TASKS": "rq",
            "BESACE_STORAGE": "filesystem",
            "BESACE_VAR_DIR": str(folder),  # dev mail (what the worker sends) and media, shared here
            "BESACE_BASE_URL": self.urls[0],  # the load balancer's address, in a real deployment
            "ALLOWED_HOSTS": "127.0.0.1",
        }
        self.processes: list[subprocess.Popen] = []

    def besace(self, *args: str) -> None:
        command = [sys.executable, "-m", "besace", *args]
        done = subprocess.run(command, env=self.env, capture_output=True, text=True)
        assert done.returncode == 0, f"besace {' '.join(args)}: {done.stderr[-3000:]}"

    def start(self, name: str, *args: str) -> None:
        log = (self.folder / f"{name}.log").open("w")
        command = [sys.executable, "-m", "besace", *args]
        self.processes.append(subprocess.Popen(command, env=self.env, stdout=log, stderr=subprocess.STDOUT))

    def __enter__(self):
        import psycopg
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{self.database}"')
        try:
            self.besace("migrate", "-v0")
            self.besace("demo")
            for number, port in enumerate(self.ports, start=1):
                self.start(f"web{number}", "runserver", "--noreload", f"127.0.0.1:{port}")
            self.start(
                "worker", "rqworker", "--job-class", "django_tasks_rq.Job", "--with-scheduler", "default"
            )
            for url in self.urls:
                _wait_for(lambda url=url: requests.get(f"{url}/healthz", timeout=5).ok, what=f"{url}/healthz")
        except BaseException:
            self.__exit__(None, None, None)  # no database or process left behind
            raise
        return self

    def __exit__(self, *exc_info):
        import psycopg
        import redis

        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        redis.Redis.from_url(REDIS_URL).flushdb()


def _csrf(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=10)
    page.raise_for_status()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


@pytest.mark.scaleout
def test_two_web_servers_and_a_worker_share_one_database_and_one_redis(tmp_path):
    if reason := _unreachable():
        pytest.skip(reason)
    with Cluster(tmp_path) as cluster:
        web1, web2 = cluster.urls

        # A session made on web 1 is valid on web 2.
        browser = requests.Session()
        login = browser.post(
            f"{web1}/accounts/login/",
            {
                "login": EARNER_EMAIL,
                "password": PASSWORD,
                "csrfmiddlewaretoken": _csrf(browser, f"{web1}/accounts/login/"),
            },
            timeout=10,
        )
        assert login.status_code == 200 and "/accounts/login/" not in login.url
        on_web2 = browser.get(f"{web2}/social/connections/", timeout=10, allow_redirects=False)
        assert on_web2.status_code == 200 and 'action="/accounts/logout/"' in on_web2.text  # signed in

        # What web 2 queues, the worker runs: a connection request e-mails its addressee.
        browser.post(
            f"{web2}/social/connections/",
            {"email": ISSUER_EMAIL, "csrfmiddlewaretoken": _csrf(browser, f"{web2}/social/connections/")},
            timeout=10,
        )
        mail_folder = tmp_path / "mail"
        _wait_for(
            lambda: any(ISSUER_EMAIL in path.read_text() for path in mail_folder.glob("*")),
            what="the worker's e-mail",
        )

        # An award through web 1's Badgr API...
        token = requests.post(f"{web1}/o/token", {"username": ISSUER_EMAIL, "password": PASSWORD}, timeout=10)
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        badge_classes = requests.get(f"{web1}/v2/badgeclasses", headers=headers, timeout=10).json()["result"]
        created = requests.post(
            f"{web1}/v2/badgeclasses/{badge_classes[0]['entityId']}/assertions",
            json={"recipient": {"identity": "someone@elsewhere.example", "type": "email"}},
            headers=headers,
            timeout=10,
        )
        assert created.status_code == 201, created.text
        assertion_id = created.json()["result"][0]["openBadgeId"]
        assert assertion_id.startswith(web1)

        # ... is served by web 2: the assertion, its baked image.
        on_web2 = assertion_id.replace(web1, web2)
        hosted = requests.get(on_web2, headers={"Accept": "application/ld+json"}, timeout=10)
        assert hosted.status_code == 200 and hosted.json()["id"] == assertion_id
        baked = requests.get(f"{on_web2}/baked.png", timeout=10)
        assert baked.status_code == 200
        assert json.loads(unbake_png(baked.content))["id"] == assertion_id

        # The cache is shared: failed logins counted on web 1 lock the account out on web 2 too.
        for _attempt in range(5):
            refused = requests.post(
                f"{web1}/o/token", {"username": ISSUER_EMAIL, "password": "wrong"}, timeout=10
            )
            assert refused.status_code == 400
        locked = requests.post(
            f"{web2}/o/token", {"username": ISSUER_EMAIL, "password": PASSWORD}, timeout=10
        )
        assert locked.status_code == 429, locked.text
