"""Importing many badges in one go: a Besace export ZIP, a ZIP of baked images, or many files at once.

The upload is split into files at once (ZIPs are opened with care: number of entries, sizes and names
are capped and checked, nothing is ever written to disk under a name from the archive), each file is
stored as an ImportJobItem of a new ImportJob, and a background task verifies and imports them one by
one, recording for each whether it was imported, already there, or refused and why. The owner follows
along on a progress page (refreshed by a small script, or by the page itself without JavaScript).
"""

import json
import logging
import posixpath
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import TooManyFilesSent
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from besace.accounts.deletion import files_delete_on_commit
from besace.backpack import imports
from besace.backpack.export import EXPORT_FORMAT, MANIFEST_NAME
from besace.backpack.models import ImportJob, ImportJobItem
from besace.core.audit import audit_record
from besace.core.tasks import retried_task
from besace.openbadges.images import sniff_image_type
from besace.openbadges.signing import is_compact_jws
from besace.openbadges.verify.verifier import BadgeInput
from besace.verify.fetchers import badge_fetcher
from besace.verify.presentation import checks_for_display

logger = logging.getLogger(__name__)

# Files (badges) in one import, all uploads and ZIP entries together (setting BESACE_BATCH_IMPORT_MAX_ITEMS).
DEFAULT_MAX_ITEMS = 500
# Bytes of all files of one import once unzipped; a ZIP upload may not be larger either
# (setting BESACE_BATCH_IMPORT_MAX_TOTAL_BYTES). Each file: BESACE_MAX_IMPORT_BYTES.
DEFAULT_MAX_TOTAL_BYTES = 200 * 1024 * 1024
# Names in ZIP archives that are not files a person put there.
_IGNORED_NAMES = {"__macosx", "thumbs.db", "desktop.ini"}
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_UNREADABLE_ZIP_ENTRY = (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, EOFError, OSError)


class BatchRefused(Exception):
    """The whole upload is refused (nothing sent, too many files...): no job is made."""


def _max_items() -> int:
    return getattr(settings, "BESACE_BATCH_IMPORT_MAX_ITEMS", DEFAULT_MAX_ITEMS)


def _max_total_bytes() -> int:
    return getattr(settings, "BESACE_BATCH_IMPORT_MAX_TOTAL_BYTES", DEFAULT_MAX_TOTAL_BYTES)


def _max_file_bytes() -> int:
    return settings.BESACE_MAX_IMPORT_BYTES


# --- Splitting an upload into files -------------------------------------------------------------------


@dataclass
class Piece:
    """One file to import: its content, or why it is refused before verification."""

    name: str
    content: bytes | None = None
    kind: str = ""  # png, svg, json, jws, txt
    refusal: str = ""


class _Budget:
    """Uncompressed bytes still allowed in this import."""

    def __init__(self, total: int):
        self.left = total

    def take(self, size: int) -> bool:
        if size > self.left:
            return False
        self.left -= size
        return True


def upload_pieces(files) -> list[Piece]:
    """The files of an upload (UploadedFile objects), ZIPs opened; BatchRefused for a hopeless upload."""
    budget = _Budget(_max_total_bytes())
    pieces: list[Piece] = []
    for upload in files:
        name = _display_name(upload.name or "")
        if _is_ignored(name):
            continue
        for piece in _upload_pieces(upload, name, budget):
            pieces.append(piece)
            if len(pieces) > _max_items():
                raise BatchRefused(_too_many_files())
    if not pieces:
        raise BatchRefused(_("There is no badge to import in what you sent."))
    return pieces


def _upload_pieces(upload, name: str, budget: _Budget) -> Iterator[Piece]:
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(_ZIP_MAGIC):
        if upload.size > _max_total_bytes():
            yield Piece(
                name, refusal=_("This ZIP file is too large (at most %(size)s).") % _size(_max_total_bytes())
            )
            return
        yield from zip_pieces(upload, name, budget)
        return
    if upload.size > _max_file_bytes():
        yield Piece(name, refusal=_too_large())
        return
    content = upload.read(_max_file_bytes() + 1)
    if not budget.take(len(content)):
        yield Piece(name, refusal=_over_budget())
        return
    yield piece_for(name, content)


