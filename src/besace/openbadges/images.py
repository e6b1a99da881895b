"""Recognising badge image formats from their bytes (never from names or headers)."""

from typing import Literal

from .baked import BakedPayload
from .errors import BakingError
from .pdf import is_pdf, read_pdf_payload
from .png import OB2_KEYWORD, OB3_KEYWORD, PNG_SIGNATURE, bake_png, read_png_payload
from .svg import SvgDocument, bake_svg, bake_svg_credential, parse_svg

ImageType = Literal["png", "svg"]


def sniff_image_type(data: bytes) -> ImageType | None:
    """``"png"`` or ``"svg"`` when ``data`` looks like one, else None.

    PNG is recognised by its signature only (Pillow validates raster images on the
    Django side); SVG must parse safely as XML with an ``svg`` root in the SVG namespace.
    """
    if data.startswith(PNG_SIGNATURE):
        return "png"
    if _svg_document(data) is not None:
        return "svg"
    return None


def _svg_document(data: bytes) -> SvgDocument | None:
    """``data`` parsed as SVG if it is one; parsed once, for sniffing and baking or unbaking alike."""
    try:
        return parse_svg(data)
    except BakingError:
        return None


def read_image_payload(data: bytes) -> BakedPayload | None:
    """Unbake a PNG or SVG badge image, whichever ``data`` is (or read the badge a PDF carries)."""
    if data.startswith(PNG_SIGNATURE):
        return read_png_payload(data)
    if (svg := _svg_document(data)) is not None:
        return svg.payload()
    if is_pdf(data):
        return read_pdf_payload(data)
    raise BakingError("a baked badge must be a PNG or SVG image (or a PDF carrying a badge)")


def bake_badge_image(
    data: bytes, *, payload: str, is_ob3_credential: bool, hosted_url: str | None = None
) -> bytes:
    """Bake ``payload`` (assertion or credential JSON, or a compact JWS) into a PNG or SVG image.

    ``hosted_url`` is the assertion's URL for a hosted OB 2.0 assertion baked in SVG (its ``verify``).
    """
    if data.startswith(PNG_SIGNATURE):
        return bake_png(data, payload, OB3_KEYWORD if is_ob3_credential else OB2_KEYWORD)
    if (svg := _svg_document(data)) is not None:
        is_json = payload.lstrip().startswith("{")
        if is_ob3_credential:
            return bake_svg_credential(svg, **({"credential_json": payload} if is_json else {"jws": payload}))
        if is_json:
            return bake_svg(svg, verify=hosted_url or "", assertion_json=payload)
        return bake_svg(svg, verify=payload)
    raise BakingError("a badge can only be baked into a PNG or SVG image")
