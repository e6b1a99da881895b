"""Creating, editing and deleting pages; the list of the earner's pages."""

from django.contrib.auth.hashers import check_password
from django.urls import reverse

from besace.core.audit import audit_entries_for
from besace.pages.models import Block, Page


def test_it_creates_edits_and_deletes_a_page_and_audits_each_step(login, earner):
    client = login(earner)
    response = client.post(
        reverse("pages:new"),
        {"title": "Portfolio", "theme": "sombre", "visibility": "private", "password": ""},
    )
    page = Page.objects.get(owner=earner)
    assert response["Location"] == reverse("pages:edit", args=[page.public_id])
    assert (page.title, page.theme, page.visibility, page.password_hash) == (
        "Portfolio",
        "sombre",
        "private",
        "",
    )
    assert len(page.public_id) == 22

    settings_url = reverse("pages:settings", args=[page.public_id])
    assert 'value="Portfolio"' in client.get(settings_url).content.decode()
    client.post(
        settings_url, {"title": "My work", "theme": "colore", "visibility": "password", "password": "s3cret"}
    )
    page.refresh_from_db()
    assert (page.title, page.theme, page.visibility) == ("My work", "colore", "password")
    assert check_password("s3cret", page.password_hash) and "s3cret" not in page.password_hash

    # Saving again without a password keeps the one set; another visibility drops it.
    client.post(
        settings_url, {"title": "My work", "theme": "colore", "visibility": "password", "password": ""}
    )
    page.refresh_from_db()
    assert check_password("s3cret", page.password_hash)
    client.post(settings_url, {"title": "My work", "theme": "colore", "visibility": "public", "password": ""})
    page.refresh_from_db()
    assert page.password_hash == ""

    client.post(reverse("pages:delete", args=[page.public_id]))
    assert not Page.objects.exists()
    actions = list(audit_entries_for(page).order_by("id").values_list("action", "actor", "data"))
    assert [(action, actor) for action, actor, _data in actions] == [
        ("pages.page.created", earner.pk),
        ("pages.page.updated", earner.pk),
        ("pages.page.updated", earner.pk),
        ("pages.page.updated", earner.pk),
        ("pages.page.deleted", earner.pk),
    ]
    assert [data.get("password_changed") for _a, _b, data in actions[1:4]] == [True, False, True]
    assert all("s3cret" not in str(data) for _a, _b, data in actions)


def test_it_refuses_a_password_page_without_a_password_and_bad_choices(login, earner):
    client = login(earner)
    response = client.post(
        reverse("pages:new"), {"title": "Secret", "theme": "clair", "visibility": "password", "password": ""}
    )
    assert response.status_code == 400 and "Choose a password" in response.content.decode()
    response = client.post(
        reverse("pages:new"), {"title": "X", "theme": "neon", "visibility": "everyone", "password": ""}
    )
    assert response.status_code == 400
    assert not Page.objects.exists()


def test_only_the_owner_manages_a_page(login, make_user, make_page, add_block):
    page = make_page()
    block = add_block(page, Block.Kind.HEADING, text="Hello")
    client = login(make_user("someone@else.example"))
    for url in [
        reverse("pages:edit", args=[page.public_id]),
        reverse("pages:settings", args=[page.public_id]),
        reverse("pages:block_edit", args=[page.public_id, block.pk]),
    ]:
        assert client.get(url).status_code == 404
    for url in [
        reverse("pages:delete", args=[page.public_id]),
        reverse("pages:block_add", args=[page.public_id]),
        reverse("pages:block_delete", args=[page.public_id, block.pk]),
        reverse("pages:block_move", args=[page.public_id, block.pk]),
    ]:
        assert client.post(url, {"kind": "heading", "heading-text": "Hacked"}).status_code == 404
    assert Page.objects.filter(pk=page.pk).exists() and list(page.blocks.values_list("text", flat=True)) == [
        "Hello"
    ]
    anonymous = reverse("pages:list")
    client.logout()
    assert client.get(anonymous).status_code == 302


def test_the_list_shows_the_earners_pages_in_a_fixed_number_of_queries(
    login, earner, make_page, add_block, make_user, django_assert_max_num_queries
):
    for number in range(15):
        page = make_page(title=f"Page {number}")
        add_block(page, Block.Kind.HEADING, text="Hi")
    make_page(title="Not mine", owner=make_user("other@example.org"))
    client = login(earner)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("pages:list"))
    html = response.content.decode()
    assert html.count("Page ") >= 15 and "Not mine" not in html
