"""Badges carried inside PDF files: an attached assertion / credential, or an attached baked image.

Besace's own certificates attach the badge (``openbadge.json``, ``openbadge.jws``,
``openbadgecredential.json`` / ``.jwt``); a PDF carrying a baked PNG or SVG works too. The PDF parser
(pypdf) sees hostile input: every failure becomes a BakingError.
"""

import io

from .baked import BakedPayload
from .errors import BakingError
from .png import read_png_payload
from .svg import read_svg_payload

PDF_SIGNATURE = b"%PDF-"
MAX_PDF_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENT_BYTES = 2 * 1024 * 1024
MAX_ATTACHMENTS = 50


def is_pdf(data: bytes) -> bool:
    return data[:1024].lstrip().startswith(PDF_SIGNATURE)


def attachment_name(*, is_ob3_credential: bool, is_jws: bool) -> str:
    """The name Besace gives the badge it attaches to a PDF (and looks for first when reading one)."""
    stem = "openbadgecredential" if is_ob3_credential else "openbadge"
    return f"{stem}.{('jwt' if is_ob3_credential else 'jws') if is_jws else 'json'}"


def read_pdf_payload(data: bytes) -> BakedPayload | None:
    """The badge a PDF carries as an attachment, or None when it carries none."""
    if len(data) > MAX_PDF_BYTES:
        raise BakingError("the PDF is too large to read a badge from")
    attachments = _attachments(data)
    for name, content in sorted(attachments.items(), key=lambda item: not item[0].startswith("openbadge")):
        payload = _payload_of(name, content)
        if payload is not None:
            return payload
    return None


def _attachments(data: bytes) -> dict[str, bytes]:
    # Imported here: pypdf is only needed by those who read PDFs.
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        found: dict[str, bytes] = {}
        for name, contents in list(reader.attachments.items())[:MAX_ATTACHMENTS]:
            content = contents[0] if contents else b""
            if len(content) <= MAX_ATTACHMENT_BYTES:
                found[str(name)] = content
        return found
    except BakingError:
        raise
    except Exception as error:  # pypdf raises many types on malformed files
        raise BakingError(f"the PDF cannot be read: {type(error).__name__}") from error


def _payload_of(name: str, content: bytes) -> BakedPayload | None:
    lowered = name.lower()
    if lowered.endswith(".png"):
        return read_png_payload(content)
    if lowered.endswith(".svg"):
        return read_svg_payload(content)
    if lowered.startswith("openbadge"):
        try:
            text = content.decode("utf-8-sig").strip()
        except UnicodeDecodeError as error:
            raise BakingError("the badge attached to the PDF is not UTF-8 text") from error
        return (
            BakedPayload(text=text, is_ob3_credential=lowered.startswith("openbadgecredential"))
            if text
            else None
        )
    return None
