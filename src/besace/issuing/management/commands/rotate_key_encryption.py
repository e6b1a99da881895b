from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from besace.issuing.signing import signing_keys_reencrypt


class Command(BaseCommand):
    help = (
        "Encrypt every issuer's private signing key again with the first key of BESACE_KEY_ENCRYPTION_KEYS. "
        "Put a new key first in the setting, run this, then remove the old key."
    )

    def handle(self, *args, **options):
        try:
            count = signing_keys_reencrypt()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{count} signing keys encrypted with the first key of BESACE_KEY_ENCRYPTION_KEYS.")
