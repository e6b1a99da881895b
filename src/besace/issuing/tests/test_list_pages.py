"""Issuer staff list pages: what they show, in a number of queries that does not grow with the list.

The limits leave two queries of slack for middleware (session, consent); one query per row would
blow them at once.
"""

from django.core.files.base import ContentFile
from django.urls import reverse

from besace.demo.images import badge_png
from besace.issuing import services
from besace.issuing.models import IssuerStaff


def _many_badge_classes(issuer, owner, count):
    return [
        services.badge_class_create(
            issuer=issuer,
            actor=owner,
            name=f"Badge {n}",
            description="d",
            criteria_text="c",
            image=ContentFile(badge_png(size=32), name="b.png"),
            alignments=[{"target_name": "x", "target_url": "https://esco.example/x"}],
        )
        for n in range(count)
    ]


def _many_awards(badge_class, count):
    return services.badges_award_bulk(
        badge_class=badge_class,
        awards=[services.AwardRequest(email=f"p{n}@example.org") for n in range(count)],
    )


def test_it_lists_an_issuers_badges_with_award_counts_in_few_queries(
    login, owner, issuer, make_user, django_assert_max_num_queries
):
    badge_classes = _many_badge_classes(issuer, owner, 12)
    _many_awards(badge_classes[0], 3)
    services.assertion_revoke(assertion=badge_classes[0].assertions.first(), reason="mistake", actor=owner)
    for n in range(8):
        services.issuer_staff_set(
            issuer=issuer,
            user=make_user(f"staff{n}@univ.example"),
            role=IssuerStaff.Role.AWARDER,
            actor=owner,
        )
    client = login(owner)
    url = reverse("issuing:issuer", args=[issuer.public_id])
    client.get(url)  # session and consent look-ups settle on the first request
    with django_assert_max_num_queries(8):
        response = client.get(url)
    page = response.content.decode()
    assert all(b.name in page for b in badge_classes)
    assert "3 awards" in page and "0 awards" in page
    assert "staff7@univ.example" in page


def test_it_lists_many_awards_of_a_badge_class_in_few_queries(
    login, owner, badge_class, django_assert_max_num_queries
):
    assertions = _many_awards(badge_class, 40)
    services.assertion_revoke(assertion=assertions[0], reason="Plagiarism", actor=owner)
    client = login(owner)
    url = reverse("issuing:badgeclass", args=[badge_class.public_id])
    client.get(url)
    with django_assert_max_num_queries(9):  # 2 of them the statistics, whatever the number of awards
        response = client.get(url)
    page = response.content.decode()
    assert all(a.recipient_email in page for a in assertions)
    assert "Plagiarism" in page


def test_it_lists_the_issuers_of_a_staff_member_in_few_queries(
    login, owner, make_user, django_assert_max_num_queries
):
    for n in range(10):
        issuer = services.issuer_create(
            owner=owner, name=f"School {n}", url="https://s.example", email="s@s.example"
        )
        _many_badge_classes(issuer, owner, 2)
    client = login(owner)
    client.get(reverse("issuing:issuers"))
    with django_assert_max_num_queries(5):
        page = client.get(reverse("issuing:issuers")).content.decode()
    assert "School 9" in page and "2 badges" in page


def test_it_lists_an_issuers_public_badges_in_few_queries(
    client, owner, issuer, django_assert_max_num_queries
):
    badge_classes = _many_badge_classes(issuer, owner, 12)
    with django_assert_max_num_queries(4):
        page = client.get(
            reverse("public:issuer", args=[issuer.public_id]), HTTP_ACCEPT="text/html"
        ).content.decode()
    assert all(b.public_url in page for b in badge_classes)


def test_it_lists_revoked_assertions_in_few_queries(
    client, owner, badge_class, django_assert_max_num_queries
):
    for assertion in _many_awards(badge_class, 10):
        services.assertion_revoke(assertion=assertion, reason="r", actor=owner)
    with django_assert_max_num_queries(4):
        document = client.get(
            reverse("public:issuer_revocations", args=[badge_class.issuer.public_id])
        ).json()
    assert len(document["revokedAssertions"]) >= 10


def test_awards_of_a_badge_class_come_by_the_page(login, owner, badge_class, settings, monkeypatch):
    monkeypatch.setattr("besace.issuing.views.AWARDS_PER_PAGE", 10)
    assertions = _many_awards(badge_class, 25)  # newest first on the page
    client = login(owner)
    url = reverse("issuing:badgeclass", args=[badge_class.public_id])
    first, last = client.get(url).content.decode(), client.get(url, {"page": 3}).content.decode()
    newest, oldest = sorted(assertions, key=lambda a: (a.issued_on, a.pk))[-1], assertions[0]
    assert newest.recipient_email in first and oldest.recipient_email not in first
    assert "page=2" in first and "Page 1" in first
    assert sum(a.recipient_email in last for a in assertions) == 5
