from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from besace.core.backup import BackupError, site_backup


class Command(BaseCommand):
    help = (
        "Write the whole site (every database row and every stored file, with a manifest) to one tar.gz "
        "archive that `besace restore` brings back, on SQLite or PostgreSQL. SECRET_KEY and the signing-key "
        "encryption key are not in it: keep them separately."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="Archive to write (default: besace-backup-<date>-<time>.tar.gz in the current folder).",
        )

    def handle(self, *args, output: Path | None, **options):
        output = output or Path(f"besace-backup-{timezone.now():%Y%m%d-%H%M%S}.tar.gz")
        if output.is_dir():
            raise CommandError(f"{output} is a folder: give the archive's file name.")
        try:
            summary = site_backup(output=output)
        except (BackupError, OSError) as error:
            raise CommandError(f"No backup made: {error}") from error
        for label, count in summary.rows.items():
            if count:
                self.stdout.write(f"{count:>9}  {label}")
        self.stdout.write(f"{summary.files:>9}  stored files")
        if summary.missing_files:
            self.stderr.write(
                self.style.WARNING(
                    f"{len(summary.missing_files)} files the database names are not in the storage "
                    f"(not in the backup either): {', '.join(summary.missing_files[:10])}"
                )
            )
        self.stdout.write(self.style.SUCCESS(f"Backup written to {summary.path}"))
