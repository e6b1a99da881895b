from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from besace.core.backup import BackupError
from besace.core.restore import archive_check, database_empty_check, database_is_empty, site_restore


class Command(BaseCommand):
    help = (
        "Restore a site from a `besace backup` archive into an empty database (migrated first), checking "
        "every entry against the archive's manifest; all rows are loaded or none. Stop the web servers and "
        "workers first. --force deletes everything in the database first."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Delete every row of a database that is not empty, and replace stored files that differ.",
        )

    def handle(self, *args, archive: Path, force: bool, verbosity: int, **options):
        if not archive.is_file():
            raise CommandError(f"{archive}: no such file.")
        try:
            manifest = archive_check(archive)
            self.stdout.write(
                f"Archive checked: made by Besace {manifest['besace_version']} on {manifest['created_at']} "
                f"from {manifest['database']}."
            )
            if manifest.get("base_url", settings.BESACE_BASE_URL) != settings.BESACE_BASE_URL:
                self.stderr.write(
                    self.style.WARNING(
                        f"The archive's site was at {manifest['base_url']}, this one is at "
                        f"{settings.BESACE_BASE_URL} (BESACE_BASE_URL): its awards name the old address, and "
                        "verify only where that address leads."
                    )
                )
            # Checked before `migrate` too: a database that is not empty is left as it is.
            database_empty_check(force=force)
            empty = database_is_empty()
            call_command("migrate", interactive=False, verbosity=max(verbosity - 1, 0))
            if not empty:
                self.stdout.write(
                    self.style.WARNING(
                        f"--force: every row of {connection.settings_dict['NAME']} is deleted and replaced "
                        "by the archive's (undone if the restore fails)."
                    )
                )
            summary = site_restore(path=archive, manifest=manifest, force=force)
        except BackupError as error:
            raise CommandError(f"Nothing restored: {error}") from error
        for label, count in summary.rows.items():
            if count:
                self.stdout.write(f"{count:>9}  {label}")
        self.stdout.write(
            f"{summary.files_stored:>9}  stored files ({summary.files_unchanged} already there, unchanged)"
        )
        self.stdout.write(self.style.SUCCESS(f"Site restored from {archive}."))
