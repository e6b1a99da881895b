"""Public issuer, badge class and assertion URLs: JSON-LD for machines, HTML for people."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from besace.issuing.jsonld import assertion_document

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


@pytest.fixture
def urls(issuer, badge_class, award):
    assertion = award()
    return {
        "issuer": (reverse("public:issuer", args=[issuer.public_id]), issuer.public_url),
        "badgeclass": (reverse("public:badgeclass", args=[badge_class.public_id]), badge_class.public_url),
        "assertion": (reverse("public:assertion", args=[assertion.public_id]), assertion.public_url),
    }


@pytest.mark.parametrize("kind", ["issuer", "badgeclass", "assertion"])
@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        ("application/ld+json", "application/ld+json"),
        ("application/json", "application/json"),
        ("application/ld+json, application/json;q=0.5", "application/ld+json"),
        ("*/*", "application/ld+json"),
        (None, "application/ld+json"),
    ],
)
def test_it_serves_json_ld_to_machines(client, urls, kind, accept, content_type):
    path, public_url = urls[kind]
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    response = client.get(path, **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response.json()["id"] == public_url
    assert response.json()["@context"] == "https://w3id.org/openbadges/v2"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Accept" in response["Vary"]


@pytest.mark.parametrize("kind", ["issuer", "badgeclass", "assertion"])
def test_it_serves_html_to_browsers(client, urls, kind):
    path, _public_url = urls[kind]
    response = client.get(path, HTTP_ACCEPT=BROWSER_ACCEPT)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert (
        '<link rel="alternate" type="application/ld+json" href="' + path + '.json">'
        in response.content.decode()
    )


@pytest.mark.parametrize("kind", ["issuer", "badgeclass", "assertion"])
def test_it_serves_json_at_the_json_suffix_even_to_browsers(client, urls, kind):
    path, public_url = urls[kind]
    response = client.get(path + ".json", HTTP_ACCEPT=BROWSER_ACCEPT)
    assert response["Content-Type"] == "application/ld+json"
    assert response.json()["id"] == public_url


def test_it_answers_404_for_unknown_ids(client, db):
    for path in [
        "/public/issuers/nope",
        "/public/badges/nope.json",
        "/public/assertions/nope",
        "/public/assertions/nope/baked.png",
        "/public/badges/nope/image",
    ]:
        assert client.get(path).status_code == 404


def test_it_refuses_writes_on_public_urls(client, urls):
    assert client.post(urls["assertion"][0]).status_code == 405


def test_it_publishes_the_issuer_on_besaces_origin(client, issuer):
    document = client.get(reverse("public:issuer_json", args=[issuer.public_id])).json()
    assert document["type"] == "Issuer"
    assert (document["name"], document["url"], document["email"]) == (issuer.name, issuer.url, issuer.email)
    assert document["revocationList"].endswith(f"/public/issuers/{issuer.public_id}/revocations")
    # Hosted verification: the assertions live on the issuer id's origin (Besace's), not the institution's.
    assert urlsplit(document["id"]).netloc == "testserver"
    assert urlsplit(document["revocationList"]).netloc == "testserver"


def test_it_describes_the_badge_class_with_criteria_alignment_tags_and_image(client, badge_class, issuer):
    document = client.get(reverse("public:badgeclass_json", args=[badge_class.public_id])).json()
    assert document["type"] == "BadgeClass"
    assert document["issuer"] == issuer.public_url
    assert document["criteria"] == {"narrative": "Pass the **final** project."}
    assert document["alignment"] == [
        {
            "targetName": "Python",
            "targetUrl": "http://data.europa.eu/esco/skill/python",
            "targetFramework": "ESCO",
        }
    ]
    assert document["tags"] == ["python"]
    image = client.get(document["image"].removeprefix("http://testserver"))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert image.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_it_gives_criteria_as_url_and_narrative_when_both_are_set(client, badge_class):
    badge_class.criteria_url = "https://univ.example/criteria"
    badge_class.save()
    document = client.get(reverse("public:badgeclass_json", args=[badge_class.public_id])).json()
    assert document["criteria"] == {
        "id": "https://univ.example/criteria",
        "narrative": "Pass the **final** project.",
    }


def test_it_serves_an_svg_image_sandboxed(client, svg_badge_class):
    document = client.get(reverse("public:badgeclass_json", args=[svg_badge_class.public_id])).json()
    assert document["criteria"] == "https://univ.example/criteria/teamwork"
    image = client.get(document["image"].removeprefix("http://testserver"))
    assert image["Content-Type"] == "image/svg+xml"
    assert "sandbox" in image["Content-Security-Policy"]
    assert image["X-Content-Type-Options"] == "nosniff"


def test_it_serves_the_assertion_as_stored(client, award):
    assertion = award(narrative="Did it.", evidence_url="https://evidence.example/1")
    response = client.get(reverse("public:assertion_json", args=[assertion.public_id]))
    assert response.json() == assertion_document(assertion)
    assert response.json()["image"] == assertion.baked_png_url


def test_it_shows_the_award_to_people(client, award, badge_class):
    assertion = award()
    page = client.get(reverse("public:assertion", args=[assertion.public_id]), HTTP_ACCEPT=BROWSER_ACCEPT)
    content = page.content.decode()
    assert badge_class.name in content and "Awarded by Université Test" in content
    assert assertion.public_url in content
    assert "earner@example.org" not in content  # the public page does not reveal the address
