"""A site brought back from a `besace backup` archive (see besace.core.backup for what is in one).

The archive is read whole and checked against its manifest before anything is written; the files are then
stored, and the rows loaded in one transaction: a row that fails leaves the database as it was, and the
files stored for it are removed again.
"""

import hashlib
import json
import shutil
import tarfile
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import SuspiciousFileOperation
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.core.files.utils import validate_file_name
from django.core.management.color import no_style
from django.core.management.sql import emit_post_migrate_signal, sql_flush
from django.core.serializers import jsonl
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, connection, models, transaction

from besace.core.backup import (
    CHUNK,
    FILES_DIR,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    NATURAL_KEY_MODELS,
    BackupError,
    backed_up_models,
    member_name,
    migration_state,
)

MAX_MANIFEST_BYTES = 256 * 1024 * 1024


@dataclass
class RestoreSummary:
    rows: dict[str, int]
    files_stored: int
    files_unchanged: int


def _sha256(handle) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


READ_ERRORS = (tarfile.TarError, EOFError, zlib.error, OSError)


def _unreadable(path: Path, error: Exception) -> BackupError:
    return BackupError(f"{path} is not a complete, readable Besace backup ({error}).")


def _members(path: Path):
    """The archive's members, each with a readable file, in order; a damaged archive is a BackupError."""
    try:
        with tarfile.open(path, "r|gz") as archive:
            for member in archive:
                if not member.isfile():
                    raise BackupError(f"{path}: unexpected entry {member.name!r}, not a Besace backup.")
                yield member, archive.extractfile(member)
    except READ_ERRORS as error:
        raise _unreadable(path, error) from error


def _model(label: object) -> type[models.Model]:
    try:
        model = apps.get_model(str(label))
    except (LookupError, ValueError):
        raise BackupError(f"The archive holds rows of {label}, which this Besace does not have.") from None
    if model not in backed_up_models():
        raise BackupError(f"The archive holds rows of {label}, which a backup never holds.")
    return model


def _manifest(data: bytes | None) -> dict:
    if data is None:
        raise BackupError(
            "The archive has no manifest: it is not a Besace backup, or it was cut short or damaged."
        )
    try:
        manifest = json.loads(data)
        if manifest.get("format") != FORMAT:
            raise BackupError("The archive's manifest is not that of a Besace backup.")
        if manifest.get("format_version") != FORMAT_VERSION:
            raise BackupError(
                f"This archive was made by Besace {manifest.get('besace_version')} in a format this "
                "version cannot read: restore it with that version."
            )
        for entry in manifest["models"]:
            if entry["member"] != member_name(_model(entry["model"])) or int(entry["count"]) < 0:
                raise BackupError(f"The manifest's entry for {entry['model']} is inconsistent.")
        for entry in manifest["files"]:
            validate_file_name(entry["name"], allow_relative_path=True)
        missing = [key for key in ("besace_version", "created_at", "database") if key not in manifest]
        if missing:
            raise BackupError(f"The archive's manifest lacks {', '.join(missing)}.")
        migrations = manifest["migrations"]
        if not isinstance(migrations, dict) or not all(
            isinstance(names, list) and all(isinstance(name, str) for name in names)
            for names in migrations.values()
        ):
            raise BackupError("The manifest's migration state is unreadable.")
    except (ValueError, KeyError, TypeError, AttributeError, SuspiciousFileOperation) as error:
        raise BackupError(f"The archive's manifest is unreadable ({error!r}).") from error
    return manifest


def archive_check(path: Path) -> dict:
    """Read the whole archive and return its manifest once every member matches its SHA-256 there."""
    digests: dict[str, str] = {}
    manifest_data = None
    try:
        for member, handle in _members(path):
            if member.name in digests or (member.name == MANIFEST and manifest_data is not None):
                raise BackupError(f"{path}: {member.name} is in the archive twice.")
            if member.name == MANIFEST:
                if member.size > MAX_MANIFEST_BYTES:
                    raise BackupError(f"{path}: the manifest is too large to be a Besace backup's.")
                manifest_data = handle.read()
            else:
                digests[member.name] = _sha256(handle)
    except READ_ERRORS as error:  # raised while reading a member
        raise _unreadable(path, error) from error
    manifest = _manifest(manifest_data)
    expected = {entry["member"]: entry["sha256"] for entry in manifest["models"]}
    expected.update({FILES_DIR + entry["name"]: entry["sha256"] for entry in manifest["files"]})
    damaged = sorted(
        name for name in expected.keys() | digests.keys() if expected.get(name) != digests.get(name)
    )
    if damaged:
        listed = ", ".join(damaged[:5]) + (", ..." if len(damaged) > 5 else "")
        raise BackupError(f"{path} is damaged: {len(damaged)} entries differ from its manifest ({listed}).")
    return manifest


def database_is_empty() -> bool:
    """No row of anything a backup holds, other than what `migrate` creates (content types, permissions)."""
    tables = set(connection.introspection.table_names())
    return not any(
        model._meta.db_table in tables and model._base_manager.exists()
        for model in backed_up_models()
        if model not in NATURAL_KEY_MODELS
    )


