import json
from datetime import UTC, datetime

from besace.openbadges.verify.model import (
    AchievementInfo,
    Alignment,
    Check,
    Evidence,
    IssuerInfo,
    NormalisedBadge,
    RecipientInfo,
    VerificationResult,
)
from besace.openbadges.verify.serialise import badge_from_json, badge_to_json, result_to_json

BADGE = NormalisedBadge(
    version="2.0",
    id="https://issuer.example/assertions/1",
    issuer=IssuerInfo(id="https://issuer.example/issuer", name="Issuer", url="https://issuer.example"),
    achievement=AchievementInfo(
        id="https://issuer.example/badges/1",
        name="Badge",
        description="Does things.",
        criteria_narrative="Do the things.",
        alignments=(Alignment(target_name="Python", target_url="http://data.europa.eu/esco/skill/x"),),
        tags=("python", "code"),
    ),
    recipient=RecipientInfo(identity="sha256$abc", hashed=True, salt="s"),
    issued_on=datetime(2026, 1, 15, 10, 0, tzinfo=UTC),
    expires=None,
    evidence=(Evidence(id="https://portfolio.example", narrative="Built it."),),
    endorsements=({"id": "https://endorser.example/e/1"},),
    original='{"id": "https://issuer.example/assertions/1"}',
)


def test_it_round_trips_a_badge_through_json_text():
    stored = json.loads(json.dumps(badge_to_json(BADGE)))
    assert badge_from_json(stored) == BADGE


def test_it_writes_dates_as_iso_8601_with_their_offset():
    assert badge_to_json(BADGE)["issued_on"] == "2026-01-15T10:00:00+00:00"


def test_it_answers_the_verify_api_shape():
    result = VerificationResult(
        valid=False,
        version="2.0",
        checks=(Check("not_expired", False, "Expired on 2026-01-01."),),
        badge=BADGE,
    )
    data = result_to_json(result)
    assert data["valid"] is False
    assert data["checks"] == [{"name": "not_expired", "passed": False, "message": "Expired on 2026-01-01."}]
    assert data["badge"]["achievement"]["name"] == "Badge"
