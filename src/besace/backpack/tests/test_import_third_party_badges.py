"""1EdTech's Open Badges 2.0 samples imported into a real backpack: the valid ones are kept, the
invalid ones refused on the check that fails, each sample a named test (skipped without ../shared)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from besace.backpack.models import BackpackBadge
from besace.openbadges.images import read_image_payload
from besace.openbadges.tests.verify.helpers import OB20, SAMPLE_RECIPIENT, example_org_fetcher
from besace.openbadges.tests.verify.test_ob20_samples import INVALID, VALID


@pytest.fixture
def sample_earner(make_user):
    return make_user(SAMPLE_RECIPIENT)


def _import(client, monkeypatch, fixtures, name):
    path = fixtures / OB20 / name
    data = path.read_bytes()
    if path.suffix == ".png":
        text, form = read_image_payload(data).text, {"image": SimpleUploadedFile(path.name, data)}
    else:
        text = data.decode()
        form = {"text": text}
    served = {} if path.suffix == ".jwt" else {json.loads(text)["id"]: text.encode()}
    fetcher = example_org_fetcher(fixtures, served)
    monkeypatch.setattr("besace.backpack.views.badge_fetcher", lambda: fetcher)
    return client.post("/backpack/import/", form)


@pytest.mark.parametrize("name", VALID)
def test_a_valid_sample_imports_into_the_backpack(client, sample_earner, monkeypatch, shared_fixtures, name):
    client.force_login(sample_earner)
    response = _import(client, monkeypatch, shared_fixtures, name)
    assert response.status_code == 302, response.content.decode()[-1500:]
    entry = BackpackBadge.objects.get(owner=sample_earner)
    assert entry.version == "2.0" and entry.source == BackpackBadge.Source.IMPORT
    assert all(check["passed"] for check in entry.checks)


@pytest.mark.parametrize("name", sorted(INVALID))
def test_an_invalid_sample_is_refused_on_its_failing_check(
    client, sample_earner, monkeypatch, shared_fixtures, name
):
    client.force_login(sample_earner)
    response = _import(client, monkeypatch, shared_fixtures, name)
    assert response.status_code == 422
    failed = [c["name"] for c in response.context["checks"] if not c["passed"]]
    assert INVALID[name] in failed
    assert not BackpackBadge.objects.filter(owner=sample_earner).exists()
