"""Where the third-party OB ≤ 2.0 samples live, and fetchers that serve them as their issuers would."""

import json
from pathlib import Path

from besace.openbadges.verify.mapped_fetcher import Answer, MappedFetcher
from besace.openbadges.verify.model import VerificationResult

OB20 = Path("digital-credentials-public-validator/inspector-vc/src/test/resources/ob20")
VALIDATOR_CORE = Path("openbadges-validator-core/tests/testfiles")
COMPONENTS = VALIDATOR_CORE / "test_components"
BAKERY = Path("openbadges-bakery/openbadges_bakery/testfiles")

# 1EdTech's own tests serve these domains from ob20/assets/ (OB20Tests.localDomains).
EXAMPLE_DOMAINS = ("https://www.example.org/", "https://example.org/", "http://example.org/")
# The address of 1EdTech's sample assertions, the hash of this one in them (salt "deadsea").
SAMPLE_RECIPIENT = "nobody@example.org"


def example_org_fetcher(fixtures: Path, extra: dict[str, Answer] | None = None) -> MappedFetcher:
    """example.org as 1EdTech's tests serve it, plus ``extra`` (each assertion at its own id)."""
    return MappedFetcher(extra, prefixes={domain: fixtures / OB20 / "assets" for domain in EXAMPLE_DOMAINS})


def json_bytes(document: dict) -> bytes:
    return json.dumps(document).encode()


def failed_checks(result: VerificationResult) -> set[str]:
    return {check.name for check in result.checks if not check.passed}
