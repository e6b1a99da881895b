"""File blocks: size-limited, type-checked from the bytes; images shown, PDFs downloaded safely."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from besace.demo.images import badge_png
from besace.pages.models import Block

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "JPEG")
    return out.getvalue()


def _upload(client, page, name: str, content: bytes, caption: str = ""):
    return client.post(
        reverse("pages:block_add", args=[page.public_id]),
        {"kind": "file", "file-file": SimpleUploadedFile(name, content), "file-text": caption},
    )


@pytest.fixture
def page(make_page):
    return make_page(visibility="public")


def test_an_image_is_shown_with_safe_headers(login, earner, page, client):
    _upload(login(earner), page, "me.jpeg.exe", _jpeg(), caption="At work")
    block = page.blocks.get()
    assert (block.kind, block.file_type) == (Block.Kind.FILE, "image/jpeg")
    assert block.file_name == "me.jpeg.jpg"  # named after what its bytes are, not what it claimed
    client.logout()
    file_url = reverse("pages:file", args=[page.public_id, block.pk])
    html = client.get(reverse("pages:page", args=[page.public_id])).content.decode()
    assert f'<img src="{file_url}" alt="At work">' in html
    response = client.get(file_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]


def test_a_pdf_is_a_download_never_rendered(login, earner, page, client):
    _upload(login(earner), page, "cv.pdf", PDF, caption="My CV")
    block = page.blocks.get()
    assert block.file_type == "application/pdf"
    client.logout()
    html = client.get(reverse("pages:page", args=[page.public_id])).content.decode()
    assert "My CV" in html
    response = client.get(reverse("pages:file", args=[page.public_id, block.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert (
        response["Content-Disposition"].startswith("attachment;")
        and "cv.pdf" in response["Content-Disposition"]
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("page.html", b"<html><script>alert(1)</script></html>"),
        ("image.png", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"),
        ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
        ("broken.png", badge_png()[:60]),
        ("tool.exe", b"MZ\x90\x00" + b"\x00" * 100),
        ("empty.pdf", b""),
    ],
)
def test_other_types_and_damaged_files_are_refused(login, earner, page, name, content):
    response = _upload(login(earner), page, name, content)
    assert response.status_code == 400
    text = response.content.decode()
    assert "Choose an image" in text or "empty" in text or "image is damaged" in text
    assert not page.blocks.exists()


def test_a_file_over_the_limit_is_refused(login, earner, page, settings):
    settings.BESACE_MAX_IMPORT_BYTES = 1000
    response = _upload(login(earner), page, "big.pdf", PDF + b"0" * 1000)
    assert response.status_code == 400 and "too large" in response.content.decode()
    assert not page.blocks.exists()


def test_a_file_is_served_only_to_those_who_may_see_the_page(login, earner, make_page, client, make_user):
    page = make_page(visibility="private")
    _upload(login(earner), page, "cv.pdf", PDF)
    block = page.blocks.get()
    url = reverse("pages:file", args=[page.public_id, block.pk])
    assert client.get(url).status_code == 200
    client.force_login(make_user("other@example.org"))
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404


def test_replacing_and_deleting_a_file_removes_the_stored_one(
    login, earner, page, django_capture_on_commit_callbacks
):
    client = login(earner)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, page, "cv.pdf", PDF)
    block = page.blocks.get()
    first = block.file.name
    edit = reverse("pages:block_edit", args=[page.public_id, block.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit, {"file": SimpleUploadedFile("photo.png", badge_png()), "text": "Me"})
    block.refresh_from_db()
    assert block.file_type == "image/png" and block.text == "Me"
    assert not default_storage.exists(first) and default_storage.exists(block.file.name)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit, {"text": "Only the caption"})
    block.refresh_from_db()
    assert block.text == "Only the caption" and default_storage.exists(block.file.name)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("pages:block_delete", args=[page.public_id, block.pk]))
    assert not default_storage.exists(block.file.name)
