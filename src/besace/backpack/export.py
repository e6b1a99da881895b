"""Everything an account holds, in one ZIP that is readable without Besace (GDPR: access, portability).

Layout of the ZIP (README.txt, in French and English, says the same to people):

- ``account.json``: profile, e-mail addresses, consents, issuer roles, collections, and each badge's
  metadata with the names of its files in the ZIP (``format`` tells it from any other JSON);
- ``images/``: each badge as a baked image, the PNG or SVG that carries the badge itself;
- ``originals/``: each badge's assertion or credential as received (``.json``, or ``.jws`` when signed);
- ``evidence/<badge>/``: the files the earner added to a badge as evidence.

Written to a file object, so that a large account goes to a temporary file rather than to memory.
"""

import io
import json
import logging
import os
import tempfile
import zipfile
from datetime import datetime
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from besace.backpack.imports import imported_badge_baked
from besace.backpack.models import BackpackBadge, Collection
from besace.core.audit import audit_record
from besace.issuing.baking import baked_assertion_image
from besace.openbadges.errors import OpenBadgesError
from besace.openbadges.signing import is_compact_jws

logger = logging.getLogger(__name__)

EXPORT_FORMAT = "besace-account-export"
EXPORT_FORMAT_VERSION = 1
MANIFEST_NAME = "account.json"
README_NAME = "README.txt"


def account_export_zip(user) -> bytes:
    """The whole export in memory: for tests and small accounts (the view streams a temporary file)."""
    buffer = io.BytesIO()
    account_export_write(user, buffer)
    return buffer.getvalue()


def account_export_file(user) -> IO[bytes]:
    """The export written to an anonymous temporary file, rewound; the caller closes it."""
    target = tempfile.TemporaryFile()
    try:
        account_export_write(user, target)
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return target


def account_export_write(user, target: IO[bytes]) -> dict[str, Any]:
    """Write the ZIP of `user`'s account to `target`; returns the manifest (account.json)."""
    now = timezone.now()
    entries = list(
        BackpackBadge.objects.filter(owner=user)
        .select_related("assertion__badge_class__issuer")
        .prefetch_related("earner_evidence")
        .order_by("accepted_at", "id")
    )
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        badges = [_badge_write(archive, entry) for entry in entries]
        manifest = {
            "format": EXPORT_FORMAT,
            "format_version": EXPORT_FORMAT_VERSION,
            "exported_at": now.isoformat(),
            "site": settings.BESACE_BASE_URL,
            "profile": _profile(user),
            "consents": [
                {"version": c.version, "accepted_at": _iso(c.accepted_at)}
                for c in user.consents.order_by("accepted_at", "id")
            ],
            "issuer_roles": [
                {"issuer": m.issuer.name, "issuer_id": m.issuer.public_url, "role": m.role}
                for m in user.issuer_memberships.select_related("issuer").order_by("issuer__name", "id")
            ],
            "collections": _collections(user),
            "badges": badges,
        }
        archive.writestr(
            MANIFEST_NAME, json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
        )
        archive.writestr(README_NAME, _readme(user, now, len(badges)))
    audit_record(action="account.exported", target=user, actor=user, badges=len(badges))
    return manifest


def _profile(user) -> dict[str, Any]:
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount

    addresses = EmailAddress.objects.filter(user=user).order_by("-primary", "email")
    return {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "name": user.get_full_name(),
        "email": user.email,
        "language": user.language,
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
        "emails": [{"email": a.email, "verified": a.verified, "primary": a.primary} for a in addresses],
        "social_accounts": sorted({account.provider for account in SocialAccount.objects.filter(user=user)}),
    }


def _collections(user) -> list[dict[str, Any]]:
    collections = Collection.objects.filter(owner=user).prefetch_related("entries__badge")
    return [
        {
            "id": collection.public_id,
            "name": collection.name,
            "description": collection.description,
            "visibility": collection.visibility,
            "created_at": _iso(collection.created_at),
            "badges": [entry.badge.public_id for entry in collection.entries.all()],
        }
        for collection in collections
    ]


