from django.core.management.base import BaseCommand, CommandError

from besace.issuing.models import BadgeClass, Issuer


class Command(BaseCommand):
    help = "List badge classes (of one issuer when given): public id, name and issuer."

    def add_arguments(self, parser):
        parser.add_argument("issuer", nargs="?", help="public id of an issuer")

    def handle(self, *args, issuer: str | None = None, **options):
        badge_classes = BadgeClass.objects.select_related("issuer").order_by("issuer__name", "name")
        if issuer:
            if not Issuer.objects.filter(public_id=issuer).exists():
                raise CommandError(f"No issuer with id {issuer}.")
            badge_classes = badge_classes.filter(issuer__public_id=issuer)
        for badge_class in badge_classes:
            self.stdout.write(f"{badge_class.public_id}\t{badge_class.name}\t{badge_class.issuer.name}")
