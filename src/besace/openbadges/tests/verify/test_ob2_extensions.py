"""OB 2.0 extensions: nodes typed Extension must meet the JSON schema their shipped extension declares."""

import json

import jsonschema
import pytest

from besace.openbadges.errors import UnknownSchemaError
from besace.openbadges.json_schemas import SCHEMAS, load_schema
from besace.openbadges.jsonld_contexts import CONTEXTS, OB2_CONTEXT, load_context
from besace.openbadges.verify.ob2_extensions import check_extensions
from besace.openbadges.verify.verifier import BadgeInput, verify_badge

from .helpers import OB20, SAMPLE_RECIPIENT, example_org_fetcher, failed_checks, json_bytes

EXAMPLE = "https://w3id.org/openbadges/extensions/exampleExtension/context.json"
APPLY_LINK = "http://openbadgespec.org/extensions/applyLinkExtension/context.json"
GEO = "https://w3id.org/openbadges/extensions/geoCoordinatesExtension/context.json"
RECIPIENT_PROFILE = "https://openbadgespec.org/extensions/recipientProfile/context.json"  # not shipped


def assertion(*contexts, **extensions):
    return {
        "@context": [OB2_CONTEXT, *contexts],
        "id": "https://example.org/assertion",
        "type": "Assertion",
        "recipient": {"type": "email", "hashed": False, "identity": "nobody@example.org"},
        "badge": "https://example.org/robotics-badge.json",
        "issuedOn": "2016-12-31T23:59:59Z",
        "verification": {"type": "hosted"},
        **{f"extensions:{name}": node for name, node in extensions.items()},
    }


def example(value, kind="extensions:ExampleExtension", **more):
    return {"type": ["Extension", kind], "exampleProperty": value, **more}


def test_a_valid_extension_passes_without_notes():
    found = check_extensions(assertion(EXAMPLE, exampleExtension=example("some text")), "assertion")

    assert (found.failures, found.notes) == ([], [])


def test_an_extension_that_breaks_its_schema_fails_naming_the_extension_and_the_error():
    found = check_extensions(assertion(EXAMPLE, exampleExtension=example(1337)), "assertion")

    assert found.notes == []
    [failure] = found.failures
    assert "the assertion's extensions:exampleExtension" in failure
    assert "extensions:ExampleExtension extension" in failure
    assert "https://w3id.org/openbadges/extensions/exampleExtension/schema.json" in failure
    assert "1337 is not of type 'string'" in failure


def test_a_missing_required_property_fails():
    found = check_extensions(
        assertion(EXAMPLE, exampleExtension=example("x") | {"exampleProperty": None}), "x"
    )

    # A null value is no value in JSON-LD: the property is gone once compacted.
    assert "'exampleProperty' is a required property" in found.failures[0]


def test_types_and_properties_may_be_written_as_iris_and_the_context_may_be_on_the_node():
    node = {
        "@context": EXAMPLE,
        "type": ["Extension", "https://w3id.org/openbadges/extensions#ExampleExtension"],
        "http://schema.org/text": 42,
    }

    found = check_extensions(assertion(exampleExtension=node), "assertion")

    assert len(found.failures) == 1
    assert "42 is not of type 'string'" in found.failures[0]


def test_nested_errors_say_where():
    node = {
        "type": ["Extension", "extensions:GeoCoordinates"],
        "description": "Where the badge was earned",
        "geo": {"latitude": "north", "longitude": 2.35},
    }

    found = check_extensions(assertion(GEO, geoLocation=node), "BadgeClass")

    [failure] = found.failures
    assert failure.startswith("the BadgeClass's extensions:geoLocation does not meet the schema")
    assert "'north' is not of type 'number' (at geo/latitude)" in failure


def test_each_type_of_a_node_with_several_is_checked():
    node = {
        "type": ["Extension", "extensions:ExampleExtension", "extensions:ApplyLink"],
        "exampleProperty": "fine",
    }

    found = check_extensions(assertion(EXAMPLE, APPLY_LINK, both=node), "assertion")

    [failure] = found.failures
    assert "extensions:ApplyLink extension" in failure
    assert "'url' is a required property" in failure

    node["url"] = "https://example.org/apply"
    assert check_extensions(assertion(EXAMPLE, APPLY_LINK, both=node), "assertion").failures == []


def test_extension_nodes_are_found_at_any_depth():
    document = assertion(EXAMPLE)
    document["evidence"] = [{"narrative": "fine"}, {"narrative": "also", "extensions:ex": example(False)}]

    [failure] = check_extensions(document, "assertion").failures

    assert failure.startswith("the assertion's evidence[1].extensions:ex does not meet")


def test_an_extension_of_a_type_its_shipped_context_does_not_validate_fails():
    found = check_extensions(assertion(EXAMPLE, ex=example("text", kind="extensions:Other")), "assertion")

    [failure] = found.failures
    assert "is an Extension of no type its extension contexts validate" in failure


