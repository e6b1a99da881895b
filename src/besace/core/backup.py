"""A whole site in one archive: every row of the database and every stored file, with a manifest.

The archive (tar.gz) holds, in this order:

- ``db/<app_label>.<model_name>.jsonl``: the rows of each model, in Django's JSON Lines serialisation, in
  the order `besace restore` loads them. Rows keep their primary keys, so the archive restores on any
  database engine; content types and permissions, whose keys `migrate` chooses, are written with natural
  keys, and so is every reference to them.
- ``files/<name>``: every file of the default storage (badge and issuer images, imported badges, uploads),
  read through the storage API so that S3 storage is backed up as well as a local folder.
- ``manifest.json``, last because it holds the SHA-256 of everything before it: format, Besace version,
  migration state, rows per model, files.

Rows are streamed one model at a time (a big site never sits in memory), from one read-only snapshot of the
database so that every reference in the archive points at a row that is in it too.
"""

import hashlib
import json
import posixpath
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import IO

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import Storage, default_storage
from django.core.serializers import jsonl
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "besace-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DB_DIR = "db/"
FILES_DIR = "files/"
CHUNK = 1024 * 1024

# Their primary keys are chosen by `migrate` on each database: rows and references use natural keys.
NATURAL_KEY_MODELS = (ContentType, Permission)

# Not worth keeping, or wrong to bring back: sessions (everyone signs in again after a restore), worker
# heartbeats, OAuth authorisation codes and device codes (valid for two minutes).
SKIPPED_MODELS = {
    "sessions.session",
    "core.workerheartbeat",
    "oauth2_provider.grant",
    "oauth2_provider.devicegrant",
}


class BackupError(Exception):
    """A backup could not be made, or an archive cannot be restored; the message says why."""


def backed_up_models() -> list[type[models.Model]]:
    """Every model whose rows go in a backup, in the order they are restored (natural keys first)."""
    others = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.label_lower not in SKIPPED_MODELS
        and model not in NATURAL_KEY_MODELS
        and not model._meta.proxy
        and model._meta.managed
    ]
    return [*NATURAL_KEY_MODELS, *others]


def backed_up_rows(model: type[models.Model]) -> models.QuerySet:
    rows = model._base_manager.using(connection.alias).order_by("pk")
    if model._meta.label_lower == "django_tasks_database.dbtaskresult":
        # Queued and running tasks (e-mails not sent yet, bulk awards) go on after a restore; finished
        # ones are only a log.
        rows = rows.exclude(pk__in=model.objects.finished().values("pk"))
    # A permission's natural key holds its content type's.
    natural_references = [
        f"{f.name}__content_type" if f.related_model is Permission else f.name
        for f in model._meta.concrete_fields
        if f.is_relation and f.related_model in NATURAL_KEY_MODELS
    ]
    return rows.select_related(*natural_references) if natural_references else rows


def member_name(model: type[models.Model]) -> str:
    return f"{DB_DIR}{model._meta.label_lower}.jsonl"


def migration_state() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app_label, []).append(name)
    return applied


class RowSerializer(jsonl.Serializer):
    """Django's JSON Lines with natural keys only towards content types and permissions, and the names of
    the stored files the rows point at."""

    def __init__(self) -> None:
        super().__init__()
        self.file_names: set[str] = set()
        self.count = 0

    def start_serialization(self):
        super().start_serialization()
        self.count = 0

    def end_object(self, obj):
        super().end_object(obj)
        self.count += 1

    def handle_field(self, obj, field):
        super().handle_field(obj, field)
        if isinstance(field, models.FileField) and self._current[field.name]:
            self.file_names.add(self._current[field.name])

    def handle_fk_field(self, obj, field):
        if field.related_model in NATURAL_KEY_MODELS:
            related = getattr(obj, field.name)
            self._current[field.name] = related.natural_key() if related else None
        else:
            super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj, field):
        # Automatic many-to-many tables (a user's groups and permissions) are backed up as models of their
        # own, in chunks, rather than with one query per row here.
        pass


class _HashingWriter:
    """Text written to a binary file, counted and hashed on the way."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, text: str) -> int:
        data = text.encode()
        self.sha256.update(data)
        self.size += len(data)
        self.raw.write(data)
        return len(text)


class _HashingReader:
    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.sha256 = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.sha256.update(data)
        return data


@dataclass
class BackupSummary:
    path: Path
    rows: dict[str, int]
    files: int
    missing_files: list[str] = field(default_factory=list)


def stored_file_names(storage: Storage, directory: str = "") -> Iterator[str]:
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:  # a local media folder not created yet: nothing stored
        return
    for name in sorted(files):
        yield posixpath.join(directory, name)
    for name in sorted(directories):
        yield from stored_file_names(storage, posixpath.join(directory, name))


def _add(archive: tarfile.TarFile, name: str, source: IO[bytes], size: int) -> None:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    archive.addfile(info, source)


def _write_rows(archive: tarfile.TarFile, serializer: RowSerializer) -> list[dict]:
    written = []
    for model in backed_up_models():
        with tempfile.TemporaryFile() as spool:
            out = _HashingWriter(spool)
            rows = backed_up_rows(model).iterator(chunk_size=2000)
            serializer.serialize(rows, stream=out, use_natural_primary_keys=model in NATURAL_KEY_MODELS)
            spool.seek(0)
            _add(archive, member_name(model), spool, out.size)
        written.append(
            {
                "model": model._meta.label_lower,
                "member": member_name(model),
                "count": serializer.count,
                "sha256": out.sha256.hexdigest(),
            }
        )
    return written


def site_backup(*, output: Path, storage: Storage = default_storage) -> BackupSummary:
    """Write the whole site to `output` (through a temporary name, so a failed backup leaves no archive
    that looks whole)."""
    partial = output.with_name(output.name + ".partial")
    try:
        with tarfile.open(partial, "w:gz") as archive:
            serializer = RowSerializer()
            with _snapshot():
                created_at = timezone.now()
                migrations = migration_state()
                written = _write_rows(archive, serializer)
            files = []
            for name in stored_file_names(storage):
                try:
                    handle, size = storage.open(name, "rb"), storage.size(name)
                except Exception:
                    if storage.exists(name):
                        raise
                    continue  # deleted since it was listed
                with handle:
                    reader = _HashingReader(handle)
                    _add(archive, FILES_DIR + name, reader, size)
                files.append({"name": name, "size": size, "sha256": reader.sha256.hexdigest()})
            stored = {entry["name"] for entry in files}
            missing = sorted(serializer.file_names - stored)
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "besace_version": version("besace"),
                "created_at": created_at.isoformat(),
                "database": connection.vendor,
                # Hosted awards and signed ones name this address: a site restored elsewhere needs it too.
                "base_url": settings.BESACE_BASE_URL,
                "migrations": migrations,
                "models": written,
                "files": files,
                "missing_files": missing,
            }
            data = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
            with tempfile.TemporaryFile() as spool:
                spool.write(data)
                spool.seek(0)
                _add(archive, MANIFEST, spool, len(data))
        partial.replace(output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupSummary(
        path=output,
        rows={entry["model"]: entry["count"] for entry in written},
        files=len(files),
        missing_files=missing,
    )


@contextmanager
def _snapshot():
    """A read-only transaction that sees the database as it was when it began, whatever is written
    meanwhile (PostgreSQL: repeatable read; SQLite: any transaction)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield
