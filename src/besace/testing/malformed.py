"""A corpus of hostile and broken inputs, made in code (no binary files in the repository).

Each item is bytes as an attacker or a broken tool would send them: truncated and bombed PNGs, SVGs with
entity tricks, JSON nested 100,000 deep, invalid UTF-8, 10 MB strings, forged JWS, ZIP bombs... The tests
run every item through every import path (``besace/testing/tests/test_malformed_corpus.py``). Items are
made once per process: the large ones take a moment.
"""

import base64
import functools
import io
import json
import struct
import zipfile
import zlib
from dataclasses import dataclass, field

from PIL import Image

from besace.openbadges.png import MAX_PAYLOAD_BYTES, bake_png

TEN_MB = 10 * 1024 * 1024
DEPTH = 100_000


@dataclass(frozen=True)
class Item:
    name: str
    data: bytes = field(repr=False)  # up to 14 MB: not in test reports
    # "image" (PNG, SVG: sent as a file), "document" (JSON, JWS, text: pasted or posted) or "archive".
    kind: str
    media_type: str


def _chunk(chunk_type: bytes, data: bytes, *, crc: int | None = None) -> bytes:
    checksum = zlib.crc32(chunk_type + data) if crc is None else crc
    return struct.pack(">I", len(data)) + chunk_type + data + struct.pack(">I", checksum)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _jws(header: dict, payload: bytes, signature: bytes = b"signature") -> bytes:
    return f"{_b64url(json.dumps(header).encode())}.{_b64url(payload)}.{_b64url(signature)}".encode()


def assertion(**fields) -> dict:
    """A well-formed OB 2.0 hosted assertion (its URLs answer nothing): a shape to break."""
    return {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": "https://issuer.invalid/assertions/1",
        "recipient": {"type": "email", "hashed": False, "identity": "earner@example.org"},
        "badge": "https://issuer.invalid/badges/1",
        "verification": {"type": "hosted"},
        "issuedOn": "2024-01-01T00:00:00Z",
        **fields,
    }


def credential(**fields) -> dict:
    """An OB 3.0 credential without proof: a shape to break."""
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:6c1d0a3e-58a3-4a0e-9a43-9e2b8b0a7f10",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "https://issuer.invalid/", "type": ["Profile"], "name": "I"},
        "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {"id": "https://issuer.invalid/a", "type": ["Achievement"], "name": "A"},
        },
        **fields,
    }


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "#2b59c3").save(buffer, format="PNG")
    return buffer.getvalue()


def _with_chunk(png: bytes, chunk: bytes) -> bytes:
    """``png`` with ``chunk`` right after IHDR (8 bytes of signature + 25 of IHDR)."""
    return png[:33] + chunk + png[33:]


