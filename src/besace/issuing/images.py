"""Validation of uploaded badge and issuer images: PNG or SVG, size-limited, really what they claim."""

import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image

from besace.openbadges.images import sniff_image_type

MAX_PIXELS = 4096 * 4096


def validate_badge_image(uploaded) -> str:
    """Return "png" or "svg" for a valid upload; raise ValidationError with a clear message otherwise."""
    if uploaded.size > settings.BESACE_MAX_IMAGE_BYTES:
        raise ValidationError(
            _("The image is too large (%(size)d KB); the limit is %(limit)d KB.")
            % {"size": uploaded.size // 1024, "limit": settings.BESACE_MAX_IMAGE_BYTES // 1024}
        )
    uploaded.seek(0)
    data = uploaded.read()
    uploaded.seek(0)
    kind = sniff_image_type(data)
    if kind is None:
        raise ValidationError(_("The image must be a PNG or an SVG file."))
    if kind == "png":
        try:
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise ValidationError(_("The image has too many pixels."))
                image.verify()
        except ValidationError:
            raise
        except Exception as error:  # Pillow raises many types for broken files
            raise ValidationError(_("The PNG image is damaged and cannot be read.")) from error
    return kind
