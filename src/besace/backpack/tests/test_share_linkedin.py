"""LinkedIn's "Add to profile" link and the social networks' share links: every field, correctly encoded."""

from datetime import datetime
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from besace.backpack import sharing
from besace.backpack.tests.organise_fixtures import imported_fixture, kept_fixture  # noqa: F401

NAME = "Éco-conduite & sécurité"
ISSUER = "Université Grenoble Alpes & CNRS"


def _query(url: str) -> dict[str, str]:
    parsed = parse_qs(urlsplit(url).query, keep_blank_values=True, strict_parsing=True)
    assert all(len(values) == 1 for values in parsed.values()), parsed  # no field split by a stray "&"
    return {key: values[0] for key, values in parsed.items()}


def test_it_prefills_every_certification_field_with_accents_and_ampersands(
    kept, badge_class, issuer, settings
):
    settings.TIME_ZONE = "Europe/Paris"
    issuer.name = ISSUER
    issuer.save(update_fields=["name"])
    badge_class.name = NAME
    badge_class.expires_on = datetime(2028, 6, 15, tzinfo=ZoneInfo("UTC"))
    badge_class.save(update_fields=["name", "expires_on"])
    # 23:30 UTC on 31 December is January in Paris: months are the earner's, not UTC's.
    entry = kept("public", issued_on=datetime(2025, 12, 31, 23, 30, tzinfo=ZoneInfo("UTC")))

    url = sharing.linkedin_add_to_profile_url(entry)

    assert url.startswith("https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&")
    assert _query(url) == {
        "startTask": "CERTIFICATION_NAME",
        "name": NAME,
        "organizationName": ISSUER,
        "issueYear": "2026",
        "issueMonth": "1",
        "expirationYear": "2028",
        "expirationMonth": "6",
        "certId": entry.assertion.public_url,
        "certUrl": f"http://testserver/badges/{entry.public_id}/",
    }
    # Encoded as UTF-8 percent escapes, "&" escaped, spaces as %20 (not "+", which some readers keep).
    assert "name=%C3%89co-conduite%20%26%20s%C3%A9curit%C3%A9&" in url
    assert "organizationName=Universit%C3%A9%20Grenoble%20Alpes%20%26%20CNRS&" in url
    assert "certUrl=http%3A%2F%2Ftestserver%2Fbadges%2F" in url


def test_it_leaves_out_the_expiry_of_a_badge_that_never_expires(kept):
    query = _query(sharing.linkedin_add_to_profile_url(kept("public")))
    assert "expirationYear" not in query and "expirationMonth" not in query
    assert query["issueYear"] and query["issueMonth"]


def test_it_prefills_an_imported_badge_from_what_it_says(imported):
    entry = imported("public", name=NAME, issued_on=datetime(2024, 3, 5, 12, tzinfo=ZoneInfo("UTC")))
    entry.issuer_name = ISSUER
    entry.save(update_fields=["issuer_name"])
    query = _query(sharing.linkedin_add_to_profile_url(entry))
    assert query["name"] == NAME and query["organizationName"] == ISSUER
    assert (query["issueYear"], query["issueMonth"]) == ("2024", "3")
    assert query["certId"] == entry.badge_id
    assert query["certUrl"] == f"http://testserver/badges/{entry.public_id}/"


def test_it_reads_the_badge_name_live_from_the_issuing_side(kept, badge_class):
    entry = kept("public")
    badge_class.name = "Python avancé"
    badge_class.save(update_fields=["name"])
    entry.refresh_from_db()
    assert entry.name == "Python"  # the snapshot taken on acceptance
    assert _query(sharing.linkedin_add_to_profile_url(entry))["name"] == "Python avancé"


def test_the_share_links_carry_the_encoded_share_url_and_text(kept, badge_class, issuer):
    issuer.name = ISSUER
    issuer.save(update_fields=["name"])
    badge_class.name = NAME
    badge_class.save(update_fields=["name"])
    entry = kept("public")
    share_url = f"http://testserver/badges/{entry.public_id}/"
    links = sharing.share_links(entry)

    x = _query(links["x"])
    assert urlsplit(links["x"]).netloc == "x.com" and x["url"] == share_url
    assert NAME in x["text"] and ISSUER in x["text"]
    assert _query(links["facebook"]) == {"u": share_url}
    assert _query(links["linkedin"]) == {"url": share_url}
    pinterest = _query(links["pinterest"])
    assert pinterest["url"] == share_url and pinterest["media"] == badge_class.image_url
    assert pinterest["media"].startswith("http://testserver/")
    assert links["email"].startswith("mailto:?")
    mail = _query(links["email"])
    assert mail["subject"] == NAME and share_url in mail["body"]
    assert "+" not in links["email"]  # mailto: readers show a "+" as it is


def test_the_embed_snippets_escape_what_they_carry(kept, badge_class, issuer):
    issuer.name = ISSUER
    issuer.save(update_fields=["name"])
    badge_class.name = 'A "quoted" <name>'
    badge_class.save(update_fields=["name"])
    entry = kept("public")
    iframe = sharing.embed_iframe_code(entry)
    assert f'src="http://testserver/badges/{entry.public_id}/embed"' in iframe
    assert 'title="A &quot;quoted&quot; &lt;name&gt;"' in iframe
    html = sharing.static_html_code(entry)
    assert f'<img src="{badge_class.image_url}"' in html
    assert "Université Grenoble Alpes &amp; CNRS" in html
    assert f'href="http://testserver/badges/{entry.public_id}/"' in html