def database_empty_check(*, force: bool) -> None:
    if not force and not database_is_empty():
        raise BackupError(
            f"The database {connection.settings_dict['NAME']} is not empty: restore into an empty database, "
            "or use --force to delete everything in it first."
        )


def migrations_check(manifest: dict) -> None:
    """The archive's rows fit this database only if both went through the same migrations."""
    current = migration_state()
    differing = [
        f"{app} ({names[-1] if names else 'none'} in the archive, "
        f"{current[app][-1] if current[app] else 'none'} here)"
        for app, names in sorted(manifest["migrations"].items())
        if app in current and set(names) != set(current[app])
    ]
    if differing:
        raise BackupError(
            f"This archive was made by Besace {manifest['besace_version']} with other database migrations: "
            f"{'; '.join(differing)}. Restore it with that version of Besace, then upgrade and migrate."
        )


def _files_restore(path: Path, manifest: dict, storage: Storage, *, force: bool) -> tuple[list[str], int]:
    """Store the archive's files; returns the names newly stored, and how many were there already."""
    wanted = {FILES_DIR + entry["name"]: entry for entry in manifest["files"]}
    stored: list[str] = []
    unchanged = 0
    try:
        for member, handle in _members(path):
            entry = wanted.get(member.name)
            if entry is None:
                continue
            name = entry["name"]
            if storage.exists(name):
                with storage.open(name, "rb") as current:
                    if _sha256(current) == entry["sha256"]:
                        unchanged += 1
                        continue
                if not force:
                    raise BackupError(
                        f"{name} is already stored, with other content: use --force to replace it."
                    )
                storage.delete(name)
            with tempfile.SpooledTemporaryFile(max_size=8 * CHUNK) as spool:
                shutil.copyfileobj(handle, spool, CHUNK)
                spool.seek(0)
                saved = storage.save(name, File(spool, name=name))
            stored.append(saved)
            if saved != name:
                raise BackupError(f"The storage kept {name} as {saved}: restore into an empty storage.")
    except BaseException:
        _files_delete(stored, storage)
        raise
    return stored, unchanged


def _files_delete(names: list[str], storage: Storage) -> None:
    for name in names:
        storage.delete(name)


def _flush() -> None:
    """What `besace flush` does, inside the restore's transaction: undone if the restore fails."""
    connection.ops.execute_sql_flush(sql_flush(no_style(), connection, reset_sequences=True))
    ContentType.objects.clear_cache()
    # Content types and permissions come back as `migrate` makes them; the archive's are matched to them.
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)


def _model_load(model: type[models.Model], handle, member: str) -> int:
    count = 0
    for count, row in enumerate(jsonl.Deserializer(handle, using=connection.alias), start=1):
        if type(row.object) is not model:
            raise BackupError(f"{member}, row {count}: a {row.object._meta.label} among {model._meta.label}.")
        if model in NATURAL_KEY_MODELS:
            row.save()  # matched by natural key to the row `migrate` made, if there is one
        else:
            row.save(force_insert=True)
    return count


def _rows_restore(path: Path, manifest: dict, *, force: bool) -> dict[str, int]:
    entries = {entry["member"]: entry for entry in manifest["models"]}
    loaded_models = [apps.get_model(entry["model"]) for entry in manifest["models"]]
    loaded: dict[str, int] = {}
    member = ""
    try:
        with transaction.atomic():
            if force:
                _flush()
            with connection.constraint_checks_disabled():
                for archived, handle in _members(path):
                    member = archived.name
                    entry = entries.get(member)
                    if entry is not None:
                        loaded[entry["model"]] = _model_load(apps.get_model(entry["model"]), handle, member)
            member = ""
            connection.check_constraints(table_names=[model._meta.db_table for model in loaded_models])
            short = [
                entry["model"] for entry in manifest["models"] if loaded.get(entry["model"]) != entry["count"]
            ]
            if short:
                raise BackupError(
                    f"The archive's rows do not match its manifest's counts: {', '.join(short)}."
                )
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), loaded_models):
                    cursor.execute(statement)
    except (DeserializationError, DatabaseError) as error:
        where = f" in {member}" if member else ""
        raise BackupError(f"A row could not be restored{where}, so none was: {error}") from error
    finally:
        ContentType.objects.clear_cache()
    return loaded


def site_restore(
    *, path: Path, manifest: dict, force: bool, storage: Storage = default_storage
) -> RestoreSummary:
    """Restore a checked archive (`archive_check`) into the migrated database and the storage.

    `force` replaces whatever the database and the storage hold; without it the database must be empty.
    Files are stored first, outside the transaction (storage can be slow and remote), and removed again if
    the rows cannot all be loaded.
    """
    migrations_check(manifest)
    database_empty_check(force=force)
    stored, unchanged = _files_restore(path, manifest, storage, force=force)
    try:
        rows = _rows_restore(path, manifest, force=force)
    except BaseException:
        _files_delete(stored, storage)
        raise
    return RestoreSummary(rows=rows, files_stored=len(stored), files_unchanged=unchanged)
