"""1EdTech's OB 2.0 samples (digital-credentials-public-validator) get the verdict 1EdTech's tests assert.

Each sample is served at its own id, as its issuer would, and example.org from ob20/assets/ as in
1EdTech's OB20Tests; see fixtures/digital-credentials-public-validator/EXPECTED_RESULTS.md.
"""

import json

import pytest

from besace.openbadges.images import read_image_payload
from besace.openbadges.verify.model import CHECK_HOSTED, CHECK_RECIPIENT, VerificationError
from besace.openbadges.verify.verifier import BadgeInput, verify_badge

from .helpers import OB20, SAMPLE_RECIPIENT, example_org_fetcher, failed_checks, json_bytes

VALID = [
    "basic-assertion.json",
    "simple-badge.png",
    "simple.jwt",
    "simple-not-revoked.jwt",
    "assertion-with-endorsements.json",
    "basic-assertion-no-public-key.json",
    "basic-assertion-with-language.json",
    "assertion-with-extension-node-basic.json",
    "assertion-with-multiple-extensions.json",
    "basic-assertion-with-allowed-origins.json",
    "basic-assertion-with-allowed-origins-valid-starts-with.json",
    "basic-assertion-with-allowed-origins-valid-multiple-starts-with.json",
]
# 1EdTech: valid with a warning. Besace: valid, with a note saying which document declares another id.
WARNING = {
    "warning-with-redirection.json": "declares the id 'https://example.org/robotics-badge.json'",
    "warning-issuer-non-http.json": "declares the id 'urn:uuid:",
}
INVALID = {  # sample: the check that must fail
    "basic-assertion-invalid-context.json": "structure",
    "basic-assertion-invalid-type.json": "structure",
    "simple-revoked.jwt": "not_revoked",
    "assertion-with-data-image.json": "image",
    "basic-assertion-expired.json": "not_expired",
    "basic-assertion-expired-before-issued.json": "not_expired",
    "basic-assertion-in-future.json": "not_expired",
    "basic-assertion-with-allowed-origins-invalid-starts-with.json": "hosted",
    "basic-assertion-with-allowed-origins-invalid-multiple-starts-with.json": "hosted",
}
# BadgeClasses 1EdTech checks on their own: valid, so an assertion of each verifies.
VALID_BADGE_CLASSES = [
    "assets/robotics-badge.json",
    "assets/badgeclass1.json",
    "assets/badge-with-data-image.json",
    "assets/badgeclass-with-complex-image.json",
]
# OB documents that are not awards (1EdTech validates them as documents; valid or not, they are no
# badge to verify): Besace refuses them with a message naming what they are.
NOT_AWARDS = [
    "assets/robotics-badge.json",
    "badge-class-with-language.json",
    "issuer-compact-iri-validation.json",
    "rdf-validation/valid-badge-class.json",
    "rdf-validation/valid-badge-class-empty-criteria-type.json",
    "rdf-validation/valid-issuer-extension.json",
    "rdf-validation/invalid-one-invalid-class.json",
    "rdf-validation/badge-class-invalid-issuer-type.json",
]
NOT_BADGES = [  # no Open Badges type at all
    "rdf-validation/valid-cool-class.json",
    "rdf-validation/valid-alignment-object.json",
    "rdf-validation/invalid-class.json",
    "rdf-validation/invalid-empty-type.json",
]


def verify_sample(fixtures, name, emails=(SAMPLE_RECIPIENT,)):
    """Verify a sample as given to Besace: the image, or the text; hosted ones served at their id."""
    path = fixtures / OB20 / name
    data = path.read_bytes()
    if path.suffix == ".png":
        text, source = read_image_payload(data).text, BadgeInput(image=data)
    else:
        text = data.decode()
        source = BadgeInput(text=text)
    served = {}
    if path.suffix != ".jwt":
        served[json.loads(text)["id"]] = text.encode()
    fetcher = example_org_fetcher(fixtures, served)
    return verify_badge(source, fetcher=fetcher, recipient_emails=emails), fetcher


@pytest.mark.parametrize("name", VALID)
def test_valid_samples_verify(shared_fixtures, name):
    result, _ = verify_sample(shared_fixtures, name)

    assert result.valid, result.checks
    assert result.version == "2.0"
    assert result.badge is not None
    assert result.badge.recipient.hashed
    assert result.badge.issuer.name in {"An Example Badge Issuer", "Example Issuer"}


