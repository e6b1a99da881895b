"""The "New badge" page: alignments, tags, expiry, criteria."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from besace.core.audit import audit_entries_for
from besace.issuing.models import BadgeClass


def _create(client, issuer, data):
    return client.post(reverse("issuing:badgeclass_create", args=[issuer.public_id]), data)


@pytest.mark.parametrize("role", ["owner", "editor"])
def test_it_creates_a_badge_class_with_esco_alignments_and_tags(
    request, login, role, issuer, badge_class_data
):
    user = request.getfixturevalue(role)
    response = _create(
        login(user),
        issuer,
        badge_class_data(
            tags="data, Python , data,, statistics",
            **{
                "alignment-0-target_name": "analyse data",
                "alignment-0-target_url": "http://data.europa.eu/esco/skill/7a3c3c1c-1a1a-4a6e-9e1a-3d8c2f2a0e51",
                "alignment-0-target_framework": "ESCO",
                "alignment-0-target_code": "S2.8.1",
                "alignment-0-target_description": "Analyse data to find patterns.",
                "alignment-1-target_name": "use spreadsheets software",
                "alignment-1-target_url": "http://data.europa.eu/esco/skill/b9de9c86-5d5c-4a4b-a9a4-4a1a6d5dbf5b",
            },
        ),
    )
    badge_class = BadgeClass.objects.get(name="Data analysis")
    assert response.status_code == 302
    assert response["Location"] == reverse("issuing:badgeclass", args=[badge_class.public_id])
    assert badge_class.issuer == issuer
    assert badge_class.tags == ["Python", "data", "statistics"]
    assert [(a.target_name, a.target_framework, a.target_code) for a in badge_class.alignments.all()] == [
        ("analyse data", "ESCO", "S2.8.1"),
        ("use spreadsheets software", "", ""),
    ]
    assert badge_class.image.name.endswith(".png")
    entry = audit_entries_for(badge_class).get()
    assert entry.action == "badgeclass.created" and entry.actor == user


def test_it_refuses_an_alignment_without_its_url(login, owner, issuer, badge_class_data):
    response = _create(login(owner), issuer, badge_class_data(**{"alignment-0-target_name": "analyse data"}))
    assert response.status_code == 200
    assert response.context["alignments"].errors[0]["target_url"]
    assert not BadgeClass.objects.filter(name="Data analysis").exists()


def test_it_sets_an_expiry_in_days_after_the_award(login, owner, issuer, badge_class_data):
    _create(login(owner), issuer, badge_class_data(expires_after_days="365"))
    badge_class = BadgeClass.objects.get(name="Data analysis")
    assert badge_class.expires_after_days == 365 and badge_class.expires_on is None


def test_it_sets_a_fixed_expiry_date(login, owner, issuer, badge_class_data):
    day = (timezone.localdate() + datetime.timedelta(days=400)).isoformat()
    _create(login(owner), issuer, badge_class_data(expires_on=day))
    badge_class = BadgeClass.objects.get(name="Data analysis")
    assert timezone.localtime(badge_class.expires_on).date().isoformat() == day
    assert badge_class.expires_after_days is None


@pytest.mark.parametrize(
    ("fields", "field_with_error"),
    [
        ({"expires_after_days": "30", "expires_on": "2099-01-01"}, "expires_on"),
        ({"expires_on": "2001-01-01"}, "expires_on"),
        ({"expires_after_days": "0"}, "expires_after_days"),
        ({"criteria_text": "", "criteria_url": ""}, "criteria_text"),
        ({"name": ""}, "name"),
        ({"image": ""}, "image"),
    ],
)
def test_it_explains_what_is_wrong_and_creates_nothing(
    login, owner, issuer, badge_class_data, fields, field_with_error
):
    response = _create(login(owner), issuer, badge_class_data(**fields))
    assert response.status_code == 200
    assert response.context["form"].errors[field_with_error]
    assert not BadgeClass.objects.filter(issuer=issuer).exists()


def test_it_accepts_criteria_as_a_url_only(login, owner, issuer, badge_class_data):
    _create(login(owner), issuer, badge_class_data(criteria_text="", criteria_url="https://univ.example/c"))
    assert BadgeClass.objects.get(name="Data analysis").criteria_url == "https://univ.example/c"


HOSTILE_CRITERIA = (
    "Pass the exam.\n\n<script>alert('criteria')</script>\n\n"
    '<img src=x onerror="alert(1)">\n\n[click](javascript:alert(2))\n\n<iframe src="https://evil.example"></iframe>'
)


def test_it_never_lets_a_script_in_the_criteria_reach_a_page(
    login, owner, issuer, badge_class_data, award, client
):
    _create(login(owner), issuer, badge_class_data(criteria_text=HOSTILE_CRITERIA))
    badge_class = BadgeClass.objects.get(name="Data analysis")
    assertion = award(badge_class=badge_class)
    for url in [
        reverse("public:badgeclass", args=[badge_class.public_id]),
        reverse("public:assertion", args=[assertion.public_id]),
    ]:
        page = client.get(url, HTTP_ACCEPT="text/html").content.decode()
        assert "Pass the exam." in page
        assert "<script>alert" not in page
        assert "onerror" not in page
        assert "javascript:" not in page
        assert "<iframe" not in page
