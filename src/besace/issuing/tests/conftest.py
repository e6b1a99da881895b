"""Uploads and form data for the issuing pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from besace.demo.images import badge_png, badge_svg


def png_upload(name: str = "badge.png", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, badge_png() if content is None else content, content_type="image/png")


def svg_upload(name: str = "badge.svg", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, badge_svg() if content is None else content, content_type="image/svg+xml")


@pytest.fixture
def badge_class_data():
    """What the "New badge" form posts, with an empty alignment formset; override keys as needed."""

    def data(**fields):
        return {
            "name": "Data analysis",
            "description": "Analyses data sets.",
            "image": png_upload(),
            "criteria_text": "Complete the **project**.",
            "criteria_url": "",
            "tags": "",
            "expires_after_days": "",
            "expires_on": "",
            "alignment-TOTAL_FORMS": "2",
            "alignment-INITIAL_FORMS": "0",
            "alignment-MIN_NUM_FORMS": "0",
            "alignment-MAX_NUM_FORMS": "20",
            **fields,
        }

    return data