def _badge_write(archive: zipfile.ZipFile, entry: BackpackBadge) -> dict[str, Any]:
    stem = f"{slugify(entry.name)[:60] or 'badge'}-{entry.public_id}"
    files: dict[str, Any] = {"image": None, "original": None}
    baked = _baked_image(entry)
    if baked is not None:
        content, kind = baked
        files["image"] = f"images/{stem}.{kind}"
        archive.writestr(files["image"], content)
    if entry.original:
        files["original"] = f"originals/{stem}.{_original_kind(entry.original)}"
        archive.writestr(files["original"], entry.original)
    evidence = []
    for position, item in enumerate(entry.earner_evidence.all(), start=1):
        record = {
            "url": item.url,
            "narrative": item.narrative,
            "created_at": _iso(item.created_at),
            "file": None,
        }
        if item.file:
            name = f"evidence/{stem}/{position}-{_safe_basename(item.file.name)}"
            try:
                with item.file.open("rb") as handle:
                    archive.writestr(name, handle.read())
            except OSError:
                logger.warning("evidence file %s of badge %s is missing", item.file.name, entry.pk)
            else:
                record["file"] = name
        evidence.append(record)
    assertion = entry.assertion
    return {
        "id": entry.public_id,
        "name": entry.name,
        "issuer": entry.issuer_name,
        "source": entry.source,
        "version": entry.version,
        "badge_id": entry.badge_id,
        "issued_on": _iso(entry.issued_on),
        "expires": _iso(entry.expires),
        "accepted_at": _iso(entry.accepted_at),
        "state": entry.state,
        "pushed_by": entry.pushed_by,
        "visibility": entry.visibility,
        "tags": list(entry.tags),
        "revoked": entry.is_revoked,
        "revocation_reason": assertion.revocation_reason if assertion else entry.revocation_reason,
        "verified_at": _iso(entry.verified_at),
        "checks": entry.checks,
        "files": files,
        "evidence": evidence,
    }


def _baked_image(entry: BackpackBadge) -> tuple[bytes, str] | None:
    """The image carrying the badge: an award's hosted baked image, an import's own (or baked now)."""
    try:
        if entry.assertion_id:
            content, content_type = baked_assertion_image(entry.assertion)
            return content, "svg" if content_type == "image/svg+xml" else "png"
        return imported_badge_baked(entry)
    except (OSError, OpenBadgesError, ValueError):
        # A lost image file must not stop the export: the original document is still there.
        logger.warning("no baked image for backpack badge %s", entry.pk, exc_info=True)
        return None


def _original_kind(original: str) -> str:
    text = original.strip()
    if text.startswith("{"):
        return "json"
    return "jws" if is_compact_jws(text) else "txt"


def _safe_basename(name: str) -> str:
    base = os.path.basename(name.replace("\\", "/"))
    stem, dot, extension = base.rpartition(".")
    if not dot:
        stem, extension = base, ""
    clean = slugify(stem)[:80] or "file"
    clean_extension = slugify(extension)[:10]
    return f"{clean}.{clean_extension}" if clean_extension else clean


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _readme(user, now: datetime, badge_count: int) -> str:
    # In French and in English at once, whatever the language of the page: not translated.
    context = {"user": user, "now": now, "badge_count": badge_count, "site": settings.BESACE_BASE_URL}
    return render_to_string("backpack/export_readme.txt", context)


def export_filename(now: datetime | None = None) -> str:
    return f"besace-export-{timezone.localdate(now or timezone.now()).isoformat()}.zip"


@login_required
@require_safe
def export_download(request):
    """GET /backpack/export.zip: the whole account, as a download."""
    return FileResponse(
        account_export_file(request.user),
        as_attachment=True,
        filename=export_filename(),
        content_type="application/zip",
    )
