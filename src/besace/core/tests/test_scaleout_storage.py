"""Media in S3-compatible object storage (BESACE_STORAGE=s3), against moto's in-process S3: uploads, baked
images and certificates work without any local file."""

import io
import json

import boto3
import pypdf
import pytest
from django.urls import reverse

from besace.backpack import certificates
from besace.backpack.services import assertion_accept
from besace.issuing.models import BadgeClass
from besace.issuing.services import AwardRequest, badge_award
from besace.issuing.tests.conftest import badge_class_data, png_upload  # noqa: F401 (a fixture)
from besace.openbadges.png import unbake_png

moto = pytest.importorskip("moto", reason="moto (dev dependency) is needed for the object storage tests")

BUCKET = "besace-media"


@pytest.fixture
def s3(settings, monkeypatch):
    """The default storage is an S3 bucket (moto's, in this process); yields a boto3 client on it."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
    }.items():
        monkeypatch.setenv(name, value)
    with moto.mock_aws():
        client = boto3.client("s3", region_name="eu-west-3")
        client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {"bucket_name": BUCKET, "region_name": "eu-west-3", "file_overwrite": False},
            },
        }
        yield client


def _keys(client) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_badge_image_award_baked_image_and_certificate_with_object_storage(
    s3,
    settings,
    login,
    owner,
    issuer,
    earner,
    badge_class_data,  # noqa: F811 (the imported fixture)
):
    client = login(owner)
    response = client.post(
        reverse("issuing:badgeclass_create", args=[issuer.public_id]),
        badge_class_data(name="Cloud", image=png_upload("cloud.png")),
    )
    assert response.status_code == 302
    badge_class = BadgeClass.objects.get(name="Cloud")
    assert _keys(s3) == [badge_class.image.name]
    stored = s3.get_object(Bucket=BUCKET, Key=badge_class.image.name)["Body"].read()
    assert stored == png_upload().read()

    image = client.get(f"/public/badges/{badge_class.public_id}/image")
    assert image.status_code == 200 and image.content == stored

    assertion = badge_award(badge_class=badge_class, award=AwardRequest(email=earner.email), actor=owner)
    baked = client.get(f"/public/assertions/{assertion.public_id}/baked.png")
    assert baked.status_code == 200
    assert json.loads(unbake_png(baked.content))["id"] == assertion.public_url

    entry = assertion_accept(assertion=assertion, user=earner)
    assert certificates.badge_image_data_uri(entry).startswith("data:image/png;base64,")
    pdf = login(earner).get(reverse("backpack:certificate", args=[entry.public_id]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(pdf.content))
    assert "Cloud" in reader.pages[0].extract_text()
    assert any(page.images for page in reader.pages)  # the badge image, read from the bucket

    assert not settings.MEDIA_ROOT.exists() or not any(settings.MEDIA_ROOT.rglob("*.*"))
