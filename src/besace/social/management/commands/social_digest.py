"""`besace social_digest`: send the daily digest e-mails (run once a day from cron)."""

from django.core.management.base import BaseCommand

from besace.social.notifications import daily_digests_send


class Command(BaseCommand):
    help = "Send one e-mail to each account that chose a daily digest of its notifications and has news."

    def handle(self, *args, **options):
        self.stdout.write(f"{daily_digests_send()} digest(s) sent")
