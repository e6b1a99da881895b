"""Every path by which an image gets kept refuses, with a clear message and never a server error, a
decompression bomb (a tiny file declaring 30000 x 30000 pixels), a truncated or damaged PNG, a file that is
not an image whatever its name, and a file over the byte limit (besace.core.images)."""

import base64
import io
import random
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from besace.api.tests.test_it_replays_moodle_site_issuer import moodle_badge_class, moodle_issuer, post, token
from besace.backpack import imports
from besace.backpack.models import BackpackBadge
from besace.core.images import raster_check, svg_check
from besace.demo.images import badge_png
from besace.issuing.models import BadgeClass
from besace.issuing.tests.conftest import badge_class_data  # noqa: F401 - a fixture
from besace.openbadges.png import bake_png
from besace.openbadges.verify.verifier import BadgeInput
from besace.pages.models import Page
from besace.pages.services import page_create
from besace.testing.client_fetcher import ClientFetcher


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(width: int = 30000, height: int = 30000) -> bytes:
    """A real 1 x 1 PNG whose header (CRC recomputed) declares ``width`` x ``height``."""
    buffer = io.BytesIO()
    Image.new("RGB", (1, 1)).save(buffer, format="PNG")
    png = buffer.getvalue()
    header = png[16:29]  # IHDR data: width, height, then 5 bytes of depth, colour type...
    return png[:8] + _chunk(b"IHDR", struct.pack(">II", width, height) + header[8:]) + png[33:]


def noise_png(side: int = 200) -> bytes:
    """A PNG of random pixels, which does not compress: over 100 KB for 200 x 200."""
    buffer = io.BytesIO()
    Image.frombytes("RGB", (side, side), random.Random(7).randbytes(side * side * 3)).save(
        buffer, format="PNG"
    )
    return buffer.getvalue()


def damaged_png() -> bytes:
    """Garbage in the image data behind a valid CRC: only decoding notices."""
    png = badge_png()
    start = png.index(b"IDAT")
    (length,) = struct.unpack(">I", png[start - 4 : start])
    data = bytearray(png[start + 4 : start + 4 + length])
    data[10:40] = b"\x00" * 30
    return png[: start - 4] + _chunk(b"IDAT", bytes(data)) + png[start + 8 + length :]


BAD = {
    "bomb": (bomb_png, "too many pixels"),
    "truncated": (lambda: badge_png()[:600], "damaged"),
    "damaged": (damaged_png, "damaged"),
    "not an image": (lambda: b"These are my notes, not an image.\n", ""),
    "oversize": (lambda: noise_png(), "too large"),
}


@pytest.fixture(autouse=True)
def _small_limit(settings):
    """The noise PNG is over it, the badge PNGs well under it."""
    settings.BESACE_MAX_IMAGE_BYTES = 60 * 1024
    assert len(noise_png()) > settings.BESACE_MAX_IMAGE_BYTES > len(badge_png())


def _errors_mention(messages: list[str], expected: str) -> bool:
    return any(expected.lower() in message.lower() for message in messages)


@pytest.mark.parametrize("kind", BAD)
def test_the_one_check(kind):
    make, expected = BAD[kind]
    with pytest.raises(ValidationError) as refused:
        raster_check(make())
    assert _errors_mention(refused.value.messages, expected)


def test_a_bomb_inside_an_svg_is_refused_too():
    encoded = base64.b64encode(bomb_png()).decode()
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        f'<image width="10" height="10" xlink:href="data:image/png;base64,{encoded}"/></svg>'
    ).encode()
    with pytest.raises(ValidationError, match="too many pixels"):
        svg_check(svg)


def test_an_image_at_the_limits_is_accepted(settings):
    settings.BESACE_MAX_IMAGE_PIXELS = 64 * 64
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64)).save(buffer, format="PNG")
    assert raster_check(buffer.getvalue()) == "image/png"
    with pytest.raises(ValidationError, match="65 × 64"):
        raster_check(bomb_png(65, 64))


