"""Validation of uploaded badge and issuer images: PNG or SVG, size-limited, really what they claim."""

import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image

from besace.openbadges.errors import BakingError
from besace.openbadges.images import sniff_image_type
from besace.openbadges.png import check_png
from besace.openbadges.svg import bake_svg
from besace.openbadges.svg_safety import svg_unsafe_reasons

MAX_PIXELS = 4096 * 4096
# What a trial bake carries: the image must take a real assertion later, at download time.
_TRIAL_PAYLOAD = '{"id": "https://besace.invalid/trial"}'


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
        if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
            # Looks like XML but the safe parser refused it: say why rather than "not an image".
            raise ValidationError(
                _(
                    "The SVG file cannot be read safely: it is malformed, is not an SVG image, or declares "
                    "entities (a DTD with ENTITY declarations), which Besace refuses."
                )
            )
        raise ValidationError(_("The image must be a PNG or an SVG file."))
    if kind == "png":
        _check_png_pixels(data)
    else:
        unsafe = svg_unsafe_reasons(data)
        if unsafe:
            raise ValidationError(
                _(
                    "This SVG image holds what a badge image may not: %(reasons)s. Remove it (scripts, event "
                    "handlers, links to other files) and upload it again."
                )
                % {"reasons": "; ".join(unsafe[:3])}
            )
    try:
        # Baked badges are made from this very file at download time: fail now, with a message,
        # rather than later with a server error (broken chunks, non-UTF-8 SVG...).
        if kind == "png":
            check_png(data)  # baking leaves the image data's CRC unchecked: it is checked once, here
        else:
            bake_svg(data, verify="https://besace.invalid/trial", assertion_json=_TRIAL_PAYLOAD)
    except BakingError as error:
        if kind == "png":
            raise ValidationError(_("The PNG image is damaged and cannot be read.")) from error
        raise ValidationError(_("This SVG image cannot carry badge data; save it as UTF-8 SVG.")) from error
    return kind


def _check_png_pixels(data: bytes) -> None:
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(_("The image has too many pixels."))
            # load() decodes every pixel: verify() alone misses damaged image data behind a valid CRC.
            image.load()
    except ValidationError:
        raise
    except Image.DecompressionBombError as error:
        raise ValidationError(_("The image has too many pixels.")) from error
    except Exception as error:  # Pillow raises many types for broken files
        raise ValidationError(_("The PNG image is damaged and cannot be read.")) from error
