"""Only the embeddable version of a page may be framed by other sites."""

from django.urls import reverse

from besace.pages.models import Block


def test_the_embed_is_framable_and_nothing_else_is(client, make_page, add_block):
    page = make_page(visibility="public", title="Framed portfolio")
    add_block(page, Block.Kind.HEADING, text="Hello")
    embed = client.get(reverse("pages:embed", args=[page.public_id]))
    assert embed.status_code == 200 and "X-Frame-Options" not in embed
    html = embed.content.decode()
    assert "Framed portfolio" in html and "Hello" in html
    assert "<form" not in html and '<base target="_blank">' in html

    for url in (reverse("pages:page", args=[page.public_id]), reverse("home")):
        assert client.get(url)["X-Frame-Options"] == "DENY"


def test_a_locked_embed_links_to_the_page_without_showing_it(client, make_page, add_block):
    page = make_page(visibility="password", password="pw")
    add_block(page, Block.Kind.HEADING, text="Hello")
    embed = client.get(reverse("pages:embed", args=[page.public_id]))
    html = embed.content.decode()
    assert embed.status_code == 403 and "Hello" not in html and "<form" not in html
    assert reverse("pages:page", args=[page.public_id]) in html


def test_the_editor_offers_the_link_and_the_embed_code(login, earner, make_page):
    page = make_page(visibility="public")
    html = login(earner).get(reverse("pages:edit", args=[page.public_id])).content.decode()
    assert f"http://testserver/pages/{page.public_id}/" in html
    assert f'&lt;iframe src="http://testserver/pages/{page.public_id}/embed"' in html
