from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from besace.issuing import services
from besace.issuing.forms import AwardForm
from besace.issuing.models import BadgeClass


class Command(BaseCommand):
    help = "Award a badge class to an e-mail address; the last line printed is the public assertion URL."

    def add_arguments(self, parser):
        parser.add_argument("badgeclass", help="public id of the badge class")
        parser.add_argument("email")
        parser.add_argument("--name", default="")
        parser.add_argument("--narrative", default="")
        parser.add_argument("--evidence-url", default="")
        parser.add_argument(
            "--language",
            default="",
            choices=[code for code, _name in settings.LANGUAGES],
            help="language of the award e-mail when the earner has no account (default: the site's)",
        )

    def handle(self, *args, badgeclass: str, email: str, **options):
        badge_class = BadgeClass.objects.filter(public_id=badgeclass).first()
        if badge_class is None:
            raise CommandError(f"No badge class with id {badgeclass}; `besace badgeclasses` lists them.")
        # The award form's checks, so the command accepts exactly what the web page accepts.
        form = AwardForm(
            {
                "email": email,
                "name": options["name"],
                "narrative": options["narrative"],
                "evidence_url": options["evidence_url"],
            }
        )
        if not form.is_valid():
            raise CommandError(" ".join(form.error_lines()))
        assertion = services.badge_award(
            badge_class=badge_class,
            award=services.AwardRequest(**form.cleaned_data),
            language=options["language"],
        )
        self.stdout.write(f"Awarded “{badge_class.name}” to {assertion.recipient_email}.")
        self.stdout.write(assertion.public_url)
