"""The PDF certificate of a badge in a backpack: one page that people can read and machines can verify.

Both kinds of backpack badge (awarded on Besace, imported from anywhere) keep a normalised snapshot
(``entry.normalised``), so one template serves both. The PDF is drawn by WeasyPrint from HTML; nothing is
fetched while drawing it: the badge image and the QR code are embedded as data: URIs, and the URL fetcher
given to WeasyPrint refuses every other address (network, local files), including those an imported SVG
image may point to.
"""

import base64
from urllib.parse import quote

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from PIL import ImageFile

from besace.backpack.models import BackpackBadge
from besace.core.dates import parse_iso_datetime
from besace.openbadges.images import sniff_image_type
from besace.openbadges.pdf import attachment_name

# Importing WeasyPrint turns Pillow's LOAD_TRUNCATED_IMAGES on for the whole process, which would let damaged
# PNG uploads pass Besace's image checks: the setting is put back as it was.
_load_truncated_images = ImageFile.LOAD_TRUNCATED_IMAGES
try:
    from weasyprint import HTML, Attachment
    from weasyprint.urls import URLFetcher
finally:
    ImageFile.LOAD_TRUNCATED_IMAGES = _load_truncated_images

TEMPLATE = "backpack/certificate.html"
IMAGE_MEDIA_TYPES = {"png": "image/png", "svg": "image/svg+xml"}
MAX_IMAGE_BYTES = 5 * 1024 * 1024


class CertificateRefused(Exception):
    """No certificate can be made for this badge (it was revoked); the message says why, to the earner."""


class DataOnlyFetcher(URLFetcher):
    """WeasyPrint's URL fetcher for certificates: data: URIs are read, every other address is refused."""

    def __init__(self):
        super().__init__(allowed_protocols=("data",), allow_redirects=False)

    def fetch(self, url, headers=None):
        if not url.lower().startswith("data:"):
            raise ValueError(f"Certificates fetch nothing: {url} refused")
        return super().fetch(url, headers)


def badge_certificate_pdf(entry: BackpackBadge, *, language: str) -> bytes:
    """The certificate of a backpack badge, in ``language``; raises CertificateRefused when revoked.

    The badge itself travels inside, as an attachment: importing the PDF into any backpack that reads
    it (Besace does) brings the verifiable badge, not just its picture.
    """
    return html_to_pdf(
        badge_certificate_html(entry, language=language), attachments=[badge_attachment(entry)]
    )


def badge_attachment(entry: BackpackBadge) -> Attachment:
    is_jws = not entry.original.lstrip().startswith("{")
    name = attachment_name(is_ob3_credential=entry.version == "3.0", is_jws=is_jws)
    return Attachment(string=entry.original, name=name, description="Open Badge")


def badge_certificate_html(entry: BackpackBadge, *, language: str) -> str:
    """The HTML the certificate is drawn from (tested on its own: what the PDF says, and its QR code)."""
    with translation.override(language):
        if entry.is_revoked:
            raise CertificateRefused(
                _("This badge was revoked by its issuer: there is no certificate for a revoked badge.")
            )
        return render_to_string(TEMPLATE, certificate_context(entry, language=language))


def html_to_pdf(html: str, attachments: list[Attachment] = ()) -> bytes:
    return HTML(string=html, url_fetcher=DataOnlyFetcher()).write_pdf(attachments=list(attachments))


def certificate_filename(entry: BackpackBadge) -> str:
    """A file name for the certificate: the badge's name, without characters file systems refuse."""
    name = "".join(" " if c in '/\\:*?"<>|' or ord(c) < 32 else c for c in entry.name)
    name = " ".join(name.split()).strip(".")
    return f"{name or 'certificate'}.pdf"


def content_disposition(filename: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(filename, safe='')}"


def certificate_context(entry: BackpackBadge, *, language: str) -> dict:
    badge = entry.normalised
    achievement = badge.get("achievement") or {}
    verification_url = verification_url_of(entry)
    expires = parse_iso_datetime(badge.get("expires"))
    issuer = badge.get("issuer") or {}
    return {
        "language": language,
        "entry": entry,
        "badge": badge,
        "achievement": achievement,
        "issuer": issuer,
        # Links of the PDF: web addresses only (an imported badge may hold anything in its URL fields).
        "issuer_url": _web_url(issuer.get("url")),
        "criteria_url": _web_url(achievement.get("criteria_url")),
        "alignments": [
            {**alignment, "url": _web_url(alignment.get("target_url"))}
            for alignment in achievement.get("alignments") or ()
        ],
        "recipient_name": recipient_name_of(entry),
        "issued_on": parse_iso_datetime(badge.get("issued_on")),
        "expires": expires,
        "expired": expires is not None and expires <= timezone.now(),
        "credential_id": badge.get("id") or entry.badge_id,
        "verification_url": verification_url,
        "qr_code": qr_code_data_uri(verification_url),
        "image": badge_image_data_uri(entry),
        "generated_on": timezone.now(),
    }


def recipient_name_of(entry: BackpackBadge) -> str:
    """The name the issuer gave the recipient, else the account's full name, else the e-mail address."""
    if entry.assertion_id and entry.assertion.recipient_name:
        return entry.assertion.recipient_name
    if entry.owner_id and (full_name := entry.owner.get_full_name()):  # no owner: an award not accepted
        return full_name
    return entry.assertion.recipient_email if entry.assertion_id else entry.owner.email


def verification_url_of(entry: BackpackBadge) -> str:
    """Where anyone checks the badge: the public assertion page of an award; for an imported badge its id
    when that is a web address (a hosted badge), else Besace's verification page (where it can be
    dropped)."""
    if entry.assertion_id:
        return entry.assertion.public_url
    badge_id = (entry.normalised or {}).get("id") or ""
    if badge_id.startswith(("https://", "http://")):
        return badge_id
    return settings.BESACE_BASE_URL + reverse("verify")


def qr_code_data_uri(url: str) -> str:
    """A QR code of ``url`` as an SVG data: URI (vector, so it prints sharp at any size)."""
    return segno.make(url, error="m", micro=False).svg_data_uri(scale=4, border=2, dark="#111111")


def badge_image_data_uri(entry: BackpackBadge) -> str:
    """The badge image as a data: URI, read from storage (never from the network); "" when there is none."""
    if entry.assertion_id:
        content = _read(entry.assertion.badge_class.image)
    elif entry.image:
        content = _read(entry.image)
    else:
        uri = ((entry.normalised or {}).get("achievement") or {}).get("image") or ""
        return uri if uri.startswith("data:image/") and len(uri) <= MAX_IMAGE_BYTES * 4 // 3 + 100 else ""
    kind = sniff_image_type(content) if content else None
    if kind is None:
        return ""
    return f"data:{IMAGE_MEDIA_TYPES[kind]};base64,{base64.b64encode(content).decode('ascii')}"


def _read(file) -> bytes | None:
    try:
        if file.size > MAX_IMAGE_BYTES:
            return None
        with file.open("rb") as handle:
            return handle.read()
    except (OSError, ValueError):
        return None


def _web_url(value: str | None) -> str:
    return value if isinstance(value, str) and value.startswith(("https://", "http://")) else ""
