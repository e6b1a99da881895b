from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import URLValidator, validate_email

from besace.issuing import services
from besace.issuing.models import BadgeClass


class Command(BaseCommand):
    help = "Award a badge class to an e-mail address; the last line printed is the public assertion URL."

    def add_arguments(self, parser):
        parser.add_argument("badgeclass", help="public id of the badge class")
        parser.add_argument("email")
        parser.add_argument("--name", default="")
        parser.add_argument("--narrative", default="")
        parser.add_argument("--evidence-url", default="")
        parser.add_argument("--language", default="", help="language of the award e-mail (en, fr)")

    def handle(self, *args, badgeclass: str, email: str, **options):
        badge_class = BadgeClass.objects.filter(public_id=badgeclass).first()
        if badge_class is None:
            raise CommandError(f"No badge class with id {badgeclass}.")
        try:
            validate_email(email)
            if options["evidence_url"]:
                URLValidator(schemes=["http", "https"])(options["evidence_url"])
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        assertion = services.badge_award(
            badge_class=badge_class,
            award=services.AwardRequest(
                email=email, name=options["name"], narrative=options["narrative"], evidence_url=options["evidence_url"]
            ),
            language=options["language"],
        )
        self.stdout.write(f"Awarded “{badge_class.name}” to {assertion.recipient_email}.")
        self.stdout.write(assertion.public_url)
