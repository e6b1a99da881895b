"""The standards core's check messages are shown in the reader's language (the core itself writes English)."""

import pytest
from django.utils import translation

from besace.openbadges.verify.model import CHECK_REVOCATION
from besace.verify.presentation import _FIXED_MESSAGES, check_message, checks_for_display


@pytest.mark.parametrize("message", _FIXED_MESSAGES)
def test_each_fixed_message_is_translated(message):
    with translation.override("fr"):
        assert check_message(message) != message


@pytest.mark.parametrize(
    ("message", "french", "english"),
    [
        (
            "the issuer serves this assertion at https://example.org/a/1",
            "l’émetteur publie cette attribution à l’adresse https://example.org/a/1",
            "the issuer serves this assertion at https://example.org/a/1",
        ),
        ("awarded to ada@example.org", "attribué à ada@example.org", "awarded to ada@example.org"),
        (
            "valid until 2027-03-13T00:00:00+00:00",
            "valide jusqu’au 13 mars 2027",
            "valid until March 13, 2027",
        ),
        ("1 valid proof(s) by the issuer", "1 signature valide de l’émetteur", "1 valid proof by the issuer"),
        (
            "2 valid proof(s) by the issuer",
            "2 signatures valides de l’émetteur",
            "2 valid proofs by the issuer",
        ),
    ],
)
def test_messages_with_values_are_translated_with_them(message, french, english):
    with translation.override("fr"):
        assert check_message(message) == french
    with translation.override("en"):
        assert check_message(message) == english


def test_an_unknown_message_is_shown_as_the_core_wrote_it():
    with translation.override("fr"):
        assert check_message("signature does not match key kid=3") == "signature does not match key kid=3"
        assert check_message("valid until someday") == "valid until someday"


def test_checks_for_display_translate_label_and_message():
    with translation.override("fr"):
        (check,) = checks_for_display([{"name": CHECK_REVOCATION, "passed": True, "message": "not revoked"}])
        assert (str(check["label"]), check["message"]) == ("Non révoqué", "non révoqué")
