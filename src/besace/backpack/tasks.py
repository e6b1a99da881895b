"""Background work of the backpack (django-tasks: run by `besace db_worker`)."""

from besace.backpack import reverification
from besace.backpack.models import BackpackBadge
from besace.core.tasks import retried_task
from besace.verify.fetchers import badge_fetcher


@retried_task
def badge_reverify_task(badge_pk: int) -> None:
    entry = BackpackBadge.objects.filter(pk=badge_pk).select_related("owner").first()
    if entry is not None:  # deleted since it was queued
        reverification.badge_reverify(entry=entry, fetcher=badge_fetcher())


@retried_task
def stale_badges_reverify_task(limit: int | None = None) -> int:
    return reverification.stale_badges_reverify(fetcher=badge_fetcher(), limit=limit)
