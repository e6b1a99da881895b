import struct
import zlib

import pytest

from besace.openbadges.baked import BakedPayload
from besace.openbadges.errors import BakingError
from besace.openbadges.png import bake_png, check_png, read_png_payload, unbake_png

from .samples import make_png

VALIDATOR_SAMPLES = "digital-credentials-public-validator/inspector-vc/src/test/resources/"
ASSERTION_JSON = '{"@context": "https://w3id.org/openbadges/v2", "name": "Électricité ✓"}'


def chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """(type, data) of each chunk, parsed independently of the code under test."""
    found, position = [], 8
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        found.append((png[position + 4 : position + 8], png[position + 8 : position + 8 + length]))
        position += 12 + length
    return found


def chunk(chunk_type: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + chunk_type + data + struct.pack(">I", zlib.crc32(chunk_type + data))


def with_chunk_after_ihdr(png: bytes, extra: bytes) -> bytes:
    ihdr_end = 8 + 12 + 13
    return png[:ihdr_end] + extra + png[ihdr_end:]


def test_it_round_trips_a_payload(png_bytes):
    baked = bake_png(png_bytes, ASSERTION_JSON)
    assert unbake_png(baked) == ASSERTION_JSON
    assert read_png_payload(baked) == BakedPayload(ASSERTION_JSON, is_ob3_credential=False)


def test_it_bakes_one_uncompressed_itxt_chunk_right_after_ihdr(png_bytes):
    baked = bake_png(png_bytes, "https://example.org/assertion")
    types = [chunk_type for chunk_type, _ in chunks(baked)]
    assert types[:2] == [b"IHDR", b"iTXt"]
    assert chunks(baked)[1][1] == b"openbadges\0\0\0\0\0https://example.org/assertion"


def test_it_keeps_the_image_data_byte_identical():
    original = make_png(400, 400)  # big enough for Pillow to write several IDAT chunks
    idat = [data for chunk_type, data in chunks(original) if chunk_type == b"IDAT"]
    assert len(idat) > 1
    baked = bake_png(original, ASSERTION_JSON)
    assert [data for chunk_type, data in chunks(baked) if chunk_type == b"IDAT"] == idat
    assert [c for c in chunks(baked) if c[0] != b"iTXt"] == chunks(original)


def test_it_writes_a_png_pillow_still_decodes_to_the_same_pixels(png_bytes):
    import io

    from PIL import Image

    baked = bake_png(png_bytes, ASSERTION_JSON)
    assert Image.open(io.BytesIO(baked)).tobytes() == Image.open(io.BytesIO(png_bytes)).tobytes()


def test_it_replaces_rather_than_duplicates_when_rebaking(png_bytes):
    twice = bake_png(bake_png(png_bytes, "first"), "second")
    assert unbake_png(twice) == "second"
    assert [chunk_type for chunk_type, _ in chunks(twice)].count(b"iTXt") == 1
    assert twice == bake_png(png_bytes, "second")


def test_it_replaces_badges_of_the_other_version_and_old_text_chunks(png_bytes):
    legacy = with_chunk_after_ihdr(png_bytes, chunk(b"tEXt", b"openbadges\0https://old.example/a"))
    ob3 = bake_png(legacy, "eyJ.credential.jws", keyword="openbadgecredential")
    assert read_png_payload(ob3) == BakedPayload("eyJ.credential.jws", is_ob3_credential=True)
    ob2 = bake_png(ob3, "https://example.org/a")
    assert [chunk_type for chunk_type, _ in chunks(ob2)].count(b"iTXt") == 1
    assert b"tEXt" not in [chunk_type for chunk_type, _ in chunks(ob2)]
    assert read_png_payload(ob2) == BakedPayload("https://example.org/a", is_ob3_credential=False)


def test_it_keeps_unrelated_text_chunks(png_bytes):
    annotated = with_chunk_after_ihdr(png_bytes, chunk(b"tEXt", b"Author\0Besace"))
    assert b"Author\0Besace" in bake_png(annotated, "x")


def test_it_reads_legacy_text_chunks(png_bytes):
    legacy = with_chunk_after_ihdr(png_bytes, chunk(b"tEXt", b"openbadges\0https://example.org/a"))
    assert unbake_png(legacy) == "https://example.org/a"


def test_it_reads_compressed_itxt_and_ztxt_chunks(png_bytes):
    compressed = zlib.compress(ASSERTION_JSON.encode())
    itxt = with_chunk_after_ihdr(png_bytes, chunk(b"iTXt", b"openbadges\0\1\0en\0\0" + compressed))
    assert unbake_png(itxt) == ASSERTION_JSON
    ztxt = with_chunk_after_ihdr(png_bytes, chunk(b"zTXt", b"openbadges\0\0" + zlib.compress(b"https://x/a")))
    assert unbake_png(ztxt) == "https://x/a"


def test_it_returns_none_for_an_unbaked_png(png_bytes):
    assert unbake_png(png_bytes) is None


def test_it_refuses_a_decompression_bomb(png_bytes):
    bomb = zlib.compress(b" " * (3 * 1024 * 1024), 9)
    bombed = with_chunk_after_ihdr(png_bytes, chunk(b"iTXt", b"openbadges\0\1\0\0\0" + bomb))
    with pytest.raises(BakingError, match="too large"):
        unbake_png(bombed)


def test_it_refuses_two_different_badges(png_bytes):
    twice = with_chunk_after_ihdr(bake_png(png_bytes, "a"), chunk(b"tEXt", b"openbadges\0b"))
    with pytest.raises(BakingError, match="several"):
        unbake_png(twice)


@pytest.mark.parametrize(
    "damage",
    [
        lambda png: b"GIF89a" + png[6:],  # wrong signature
        lambda png: png[:-20],  # truncated, no IEND
        lambda png: png[:30] + bytes([png[30] ^ 0xFF]) + png[31:],  # CRC mismatch in IHDR
        lambda png: png[:8] + png[33:],  # IHDR missing
        lambda png: with_chunk_after_ihdr(png, chunk(b"iTXt", b"openbadges\0\2\0\0\0text")),
        lambda png: with_chunk_after_ihdr(png, chunk(b"iTXt", b"openbadges\0\0\0no-nulls")),
        lambda png: with_chunk_after_ihdr(png, chunk(b"iTXt", b"openbadges\0\0\0\0\0\xff\xfe")),
        lambda png: with_chunk_after_ihdr(png, chunk(b"iTXt", b"openbadges\0\1\0\0\0not zlib")),
        lambda png: with_chunk_after_ihdr(
            png, chunk(b"iTXt", b"openbadges\0\1\0\0\0" + zlib.compress(b"x")[:-3])
        ),
    ],
    ids=[
        "signature",
        "truncated",
        "crc",
        "no-ihdr",
        "compression-flag",
        "itxt-fields",
        "utf8",
        "zlib",
        "zlib-cut",
    ],
)
def test_it_raises_baking_error_on_malformed_pngs(png_bytes, damage):
    with pytest.raises(BakingError):
        unbake_png(damage(png_bytes))


def with_image_data_crc_broken(png: bytes) -> bytes:
    idat = png.index(b"IDAT")
    (length,) = struct.unpack(">I", png[idat - 4 : idat])
    crc_at = idat + 4 + length
    return png[:crc_at] + bytes([png[crc_at] ^ 0xFF]) + png[crc_at + 1 :]


def test_baking_copies_image_data_without_checking_its_crc_which_check_png_does(png_bytes):
    damaged = with_image_data_crc_broken(png_bytes)
    baked = bake_png(damaged, ASSERTION_JSON)
    assert unbake_png(baked) == ASSERTION_JSON
    assert [c for c in chunks(baked) if c[0] == b"IDAT"] == [c for c in chunks(damaged) if c[0] == b"IDAT"]
    check_png(png_bytes)
    with pytest.raises(BakingError, match="bad CRC in PNG b'IDAT'"):
        check_png(damaged)


def test_it_refuses_an_unknown_keyword(png_bytes):
    with pytest.raises(BakingError):
        bake_png(png_bytes, "x", keyword="comment")


@pytest.mark.parametrize(
    ("path", "is_ob3", "start"),
    [
        ("openbadges-bakery/openbadges_bakery/testfiles/baked_heart.png", False, '{"uid":"123"'),
        ("openbadges-validator-core/tests/testfiles/baked_heart.png", False, "{"),
        (VALIDATOR_SAMPLES + "ob20/simple-badge.png", False, "{"),
        (VALIDATOR_SAMPLES + "ob30/simple-json.png", True, "{"),
        (VALIDATOR_SAMPLES + "ob30/simple-jwt.png", True, "eyJ"),
        (VALIDATOR_SAMPLES + "ob30/simple-jwt_v1.png", True, "eyJ"),
    ],
)
def test_it_unbakes_badges_baked_by_other_tools(shared_fixtures, path, is_ob3, start):
    payload = read_png_payload((shared_fixtures / path).read_bytes())
    assert payload is not None
    assert payload.is_ob3_credential is is_ob3
    assert payload.text.startswith(start)


@pytest.mark.parametrize(
    "path",
    [
        "openbadges-bakery/openbadges_bakery/testfiles/public_domain_heart.png",
        "openbadges-validator-core/tests/testfiles/public_domain_heart.png",
        VALIDATOR_SAMPLES + "ob20/assets/robotics-badge.png",
    ],
)
def test_it_finds_nothing_in_unbaked_fixtures(shared_fixtures, path):
    assert unbake_png((shared_fixtures / path).read_bytes()) is None


def test_it_rebakes_a_fixture_keeping_its_other_chunks(shared_fixtures):
    path = VALIDATOR_SAMPLES + "ob30/simple-json.png"
    original = (shared_fixtures / path).read_bytes()
    rebaked = bake_png(original, "eyJ.new.jws", keyword="openbadgecredential")
    assert unbake_png(rebaked) == "eyJ.new.jws"
    untouched = [c for c in chunks(original) if c[0] != b"iTXt"]
    assert [c for c in chunks(rebaked) if c[0] != b"iTXt"] == untouched
