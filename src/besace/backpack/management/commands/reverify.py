from django.core.management.base import BaseCommand

from besace.backpack.reverification import stale_badges_reverify
from besace.verify.fetchers import badge_fetcher


class Command(BaseCommand):
    help = (
        "Verify again the imported badges whose last check is older than BESACE_REVERIFY_AFTER_HOURS, "
        "oldest first (run it from cron; --limit caps one run)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None)

    def handle(self, *args, limit: int | None = None, **options):
        checked = stale_badges_reverify(fetcher=badge_fetcher(), limit=limit)
        self.stdout.write(f"{checked} badge(s) verified again.")