def zip_pieces(fileobj, name: str, budget: _Budget) -> Iterator[Piece]:
    """The files of a ZIP: a Besace export's badges, else every file of the archive."""
    try:
        archive = zipfile.ZipFile(fileobj)
        infos = [info for info in archive.infolist() if not info.is_dir() and not _is_ignored(info.filename)]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        yield Piece(name, refusal=_("This ZIP file cannot be read."))
        return
    with archive:
        if len(infos) > _max_items():
            raise BatchRefused(_too_many_files())
        selected = _export_selection(archive, infos)
        if selected is not None:
            infos, missing = selected
            if len(infos) + len(missing) > _max_items():
                raise BatchRefused(_too_many_files())
            for member in missing:
                yield Piece(f"{name} › {member}", refusal=_("This file is missing from the ZIP."))
        for info in infos:
            yield _zip_member_piece(archive, info, f"{name} › {_display_name(info.filename)}", budget)


def _zip_member_piece(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, budget: _Budget) -> Piece:
    if not _is_safe_path(info.filename):
        return Piece(name, refusal=_("Unsafe file name in the ZIP: this file was not read."))
    limit = _max_file_bytes()
    if info.file_size > limit:
        return Piece(name, refusal=_too_large())
    if info.flag_bits & 0x1:
        return Piece(name, refusal=_("This file of the ZIP is encrypted: it cannot be read."))
    try:
        with archive.open(info) as handle:
            # Never more than the limit, whatever the archive says the size is (zip bombs lie).
            content = handle.read(limit + 1)
    except _UNREADABLE_ZIP_ENTRY:
        return Piece(name, refusal=_("This file of the ZIP cannot be read."))
    if len(content) > limit:
        return Piece(name, refusal=_too_large())
    if not budget.take(len(content)):
        return Piece(name, refusal=_over_budget())
    return piece_for(name, content)


def _export_selection(
    archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]
) -> tuple[list[zipfile.ZipInfo], list[str]] | None:
    """For a Besace export: each badge's baked image, or its original when it has none; and the names
    account.json lists that the archive lacks. None when the archive is not a Besace export."""
    manifests = [i for i in infos if posixpath.basename(i.filename) == MANIFEST_NAME]
    manifests.sort(key=lambda info: info.filename.count("/"))
    if not manifests or not _is_safe_path(manifests[0].filename):
        return None
    manifest_info = manifests[0]
    folder = posixpath.dirname(manifest_info.filename)
    if manifest_info.file_size > _max_file_bytes():
        return None
    try:
        with archive.open(manifest_info) as handle:
            manifest = json.loads(handle.read(_max_file_bytes() + 1))
    except (*_UNREADABLE_ZIP_ENTRY, ValueError, RecursionError):
        return None
    if not isinstance(manifest, dict) or manifest.get("format") != EXPORT_FORMAT:
        return None
    badges = manifest.get("badges")
    by_name = {info.filename: info for info in infos}
    selected, missing, chosen = [], [], set()
    for badge in badges if isinstance(badges, list) else []:
        files = badge.get("files") if isinstance(badge, dict) else None
        if not isinstance(files, dict):
            continue
        member = files.get("image") or files.get("original")
        if not isinstance(member, str) or not member:
            continue
        path = posixpath.join(folder, member) if folder else member
        if path in chosen:
            continue  # listed twice: imported once
        chosen.add(path)
        if path in by_name:
            selected.append(by_name[path])
        else:
            missing.append(_display_name(member))
    return selected, missing


