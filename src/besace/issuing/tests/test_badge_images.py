"""Badge images: PNG or SVG are accepted; anything else is refused with a clear message."""

import io
import struct
import zlib

import pytest
from django.urls import reverse
from PIL import Image

from besace.demo.images import badge_png, badge_svg
from besace.issuing.models import BadgeClass
from besace.issuing.tests.conftest import png_upload, svg_upload

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE svg [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&lol3;</text></svg>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&secret;</text></svg>
"""


def _with_idat_damaged(png: bytes) -> bytes:
    """The same PNG with garbage in its image data, its CRC recomputed so only decoding notices."""
    start = png.index(b"IDAT")
    (length,) = struct.unpack(">I", png[start - 4 : start])
    data = bytearray(png[start + 4 : start + 4 + length])
    data[10:40] = b"\x00" * 30
    crc = struct.pack(">I", zlib.crc32(b"IDAT" + bytes(data)))
    return png[: start + 4] + bytes(data) + crc + png[start + 8 + length :]


def _with_idat_crc_broken(png: bytes) -> bytes:
    """The same PNG, its image data intact but the CRC that guards it wrong: decoders differ on it."""
    start = png.index(b"IDAT")
    (length,) = struct.unpack(">I", png[start - 4 : start])
    crc_at = start + 4 + length
    return png[:crc_at] + bytes([png[crc_at] ^ 0xFF]) + png[crc_at + 1 :]


def _post(client, issuer, badge_class_data, image):
    return client.post(
        reverse("issuing:badgeclass_create", args=[issuer.public_id]), badge_class_data(image=image)
    )


@pytest.mark.parametrize(("upload", "kind"), [(png_upload(), "png"), (svg_upload(), "svg")])
def test_it_accepts_png_and_svg(login, owner, issuer, badge_class_data, upload, kind):
    upload.seek(0)
    response = _post(login(owner), issuer, badge_class_data, upload)
    assert response.status_code == 302
    assert BadgeClass.objects.get(name="Data analysis").image_kind == kind


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (png_upload("notes.png", b"These are my notes, not an image.\n"), "must be a PNG or an SVG"),
        (png_upload("half.png", badge_png()[:600]), "image is damaged"),
        (png_upload("damaged.png", _with_idat_damaged(badge_png())), "image is damaged"),
        (png_upload("bad-crc.png", _with_idat_crc_broken(badge_png())), "image is damaged"),
        (png_upload("no-end.png", badge_png()[:-12]), "image is damaged"),
        (svg_upload("laughs.svg", BILLION_LAUGHS), "cannot be read safely"),
        (svg_upload("xxe.svg", EXTERNAL_ENTITY), "cannot be read safely"),
        (svg_upload("html.svg", b"<html><body>hello</body></html>"), "cannot be read safely"),
        (
            svg_upload(
                "utf16.svg",
                badge_svg()
                .decode()
                .replace("<svg", '<?xml version="1.0" encoding="UTF-16"?><svg', 1)
                .encode("utf-16"),
            ),
            "UTF-8",
        ),
        (
            svg_upload("script.svg", badge_svg().replace(b"</svg>", b"<script>alert(1)</script></svg>")),
            "a <script> element",
        ),
        (
            svg_upload(
                "pixel.svg",
                badge_svg().replace(b"</svg>", b'<image href="https://tracker.example/p.png"/></svg>'),
            ),
            "reference to another resource",
        ),
    ],
    ids=[
        "text-renamed-png",
        "truncated-png",
        "damaged-idat",
        "idat-crc",
        "no-iend",
        "billion-laughs",
        "external-entity",
        "html",
        "utf16-svg",
        "script-svg",
        "tracking-svg",
    ],
)
def test_it_refuses_what_is_not_a_usable_image(login, owner, issuer, badge_class_data, upload, message):
    response = _post(login(owner), issuer, badge_class_data, upload)
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors["image"])
    assert not BadgeClass.objects.exists()


def test_it_refuses_an_image_over_the_size_limit(login, owner, issuer, badge_class_data, settings):
    settings.BESACE_MAX_IMAGE_BYTES = 1024
    response = _post(login(owner), issuer, badge_class_data, png_upload(content=badge_png() + b"\0" * 2048))
    assert "The image is too large" in response.context["form"].errors["image"][0]
    assert not BadgeClass.objects.exists()


def test_it_refuses_an_image_with_too_many_pixels(login, owner, issuer, badge_class_data):
    buffer = io.BytesIO()
    Image.new("1", (5000, 5000)).save(buffer, format="PNG")
    response = _post(login(owner), issuer, badge_class_data, png_upload(content=buffer.getvalue()))
    assert "too many pixels" in response.context["form"].errors["image"][0]


def test_it_stores_an_image_by_what_it_is_not_by_its_name(login, owner, issuer, badge_class_data, client):
    _post(login(owner), issuer, badge_class_data, png_upload("looks-like.png", badge_svg()))
    badge_class = BadgeClass.objects.get()
    assert badge_class.image_kind == "svg"
    response = client.get(reverse("public:badgeclass_image", args=[badge_class.public_id]))
    assert response["Content-Type"] == "image/svg+xml"
