"""Backup and restore of a site whose files are in S3-compatible object storage (moto's, in this process)."""

import json

import pytest

from besace.core.tests.test_backup import backup, empty_database_and_storage, restore
from besace.core.tests.test_scaleout_storage import BUCKET, _keys, s3  # noqa: F401 (a fixture)
from besace.issuing.models import Assertion
from besace.openbadges.png import unbake_png

pytestmark = pytest.mark.django_db(transaction=True)


def _objects(client) -> dict[str, bytes]:
    return {key: client.get_object(Bucket=BUCKET, Key=key)["Body"].read() for key in _keys(client)}


def test_the_bucket_s_files_come_back_with_the_rows(s3, tmp_path, settings, client, award):  # noqa: F811
    assertion = award()
    before = _objects(s3)
    assert any(key.startswith("badges/") for key in before)
    archive = backup(tmp_path)

    for key in before:
        s3.delete_object(Bucket=BUCKET, Key=key)
    empty_database_and_storage(settings, tmp_path)
    restore(archive)

    assert _objects(s3) == before
    baked = client.get(f"/public/assertions/{assertion.public_id}/baked.png").content
    assert json.loads(unbake_png(baked))["id"] == Assertion.objects.get().public_url
