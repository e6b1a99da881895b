"""Tags on badges: the owner's comma-separated list, and "My badges" filtered by one tag."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from besace.backpack.organise import tags_parse
from besace.backpack.tests.organise_fixtures import imported_fixture, kept_fixture  # noqa: F401
from besace.core.audit import audit_entries_for


def test_it_trims_and_deduplicates_tags_whatever_their_case():
    assert tags_parse(" Python ,  data   science,python,, DATA science ,") == ["Python", "data science"]
    assert tags_parse("") == [] and tags_parse(" , ,") == []


def test_it_refuses_more_than_20_tags_or_a_tag_over_50_characters():
    assert len(tags_parse(",".join(f"t{n}" for n in range(20)))) == 20
    with pytest.raises(ValidationError):
        tags_parse(",".join(f"t{n}" for n in range(21)))
    assert tags_parse("x" * 50) == ["x" * 50]
    with pytest.raises(ValidationError):
        tags_parse("x" * 51)


def test_it_saves_the_tags_from_the_badge_page_and_audits_them(login, earner, kept):
    entry = kept()
    client = login(earner)
    response = client.post(
        reverse("backpack:badge_tags", args=[entry.public_id]), {"tags": "work, python , Work"}
    )
    assert response.status_code == 302 and response["Location"].endswith("#tags")
    entry.refresh_from_db()
    assert entry.tags == ["work", "python"]
    (audit,) = audit_entries_for(entry).filter(action="backpack.badge.tags")
    assert audit.actor == earner and audit.data == {"previous": [], "tags": ["work", "python"]}
    page = client.get(reverse("backpack:badge", args=[entry.public_id])).content.decode()
    assert 'value="work, python"' in page


def test_it_keeps_the_tags_when_the_list_is_refused(login, earner, kept):
    entry = kept(tags=["keep"])
    client = login(earner)
    client.post(reverse("backpack:badge_tags", args=[entry.public_id]), {"tags": "y" * 51})
    entry.refresh_from_db()
    assert entry.tags == ["keep"] and not audit_entries_for(entry).exists()
    page = client.get(reverse("backpack:badge", args=[entry.public_id])).content.decode()
    assert "A tag has at most 50 characters" in page


def test_it_lets_only_the_owner_tag_a_badge(login, outsider, kept):
    entry = kept()
    response = login(outsider).post(reverse("backpack:badge_tags", args=[entry.public_id]), {"tags": "spam"})
    assert response.status_code == 404
    entry.refresh_from_db()
    assert entry.tags == []


def test_it_filters_my_badges_by_tag_whatever_its_case(login, earner, kept, imported):
    python = kept(tags=["Python", "work"], name="First")
    imported_python = imported(tags=["python"], name="Second")
    work_only = kept(tags=["work"])
    untagged = kept()
    client = login(earner)
    response = client.get(reverse("backpack:home"), {"tag": "PYTHON"})
    assert {entry.pk for entry in response.context["badges"]} == {python.pk, imported_python.pk}
    assert [tag.casefold() for tag in response.context["tags"]] == ["python", "work"]  # each once
    everything = client.get(reverse("backpack:home")).context["badges"]
    assert {entry.pk for entry in everything} == {python.pk, imported_python.pk, work_only.pk, untagged.pk}
    page = client.get(reverse("backpack:home"), {"tag": "nothing"}).content.decode()
    assert "No badge with this tag." in page and "Show all my badges" in page


def test_it_offers_each_tag_as_a_filter_on_my_badges(login, earner, kept):
    kept(tags=["data science"])
    page = login(earner).get(reverse("backpack:home")).content.decode()
    assert 'href="?tag=data%20science"' in page


def test_it_lists_30_tagged_badges_and_the_collections_in_a_few_queries(
    login, earner, kept, imported, django_assert_max_num_queries
):
    from besace.backpack import organise

    for n in range(30):
        entry = kept(tags=[f"tag {n % 4}", "all"]) if n % 2 else imported(tags=[f"tag {n % 4}"])
        if n % 10 == 0:
            collection = organise.collection_create(owner=earner, name=f"Collection {n}")
            organise.collection_badge_add(collection=collection, entry=entry, actor=earner)
    client = login(earner)
    client.get(reverse("backpack:home"))
    # Session, user, consent; pending awards (addresses, awards); badges; collections with their counts.
    with django_assert_max_num_queries(10):
        response = client.get(reverse("backpack:home"))
    assert len(response.context["badges"]) == 30 and len(response.context["tags"]) == 5
    with django_assert_max_num_queries(10):
        response = client.get(reverse("backpack:home"), {"tag": "all"})
    assert len(response.context["badges"]) == 15
    assert response.content.decode().count("Collection ") == 3