def _png_items() -> list[Item]:
    baked = bake_png(_png(), json.dumps(assertion()))
    items = [
        Item(f"png-truncated-at-{size}", baked[:size], "image", "image/png")
        for size in (8, 16, 33, 45, len(baked) // 2, len(baked) - 1)
    ]
    bomb = zlib.compress(b"{" * (64 * 1024 * 1024), 9)  # 64 MB of "{" in about 64 KB
    bad_crc = bytearray(baked)
    bad_crc[29:33] = bytes(b ^ 0xFF for b in bad_crc[29:33])  # IHDR's CRC
    huge_ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    items += [
        Item(
            "png-itxt-beyond-max-payload",
            _with_chunk(_png(), _chunk(b"iTXt", b"openbadges\0\0\0\0\0" + b"x" * (MAX_PAYLOAD_BYTES + 1))),
            "image",
            "image/png",
        ),
        Item(
            "png-ztxt-bomb",
            _with_chunk(_png(), _chunk(b"zTXt", b"openbadges\0\0" + bomb)),
            "image",
            "image/png",
        ),
        Item(
            "png-compressed-itxt-bomb",
            _with_chunk(_png(), _chunk(b"iTXt", b"openbadges\0\1\0\0\0" + bomb)),
            "image",
            "image/png",
        ),
        Item("png-bad-crc", bytes(bad_crc), "image", "image/png"),
        Item(
            "png-10-billion-pixels",
            b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", huge_ihdr) + baked[33:],
            "image",
            "image/png",
        ),
    ]
    return items


def _svg_items() -> list[Item]:
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    billion_laughs = (
        f'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY l0 "lol">{laughs}]>'
        '<svg xmlns="http://www.w3.org/2000/svg"><text>&l9;</text></svg>'
    )
    external = (
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">'
        '<openbadges:assertion verify="https://issuer.invalid/a"><![CDATA[&x;]]></openbadges:assertion>'
        "<text>&x;</text></svg>"
    )
    big = '<svg xmlns="http://www.w3.org/2000/svg"><text>' + "a" * TEN_MB + "</text></svg>"
    return [
        Item("svg-billion-laughs", billion_laughs.encode(), "image", "image/svg+xml"),
        Item("svg-external-entity", external.encode(), "image", "image/svg+xml"),
        Item("svg-10-mb", big.encode(), "image", "image/svg+xml"),
        Item(
            "svg-truncated",
            b'<svg xmlns="http://www.w3.org/2000/svg"><openbadges:ass',
            "image",
            "image/svg+xml",
        ),
    ]


def _json_items() -> list[Item]:
    document = json.dumps(assertion()).encode()
    items = {
        "json-nested-arrays-100000": b"[" * DEPTH + b"]" * DEPTH,
        "json-nested-objects-100000": b'{"a":' * DEPTH + b"1" + b"}" * DEPTH,
        "json-huge-integer": b'{"id": ' + b"9" * 1_000_000 + b"}",
        "json-huge-exponent": json.dumps(assertion())
        .replace('"hashed": false', '"hashed": 1e999999')
        .encode(),
        "json-invalid-utf8": document.replace(b"earner", b"earn\xff\xfe\xc3"),
        "json-utf16-bom": json.dumps(assertion()).encode("utf-16"),
        "json-utf8-bom": b"\xef\xbb\xbf" + document,
        "json-nul-bytes": document.replace(b"earner", b"ear\x00ner"),
        "json-escaped-nul": json.dumps(assertion(id="https://issuer.invalid/\u0000")).encode(),
        "json-lone-surrogates": document.replace(b"earner@", b"\\ud800earner@"),
        "json-10-mb-string-field": json.dumps(assertion(narrative="n" * TEN_MB)).encode(),
        "json-duplicate-keys": document[:-1]
        + b', "id": "https://elsewhere.invalid/2", "type": "BadgeClass"}',
        "json-not-an-object": b'"just a string"',
        "json-ob3-10-mb-name": json.dumps(credential(name="n" * TEN_MB)).encode(),
        "text-10-mb": b"x" * TEN_MB,
        "text-empty": b"",
    }
    return [Item(name, data, "document", "application/json") for name, data in items.items()]


def _jws_items() -> list[Item]:
    payload = json.dumps(assertion(verification={"type": "signed", "creator": "https://issuer.invalid/k"}))
    ob3 = json.dumps({"vc": credential(), "iss": "https://issuer.invalid/", "sub": "earner@example.org"})
    items = {
        "jws-10-mb-segment": _jws({"alg": "RS256"}, payload.encode(), b"s" * TEN_MB),
        "jws-garbage-segments": b"eyJ%%%.\xff\xfe.!!!",
        "jws-alg-none": _jws({"alg": "none"}, payload.encode(), b""),
        "jws-alg-hs256": _jws({"alg": "HS256"}, payload.encode()),
        "jws-header-not-json": f"{_b64url(b'{{{')}.{_b64url(payload.encode())}.c2ln".encode(),
        "vc-jwt-alg-none": _jws({"alg": "none", "typ": "JWT"}, ob3.encode(), b""),
        "vc-jwt-forged-ed25519": _jws({"alg": "EdDSA", "kid": "did:key:z6Mk#0"}, ob3.encode()),
    }
    return [Item(name, data, "document", "text/plain") for name, data in items.items()]


def _zip(entries: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _zip_items() -> list[Item]:
    badge = bake_png(_png(), json.dumps(assertion()))
    bomb = _zip({f"badge-{i}.json": b"{" + b" " * (100 * 1024 * 1024) for i in range(3)})
    items = {
        "zip-bomb": bomb,
        "zip-path-traversal": _zip(
            {"../../etc/cron.d/badge.png": badge, "/abs/badge.png": badge, "C:/win/badge.png": badge}
        ),
        "zip-nested": _zip({"inner.zip": _zip({"inner2.zip": _zip({"badge.png": badge})})}),
        "zip-truncated": _zip({"badge.png": badge})[:60],
    }
    return [Item(name, data, "archive", "application/zip") for name, data in items.items()]


@functools.cache
def corpus() -> dict[str, Item]:
    """Every item, by name (made once)."""
    items = [*_png_items(), *_svg_items(), *_json_items(), *_jws_items(), *_zip_items()]
    return {item.name: item for item in items}


def names() -> list[str]:
    """The items' names without making them (for test ids at collection time)."""
    return list(corpus())