def piece_for(name: str, content: bytes) -> Piece:
    """A file to verify when it looks like a badge (image, JSON, signed text, URL), else a refusal."""
    kind = sniff_image_type(content)
    if kind is not None:
        return Piece(name, content, kind)
    if content.startswith(_ZIP_MAGIC):
        return Piece(name, refusal=_("A ZIP file inside a ZIP file is not opened: import it on its own."))
    try:
        text = content.decode("utf-8-sig").strip()
    except UnicodeDecodeError:
        text = ""
    if text.startswith("{"):
        return Piece(name, content, "json")
    if is_compact_jws(text):
        return Piece(name, content, "jws")
    if text.startswith(("https://", "http://")) and len(text) < 2000 and not any(c.isspace() for c in text):
        return Piece(name, content, "txt")
    return Piece(
        name,
        refusal=_(
            "This is not a badge: Besace imports badge images (PNG, SVG) and badge documents (JSON, JWS)."
        ),
    )


def _display_name(name: str) -> str:
    """A name to show: the path inside an archive, without control characters, within the field."""
    cleaned = "".join(c if c.isprintable() else "?" for c in name.replace("\\", "/"))
    return cleaned[-250:] or "?"


def _is_ignored(name: str) -> bool:
    parts = [p for p in name.replace("\\", "/").split("/") if p]
    hidden = any(p.startswith(".") and p not in (".", "..") for p in parts)  # ".." is refused, not hidden
    return not parts or hidden or any(p.lower() in _IGNORED_NAMES for p in parts)


def _is_safe_path(name: str) -> bool:
    normalised = name.replace("\\", "/")
    if normalised.startswith("/") or "\x00" in normalised or (len(normalised) > 1 and normalised[1] == ":"):
        return False
    return ".." not in normalised.split("/")


def _size(size: int) -> dict:
    return {"size": f"{size / (1024 * 1024):.0f} MB"}


def _too_large() -> str:
    return _("This file is too large (at most %(size)s).") % _size(_max_file_bytes())


def _over_budget() -> str:
    return _("The files of this import are too large together (at most %(size)s).") % _size(
        _max_total_bytes()
    )


def _too_many_files() -> str:
    return _("Too many files: at most %(count)s badges can be imported at once.") % {"count": _max_items()}


# --- The job ------------------------------------------------------------------------------------------


def batch_job_create(*, user, files) -> ImportJob:
    """Store the upload's files as a new job of `user`, and queue their import."""
    pieces = upload_pieces(files)
    stored: list = []
    try:
        with transaction.atomic():
            job = ImportJob.objects.create(owner=user)
            for position, piece in enumerate(pieces, start=1):
                item = ImportJobItem(job=job, name=piece.name[:300])
                if piece.refusal:
                    item.outcome, item.message = ImportJobItem.Outcome.REFUSED, piece.refusal[:1000]
                else:
                    item.content.save(
                        f"{job.public_id}-{position}.{piece.kind}", ContentFile(piece.content), save=False
                    )
                    stored.append(item.content)
                item.save()
            audit_record(action="backpack.batch_import.started", target=job, actor=user, files=len(pieces))
    except BaseException:
        for content in stored:  # no job holds them any more
            content.storage.delete(content.name)
        raise
    # Queued once the job is committed: a worker must find it (tests run the task at once, right here).
    batch_import_task.enqueue(job.pk)
    return job


class BatchImportStopped(Exception):
    """The run broke before the end: raised so that the task is retried, and goes on where it stopped."""


@retried_task
def batch_import_task(job_pk: int) -> None:
    job = batch_import_run(job_pk, fetcher=badge_fetcher())
    if job is not None and job.state == ImportJob.State.FAILED:
        raise BatchImportStopped(f"batch import {job.public_id} stopped")


