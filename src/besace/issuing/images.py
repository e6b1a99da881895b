"""Validation of uploaded badge and issuer images: PNG or SVG, size-limited, really what they claim."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from besace.core.images import image_size_check, raster_check, svg_check
from besace.openbadges.errors import BakingError
from besace.openbadges.images import sniff_image_type
from besace.openbadges.png import check_png
from besace.openbadges.svg import bake_svg

# What a trial bake carries: the image must take a real assertion later, at download time.
_TRIAL_PAYLOAD = '{"id": "https://besace.invalid/trial"}'


def validate_badge_image(uploaded) -> str:
    """Return "png" or "svg" for a valid upload; raise ValidationError with a clear message otherwise."""
    image_size_check(uploaded.size)
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
        raster_check(data, {"PNG"})
    else:
        svg_check(data)
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
