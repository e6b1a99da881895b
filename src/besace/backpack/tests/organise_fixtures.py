"""Fixtures for organising and showing badges: badges kept by the earner, awarded or imported.

Test modules import `imported_fixture` and `kept_fixture`; the fixtures are named `imported` and `kept`
(apart from the functions, so that test arguments do not shadow the imports).
"""

import itertools

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from besace.backpack import services
from besace.backpack.models import BackpackBadge
from besace.demo.images import badge_png
from besace.issuing.normalise import assertion_normalised
from besace.openbadges.verify.serialise import badge_to_json

_numbers = itertools.count(1)


@pytest.fixture(name="kept")
def kept_fixture(earner, award):
    """A factory of badges awarded on Besace and accepted into the earner's backpack."""

    def make(visibility: str = "private", tags: list[str] | None = None, **award_fields) -> BackpackBadge:
        entry = services.assertion_accept(assertion=award(**award_fields), user=earner)
        entry.visibility, entry.tags = visibility, tags or []
        entry.save(update_fields=["visibility", "tags"])
        return entry

    return make


@pytest.fixture(name="imported")
def imported_fixture(earner, award):
    """A factory of badges imported from elsewhere (stored as an import would store them)."""
    template = badge_to_json(assertion_normalised(award("someone@example.org")))

    def make(visibility: str = "private", revoked: bool = False, owner=None, **fields) -> BackpackBadge:
        number = next(_numbers)
        return BackpackBadge.objects.create(
            owner=owner or earner,
            source=BackpackBadge.Source.IMPORT,
            badge_id=f"https://elsewhere.example/assertions/{number}",
            name=fields.pop("name", f"Imported {number}"),
            issuer_name="Elsewhere",
            normalised=template,
            original="{}",
            checks=[{"name": "structure", "passed": True, "message": "Well formed."}],
            verified_at=timezone.now(),
            image=ContentFile(badge_png(size=32), name="imported.png"),
            visibility=visibility,
            revoked=revoked,
            revocation_reason="Withdrawn" if revoked else "",
            **fields,
        )

    return make
