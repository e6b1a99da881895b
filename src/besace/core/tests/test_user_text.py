"""What users write (criteria, comments, endorsements, biographies, page text) is Markdown cleaned by nh3:
no script, event handler, javascript: link or frame reaches any page that shows it."""

import re

from django.test import Client
from django.urls import reverse

from besace.core.tests.test_url_access import worlds  # noqa: F401 - a fixture
from besace.gallery.keys import achievement_id, badge_class_key
from besace.pages.models import Block
from besace.pages.services import BlockContent, block_add

HOSTILE = """Hello **there**.

<script>alert("script")</script>
[click](javascript:alert("link"))
<a href="javascript:alert('raw link')">raw</a>
<img src="x" onerror="alert('img')">
<iframe src="https://evil.example/"></iframe>
<p onclick="alert('p')">para</p>
"""
ACTIVE = [
    re.compile(r"<script(?![^>]*\bsrc=)", re.IGNORECASE),  # inline scripts (ours all have src)
    re.compile(r"<iframe", re.IGNORECASE),
    re.compile(r"<[^>]+\son\w+\s*=", re.IGNORECASE),
    re.compile(r"(href|src)\s*=\s*[\"']?\s*javascript:", re.IGNORECASE),
    re.compile(r"""alert\((&quot;|"|')(script|img|p|raw link)"""),
]


def test_hostile_markup_is_shown_inert_everywhere(worlds):  # noqa: F811
    world, _attacker = worlds
    world.badge_class.criteria_text = HOSTILE
    world.badge_class.save(update_fields=["criteria_text"])
    world.comment.text = HOSTILE
    world.comment.save(update_fields=["text"])
    world.endorsement.comment = HOSTILE
    world.endorsement.save(update_fields=["comment"])
    profile = world.user.profile
    profile.bio = HOSTILE
    profile.save(update_fields=["bio"])
    block_add(page=world.page, actor=world.user, kind=Block.Kind.TEXT, content=BlockContent(text=HOSTILE))
    block_add(page=world.page, actor=world.user, kind=Block.Kind.PROFILE, content=BlockContent())
    client = Client()
    client.force_login(world.user)
    pages = {
        "criteria": reverse("public:badgeclass", args=[world.badge_class.public_id]),
        "comment": reverse("gallery:badge_class", args=[badge_class_key(achievement_id(world.entry))]),
        "endorsement": reverse("social:endorse", args=[world.entry.public_id]),
        "biography": reverse("profiles:detail", args=[profile.slug]),
        "page text": reverse("pages:page", args=[world.page.public_id]),
    }
    for what, url in pages.items():
        response = client.get(url, HTTP_ACCEPT="text/html")
        html = response.content.decode()
        assert response.status_code == 200 and "<strong>there</strong>" in html, what
        assert [pattern.pattern for pattern in ACTIVE if pattern.search(html)] == [], what
