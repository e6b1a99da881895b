"""Who sees which issuer staff page: owner, editor, awarder, outsider, anonymous."""

import pytest
from django.urls import reverse

ROLES = ["owner", "editor", "awarder", "outsider", None]


@pytest.fixture
def user_as(request, editor, awarder, outsider, owner):
    return lambda role: request.getfixturevalue(role) if role else None


def _pages(issuer, badge_class, assertion):
    return {
        "issuer": ("get", reverse("issuing:issuer", args=[issuer.public_id])),
        "issuer_edit": ("get", reverse("issuing:issuer_edit", args=[issuer.public_id])),
        "issuer_staff": ("post", reverse("issuing:issuer_staff", args=[issuer.public_id])),
        "badgeclass_create": ("get", reverse("issuing:badgeclass_create", args=[issuer.public_id])),
        "badgeclass": ("get", reverse("issuing:badgeclass", args=[badge_class.public_id])),
        "award": ("get", reverse("issuing:award", args=[badge_class.public_id])),
        "award_csv": ("get", reverse("issuing:award_csv", args=[badge_class.public_id])),
        "revoke": ("post", reverse("issuing:revoke", args=[assertion.public_id])),
    }


# What each role gets: 200 (or a redirect after a POST), 403 for a staff member without the role,
# 404 for somebody outside the issuer (who does not learn the page exists).
EXPECTED = {
    "owner": {"issuer": 200, "issuer_edit": 200, "issuer_staff": 302, "badgeclass_create": 200,
              "badgeclass": 200, "award": 200, "award_csv": 200, "revoke": 302},
    "editor": {"issuer": 200, "issuer_edit": 403, "issuer_staff": 403, "badgeclass_create": 200,
               "badgeclass": 200, "award": 200, "award_csv": 200, "revoke": 302},
    "awarder": {"issuer": 200, "issuer_edit": 403, "issuer_staff": 403, "badgeclass_create": 403,
                "badgeclass": 200, "award": 200, "award_csv": 200, "revoke": 403},
    "outsider": dict.fromkeys(["issuer", "issuer_edit", "issuer_staff", "badgeclass_create", "badgeclass",
                               "award", "award_csv", "revoke"], 404),
}  # fmt: skip


@pytest.mark.parametrize("role", ["owner", "editor", "awarder", "outsider"])
@pytest.mark.parametrize("page", list(EXPECTED["owner"]))
def test_it_gives_each_role_its_pages(login, user_as, role, page, issuer, badge_class, award):
    method, url = _pages(issuer, badge_class, award())[page]
    response = getattr(login(user_as(role)), method)(url)
    assert response.status_code == EXPECTED[role][page]


@pytest.mark.parametrize("page", list(EXPECTED["owner"]) + ["issuers"])
def test_it_sends_anonymous_visitors_to_the_login_page(client, page, issuer, badge_class, award):
    pages = _pages(issuer, badge_class, award()) | {"issuers": ("get", reverse("issuing:issuers"))}
    method, url = pages[page]
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")


def test_it_changes_nothing_when_a_forbidden_revoke_is_posted(login, awarder, outsider, award):
    assertion = award()
    login(awarder).post(reverse("issuing:revoke", args=[assertion.public_id]), {"reason": "no"})
    login(outsider).post(reverse("issuing:revoke", args=[assertion.public_id]), {"reason": "no"})
    assertion.refresh_from_db()
    assert not assertion.revoked


@pytest.mark.parametrize(
    ("role", "sees_edit", "sees_new_badge", "sees_staff_form"),
    [("owner", True, True, True), ("editor", False, True, False), ("awarder", False, False, False)],
)
def test_it_shows_each_role_only_the_actions_it_may_take(
    login, user_as, role, sees_edit, sees_new_badge, sees_staff_form, issuer, badge_class
):
    page = login(user_as(role)).get(reverse("issuing:issuer", args=[issuer.public_id])).content.decode()
    assert badge_class.name in page
    assert (reverse("issuing:issuer_edit", args=[issuer.public_id]) in page) is sees_edit
    assert (reverse("issuing:badgeclass_create", args=[issuer.public_id]) in page) is sees_new_badge
    assert (reverse("issuing:issuer_staff", args=[issuer.public_id]) in page) is sees_staff_form


@pytest.mark.parametrize(
    ("role", "sees_award", "sees_revoke"),
    [("owner", True, True), ("editor", True, True), ("awarder", True, False)],
)
def test_it_shows_award_and_revoke_forms_by_role(
    login, user_as, role, sees_award, sees_revoke, badge_class, award
):
    assertion = award()
    page = (
        login(user_as(role)).get(reverse("issuing:badgeclass", args=[badge_class.public_id])).content.decode()
    )
    assert (reverse("issuing:award", args=[badge_class.public_id]) in page) is sees_award
    assert (reverse("issuing:revoke", args=[assertion.public_id]) in page) is sees_revoke


def test_it_lists_only_the_issuers_a_person_belongs_to(login, make_user, issuer, outsider):
    from besace.issuing import services

    other = services.issuer_create(
        owner=outsider, name="Other school", url="https://o.example", email="o@o.example"
    )
    page = login(outsider).get(reverse("issuing:issuers")).content.decode()
    assert other.name in page
    assert issuer.name not in page