@pytest.mark.parametrize("name", VALID)
def test_valid_samples_fail_the_recipient_check_for_another_address(shared_fixtures, name):
    result, _ = verify_sample(shared_fixtures, name, emails=("somebody@example.org",))

    assert failed_checks(result) == {CHECK_RECIPIENT}


@pytest.mark.parametrize("name", sorted(WARNING))
def test_warning_samples_verify_with_a_note(shared_fixtures, name):
    result, _ = verify_sample(shared_fixtures, name)

    assert result.valid, result.checks
    assert any(WARNING[name] in message for message in result.messages), result.messages


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_samples_fail_the_right_check(shared_fixtures, name):
    result, _ = verify_sample(shared_fixtures, name)

    assert not result.valid
    assert failed_checks(result) == {INVALID[name]}, result.checks


@pytest.mark.parametrize("name", VALID_BADGE_CLASSES)
def test_an_assertion_of_a_valid_badge_class_verifies(shared_fixtures, name):
    assertion = json.loads((shared_fixtures / OB20 / "basic-assertion.json").read_text())
    assertion["badge"] = "https://example.org/" + name.removeprefix("assets/")
    fetcher = example_org_fetcher(shared_fixtures, {assertion["id"]: json_bytes(assertion)})

    result = verify_badge(
        BadgeInput(text=json.dumps(assertion)), fetcher=fetcher, recipient_emails=[SAMPLE_RECIPIENT]
    )

    assert result.valid, result.checks


@pytest.mark.parametrize("name", NOT_AWARDS)
def test_documents_that_are_not_awards_are_refused_by_name(shared_fixtures, name):
    with pytest.raises(VerificationError, match="BadgeClass|Issuer"):
        verify_sample(shared_fixtures, name)


@pytest.mark.parametrize("name", NOT_BADGES)
def test_documents_of_no_open_badges_type_are_refused(shared_fixtures, name):
    with pytest.raises(VerificationError, match="not an Open Badge"):
        verify_sample(shared_fixtures, name)


def test_an_extension_node_of_no_type_its_context_validates_fails_the_structure_check(shared_fixtures):
    # 1EdTech: "Could not determine extension type to test". Its type, obi:extensions/#ExampleExtension,
    # is not the extensions:ExampleExtension that the exampleExtension context it uses validates.
    result, _ = verify_sample(shared_fixtures, "assertion-with-extension-node-invalid.json")

    assert not result.valid
    assert failed_checks(result) == {"structure"}, result.checks
    message = result.check("structure").message
    assert "extensions:exampleExtension is an Extension of no type" in message
    assert "extensions:ExampleExtension" in message


@pytest.mark.parametrize(
    "name", ["assertion-with-extension-node-basic.json", "assertion-with-multiple-extensions.json"]
)
def test_extension_samples_are_checked_without_notes(shared_fixtures, name):
    result, _ = verify_sample(shared_fixtures, name)

    assert result.valid, result.checks
    assert not any("extension" in message.lower() for message in result.messages), result.messages


def test_hosted_samples_are_fetched_again_at_their_id(shared_fixtures):
    result, fetcher = verify_sample(shared_fixtures, "basic-assertion.json")

    assert fetcher.requested[0] == "https://example.org/beths-robotics-badge.json"
    assert result.check(CHECK_HOSTED).passed


def test_signed_samples_check_the_revocation_list_and_report_the_reason(shared_fixtures):
    result, fetcher = verify_sample(shared_fixtures, "simple-revoked.jwt")

    assert "http://example.org/revocation-list.json" in fetcher.requested
    assert result.badge is not None
    assert result.badge.revocation_reason == "A good reason, for sure"
    assert result.badge.verification_type == "signed"


def test_a_valid_sample_is_normalised(shared_fixtures):
    result, _ = verify_sample(shared_fixtures, "basic-assertion.json")

    badge = result.badge
    assert badge.id == "https://example.org/beths-robotics-badge.json"
    assert badge.achievement.name == "Awesome Robotics Badge"
    assert badge.achievement.image == "https://example.org/robotics-badge.png"
    assert badge.achievement.criteria_url == "https://example.org/badgecriteria.json"
    assert badge.issuer.id == "https://example.org/organization.json"
    assert badge.issuer.email == "contact@example.org"
    assert badge.issued_on.isoformat() == "2016-12-31T23:59:59+00:00"
    assert badge.evidence[0].id == "https://example.org/beths-robot-work.html"
    assert badge.verification_type == "hosted"
    assert json.loads(badge.original)["id"] == badge.id
