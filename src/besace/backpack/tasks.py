"""Background work of the backpack (django-tasks: run by `besace db_worker`)."""

from datetime import datetime, timedelta

from django.core.cache import cache
from django.utils import timezone

from besace.backpack import reverification
from besace.backpack.models import BackpackBadge
from besace.core.tasks import retried_task
from besace.verify.fetchers import badge_fetcher

# One background check per stale badge and per outcome, however often its pages are seen (a crowd opening a
# shared link, its owner's page reloading itself); after this long, a check that never ran is asked again.
REVERIFY_QUEUED_FOR = timedelta(minutes=15)


@retried_task
def badge_reverify_task(badge_pk: int) -> None:
    entry = BackpackBadge.objects.filter(pk=badge_pk).select_related("owner").first()
    if entry is not None:  # deleted since it was queued
        reverification.badge_reverify(entry=entry, fetcher=badge_fetcher())


@retried_task
def stale_badges_reverify_task(limit: int | None = None) -> int:
    return reverification.stale_badges_reverify(fetcher=badge_fetcher(), limit=limit)


def badge_reverify_request(entry: BackpackBadge) -> datetime | None:
    """Have a stale imported badge checked again in the background, and read it again (with tasks run at
    once, it is fresh already). Returns since when the check has been waiting to run, None when the badge
    needs none."""
    if not reverification.is_stale(entry):
        return None
    last_checked = f"{entry.verified_at.timestamp():.6f}" if entry.verified_at else "never"
    key = f"backpack:reverify:{entry.pk}:{last_checked}"
    now = timezone.now()
    if cache.add(key, now, REVERIFY_QUEUED_FOR.total_seconds()):
        badge_reverify_task.enqueue(entry.pk)
    entry.refresh_from_db()
    if not reverification.is_stale(entry):
        return None
    return cache.get(key, now)
