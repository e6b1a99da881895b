"""The public "Verify a badge" page: a verdict and the details, without an account."""

from django.core.files.uploadedfile import SimpleUploadedFile

from besace.demo.images import badge_png


def test_it_shows_an_empty_form_to_anyone(client):
    response = client.get("/verify/")
    assert response.status_code == 200
    assert b'name="image"' in response.content and b'name="url"' in response.content


def test_it_verifies_a_dropped_baked_image(client, award, in_process_fetcher):
    assertion = award("earner@example.org")
    baked = client.get(f"/public/assertions/{assertion.public_id}/baked.png").content
    response = client.post("/verify/", {"image": SimpleUploadedFile("badge.png", baked)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "This badge is valid." in page
    assert assertion.badge_class.name in page
    assert assertion.badge_class.issuer.name in page


def test_it_verifies_a_pasted_url_and_says_when_revoked(client, award, owner, in_process_fetcher):
    from besace.issuing.services import assertion_revoke

    assertion = award("earner@example.org")
    assertion_revoke(assertion=assertion, reason="Mistake", actor=owner)
    response = client.post("/verify/", {"url": assertion.public_url})
    page = response.content.decode()
    assert "This badge is not valid." in page
    assert "Not revoked" in page


def test_it_asks_for_one_way_of_giving_the_badge(client):
    response = client.post("/verify/", {"url": "https://a.example/1", "text": "{}"})
    assert response.status_code == 400
    assert "one way only" in response.content.decode()


def test_it_explains_an_image_without_badge_data(client, in_process_fetcher):
    response = client.post("/verify/", {"image": SimpleUploadedFile("plain.png", badge_png())})
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()


def test_it_refuses_an_oversized_file(client, settings):
    settings.BESACE_MAX_IMPORT_BYTES = 100
    response = client.post("/verify/", {"image": SimpleUploadedFile("big.png", b"x" * 500)})
    assert response.status_code == 400
    assert "too large" in response.content.decode()


def test_it_lists_who_endorses_the_badge():
    from django.template.loader import render_to_string

    badge = {
        "version": "2.0",
        "achievement": {"name": "Robotics", "alignments": []},
        "issuer": {"name": "Issuer"},
        "evidence": [],
        "endorsements": [
            {
                "type": "Endorsement",
                "issuer": {"id": "https://endorser.example/", "name": "Robot Guild"},
                "claim": {"id": "https://a.example/badge", "endorsementComment": "Rigorous criteria."},
            },
            {"type": ["VerifiableCredential", "EndorsementCredential"], "issuer": "javascript:alert(1)"},
        ],
    }
    html = render_to_string("verify/badge_facts.html", {"badge": badge})
    assert "Robot Guild" in html and "Rigorous criteria." in html
    assert 'href="https://endorser.example/"' in html
    assert "javascript:" not in html and "An endorser" in html
