"""Files earners put on their pages: size-limited, and only the types recognised from their bytes."""

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from besace.core.images import raster_check, sniff_raster
from besace.core.models import new_public_id
from besace.openbadges.pdf import is_pdf

# Raster images only (besace.core.images.RASTER_TYPES): an SVG is a document that may carry scripts.
PDF_TYPE = "application/pdf"
EXTENSIONS = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    PDF_TYPE: ".pdf",
}


def file_type_check(uploaded) -> str:
    """The content type of an upload a page may show (an image) or offer to download (a PDF).

    Raises ValidationError when it is too large, damaged or of any other type, whatever its name says.
    """
    # PDFs: the same limit as the earner's own evidence files (besace.backpack.organise); images: the
    # limits of every image (besace.core.images).
    limit = settings.BESACE_MAX_IMPORT_BYTES
    if uploaded.size > limit:
        raise ValidationError(
            _("The file is too large (at most %(size)s).") % {"size": filesizeformat(limit)}
        )
    uploaded.seek(0)
    data = uploaded.read()
    uploaded.seek(0)
    if is_pdf(data):
        return PDF_TYPE
    if sniff_raster(data):
        return raster_check(data)
    raise ValidationError(_("Choose an image (PNG, JPEG, GIF or WebP) or a PDF document."))


def stored_name(name: str, content_type: str) -> str:
    """An unguessable folder (media may be served as files in development), the original name's stem,
    and the extension of the type the bytes really are."""
    stem = PurePath(name.replace("\\", "/")).stem[:40] or "file"
    return f"{new_public_id()}/{stem}{EXTENSIONS[content_type]}"
