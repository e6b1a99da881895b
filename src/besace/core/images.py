"""The one check every image Besace keeps goes through (uploads, API data: URIs, images fetched during
imports): within BESACE_MAX_IMAGE_BYTES, decoded completely, within BESACE_MAX_IMAGE_PIXELS.

Decoding is what proves a raster image: a file that only starts like a PNG, or whose pixel data is
damaged behind valid checksums, is refused here rather than shown broken (or crashing a worker) later.
The pixel limit is checked on the declared size, before any pixel is decoded, so a small file declaring
a huge image (a decompression bomb) costs nothing. SVG images are vector documents: they are checked for
what they may hold instead (besace.openbadges.svg_safety), and the rasters they embed like any other.
"""

import base64
import binascii
import io
import re
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image

from besace.openbadges.svg_safety import svg_unsafe_reasons

# Raster formats a page, a badge or an issuer may show; an SVG goes through svg_check.
RASTER_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
_EMBEDDED_RASTER = re.compile(rb"data:image/(?:png|jpeg|gif|webp);base64,([A-Za-z0-9+/=\s]+)", re.IGNORECASE)


def sniff_raster(data: bytes) -> bool:
    """Whether ``data`` starts like one of RASTER_TYPES (whether it really is one is raster_check's job)."""
    return data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")) or (
        data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    )


def image_size_check(size: int) -> None:
    """Refuse an image of ``size`` bytes when it is over the limit (before reading it)."""
    limit = settings.BESACE_MAX_IMAGE_BYTES
    if size > limit:
        raise ValidationError(
            _("The image is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )


def raster_check(data: bytes, formats: set[str] | None = None) -> str:
    """The media type of ``data``, a raster image of one of ``formats`` (all of RASTER_TYPES by default).

    Raises ValidationError with a message for people when it is too large, too many pixels, damaged,
    or not such an image at all.
    """
    image_size_check(len(data))
    allowed = formats or set(RASTER_TYPES)
    limit = settings.BESACE_MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb limit warns, then raises, far above ours: ours is checked first.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=sorted(allowed)) as image:
                if image.width * image.height * getattr(image, "n_frames", 1) > limit:
                    raise _too_many_pixels(image.width, image.height)
                # load() decodes every pixel: verify() alone misses damaged image data behind a valid CRC.
                image.load()
                return RASTER_TYPES[image.format]
    except ValidationError:
        raise
    except Image.DecompressionBombError as error:
        raise ValidationError(_("The image has too many pixels.")) from error
    except Exception as error:  # Pillow raises many types for what is not an image it can read, or damaged
        raise ValidationError(_("The image is damaged and cannot be read.")) from error


def svg_check(data: bytes) -> None:
    """Refuse an SVG that is too large, holds active content or references, or embeds a bad raster."""
    image_size_check(len(data))
    unsafe = svg_unsafe_reasons(data)
    if unsafe:
        raise ValidationError(
            _(
                "This SVG image holds what a badge image may not: %(reasons)s. Remove it (scripts, event "
                "handlers, links to other files) and upload it again."
            )
            % {"reasons": "; ".join(unsafe[:3])}
        )
    for encoded in _EMBEDDED_RASTER.findall(data):
        try:
            raster = base64.b64decode(re.sub(rb"\s", b"", encoded), validate=True)
        except (binascii.Error, ValueError) as error:
            raise ValidationError(_("An image inside this SVG image is damaged.")) from error
        raster_check(raster)


def _too_many_pixels(width: int, height: int) -> ValidationError:
    return ValidationError(
        _("The image has too many pixels (%(width)d × %(height)d); the limit is %(limit)s pixels.")
        % {"width": width, "height": height, "limit": f"{settings.BESACE_MAX_IMAGE_PIXELS:,}"}
    )
