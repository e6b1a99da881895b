"""Hosted assertions' JSON-LD from the shared cache: no query when cached, never stale after a change."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from besace.issuing import public_cache, services
from besace.issuing.models import BadgeClass

JSON = {"HTTP_ACCEPT": "application/ld+json"}


@pytest.fixture
def cached(settings):
    # The tests run in one process, so the per-process cache is as shared as Redis would be.
    settings.BESACE_CACHE_PUBLIC_DOCUMENTS = True
    cache.clear()
    yield
    cache.clear()


def _path(assertion) -> str:
    return reverse("public:assertion", args=[assertion.public_id])


def test_a_cached_assertion_costs_no_query_and_is_the_same_document(
    cached, client, award, django_assert_num_queries
):
    assertion = award()
    first = client.get(_path(assertion), **JSON)
    with django_assert_num_queries(0):
        second = client.get(_path(assertion), **JSON)
    assert second.status_code == first.status_code == 200
    assert second.content == first.content
    assert second.json()["id"] == assertion.public_url
    for header in ("Content-Type", "Access-Control-Allow-Origin", "Vary"):
        assert second[header] == first[header]
    # The content type still follows each request's Accept header.
    assert client.get(_path(assertion), HTTP_ACCEPT="application/json")["Content-Type"] == "application/json"


def test_a_revoked_assertion_answers_410_at_once(
    cached, client, award, owner, django_capture_on_commit_callbacks
):
    assertion = award()
    assert client.get(_path(assertion), **JSON).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        services.assertion_revoke(assertion=assertion, reason="Plagiarism", actor=owner)
    response = client.get(_path(assertion), **JSON)
    assert response.status_code == 410
    assert response.json()["revoked"] is True
    assert response.json()["revocationReason"] == "Plagiarism"
    assert client.get(_path(assertion) + ".json").status_code == 410


def test_an_edited_assertion_is_served_as_edited(cached, client, award):
    assertion = award(narrative="Before.")
    assert client.get(_path(assertion), **JSON).json()["narrative"] == "Before."
    assertion.narrative = "After."
    assertion.save()
    assert client.get(_path(assertion), **JSON).json()["narrative"] == "After."


def test_a_badge_class_change_reaches_its_cached_assertions(cached, client, award, badge_class):
    assertion = award()
    before = client.get(_path(assertion), **JSON).json()["image"]
    badge_class.verification = BadgeClass.Verification.SIGNED
    badge_class.save()
    after = client.get(_path(assertion), **JSON).json()["image"]
    assert after != before
    assert after == assertion.signed_baked_url


def test_a_deleted_assertion_is_not_found(cached, client, award):
    assertion = award()
    path = _path(assertion)
    assert client.get(path, **JSON).status_code == 200
    assertion.delete()
    assert client.get(path, **JSON).status_code == 404


def test_an_unknown_id_is_not_cached(cached, client, award):
    assert client.get(reverse("public:assertion", args=["nosuchbadge"]), **JSON).status_code == 404
    assert cache.get_many(["besace:assertion-jsonld:nosuchbadge"]) == {}


def test_a_document_rendered_before_a_change_is_never_served_after_it(cached, award):
    """A request that read the row just before a revocation committed stores the old document after it
    was forgotten: the generation it carries is no longer the current one, so it is rendered again."""
    assertion = award()

    def render_while_revoked_elsewhere():
        public_cache.forget([assertion.public_id])  # the other transaction commits meanwhile
        return 200, b"the old document"

    assert public_cache.assertion_document(assertion.public_id, render_while_revoked_elsewhere) == (
        200,
        b"the old document",
    )
    assert public_cache.assertion_document(assertion.public_id, lambda: (410, b"revoked")) == (
        410,
        b"revoked",
    )
    assert public_cache.assertion_document(assertion.public_id, lambda: pytest.fail("not cached")) == (
        410,
        b"revoked",
    )


def test_without_a_shared_cache_every_request_reads_the_database(
    settings, client, award, django_assert_num_queries
):
    settings.BESACE_CACHE_PUBLIC_DOCUMENTS = False
    assertion = award()
    client.get(_path(assertion), **JSON)
    with django_assert_num_queries(1):
        assert client.get(_path(assertion), **JSON).status_code == 200
