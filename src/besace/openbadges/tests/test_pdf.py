"""Badges inside PDF files: read from attachments; hostile PDFs raise only BakingError."""

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfWriter

from besace.openbadges.errors import BakingError
from besace.openbadges.images import read_image_payload
from besace.openbadges.pdf import read_pdf_payload
from besace.openbadges.png import bake_png

from .samples import make_png


def _pdf_with(attachments: dict[str, bytes]) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    for name, content in attachments.items():
        writer.add_attachment(name, content)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_it_reads_an_attached_assertion():
    payload = read_image_payload(_pdf_with({"openbadge.json": b'{"id": "https://a.example/1"}'}))
    assert payload.text == '{"id": "https://a.example/1"}' and not payload.is_ob3_credential


def test_it_reads_an_attached_ob3_credential_jwt():
    payload = read_pdf_payload(_pdf_with({"openbadgecredential.jwt": b"aaa.bbb.ccc"}))
    assert payload.text == "aaa.bbb.ccc" and payload.is_ob3_credential


def test_it_reads_an_attached_baked_image():
    baked = bake_png(make_png(), "https://a.example/assertions/1")
    assert read_pdf_payload(_pdf_with({"notes.txt": b"hello", "badge.png": baked})).text == (
        "https://a.example/assertions/1"
    )


def test_a_pdf_without_a_badge_carries_none():
    assert read_pdf_payload(_pdf_with({"notes.txt": b"hello"})) is None


def test_a_broken_pdf_raises_a_baking_error():
    with pytest.raises(BakingError):
        read_pdf_payload(b"%PDF-1.7\n this is not a PDF at all")


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_after_a_pdf_header_raise_only_baking_errors(tail):
    try:
        read_pdf_payload(b"%PDF-1.4\n" + tail)
    except BakingError:
        pass