def batch_import_run(job_pk: int, *, fetcher) -> ImportJob | None:
    """Import the job's waiting files one by one; the job ends done, or failed if the run itself broke.
    A job that stopped (failed, or its worker killed) is completed by running it again: only the files
    still waiting are imported."""
    job = ImportJob.objects.filter(pk=job_pk).select_related("owner").first()
    if job is None or job.state == ImportJob.State.DONE:
        return job
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.RUNNING, finished_at=None)
    try:
        pending = list(job.items.filter(outcome=ImportJobItem.Outcome.PENDING).values_list("pk", flat=True))
        for item_pk in pending:
            # Read again each time: the job may have been deleted, or moved by an account merge.
            job = ImportJob.objects.filter(pk=job_pk).select_related("owner").first()
            item = ImportJobItem.objects.filter(pk=item_pk, outcome=ImportJobItem.Outcome.PENDING).first()
            if job is None:
                return None
            if item is not None:
                with translation.override(job.owner.language or settings.LANGUAGE_CODE):
                    _item_import(item, user=job.owner, fetcher=_LanguageKeeping(fetcher))
    except Exception:
        logger.exception("batch import %s failed", job_pk)
        ImportJob.objects.filter(pk=job_pk).update(state=ImportJob.State.FAILED, finished_at=timezone.now())
        return ImportJob.objects.filter(pk=job_pk).first()
    with translation.override(job.owner.language or settings.LANGUAGE_CODE):
        return _job_finish(job)


class _LanguageKeeping:
    """A fetcher that leaves the active language as it found it: results are written in the owner's
    language, and an in-process fetcher (a test client going through LocaleMiddleware) changes it."""

    def __init__(self, fetcher):
        self.fetcher = fetcher

    def fetch(self, url: str, **kwargs):
        language = translation.get_language()
        try:
            return self.fetcher.fetch(url, **kwargs)
        finally:
            translation.activate(language)


def _item_import(item: ImportJobItem, *, user, fetcher) -> None:
    """Import one file and note its outcome. An imported badge and its line are stored in one
    transaction: a run stopped anywhere leaves the line waiting and no badge, or both, so running the job
    again imports each badge once and says so."""
    content = _item_content(item)
    try:
        if content is None:
            raise imports.ImportRefused(_("The file of this badge was lost: send it again."))
        if sniff_image_type(content) is not None:
            source = BadgeInput(image=content)
        else:
            source = BadgeInput(text=content.decode("utf-8-sig", errors="replace"))
        imports.badge_import(
            user=user,
            source=source,
            fetcher=fetcher,
            recorded=lambda entry: _item_done(item, ImportJobItem.Outcome.IMPORTED, entry.name, entry),
        )
    except imports.AlreadyInBackpack as already:
        _item_done(item, ImportJobItem.Outcome.ALREADY, str(already), already.entry)
    except imports.ImportRefused as refused:
        _item_done(item, ImportJobItem.Outcome.REFUSED, refusal_message(refused))
    except Exception:
        # One file must not stop the others, nor leave its line waiting for ever.
        logger.exception("batch import item %s failed", item.pk)
        _item_done(item, ImportJobItem.Outcome.REFUSED, _("This file could not be imported."))


def _item_done(item: ImportJobItem, outcome: str, message: str, badge=None) -> None:
    """Note the outcome of a line still waiting (a run alongside may have noted it first: that one stays)."""
    with transaction.atomic():
        noted = ImportJobItem.objects.filter(pk=item.pk, outcome=ImportJobItem.Outcome.PENDING).update(
            outcome=outcome, message=message[:1000], badge=badge, content=""
        )
        # The badge keeps what it needs (its image, its document): the uploaded copy goes once this is kept.
        if noted and item.content:
            files_delete_on_commit([(item.content.storage, item.content.name)])


def _item_content(item: ImportJobItem) -> bytes | None:
    if not item.content:
        return None
    try:
        with item.content.open("rb") as handle:
            return handle.read(_max_file_bytes() + 1)
    except OSError:
        return None


def refusal_message(refused: imports.ImportRefused) -> str:
    """Why the badge was refused, with the checks it failed."""
    message = str(refused)
    if refused.result is None:
        return message
    failed = [c for c in checks_for_display(_checks(refused.result)) if not c["passed"]]
    details = "; ".join(f"{check['label']}: {check['message']}" for check in failed)
    return f"{message} {details}".strip()


def _checks(result) -> list[dict]:
    return [{"name": c.name, "passed": c.passed, "message": c.message} for c in result.checks]


