"""POST /api/verify: the verdict on a badge sent as an image, a URL or a credential."""

import json

import pytest

from besace.issuing.services import assertion_revoke
from besace.issuing.signing import signed_assertion_jws

EARNER = "earner@example.org"


def _post_json(client, body):
    return client.post("/api/verify", data=json.dumps(body), content_type="application/json")


def test_it_verifies_a_hosted_assertion_by_url(client, award, in_process_fetcher):
    assertion = award(EARNER)
    response = _post_json(client, {"url": assertion.public_url, "recipient": EARNER})
    assert response.status_code == 200
    data = response.json()
    assert data["valid"] is True, data["checks"]
    assert data["version"] == "2.0"
    assert {c["name"] for c in data["checks"]} >= {"structure", "recipient", "not_expired", "not_revoked"}
    assert all(c["passed"] for c in data["checks"])
    assert data["badge"]["achievement"]["name"] == assertion.badge_class.name
    assert data["badge"]["issuer"]["name"] == assertion.badge_class.issuer.name


def test_it_verifies_a_baked_png_sent_as_a_file(client, award, in_process_fetcher):
    assertion = award(EARNER)
    baked = client.get(f"/public/assertions/{assertion.public_id}/baked.png").content
    response = client.post("/api/verify", {"file": _upload("badge.png", baked), "recipient": EARNER})
    assert response.status_code == 200
    assert response.json()["valid"] is True, response.json()["checks"]


def test_it_verifies_a_signed_assertion_sent_as_a_jws(client, award, in_process_fetcher):
    assertion = award(EARNER)
    response = _post_json(client, {"credential": signed_assertion_jws(assertion)})
    data = response.json()
    assert data["valid"] is True, data["checks"]
    assert data["badge"]["id"] == assertion.signed_id


def test_it_says_which_check_fails_for_a_revoked_assertion(client, award, owner, in_process_fetcher):
    assertion = award(EARNER)
    assertion_revoke(assertion=assertion, reason="Awarded by mistake", actor=owner)
    data = _post_json(client, {"url": assertion.public_url}).json()
    assert data["valid"] is False
    [revocation] = [c for c in data["checks"] if c["name"] == "not_revoked"]
    assert revocation["passed"] is False
    assert "Awarded by mistake" in revocation["message"]


def test_it_says_the_recipient_does_not_match(client, award, in_process_fetcher):
    assertion = award(EARNER)
    data = _post_json(client, {"url": assertion.public_url, "recipient": "someone.else@example.org"}).json()
    assert data["valid"] is False
    assert [c["passed"] for c in data["checks"] if c["name"] == "recipient"] == [False]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"url": "https://a.example/1", "credential": {"id": "x"}},
        {"url": "ftp://files.example/badge"},
        {"url": 42},
        {"credential": 42},
        {"credential": "   "},
        {"url": "https://a.example/1", "recipient": "not an address"},
        [1, 2, 3],
    ],
    ids=[
        "empty",
        "both",
        "ftp-url",
        "number-url",
        "number-credential",
        "blank-credential",
        "bad-recipient",
        "array",
    ],
)
def test_it_answers_400_with_a_json_error_for_unusable_requests(client, body, in_process_fetcher):
    response = _post_json(client, body)
    assert response.status_code == 400
    assert response.json()["error"]


def test_it_answers_400_for_a_body_that_is_not_json(client):
    response = client.post("/api/verify", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in response.json()["error"]


def test_it_answers_400_for_an_image_without_badge_data(client, in_process_fetcher):
    from besace.demo.images import badge_png

    response = client.post("/api/verify", {"file": _upload("plain.png", badge_png())})
    assert response.status_code == 400
    assert response.json()["error"]


def test_it_answers_400_for_a_credential_that_is_not_a_badge(client, in_process_fetcher):
    response = _post_json(client, {"credential": {"hello": "world"}})
    assert response.status_code == 400
    assert response.json()["error"]


def test_it_answers_400_for_other_content_types(client):
    response = client.post("/api/verify", data="url=https://a.example", content_type="text/plain")
    assert response.status_code == 400


def test_it_describes_the_endpoint_in_the_openapi_document(client):
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"]["/api/verify"]["post"]
    assert set(operation["requestBody"]["content"]) == {"multipart/form-data", "application/json"}
    assert {"200", "400"} <= set(operation["responses"])


def _upload(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_it_answers_400_for_json_nested_deeper_than_python_can_read(client):
    response = client.post("/api/verify", data="[" * 100_000, content_type="application/json")
    assert response.status_code == 400 and "not valid JSON" in response.json()["error"]


def test_it_answers_413_in_json_for_a_body_over_the_upload_limit(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = _post_json(client, {"credential": "x" * 2000})
    assert response.status_code == 413 and "larger than 1000 bytes" in response.json()["error"]