@pytest.mark.parametrize("kind", BAD)
def test_the_badge_class_form(login, owner, issuer, badge_class_data, kind):  # noqa: F811
    make, expected = BAD[kind]
    image = SimpleUploadedFile("badge.png", make(), content_type="image/png")
    response = login(owner).post(
        reverse("issuing:badgeclass_create", args=[issuer.public_id]), badge_class_data(image=image)
    )
    assert response.status_code == 200
    assert _errors_mention(response.context["form"].errors["image"], expected)
    assert not BadgeClass.objects.exists()


@pytest.mark.parametrize("kind", BAD)
def test_the_issuer_form(login, owner, issuer, kind):
    make, expected = BAD[kind]
    data = {"name": issuer.name, "description": "", "url": issuer.url, "email": issuer.email}
    data["image"] = SimpleUploadedFile("logo.png", make(), content_type="image/png")
    response = login(owner).post(reverse("issuing:issuer_edit", args=[issuer.public_id]), data)
    assert response.status_code == 200
    assert _errors_mention(response.context["form"].errors["image"], expected)
    issuer.refresh_from_db()
    assert not issuer.image


@pytest.mark.parametrize("kind", BAD)
def test_the_badgr_api_issuer_and_badge_class(client, owner, issuer, kind):
    make, expected = BAD[kind]
    headers = token(client, owner.email)
    image = "data:image/png;base64," + base64.b64encode(make()).decode()
    created = post(client, "/v2/issuers", {**moodle_issuer(), "image": image}, headers)
    assert created.status_code == 400 and "image" in created.json()["fieldErrors"]
    badge_class = {**moodle_badge_class(), "image": image}
    created = post(client, f"/v2/issuers/{issuer.public_id}/badgeclasses", badge_class, headers)
    assert created.status_code == 400 and _errors_mention(created.json()["fieldErrors"]["image"], expected)
    assert not BadgeClass.objects.exists()


@pytest.fixture
def import_fetcher(monkeypatch, settings):
    fetcher = ClientFetcher(settings.BESACE_BASE_URL)
    monkeypatch.setattr("besace.backpack.views.badge_fetcher", lambda: fetcher)
    return fetcher


@pytest.mark.parametrize("kind", ["bomb", "damaged", "oversize"])  # baked: what only decoding finds
def test_a_baked_badge_uploaded_to_the_backpack(login, earner, award, import_fetcher, kind):
    make, expected = BAD[kind]
    baked = bake_png(make(), award("earner@example.org").public_url)
    response = login(earner).post(
        reverse("backpack:import"),
        {"image": SimpleUploadedFile("badge.png", baked, content_type="image/png")},
    )
    assert response.status_code == 422
    assert expected in response.content.decode().lower()
    assert not BackpackBadge.objects.exists()


@pytest.mark.parametrize("kind", BAD)
def test_an_image_fetched_while_importing_is_not_kept(earner, award, badge_class, settings, kind):
    """The badge is the issuer's: it is still imported, without the image that failed."""
    make, _expected = BAD[kind]
    badge_class.image.save("badge.png", ContentFile(make()))  # as a careless issuer's site would serve it
    entry = imports.badge_import(
        user=earner,
        source=BadgeInput(url=award("earner@example.org").public_url),
        fetcher=ClientFetcher(settings.BESACE_BASE_URL),
    )
    assert not entry.image


@pytest.mark.parametrize("kind", BAD)
def test_a_page_image_block(login, earner, kind):
    make, expected = BAD[kind]
    page = page_create(owner=earner, title="Mine", theme=Page.Theme.CLAIR, visibility=Page.Visibility.PUBLIC)
    response = login(earner).post(
        reverse("pages:block_add", args=[page.public_id]),
        {"kind": "file", "file-file": SimpleUploadedFile("photo.png", make()), "file-text": ""},
    )
    assert response.status_code == 400
    assert _errors_mention([response.content.decode()], expected or "Choose an image")
    assert not page.blocks.exists()