def job_counts(job: ImportJob) -> dict[str, int]:
    counts = {outcome: 0 for outcome in ImportJobItem.Outcome.values}
    for row in job.items.values("outcome").annotate(n=Count("id")):
        counts[row["outcome"]] = row["n"]
    return counts


def _job_finish(job: ImportJob) -> ImportJob:
    counts = job_counts(job)
    job.state = ImportJob.State.DONE
    job.finished_at = timezone.now()
    job.message = summary(counts)[:500]
    job.save(update_fields=["state", "finished_at", "message"])
    audit_record(
        action="backpack.batch_import.finished",
        target=job,
        actor=job.owner,
        imported=counts[ImportJobItem.Outcome.IMPORTED],
        already=counts[ImportJobItem.Outcome.ALREADY],
        refused=counts[ImportJobItem.Outcome.REFUSED],
    )
    return job


def summary(counts: dict[str, int]) -> str:
    parts = [
        ngettext("%(n)s imported", "%(n)s imported", counts["imported"]) % {"n": counts["imported"]},
        ngettext("%(n)s already there", "%(n)s already there", counts["already"]) % {"n": counts["already"]},
        ngettext("%(n)s refused", "%(n)s refused", counts["refused"]) % {"n": counts["refused"]},
    ]
    return ", ".join(parts)


# --- Pages ---------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def batch_import_start(request):
    """GET: the upload form and recent imports; POST: files (and ZIPs) in, then the progress page."""
    context = {
        "jobs": ImportJob.objects.filter(owner=request.user)[:5],
        "max_items": _max_items(),
        "max_file_size": _size(_max_file_bytes())["size"],
    }
    if request.method != "POST":
        return render(request, "backpack/batch_import.html", context)
    try:
        files = request.FILES.getlist("files")
    except TooManyFilesSent:
        context["error"] = _("Too many files at once: put them in a ZIP file and send that instead.")
        return render(request, "backpack/batch_import.html", context, status=400)
    try:
        job = batch_job_create(user=request.user, files=files)
    except BatchRefused as refused:
        context["error"] = str(refused)
        return render(request, "backpack/batch_import.html", context, status=400)
    messages.success(request, _("Your files were received. Each badge is now verified, then imported."))
    return redirect("backpack:batch_import_progress", job.public_id)


def _owned_job(request, public_id: str) -> ImportJob:
    return get_object_or_404(
        ImportJob.objects.select_related("owner"), public_id=public_id, owner=request.user
    )


def job_status(job: ImportJob) -> dict:
    """What the progress page shows, as JSON for its script."""
    items = list(job.items.select_related("badge"))
    counts = job_counts(job)
    total = len(items)
    processed = total - counts[ImportJobItem.Outcome.PENDING]
    return {
        "id": job.public_id,
        "state": job.state,
        "state_label": job.get_state_display(),
        "finished": job.state in (ImportJob.State.DONE, ImportJob.State.FAILED),
        "total": total,
        "processed": processed,
        "counts": counts,
        "summary": summary(counts),
        "items": [
            {
                "name": item.name,
                "outcome": item.outcome,
                "outcome_label": item.get_outcome_display(),
                "message": item.message,
                "badge_url": reverse("backpack:badge", args=[item.badge.public_id]) if item.badge else None,
            }
            for item in items
        ],
    }


@login_required
@require_safe
def batch_import_progress(request, public_id: str):
    job = _owned_job(request, public_id)
    status = job_status(job)
    template = _("%(processed)s of %(total)s files processed")
    context = {
        "job": job,
        "status": status,
        "status_url": reverse("backpack:batch_import_status", args=[job.public_id]),
        "progress_template": template,
        "progress_text": template % status,
    }
    return render(request, "backpack/batch_import_progress.html", context)


@login_required
@require_safe
def batch_import_status(request, public_id: str):
    response = JsonResponse(job_status(_owned_job(request, public_id)))
    response["Cache-Control"] = "no-store"
    return response
