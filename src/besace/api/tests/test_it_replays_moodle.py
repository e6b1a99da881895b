"""Moodle's OBv2.0 ("Badgr") backpack connection, replayed request by request against Besace.

Moodle (badges/classes/backpack_api.php) gets a token with a bare username and password, lists the
collections, exports a badge it hosts with POST /backpack/import {"url": ...}, then reads each assertion
with ?expand=badgeclass&expand=issuer, always taking ``result[0]``.
"""

from besace.backpack.models import BackpackBadge
from besace.backpack.organise import collection_badge_add, collection_create
from besace.core.models import AuditEntry

from .conftest import PASSWORD


def test_it_replays_moodles_obv2_sequence(moodle, earner, award, badge_class, fetcher):
    # 1. Connecting the backpack: POST /o/token with username and password only.
    token = moodle.post("/o/token", {"username": "earner@example.org", "password": PASSWORD})
    assert token.status_code == 200
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token.json()['access_token']}"}

    # 2. Listing collections (empty backpack).
    listed = moodle.get("/v2/backpack/collections", **headers).json()
    assert listed == {"status": {"success": True, "description": "ok"}, "result": []}

    # 3. Exporting a badge hosted by another server (the issuer's), by its assertion URL.
    hosted = award("earner@example.org", narrative="Built a quiz.")
    imported = moodle.post(
        "/v2/backpack/import", {"url": hosted.public_url}, content_type="application/json", **headers
    )
    assert imported.status_code == 201, imported.content
    body = imported.json()
    assert body["status"]["success"] is True
    entry = BackpackBadge.objects.get(owner=earner)
    assert body["result"][0]["entityId"] == entry.public_id
    assert body["result"][0]["openBadgeId"] == hosted.public_url
    assert hosted.public_url in fetcher.requested
    assert AuditEntry.objects.filter(action="backpack.badge.imported", target_id=str(entry.pk)).exists()

    # 4. The earner files it in a collection; Moodle shows that collection's badges.
    shown = collection_create(owner=earner, name="Shown on Moodle", description="My best")
    collection_badge_add(collection=shown, entry=entry, actor=earner)
    collection = moodle.get(f"/v2/backpack/collections/{shown.public_id}", **headers).json()["result"][0]
    assert collection["entityType"] == "BackpackCollection"
    assert (collection["entityId"], collection["name"], collection["description"]) == (
        shown.public_id,
        "Shown on Moodle",
        "My best",
    )
    assert collection["assertions"] == [entry.public_id]

    # 5. Each assertion, with its badge class and issuer embedded.
    response = moodle.get(
        f"/v2/backpack/assertions/{collection['assertions'][0]}?expand=badgeclass&expand=issuer", **headers
    )
    assert response.status_code == 200
    assertion = response.json()["result"][0]
    assert assertion["entityType"] == "Assertion" and assertion["entityId"] == entry.public_id
    assert assertion["openBadgeId"] == hosted.public_url
    assert assertion["issuedOn"] and assertion["revoked"] is False
    assert assertion["narrative"] == "Built a quiz."
    assert assertion["recipient"]["identity"] and assertion["image"].startswith("http://testserver/")
    badgeclass = assertion["badgeclass"]
    assert badgeclass["entityType"] == "BadgeClass"
    assert (badgeclass["name"], badgeclass["description"]) == (badge_class.name, badge_class.description)
    assert badgeclass["image"].startswith("http") and "final" in badgeclass["criteriaNarrative"]
    issuer = badgeclass["issuer"]
    assert (issuer["name"], issuer["url"], issuer["email"]) == (
        "Université Test",
        "https://univ.example",
        "badges@univ.example",
    )
    assert assertion["issuer"] == issuer["entityId"]

    # 6. Later: the access token is renewed with the refresh token.
    refreshed = moodle.post(
        "/o/token", {"grant_type": "refresh_token", "refresh_token": token.json()["refresh_token"]}
    )
    again = {"HTTP_AUTHORIZATION": f"Bearer {refreshed.json()['access_token']}"}
    assert moodle.get("/v2/backpack/collections", **again).json()["result"][0]["entityId"] == shown.public_id
