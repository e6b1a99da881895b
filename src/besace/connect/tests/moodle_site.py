"""A Moodle site's badge, as Moodle (badges/classes/assertion.php) exports it with OBv2.1, and the
documents its site serves for it, so that a test can verify the badge without the network."""

import base64
import hashlib
import json

from besace.demo.images import badge_png
from besace.openbadges.verify.mapped_fetcher import MappedFetcher

from .conftest import MOODLE

SALT = "moodle-site-salt"
ASSERTION_URL = MOODLE + "badges/assertion.php?b=4f2c0e8a9d&obversion=2"
BADGE_URL = MOODLE + "badges/badge_json.php?id=7"
ISSUER_URL = MOODLE + "badges/badge_json.php?id=7&action=0&obversion=2"
CONTEXT = "https://w3id.org/openbadges/v2"


def moodle_issuer() -> dict:
    return {
        "name": "Université Test (Moodle)",
        "url": MOODLE,
        "email": "badges@moodle.example",
        "@context": CONTEXT,
        "id": ISSUER_URL,
        "type": "Issuer",
    }


def moodle_badge_class() -> dict:
    return {
        "name": "Quiz master",
        "description": "Passed every quiz of the course.",
        "image": "data:image/png;base64," + base64.b64encode(badge_png()).decode(),
        "criteria": {"id": MOODLE + "badges/badge.php?hash=4f2c0e8a9d", "narrative": "Pass every quiz."},
        "issuer": moodle_issuer(),
        "@context": CONTEXT,
        "id": BADGE_URL,
        "type": "BadgeClass",
        "version": "",
        "@language": "fr",
    }


def moodle_assertion(email: str) -> dict:
    """Moodle's export: hashed recipient, BadgeClass and Issuer embedded, image as a data: URI."""
    return {
        "recipient": {
            "identity": "sha256$" + hashlib.sha256((email + SALT).encode()).hexdigest(),
            "type": "email",
            "hashed": True,
            "salt": SALT,
        },
        "badge": moodle_badge_class(),
        "verification": {"type": "hosted"},
        "issuedOn": "2026-01-15T10:00:00+01:00",
        "evidence": MOODLE + "badges/badge.php?hash=4f2c0e8a9d",
        "@context": CONTEXT,
        "type": "Assertion",
        "id": ASSERTION_URL,
    }


def moodle_site_fetcher(email: str) -> MappedFetcher:
    """The Moodle site, reachable: it serves the assertion, its badge class and its issuer."""
    documents = {
        ASSERTION_URL: moodle_assertion(email),
        BADGE_URL: moodle_badge_class(),
        ISSUER_URL: moodle_issuer(),
    }
    return MappedFetcher({url: json.dumps(document).encode() for url, document in documents.items()})
