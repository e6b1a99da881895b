"""Baking and unbaking Open Badges in PNG images.

A chunk-level reader/writer: baking only adds or removes text chunks and copies every
other chunk byte for byte, so the image data (IDAT) is never re-encoded.
"""

import struct
import zlib

from .baked import BakedPayload
from .errors import BakingError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
OB2_KEYWORD = "openbadges"
OB3_KEYWORD = "openbadgecredential"
# A baked payload is a URL, an assertion or a JWS: anything this big is hostile.
MAX_PAYLOAD_BYTES = 2 * 1024 * 1024

_IS_OB3_BY_KEYWORD = {OB2_KEYWORD.encode("ascii"): False, OB3_KEYWORD.encode("ascii"): True}
_TEXT_CHUNK_TYPES = {b"iTXt", b"tEXt", b"zTXt"}
_MAX_CHUNK_LENGTH = 2**31 - 1  # PNG specification limit
_CHUNK_OVERHEAD = 12  # length, type and CRC fields
_CHUNK_HEADER = struct.Struct(">I4s")
_CRC = struct.Struct(">I")


def bake_png(png_bytes: bytes, payload: str, keyword: str = OB2_KEYWORD) -> bytes:
    """Return ``png_bytes`` with ``payload`` baked in one uncompressed iTXt chunk.

    Any existing badge chunk (either keyword, any text chunk type) is removed, so
    re-baking replaces. Bytes after IEND are not part of the image and are dropped.
    """
    if keyword not in (OB2_KEYWORD, OB3_KEYWORD):
        raise BakingError(f"PNG badge keyword must be {OB2_KEYWORD!r} or {OB3_KEYWORD!r}")
    text = _encode_payload(payload)
    chunks = _read_chunks(png_bytes)
    # iTXt: keyword NUL, compression flag 0, method 0, empty language NUL, empty translated keyword NUL.
    badge_chunk = _make_chunk(b"iTXt", keyword.encode("ascii") + b"\0\0\0\0\0" + text)
    # Runs of kept chunks are copied in one slice each: the image data is copied once, by the join.
    view = memoryview(png_bytes)
    ihdr_end = chunks[0][2]
    parts = [view[:ihdr_end], badge_chunk]
    run_start = ihdr_end
    for chunk in chunks[1:]:
        if chunk[0] in _TEXT_CHUNK_TYPES and _badge_keyword(png_bytes, chunk) is not None:
            parts.append(view[run_start : chunk[1]])
            run_start = chunk[2]
    parts.append(view[run_start : chunks[-1][2]])
    return b"".join(parts)


def unbake_png(png_bytes: bytes) -> str | None:
    """The text baked into a PNG badge, or None if the PNG carries no badge."""
    payload = read_png_payload(png_bytes)
    return payload.text if payload else None


def read_png_payload(png_bytes: bytes) -> BakedPayload | None:
    """Like :func:`unbake_png`, also telling an OB 3.0 credential from older badges."""
    found = None
    for chunk in _read_chunks(png_bytes):
        if chunk[0] in _TEXT_CHUNK_TYPES and (keyword := _badge_keyword(png_bytes, chunk)) is not None:
            body = png_bytes[chunk[1] + 9 + len(keyword) : chunk[2] - 4]
            payload = (_decode_text_chunk(chunk[0], body), _IS_OB3_BY_KEYWORD[keyword])
            if found is not None and payload != found:
                raise BakingError("PNG carries several different badge payloads")
            found = payload
    return BakedPayload(*found) if found else None


def check_png(png_bytes: bytes) -> None:
    """Raise BakingError unless every chunk up to IEND is whole, its CRC the image data's too.

    For images stored to be baked later (an upload): baking and unbaking leave the image data's CRC
    unchecked, so a damaged one must be refused once, here.
    """
    _read_chunks(png_bytes, check_image_data=True)


