"""A read replica (DATABASE_REPLICA_URL): public reads go to it, reads that must see a write stay on the
primary. Here the replica alias is a second connection to the test database (what TEST MIRROR does), so
which connection each query went through is what is checked."""

import json
import os
import subprocess
import sys

import pytest
from django.db import connections, router, transaction
from django.test.utils import CaptureQueriesContext
from django_tasks import task

from besace.core.replica import PIN_COOKIE, REPLICA
from besace.issuing.models import Assertion

ROUTER = "besace.core.replica.PrimaryReplicaRouter"
pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
MIDDLEWARE = "besace.core.replica.ReadYourWritesMiddleware"


@pytest.fixture
def replica(settings):
    """The router and the middleware, as DATABASE_REPLICA_URL installs them (the conftest makes the alias)."""
    settings.DATABASE_ROUTERS = [ROUTER]
    settings.MIDDLEWARE = [MIDDLEWARE, *settings.MIDDLEWARE]
    settings.BESACE_REPLICA_PIN_SECONDS = 15


class Queries:
    """The queries run on the primary and on the replica."""

    def __enter__(self):
        self.primary = CaptureQueriesContext(connections["default"]).__enter__()
        self.replica = CaptureQueriesContext(connections[REPLICA]).__enter__()
        return self

    def __exit__(self, *exc_info):
        self.primary.__exit__(*exc_info)
        self.replica.__exit__(*exc_info)

    def reads(self, captured) -> list[str]:
        return [query["sql"] for query in captured.captured_queries if query["sql"].startswith("SELECT")]


def test_anonymous_public_reads_go_to_the_replica(replica, award, client):
    assertion = award()
    public = f"/public/assertions/{assertion.public_id}"
    for path, headers in (
        (public, {"Accept": "application/ld+json"}),
        (public, {"Accept": "text/html"}),
        (f"/public/badges/{assertion.badge_class.public_id}", {}),
        ("/gallery/?keywords=python", {}),
    ):
        with Queries() as queries:
            response = client.get(path, headers=headers)
        assert response.status_code == 200, path
        assert queries.reads(queries.replica), path
        assert queries.primary.captured_queries == [], path  # neither read nor written
        assert PIN_COOKIE not in response.cookies


def test_a_post_pins_the_same_client_to_the_primary(replica, earner, client, settings):
    client.force_login(earner)
    with Queries() as queries:
        assert client.get("/backpack/").status_code == 200
    assert queries.reads(queries.replica) and not queries.reads(queries.primary)

    changed = client.post("/i18n/setlang/", {"language": "fr", "next": "/backpack/"})
    assert changed.status_code == 302
    pin = changed.cookies[PIN_COOKIE]
    assert pin["max-age"] == 15 and pin["httponly"]
    with Queries() as queries:
        assert client.get("/backpack/").status_code == 200  # the page shown after the form
    assert queries.reads(queries.primary) and queries.replica.captured_queries == []

    client.cookies.pop(PIN_COOKIE)  # BESACE_REPLICA_PIN_SECONDS later: the browser dropped it
    with Queries() as queries:
        assert client.get("/backpack/").status_code == 200
    assert queries.reads(queries.replica) and not queries.reads(queries.primary)


@task()
def read_write_read() -> list[str]:
    """Where a task's reads go before and after it writes."""
    before = router.db_for_read(Assertion)
    with transaction.atomic():
        in_transaction = router.db_for_read(Assertion)
    Assertion.objects.filter(pk=-1).update(narrative="")
    return [before, in_transaction, router.db_for_read(Assertion)]


def test_a_task_reads_from_the_replica_until_it_writes_and_transactions_stay_on_the_primary(replica):
    assert read_write_read.enqueue().return_value == [REPLICA, "default", "default"]
    assert router.db_for_read(Assertion) == "default"  # outside requests and tasks: commands, cron


def test_writes_and_migrations_go_to_the_primary(replica):
    assert router.db_for_write(Assertion) == "default"
    assert router.allow_migrate("default", "issuing") and not router.allow_migrate(REPLICA, "issuing")


def test_database_replica_url_installs_the_replica(tmp_path):
    environment = {
        "PATH": os.environ["PATH"],
        "SECRET_KEY": "test-only",
        "BESACE_VAR_DIR": str(tmp_path),
        "DATABASE_URL": "postgres://besace@db.internal:5432/besace",
        "DATABASE_REPLICA_URL": "postgres://besace@replica.internal:5432/besace?conn_max_age=600",
        "DJANGO_SETTINGS_MODULE": "besace.settings",
    }
    show = (
        "import json; from django.conf import settings as s; r = s.DATABASES['replica'];"
        "print(json.dumps([r['HOST'], r['CONN_MAX_AGE'], r['TEST']['MIRROR'],"
        " s.DATABASE_ROUTERS, s.MIDDLEWARE]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {show}"],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    host, conn_max_age, mirror, routers, middleware = json.loads(done.stdout)
    assert (host, conn_max_age, mirror, routers) == ("replica.internal", 600, "default", [ROUTER])
    # Outside the session middleware, so that a request saving its session is a request that wrote.
    assert middleware.index(MIDDLEWARE) < middleware.index(
        "django.contrib.sessions.middleware.SessionMiddleware"
    )


def test_without_a_replica_url_there_is_no_router(settings):
    assert "DATABASE_ROUTERS" not in os.environ and settings.DATABASE_ROUTERS == []
    assert MIDDLEWARE not in settings.MIDDLEWARE
