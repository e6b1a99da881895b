"""Recognising badge image formats from their bytes (never from names or headers)."""

from typing import Literal

from .baked import BakedPayload
from .errors import BakingError
from .png import PNG_SIGNATURE, read_png_payload
from .svg import is_svg, read_svg_payload

ImageType = Literal["png", "svg"]


def sniff_image_type(data: bytes) -> ImageType | None:
    """``"png"`` or ``"svg"`` when ``data`` looks like one, else None.

    PNG is recognised by its signature only (Pillow validates raster images on the
    Django side); SVG must parse safely as XML with an ``svg`` root in the SVG namespace.
    """
    if data.startswith(PNG_SIGNATURE):
        return "png"
    if is_svg(data):
        return "svg"
    return None


def read_image_payload(data: bytes) -> BakedPayload | None:
    """Unbake a PNG or SVG badge image, whichever ``data`` is."""
    image_type = sniff_image_type(data)
    if image_type == "png":
        return read_png_payload(data)
    if image_type == "svg":
        return read_svg_payload(data)
    raise BakingError("a baked badge must be a PNG or SVG image")
