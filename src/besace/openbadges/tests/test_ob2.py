from datetime import UTC, datetime, timedelta, timezone

import pytest

from besace.openbadges import ob2
from besace.openbadges.errors import OpenBadgesError
from besace.openbadges.hashing import hash_identity
from besace.openbadges.jsonld_contexts import OB2_CONTEXT

ISSUER = "https://besace.example/issuers/u1"
BADGE = "https://besace.example/badges/b1"


def test_it_builds_an_issuer_profile_allowing_besace_to_host_assertions():
    profile = ob2.issuer_profile(
        id=ISSUER,
        name="Université d'Exemple",
        url="https://univ.example",
        email="badges@univ.example",
        revocation_list=ISSUER + "/revocations",
        allowed_origins=["besace.example"],
    )
    assert profile == {
        "@context": OB2_CONTEXT,
        "id": ISSUER,
        "type": "Issuer",
        "name": "Université d'Exemple",
        "url": "https://univ.example",
        "email": "badges@univ.example",
        "revocationList": ISSUER + "/revocations",
        "verification": {"allowedOrigins": ["besace.example"]},
    }


def test_it_omits_what_an_issuer_did_not_give():
    profile = ob2.issuer_profile(id=ISSUER, name="N", url="https://u.example", email="e@u.example")
    assert set(profile) == {"@context", "id", "type", "name", "url", "email"}


def test_it_builds_a_badge_class_with_alignments_and_tags():
    badge = ob2.badge_class(
        id=BADGE,
        name="Soudure",
        description="Sait souder.",
        image=BADGE + "/image",
        criteria_url="https://univ.example/criteria",
        criteria_narrative="Souder deux pièces.",
        issuer=ISSUER,
        alignments=[
            {
                "targetName": "ESCO",
                "targetUrl": "https://esco.example/s1",
                "targetCode": "S1",
                "targetDescription": "",
            }
        ],
        tags=["métier", "soudure"],
    )
    assert badge == {
        "@context": OB2_CONTEXT,
        "id": BADGE,
        "type": "BadgeClass",
        "name": "Soudure",
        "description": "Sait souder.",
        "image": BADGE + "/image",
        "criteria": {"id": "https://univ.example/criteria", "narrative": "Souder deux pièces."},
        "issuer": ISSUER,
        "alignment": [{"targetName": "ESCO", "targetUrl": "https://esco.example/s1", "targetCode": "S1"}],
        "tags": ["métier", "soudure"],
    }


def test_it_writes_criteria_as_an_iri_or_a_narrative():
    common = {"id": BADGE, "name": "n", "description": "d", "image": "i", "issuer": ISSUER}
    assert ob2.badge_class(**common, criteria_url="https://c.example")["criteria"] == "https://c.example"
    assert ob2.badge_class(**common, criteria_narrative="Do it")["criteria"] == {"narrative": "Do it"}
    assert "alignment" not in ob2.badge_class(**common, criteria_narrative="x")
    with pytest.raises(OpenBadgesError):
        ob2.badge_class(**common)


@pytest.mark.parametrize(
    "alignment", [{"targetName": "only a name"}, {"targetName": "n", "targetUrl": "u", "targetUlr": "typo"}]
)
def test_it_refuses_incomplete_or_misspelt_alignments(alignment):
    with pytest.raises(OpenBadgesError):
        ob2.badge_class(
            id=BADGE,
            name="n",
            description="d",
            image="i",
            issuer=ISSUER,
            criteria_url="c",
            alignments=[alignment],
        )


def test_it_builds_a_hosted_assertion_for_a_hashed_recipient():
    document = ob2.assertion(
        id="https://besace.example/assertions/a1",
        badge=BADGE,
        recipient_identity_hash=hash_identity("nobody@example.org", "deadsea"),
        salt="deadsea",
        issued_on=datetime(2026, 11, 24, 10, 0, 0, 123456, tzinfo=UTC),
        expires=datetime(2027, 11, 24, 12, 0, tzinfo=timezone(timedelta(hours=2))),
        image="https://besace.example/assertions/a1/image",
        narrative="Bravo",
        evidence=[{"id": "https://portfolio.example/1", "narrative": "Photos"}],
    )
    assert document == {
        "@context": OB2_CONTEXT,
        "id": "https://besace.example/assertions/a1",
        "type": "Assertion",
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": "deadsea",
            "identity": "sha256$ecf5409f3f4b91ab60cc5ef4c02aef7032354375e70cf4d8e43f6a1d29891942",
        },
        "badge": BADGE,
        "verification": {"type": "hosted"},
        "issuedOn": "2026-11-24T10:00:00+00:00",
        "expires": "2027-11-24T12:00:00+02:00",
        "image": "https://besace.example/assertions/a1/image",
        "narrative": "Bravo",
        "evidence": [{"id": "https://portfolio.example/1", "narrative": "Photos"}],
    }


def test_it_marks_revoked_assertions():
    common = {
        "id": "a",
        "badge": BADGE,
        "recipient_identity_hash": "sha256$00",
        "salt": "s",
        "issued_on": datetime(2026, 1, 1, tzinfo=UTC),
    }
    revoked = ob2.assertion(**common, revoked=True, revocation_reason="Fraude")
    assert (revoked["revoked"], revoked["revocationReason"]) == (True, "Fraude")
    assert "revoked" not in ob2.assertion(**common, revocation_reason="ignored while not revoked")


def test_it_refuses_naive_datetimes():
    with pytest.raises(OpenBadgesError):
        ob2.format_datetime(datetime(2026, 1, 1))


def test_it_builds_a_revocation_list():
    document = ob2.revocation_list(
        id=ISSUER + "/revocations", issuer=ISSUER, revoked=[("a1", "Fraude"), ("a2", None)]
    )
    assert document == {
        "@context": OB2_CONTEXT,
        "id": ISSUER + "/revocations",
        "type": "RevocationList",
        "issuer": ISSUER,
        "revokedAssertions": [{"id": "a1", "revocationReason": "Fraude"}, {"id": "a2"}],
    }
