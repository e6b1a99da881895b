"""The fetcher every remote request of Besace goes through, configured from settings."""

from django.conf import settings

from besace.openbadges.fetching import HttpFetcher


def badge_fetcher() -> HttpFetcher:
    # Loopback stays refused unless BESACE_FETCH_ALLOW_LOOPBACK=1 (read by the fetcher itself).
    return HttpFetcher(max_bytes=settings.BESACE_MAX_IMPORT_BYTES)