def _read_chunks(png: bytes, check_image_data: bool = False) -> list[tuple[bytes, int, int]]:
    """Every chunk up to IEND as (type, offset of its length field, offset just past its CRC).

    The image data's CRC is checked only when asked: IDAT is copied byte for byte and never read here,
    and its CRC was most of a bake's time (docs/decisions/006-png-image-data-crc.md).
    """
    if not png.startswith(PNG_SIGNATURE):
        raise BakingError("not a PNG image (bad signature)")
    unchecked = b"" if check_image_data else b"IDAT"
    size = len(png)
    chunks = []
    position = len(PNG_SIGNATURE)
    chunk_type = b""
    while chunk_type != b"IEND":
        if position + _CHUNK_OVERHEAD > size:
            raise BakingError("truncated PNG: no IEND chunk")
        length, chunk_type = _CHUNK_HEADER.unpack_from(png, position)
        if length > _MAX_CHUNK_LENGTH or not chunk_type.isalpha():
            raise BakingError(f"corrupt PNG chunk header at byte {position}")
        end = position + _CHUNK_OVERHEAD + length
        if end > size:
            raise BakingError(f"truncated PNG: {chunk_type!r} chunk runs past the end")
        if (
            chunk_type != unchecked
            and zlib.crc32(png[position + 4 : end - 4]) != _CRC.unpack_from(png, end - 4)[0]
        ):
            raise BakingError(f"bad CRC in PNG {chunk_type!r} chunk at byte {position}")
        chunks.append((chunk_type, position, end))
        position = end
    if chunks[0][0] != b"IHDR":
        raise BakingError("PNG does not start with an IHDR chunk")
    return chunks


def _badge_keyword(png: bytes, chunk: tuple[bytes, int, int]) -> bytes | None:
    """The badge keyword a text chunk starts with, or None (keywords are at most 79 bytes)."""
    start = chunk[1] + 8
    keyword = png[start : min(start + 80, chunk[2] - 4)].partition(b"\0")[0]
    return keyword if keyword in _IS_OB3_BY_KEYWORD else None


def _decode_text_chunk(chunk_type: bytes, body: bytes) -> str:
    """Decode what follows ``keyword NUL`` in a tEXt, zTXt or iTXt chunk."""
    if chunk_type == b"tEXt":
        return _checked_size(body).decode("latin-1")
    if chunk_type == b"zTXt":
        if body[:1] != b"\0":
            raise BakingError("zTXt badge chunk uses an unknown compression method")
        return _inflate(body[1:]).decode("latin-1")
    if len(body) < 2:
        raise BakingError("truncated iTXt badge chunk")
    compressed, method = body[0], body[1]
    _language, found_language, rest = body[2:].partition(b"\0")
    _translated_keyword, found_translated, text = rest.partition(b"\0")
    if not (found_language and found_translated):
        raise BakingError("malformed iTXt badge chunk")
    if compressed == 1 and method == 0:
        text = _inflate(text)
    elif compressed != 0:
        raise BakingError("iTXt badge chunk uses an unknown compression")
    try:
        return _checked_size(text).decode("utf-8")
    except UnicodeDecodeError as error:
        raise BakingError("iTXt badge text is not valid UTF-8") from error


def _inflate(data: bytes) -> bytes:
    decompressor = zlib.decompressobj()
    try:
        text = decompressor.decompress(data, MAX_PAYLOAD_BYTES + 1)
    except zlib.error as error:
        raise BakingError("corrupt compressed badge text") from error
    if not decompressor.eof:
        # Either the cap was hit (more output pending) or the stream is cut short.
        raise BakingError("compressed badge text is truncated or too large")
    return _checked_size(text)


def _checked_size(text: bytes) -> bytes:
    if len(text) > MAX_PAYLOAD_BYTES:
        raise BakingError(f"badge payload exceeds {MAX_PAYLOAD_BYTES} bytes")
    return text


def _encode_payload(payload: str) -> bytes:
    try:
        return _checked_size(payload.encode("utf-8"))
    except UnicodeEncodeError as error:
        raise BakingError("badge payload is not encodable as UTF-8") from error


def _make_chunk(chunk_type: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(data, zlib.crc32(chunk_type))
    return b"".join((_CRC.pack(len(data)), chunk_type, data, _CRC.pack(crc)))
