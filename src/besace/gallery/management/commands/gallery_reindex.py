from django.core.management.base import BaseCommand

from besace.gallery.indexing import rebuild


class Command(BaseCommand):
    help = "Rebuild the gallery's search index from the backpacks (public badges only)."

    def handle(self, *args, **options):
        count = rebuild()
        if options["verbosity"]:
            self.stdout.write(f"{count} public badges indexed.")
