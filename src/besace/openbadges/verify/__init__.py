"""Verification of Open Badges of every version (0.5 to 3.0), without Django.

Entry point: ``verify_badge(...)`` (in ``verifier.py``) takes an image, a URL, JSON or a compact JWS,
detects the version, runs the checks that version defines and returns a ``VerificationResult`` with a
``NormalisedBadge``. Every remote document is fetched through the ``Fetcher`` given by the caller.
"""
