"""Open Badges 0.5, 1.0 and 1.1 assertions, brought to the OB 2.0 shape and verified like OB 2.0 ones.

- 1.1 differs from 2.0 by its context, and by naming ``verification`` ``verify``.
- 1.0 has no context, id or type: the assertion lives at ``verify.url``, and its BadgeClass and Issuer,
  untyped too, at the URLs the assertion and the BadgeClass give.
- 0.5 embeds its BadgeClass and Issuer; the recipient is a bare e-mail address or hash (salted by a
  top-level ``salt``), and the issuer is known by its ``origin``, where its assertions must be hosted.
  Nothing in an 0.5 assertion says where it lives, so only its URL can be verified, not its JSON.

Signed 1.x badges take the OB 2.0 signed path and fail there: their key is a bare PEM file that no
issuer profile lists.
"""

from .jws import UnverifiedJws
from .model import CHECK_HOSTED, CHECK_STRUCTURE, VerificationResult, Version
from .ob2 import (
    Document,
    Environment,
    Findings,
    Located,
    Rules,
    authority,
    check_scope,
    finish,
    hosted_copy,
    node_problems,
    parse_date,
    verify_alias_resolved,
    verify_ob2,
)


def verify_legacy(
    given: Document,
    version: Version,
    environment: Environment,
    *,
    original: str,
    source_url: str | None,
    signed_as: UnverifiedJws | None,
) -> VerificationResult:
    """Verify an OB 0.5, 1.0 or 1.1 assertion; ``source_url`` is where it was fetched, if it was."""
    if version == "0.5":
        return _verify_0_5(given, environment, original=original, source_url=source_url)
    rules = _RULES_1_1 if version == "1.1" else _RULES_1_0
    return verify_ob2(given, environment, original=original, signed_as=signed_as, rules=rules)


def _upgrade_1_0(assertion: Document) -> Document:
    verify = assertion.get("verify")
    verify = verify if isinstance(verify, dict) else {}
    return {
        **assertion,
        "id": verify.get("url"),
        "type": "Assertion",
        "verification": {"type": verify.get("type")},
    }


_RULES_1_1 = Rules("1.1", verify_alias_resolved)
_RULES_1_0 = Rules("1.0", _upgrade_1_0, untyped_nodes=True)


def _verify_0_5(
    given: Document, environment: Environment, *, original: str, source_url: str | None
) -> VerificationResult:
    findings = Findings()
    for problem in _problems_0_5(given):
        findings.failed(CHECK_STRUCTURE, problem)
    assertion = _upgrade_0_5(given, source_url)
    if source_url is None:
        findings.failed(CHECK_HOSTED, "an OB 0.5 badge can only be verified from the address it is hosted at")
    else:
        assertion, original = hosted_copy(
            assertion,
            original,
            environment,
            findings,
            upgrade=lambda served: _upgrade_0_5(served, source_url),
        )
    badge_class: Located | None = None
    issuer: Located | None = None
    badge = assertion.get("badge")
    if isinstance(badge, dict) and isinstance(badge.get("issuer"), dict):
        problems = node_problems(badge, "BadgeClass") + node_problems(badge["issuer"], "Issuer")
        for problem in problems:
            findings.failed(CHECK_STRUCTURE, problem)
        if not problems:
            badge_class, issuer = Located(badge, None), Located(badge["issuer"], None)
    origin = issuer.document.get("url") if issuer else None
    if source_url is not None and isinstance(origin, str):
        check_scope(source_url, [_origin_authority(origin)], [], findings)
    return finish("0.5", assertion, badge_class, issuer, environment, findings, original=original)


def _problems_0_5(assertion: Document) -> list[str]:
    problems = []
    if not isinstance(assertion.get("recipient"), str):
        problems.append("its recipient is not an e-mail address or hash")
    if "issued_on" in assertion and parse_date(assertion["issued_on"]) is None:
        problems.append("its issue date (issued_on) is unreadable")
    badge = assertion.get("badge")
    issuer = badge.get("issuer") if isinstance(badge, dict) else None
    if not isinstance(issuer, dict):
        problems.append("it has no embedded badge with an embedded issuer")
    elif not isinstance(issuer.get("origin"), str):
        problems.append("its issuer has no origin")
    return problems


def _upgrade_0_5(assertion: Document, location: str | None) -> Document:
    recipient = assertion.get("recipient")
    identity = {
        "type": "email",
        "identity": recipient,
        "hashed": isinstance(recipient, str) and "@" not in recipient,
    }
    if isinstance(assertion.get("salt"), str):
        identity["salt"] = assertion["salt"]
    badge = assertion.get("badge")
    if isinstance(badge, dict):
        issuer = badge.get("issuer")
        if isinstance(issuer, dict):
            origin = issuer.get("origin")
            issuer = {**issuer, "type": "Issuer", "id": origin, "url": origin, "email": issuer.get("contact")}
        badge = {**badge, "type": "BadgeClass", "issuer": issuer}
    return {
        **assertion,
        "id": location,
        "type": "Assertion",
        "recipient": identity,
        "badge": badge,
        "issuedOn": assertion.get("issued_on"),
        "verification": {"type": "hosted"},
    }


def _origin_authority(origin: str) -> str:
    # Issuers wrote their origin with or without a scheme ("http://example.org", "example.org").
    return authority(origin if "://" in origin else f"//{origin}")