def test_unknown_extension_contexts_are_noted_never_failed():
    profile = {"type": ["Extension", "extensions:RecipientProfile"], "name": "Beth"}

    found = check_extensions(assertion(RECIPIENT_PROFILE, recipientProfile=profile), "assertion")

    assert found.failures == []
    assert any(RECIPIENT_PROFILE in note and "does not ship" in note for note in found.notes)
    assert any("extensions:recipientProfile (an Extension of type" in note for note in found.notes)


def test_a_shipped_extension_is_still_checked_next_to_an_unknown_one():
    profile = {"@context": RECIPIENT_PROFILE, "type": ["Extension", "extensions:RecipientProfile"]}

    found = check_extensions(
        assertion(EXAMPLE, recipientProfile=profile, exampleExtension=example(7)), "assertion"
    )

    assert len(found.failures) == 1
    assert "extensions:exampleExtension does not meet" in found.failures[0]


def test_an_extension_without_any_extension_context_is_noted():
    found = check_extensions(assertion(ex=example(7)), "assertion")

    assert found.failures == []
    assert found.notes and "was not checked" in found.notes[0]


def test_documents_without_extensions_are_left_alone():
    found = check_extensions(assertion(), "assertion")

    assert (found.failures, found.notes) == ([], [])


def test_every_shipped_extension_context_names_a_shipped_valid_schema():
    extension_contexts = [url for url in CONTEXTS if "/extensions/" in url and "openbadges" in url]
    assert len(extension_contexts) == 6
    for url in extension_contexts:
        for validation in load_context(url)["obi:validation"]:
            schema = load_schema(validation["obi:validationSchema"])
            jsonschema.Draft4Validator.check_schema(schema)
    assert {load_schema(url)["title"] for url in SCHEMAS} == {
        "1.1 Open Badge Example Extension",
        "Apply Link",
        "GeoCoordinates Open Badges Extension",
    }
    with pytest.raises(UnknownSchemaError):
        load_schema("https://openbadgespec.org/extensions/recipientProfile/schema.json")
    with pytest.raises(UnknownSchemaError):
        load_schema("ftp://w3id.org/openbadges/extensions/exampleExtension/schema.json")


# --- Through the verifier, with 1EdTech's samples (skipped without them) -------------------------------


def verify(fixtures, document, served=()):
    fetcher = example_org_fetcher(fixtures, {document["id"]: json_bytes(document), **dict(served)})
    return verify_badge(
        BadgeInput(text=json.dumps(document)), fetcher=fetcher, recipient_emails=[SAMPLE_RECIPIENT]
    )


def sample(fixtures, name="basic-assertion.json"):
    return json.loads((fixtures / OB20 / name).read_text())


def test_an_invalid_extension_in_a_sample_assertion_fails_the_structure_check(shared_fixtures):
    document = sample(shared_fixtures)
    document["@context"] = [OB2_CONTEXT, GEO]
    document["extensions:geoLocation"] = {"type": ["Extension", "extensions:GeoCoordinates"], "name": "Paris"}

    result = verify(shared_fixtures, document)

    assert failed_checks(result) == {"structure"}, result.checks
    assert "'description' is a required property" in result.check("structure").message


def test_a_valid_extension_in_a_sample_assertion_verifies(shared_fixtures):
    document = sample(shared_fixtures)
    document["@context"] = [OB2_CONTEXT, GEO]
    document["extensions:geoLocation"] = {
        "type": ["Extension", "extensions:GeoCoordinates"],
        "description": "Where the robot was built",
        "geo": {"latitude": 48.85, "longitude": 2.35},
    }

    result = verify(shared_fixtures, document)

    assert result.valid, result.checks
    assert result.messages == ()


def test_an_invalid_extension_in_the_badge_class_fails_the_structure_check(shared_fixtures):
    badge_class = json.loads((shared_fixtures / OB20 / "assets" / "robotics-badge.json").read_text())
    badge_class["extensions:apply"] = {"@context": APPLY_LINK, "type": ["Extension", "extensions:ApplyLink"]}
    document = sample(shared_fixtures)
    document["badge"] = "https://example.org/extended-badge.json"

    result = verify(shared_fixtures, document, {document["badge"]: json_bytes(badge_class)})

    assert failed_checks(result) == {"structure"}, result.checks
    message = result.check("structure").message
    assert "the BadgeClass's extensions:apply does not meet the schema of the extensions:ApplyLink" in message


def test_an_unknown_extension_in_a_sample_assertion_is_noted(shared_fixtures):
    document = sample(shared_fixtures)
    document["extensions:recipientProfile"] = {
        "@context": RECIPIENT_PROFILE,
        "type": ["Extension", "extensions:RecipientProfile"],
        "name": "Beth",
    }

    result = verify(shared_fixtures, document)

    assert result.valid, result.checks
    assert any(RECIPIENT_PROFILE in message for message in result.messages), result.messages
