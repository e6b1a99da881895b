"""Baked badge images: the badge class image carrying the hosted assertion."""

import json
import struct

from django.urls import reverse

from besace.openbadges.png import unbake_png
from besace.openbadges.svg import unbake_svg


def _chunks(png: bytes, chunk_type: bytes) -> list[bytes]:
    found, position = [], 8
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        if png[position + 4 : position + 8] == chunk_type:
            found.append(png[position + 8 : position + 8 + length])
        position += 12 + length
    return found


def test_it_bakes_the_hosted_assertion_into_a_png(client, award, badge_class):
    assertion = award()
    response = client.get(f"/public/assertions/{assertion.public_id}/baked.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    baked = response.content
    hosted = client.get(reverse("public:assertion_json", args=[assertion.public_id])).json()
    assert json.loads(unbake_png(baked)) == hosted
    assert len(_chunks(baked, b"iTXt")) == 1
    with badge_class.image.open("rb") as handle:
        original = handle.read()
    assert _chunks(baked, b"IDAT") == _chunks(original, b"IDAT")
    assert _chunks(baked, b"IHDR") == _chunks(original, b"IHDR")


def test_it_has_no_svg_for_a_png_badge(client, award):
    assert client.get(f"/public/assertions/{award().public_id}/baked.svg").status_code == 404


def test_it_bakes_the_hosted_assertion_into_an_svg(client, award, svg_badge_class):
    assertion = award(badge_class=svg_badge_class)
    response = client.get(f"/public/assertions/{assertion.public_id}/baked.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "sandbox" in response["Content-Security-Policy"]
    hosted = client.get(reverse("public:assertion_json", args=[assertion.public_id])).json()
    assert json.loads(unbake_svg(response.content)) == hosted
    assert f'verify="{assertion.public_url}"'.encode() in response.content
    assert hosted["image"] == assertion.baked_svg_url


def test_it_has_no_png_for_an_svg_badge(client, award, svg_badge_class):
    assertion = award(badge_class=svg_badge_class)
    assert client.get(f"/public/assertions/{assertion.public_id}/baked.png").status_code == 404


def test_it_names_the_baked_file_after_the_badge(client, award):
    response = client.get(f"/public/assertions/{award().public_id}/baked.png")
    assert response["Content-Disposition"].startswith("inline; filename*=UTF-8''Python-")


def test_it_bakes_the_revocation_into_a_revoked_badge(client, award, owner):
    from besace.issuing.services import assertion_revoke

    assertion = award()
    assertion_revoke(assertion=assertion, reason="Fraud", actor=owner)
    baked = client.get(f"/public/assertions/{assertion.public_id}/baked.png").content
    assert json.loads(unbake_png(baked))["revoked"] is True
