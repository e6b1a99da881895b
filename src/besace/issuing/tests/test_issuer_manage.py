"""Creating an issuer, editing it, and managing its staff."""

from django.urls import reverse

from besace.core.audit import audit_entries_for
from besace.issuing.models import Issuer, IssuerStaff
from besace.issuing.tests.conftest import png_upload, svg_upload


def test_it_creates_an_issuer_owned_by_its_creator(login, outsider, client):
    response = login(outsider).post(
        reverse("issuing:issuers"),
        {
            "name": "École du Test",
            "url": "https://ecole.example",
            "email": "Badges@Ecole.Example",
            "description": "Une école.",
            "image": svg_upload(),
        },
    )
    issuer = Issuer.objects.get(name="École du Test")
    assert response.status_code == 302 and response["Location"] == reverse(
        "issuing:issuer", args=[issuer.public_id]
    )
    assert issuer.email == "badges@ecole.example"
    assert (
        issuer.memberships.get().user == outsider and issuer.memberships.get().role == IssuerStaff.Role.OWNER
    )
    assert issuer.image.name.endswith(".svg")
    assert [e.action for e in audit_entries_for(issuer)] == ["issuer.created"]
    image = client.get(reverse("public:issuer_image", args=[issuer.public_id]))
    assert image["Content-Type"] == "image/svg+xml" and "sandbox" in image["Content-Security-Policy"]


def test_it_refuses_an_issuer_without_a_valid_website(login, outsider):
    response = login(outsider).post(
        reverse("issuing:issuers"), {"name": "X", "url": "not a url", "email": "x@x.example"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["url"]
    assert not Issuer.objects.exists()


def test_it_lets_the_owner_edit_the_issuer(login, owner, issuer):
    response = login(owner).post(
        reverse("issuing:issuer_edit", args=[issuer.public_id]),
        {
            "name": "Université Renommée",
            "url": "https://univ.example/new",
            "email": "New@Univ.Example",
            "description": "Nouvelle description",
            "image": png_upload(),
        },
    )
    assert response.status_code == 302
    issuer.refresh_from_db()
    assert (issuer.name, issuer.url, issuer.email) == (
        "Université Renommée",
        "https://univ.example/new",
        "new@univ.example",
    )
    assert issuer.image.name.endswith(".png")
    assert "issuer.updated" in [e.action for e in audit_entries_for(issuer)]


def test_it_keeps_the_image_when_an_edit_uploads_none(login, owner, issuer):
    login(owner).post(
        reverse("issuing:issuer_edit", args=[issuer.public_id]),
        {"name": "A", "url": "https://a.example", "email": "a@a.example", "image": png_upload()},
    )
    issuer.refresh_from_db()
    image_name = issuer.image.name
    login(owner).post(
        reverse("issuing:issuer_edit", args=[issuer.public_id]),
        {"name": "B", "url": "https://a.example", "email": "a@a.example"},
    )
    issuer.refresh_from_db()
    assert issuer.name == "B" and issuer.image.name == image_name


def test_it_lets_the_owner_add_staff_by_their_account_address(login, owner, issuer, make_user):
    newcomer = make_user("newcomer@univ.example")
    response = login(owner).post(
        reverse("issuing:issuer_staff", args=[issuer.public_id]),
        {"email": "NewComer@univ.example", "role": "awarder"},
        follow=True,
    )
    assert IssuerStaff.objects.get(issuer=issuer, user=newcomer).role == IssuerStaff.Role.AWARDER
    assert "newcomer@univ.example is now Awarder." in response.content.decode()
    assert "issuer.staff.set" in [e.action for e in audit_entries_for(issuer)]


def test_it_says_when_no_account_has_the_staff_address(login, owner, issuer):
    response = login(owner).post(
        reverse("issuing:issuer_staff", args=[issuer.public_id]),
        {"email": "nobody@univ.example", "role": "editor"},
        follow=True,
    )
    assert "No account uses this e-mail address" in response.content.decode()
    assert issuer.memberships.count() == 1


def test_it_changes_a_staff_role(login, owner, editor, issuer):
    login(owner).post(
        reverse("issuing:issuer_staff", args=[issuer.public_id]), {"email": editor.email, "role": "owner"}
    )
    assert IssuerStaff.objects.get(issuer=issuer, user=editor).role == IssuerStaff.Role.OWNER


def test_it_never_leaves_an_issuer_without_an_owner(login, owner, issuer):
    response = login(owner).post(
        reverse("issuing:issuer_staff", args=[issuer.public_id]),
        {"email": owner.email, "role": "editor"},
        follow=True,
    )
    assert "at least one owner" in response.content.decode()
    assert IssuerStaff.objects.get(issuer=issuer, user=owner).role == IssuerStaff.Role.OWNER


def test_it_lets_an_owner_step_down_once_there_is_another_owner(login, owner, editor, issuer):
    client = login(owner)
    client.post(
        reverse("issuing:issuer_staff", args=[issuer.public_id]), {"email": editor.email, "role": "owner"}
    )
    client.post(
        reverse("issuing:issuer_staff", args=[issuer.public_id]), {"email": owner.email, "role": "editor"}
    )
    assert IssuerStaff.objects.get(issuer=issuer, user=owner).role == IssuerStaff.Role.EDITOR


def test_it_shows_the_role_in_words(login, awarder, issuer):
    page = login(awarder).get(reverse("issuing:issuer", args=[issuer.public_id])).content.decode()
    assert "Your role: Awarder" in page
