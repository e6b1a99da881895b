"""Files earners put on their pages: size-limited, and only the types recognised from their bytes."""

import io
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image

from besace.core.models import new_public_id
from besace.issuing.images import MAX_PIXELS
from besace.openbadges.pdf import is_pdf

# Raster images only: an SVG is a document that may carry scripts.
IMAGE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
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
    # The same limit as the earner's own evidence files (besace.backpack.organise).
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
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = IMAGE_TYPES.get(image.format or "")
            if kind is not None:
                if image.width * image.height > MAX_PIXELS:
                    raise ValidationError(_("The image has too many pixels."))
                # load() decodes every pixel: a damaged image is refused now, not shown broken later.
                image.load()
                return kind
    except ValidationError:
        raise
    except Image.DecompressionBombError as error:
        raise ValidationError(_("The image has too many pixels.")) from error
    except Exception:  # Pillow raises many types for what is not an image it can read
        pass
    raise ValidationError(_("Choose an image (PNG, JPEG, GIF or WebP) or a PDF document."))


def stored_name(name: str, content_type: str) -> str:
    """An unguessable folder (media may be served as files in development), the original name's stem,
    and the extension of the type the bytes really are."""
    stem = PurePath(name.replace("\\", "/")).stem[:40] or "file"
    return f"{new_public_id()}/{stem}{EXTENSIONS[content_type]}"
