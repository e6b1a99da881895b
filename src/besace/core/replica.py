"""A PostgreSQL read replica (DATABASE_REPLICA_URL): reads go to it, except where they must see a write.

A replica lags behind its primary, so reads stay on the primary (the `default` database):
- in a request or a task once it has written anything, and in every POST, PUT, PATCH or DELETE request;
- for BESACE_REPLICA_PIN_SECONDS after a request that wrote: the response sets a cookie pinning that
  browser (or API client) to the primary, so that the page shown after a form, or the GET that follows an
  API call, shows what was just saved;
- inside a transaction (`transaction.atomic`): what it reads is what it writes from;
- outside requests and tasks (management commands, cron jobs, the workers' own queue handling).

Writes and migrations always go to the primary. Without DATABASE_REPLICA_URL, none of this is installed.
"""

from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, connections
from django.dispatch import receiver
from django_tasks.signals import task_finished, task_started

REPLICA = "replica"
PIN_COOKIE = "besace_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


@dataclass
class _Reads:
    on_primary: bool
    wrote: bool = False
    in_request: bool = False


# The current request's or task's; None elsewhere, which reads from the primary.
_reads: ContextVar[_Reads | None] = ContextVar("besace_replica_reads", default=None)


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        reads = _reads.get()
        if reads is None or reads.on_primary or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model, **hints) -> str:
        reads = _reads.get()
        if reads is not None:
            reads.on_primary = reads.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the same rows on both

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS


class ReadYourWritesMiddleware:
    """Sends a request's reads to the replica unless it or a recent request of the same client wrote."""

    def __init__(self, get_response):
        if REPLICA not in connections:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        writing = request.method not in SAFE_METHODS
        reads = _Reads(on_primary=writing or PIN_COOKIE in request.COOKIES, in_request=True)
        token = _reads.set(reads)
        try:
            response = self.get_response(request)
        finally:
            _reads.reset(token)
        if writing or reads.wrote:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.BESACE_REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


@receiver(task_started)
def _task_reads_start(sender, **kwargs) -> None:
    # A task run inside a request (the immediate backend) keeps the request's reads.
    current = _reads.get()
    if current is None or not current.in_request:
        _reads.set(_Reads(on_primary=False))


@receiver(task_finished)
def _task_reads_end(sender, **kwargs) -> None:
    current = _reads.get()
    if current is not None and not current.in_request:
        _reads.set(None)
