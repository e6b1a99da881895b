"""Hostile inputs: whatever bytes come in, only OpenBadgesError comes out."""

import json
import struct
import zlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from besace.openbadges.errors import BakingError, OpenBadgesError
from besace.openbadges.images import sniff_image_type
from besace.openbadges.png import bake_png, unbake_png
from besace.openbadges.svg import bake_svg, unbake_svg

from .samples import SVG_BYTES, make_png

BAKED_PNG = bake_png(make_png(16, 16), '{"id": "https://x/a"}')
BAKED_SVG = bake_svg(SVG_BYTES, verify="https://x/a", assertion_json='{"id": "https://x/a"}')
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def never_raises_other_errors(data: bytes) -> None:
    for reader in (unbake_png, unbake_svg, sniff_image_type):
        try:
            reader(data)
        except OpenBadgesError:
            pass


@st.composite
def mutated(draw: st.DrawFn, original: bytes) -> bytes:
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 8))):
        position = draw(st.integers(0, len(data)))
        operation = draw(st.sampled_from(["flip", "insert", "delete", "truncate"]))
        if operation == "flip" and position < len(data):
            data[position] = draw(st.integers(0, 255))
        elif operation == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=8))
        elif operation == "delete":
            del data[position : position + draw(st.integers(1, 16))]
        else:
            del data[position:]
    return bytes(data)


@FUZZ
@given(st.binary(max_size=512))
def test_random_bytes_only_raise_open_badges_errors(data):
    never_raises_other_errors(data)


@FUZZ
@given(st.binary(max_size=256))
def test_random_bytes_after_a_png_signature_only_raise_open_badges_errors(data):
    never_raises_other_errors(b"\x89PNG\r\n\x1a\n" + data)


@FUZZ
@given(mutated(BAKED_PNG))
def test_mutated_pngs_only_raise_open_badges_errors(data):
    never_raises_other_errors(data)


@FUZZ
@given(mutated(BAKED_SVG))
def test_mutated_svgs_only_raise_open_badges_errors(data):
    never_raises_other_errors(data)


@FUZZ
@given(st.binary(max_size=64), st.sampled_from([b"iTXt", b"tEXt", b"zTXt"]), st.booleans())
def test_badge_chunks_with_valid_crcs_and_random_bodies_only_raise_baking_errors(body, chunk_type, zipped):
    prefix = b"openbadges\0" + (b"\1\0" if zipped and chunk_type == b"iTXt" else b"")
    data = prefix + body
    badge_chunk = (
        struct.pack(">I", len(data)) + chunk_type + data + struct.pack(">I", zlib.crc32(chunk_type + data))
    )
    png = make_png(4, 4)
    try:
        unbake_png(png[:33] + badge_chunk + png[33:])
    except BakingError:
        pass


@FUZZ
@given(st.text(max_size=200))
def test_any_text_round_trips_through_png_or_is_refused(text):
    try:
        baked = bake_png(BAKED_PNG, text)
    except BakingError:
        return
    assert unbake_png(baked) == text


@FUZZ
@given(st.text(max_size=200), st.text(max_size=100))
def test_any_json_and_url_round_trip_through_svg_or_are_refused(value, url):
    assertion_json = json.dumps({"narrative": value}, ensure_ascii=False)
    try:
        hosted = bake_svg(BAKED_SVG, verify=url, assertion_json=assertion_json)
    except BakingError:
        pass
    else:
        assert unbake_svg(hosted) == assertion_json
    try:
        signed = bake_svg(BAKED_SVG, verify=url)
    except BakingError:
        return
    assert unbake_svg(signed) == url


@pytest.mark.parametrize("size", [0, 1, 7, 8, 9, 33, 40])
def test_every_prefix_of_a_baked_png_only_raises_baking_errors(size):
    with pytest.raises(BakingError):
        unbake_png(BAKED_PNG[:size])
