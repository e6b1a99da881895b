from django.core.management.base import BaseCommand

from besace.issuing.models import Issuer


class Command(BaseCommand):
    help = "List issuers: public id and name."

    def handle(self, *args, **options):
        for issuer in Issuer.objects.order_by("name"):
            self.stdout.write(f"{issuer.public_id}\t{issuer.name}")
