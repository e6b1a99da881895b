"""A Besace award in the normalised shape every backpack badge has, whatever its origin."""

import json

from besace.issuing import jsonld
from besace.issuing.models import Assertion
from besace.openbadges.verify.model import (
    AchievementInfo,
    Alignment,
    Evidence,
    IssuerInfo,
    NormalisedBadge,
    RecipientInfo,
)


def assertion_normalised(assertion: Assertion) -> NormalisedBadge:
    badge_class = assertion.badge_class
    issuer = badge_class.issuer
    evidence = ()
    if assertion.evidence_url or assertion.evidence_narrative:
        evidence = (
            Evidence(id=assertion.evidence_url or None, narrative=assertion.evidence_narrative or None),
        )
    return NormalisedBadge(
        version="2.0",
        id=assertion.public_url,
        issuer=IssuerInfo(
            id=issuer.public_url,
            name=issuer.name,
            url=issuer.url,
            email=issuer.email,
            description=issuer.description or None,
        ),
        achievement=AchievementInfo(
            id=badge_class.public_url,
            name=badge_class.name,
            description=badge_class.description,
            image=badge_class.image_url,
            criteria_url=badge_class.criteria_url or None,
            criteria_narrative=badge_class.criteria_text or None,
            alignments=tuple(
                Alignment(
                    target_name=a.target_name,
                    target_url=a.target_url,
                    target_description=a.target_description or None,
                    target_framework=a.target_framework or None,
                    target_code=a.target_code or None,
                )
                for a in badge_class.alignments.all()
            ),
            tags=tuple(badge_class.tags),
        ),
        recipient=RecipientInfo(identity=assertion.identity_hash, hashed=True, salt=assertion.salt),
        issued_on=assertion.issued_on,
        expires=assertion.expires,
        narrative=assertion.narrative or None,
        evidence=evidence,
        original=json.dumps(jsonld.assertion_document(assertion), ensure_ascii=False),
    )
