"""Every URL that names an object refuses another user's object with 404, the way a missing one is refused.

The test walks the whole URL configuration. Each pattern with parameters is either in TARGETS (how to
fill it with the victim's object; the attacker, signed in with their own issuer, badges, pages... then
GETs and POSTs it) or in NOT_OWNED (why an outsider may legitimately open it). A new pattern that is in
neither fails the test, so it cannot be added without deciding who may open it.

A 405 for the method a view does not take is fine (it says nothing about the object), as long as one of
GET and POST answers 404. The victim opening the same URL by GET must not get 404, which proves the
table names a real object.
"""

from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from oauth2_provider.models import Application

from besace.api.tokens import password_token_issue
from besace.backpack import imports
from besace.backpack.models import BackpackBadge, ImportJob, Visibility
from besace.backpack.organise import (
    badge_visibility_set,
    collection_badge_add,
    collection_create,
    earner_evidence_add,
)
from besace.backpack.services import assertion_accept
from besace.connect.services import connection_grant
from besace.demo.images import badge_png
from besace.gallery.keys import achievement_id, badge_class_key
from besace.issuing import award_jobs, services
from besace.openbadges.verify.verifier import BadgeInput
from besace.pages.models import Block, Page
from besace.pages.services import BlockContent, block_add, page_create
from besace.profiles.services import profile_for
from besace.social import services as social
from besace.testing.client_fetcher import ClientFetcher

PASSWORD = "correct horse battery"

# Patterns whose parameters are not an object some user owns, or name one that is public by design.
NOT_OWNED = {
    # No object: a sitemap section name.
    "sitemap_section",
    # Capabilities: a signed token or a one-time key is the permission itself, whoever holds it.
    "claim",
    "claim_decline",
    "claim_certificate",
    "social:unsubscribe",
    "account_reset_password_from_key",
    # Hosted Open Badges documents: verifiers anywhere must fetch an issuer's profile, keys, revocation
    # list, badge classes and assertions without an account (revoked ones answer 410, by the standard).
    "public:issuer",
    "public:issuer_json",
    "public:issuer_image",
    "public:issuer_revocations",
    "public:issuer_key",
    "public:issuer_did",
    "public:issuer_credential_status",
    "public:badgeclass",
    "public:badgeclass_json",
    "public:badgeclass_image",
    "public:assertion",
    "public:assertion_json",
    "public:assertion_baked_png",
    "public:assertion_baked_svg",
    "public:assertion_signed_jws",
    "public:assertion_signed_png",
    "public:assertion_signed_svg",
    "public:assertion_credential",
    "public:assertion_credential_jwt",
    "public:assertion_credential_png",
    "public:assertion_credential_svg",
    # Badge classes as the gallery groups them (a hash of a public badge class id), and public issuers:
    # anyone may read, follow and unfollow them; commenting needs holding the badge (tested in social).
    "gallery:badge_class",
    "social:badge_class_follow",
    "social:badge_class_unfollow",
    "social:comment_post",
    "social:issuer_follow",
    "social:issuer_unfollow",
    # Anyone signed in may report a comment they can see (comments are public on the badge class page).
    "social:comment_report",
    # Published endorsements are public Open Badges documents; unpublished ones and the profile of an
    # endorser with none answer 404 to everyone, their owner included (tested in social).
    "social:endorsement",
    "social:endorsement_credential",
    "social:endorser_profile",
}
# Django's admin: every one of its pages sends anyone who is not staff to its login page.
NOT_OWNED_ROUTES = ("admin/",)


@dataclass
class World:
    """What one user owns, on every side of the site."""

    user: object
    token: str  # a Badgr-API access token
    issuer: object
    badge_class: object
    entry: BackpackBadge  # a private badge in their backpack
    evidence: object
    pending_assertion: object  # awarded to them, not accepted yet
    pushed: BackpackBadge  # sent by an app, waiting for their approval
    collection: object
    page: Page
    text_block: Block
    file_block: Block
    award_job: object
    import_job: ImportJob
    comment: object
    social_connection: object  # a request someone sent them
    endorsement: object  # written by someone else on their badge, waiting for their answer
    app_connection: object  # an OAuth client they let in


def _seed(make_user, email: str, settings, third) -> World:
    user = make_user(email)
    user.pushed_badges = user.PushedBadges.ASK
    user.save(update_fields=["pushed_badges"])
    issuer = services.issuer_create(
        owner=user, name=f"Issuer of {email}", url="https://example.org", email=email
    )
    badge_class = services.badge_class_create(
        issuer=issuer,
        actor=user,
        name=f"Badge of {email}",
        description="A badge.",
        image=ContentFile(badge_png(), name="badge.png"),
        criteria_text="Do it.",
    )

    def award():
        return services.badge_award(
            badge_class=badge_class, award=services.AwardRequest(email=email), actor=user
        )

    entry = assertion_accept(assertion=award(), user=user)
    entry.image.save("badge.png", ContentFile(badge_png()))  # as an imported badge arrives with
    badge_visibility_set(entry=entry, visibility=Visibility.PRIVATE, actor=user)
    pushed = imports.badge_import(
        user=user,
        source=BadgeInput(url=award().public_url),
        fetcher=ClientFetcher(settings.BESACE_BASE_URL),
        pushed_by="App",
    )
    collection = collection_create(owner=user, name="Mine", visibility=Visibility.PRIVATE)
    collection_badge_add(collection=collection, entry=entry, actor=user)
    page = page_create(owner=user, title="Mine", theme=Page.Theme.CLAIR, visibility=Page.Visibility.PRIVATE)
    key = badge_class_key(achievement_id(entry))
    # The third person holds the same badge, can see this one, and asks to connect.
    third_entry = assertion_accept(
        assertion=services.badge_award(
            badge_class=badge_class, award=services.AwardRequest(email=third.email), actor=user
        ),
        user=third,
    )
    badge_visibility_set(entry=third_entry, visibility=Visibility.PUBLIC, actor=third)
    badge_visibility_set(entry=entry, visibility=Visibility.SIGNED_IN, actor=user)
    endorsement = social.endorsement_write(endorser=third, entry=entry, comment="Well earned.")
    badge_visibility_set(entry=entry, visibility=Visibility.PRIVATE, actor=user)
    application = Application.objects.create(
        name=f"App of {email}",
        client_type=Application.CLIENT_PUBLIC,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="https://app.example/callback",
    )
    return World(
        user=user,
        token=password_token_issue(
            request=RequestFactory().post("/o/token"), username=email, password=PASSWORD
        ).access_token,
        issuer=issuer,
        badge_class=badge_class,
        entry=entry,
        evidence=earner_evidence_add(entry=entry, actor=user, file=ContentFile(b"notes", name="notes.txt")),
        pending_assertion=award(),
        pushed=pushed,
        collection=collection,
        page=page,
        text_block=block_add(page=page, actor=user, kind=Block.Kind.TEXT, content=BlockContent(text="Hello")),
        file_block=block_add(
            page=page,
            actor=user,
            kind=Block.Kind.FILE,
            content=BlockContent(file=ContentFile(b"%PDF-1.4 notes", name="notes.pdf")),
        ),
        award_job=award_jobs.award_job_create(
            badge_class=badge_class, awards=[services.AwardRequest(email=third.email)], actor=user
        ),
        import_job=ImportJob.objects.create(owner=user),
        comment=social.comment_post(author=user, key=key, text="Mine."),
        social_connection=social.connection_request(requester=third, addressee=user),
        endorsement=endorsement,
        app_connection=connection_grant(user=user, application=application, scopes=[]),
    )


# Refusals other than 404 that reveal nothing about the object.
REFUSALS = {
    # Comments are public on the badge class page: refusing to change one tells nothing new.
    "social:comment_edit": 403,
    "social:comment_delete": 403,
    "social:comment_hide": 403,
    "social:comment_show": 403,
    # An assertion's id is public (its hosted URL): a refused accept or decline goes back to "My badges"
    # with the reason (backpack/tests/test_accept_decline.py) and changes nothing (checked below).
    "backpack:accept": 302,
    "backpack:decline": 302,
}
# Views that answer 404 to their owner too, so the owner's GET proves nothing there.
OWNER_ALSO_404 = {
    "share:badge_embed",  # embeds show public badges only, whoever frames them
}

# How to fill each pattern's parameters with the victim's object.
TARGETS = {
    "issuing:issuer": lambda w: {"public_id": w.issuer.public_id},
    "issuing:issuer_edit": lambda w: {"public_id": w.issuer.public_id},
    "issuing:issuer_statistics": lambda w: {"public_id": w.issuer.public_id},
    "issuing:issuer_staff": lambda w: {"public_id": w.issuer.public_id},
    "issuing:issuer_keys_rotate": lambda w: {"public_id": w.issuer.public_id},
    "issuing:badgeclass_create": lambda w: {"public_id": w.issuer.public_id},
    "issuing:badgeclass": lambda w: {"public_id": w.badge_class.public_id},
    "issuing:award": lambda w: {"public_id": w.badge_class.public_id},
    "issuing:award_csv": lambda w: {"public_id": w.badge_class.public_id},
    "issuing:award_job": lambda w: {"public_id": w.award_job.public_id},
    "issuing:award_job_resume": lambda w: {"public_id": w.award_job.public_id},
    "issuing:revoke": lambda w: {"public_id": w.entry.assertion.public_id},
    "issuing:award_email_resend": lambda w: {"public_id": w.entry.assertion.public_id},
    "backpack:batch_import_progress": lambda w: {"public_id": w.import_job.public_id},
    "backpack:batch_import_status": lambda w: {"public_id": w.import_job.public_id},
    "backpack:badge": lambda w: {"public_id": w.entry.public_id},
    "backpack:image": lambda w: {"public_id": w.entry.public_id},
    "backpack:certificate": lambda w: {"public_id": w.entry.public_id},
    "backpack:download": lambda w: {"public_id": w.entry.public_id},
    "backpack:download_signed": lambda w: {"public_id": w.entry.public_id},
    "backpack:download_hosted": lambda w: {"public_id": w.entry.public_id},
    "backpack:badge_visibility": lambda w: {"public_id": w.entry.public_id},
    "backpack:badge_tags": lambda w: {"public_id": w.entry.public_id},
    "backpack:evidence_add": lambda w: {"public_id": w.entry.public_id},
    "backpack:evidence_delete": lambda w: {"public_id": w.entry.public_id, "pk": w.evidence.pk},
    "backpack:badge_collection_add": lambda w: {"public_id": w.entry.public_id},
    "backpack:collection": lambda w: {"public_id": w.collection.public_id},
    "backpack:collection_edit": lambda w: {"public_id": w.collection.public_id},
    "backpack:collection_delete": lambda w: {"public_id": w.collection.public_id},
    "backpack:collection_badge_add": lambda w: {"public_id": w.collection.public_id},
    "backpack:collection_badge_remove": lambda w: {
        "public_id": w.collection.public_id,
        "badge_id": w.entry.public_id,
    },
    "backpack:collection_badge_move": lambda w: {
        "public_id": w.collection.public_id,
        "badge_id": w.entry.public_id,
    },
    "backpack:accept": lambda w: {"public_id": w.pending_assertion.public_id},
    "backpack:decline": lambda w: {"public_id": w.pending_assertion.public_id},
    "backpack:pushed_accept": lambda w: {"public_id": w.pushed.public_id},
    "backpack:pushed_decline": lambda w: {"public_id": w.pushed.public_id},
    "share:badge": lambda w: {"public_id": w.entry.public_id},
    "share:badge_image": lambda w: {"public_id": w.entry.public_id},
    "share:badge_embed": lambda w: {"public_id": w.entry.public_id},
    "share:badge_make_public": lambda w: {"public_id": w.entry.public_id},
    "share:badge_earner_name": lambda w: {"public_id": w.entry.public_id},
    "share:badge_share_to": lambda w: {"public_id": w.entry.public_id, "network": "linkedin-profile"},
    "share:evidence_file": lambda w: {"public_id": w.entry.public_id, "pk": w.evidence.pk},
    "share:collection": lambda w: {"public_id": w.collection.public_id},
    "pages:page": lambda w: {"public_id": w.page.public_id},
    "pages:embed": lambda w: {"public_id": w.page.public_id},
    "pages:unlock": lambda w: {"public_id": w.page.public_id},
    "pages:file": lambda w: {"public_id": w.page.public_id, "pk": w.file_block.pk},
    "pages:edit": lambda w: {"public_id": w.page.public_id},
    "pages:settings": lambda w: {"public_id": w.page.public_id},
    "pages:delete": lambda w: {"public_id": w.page.public_id},
    "pages:block_add": lambda w: {"public_id": w.page.public_id},
    "pages:block_edit": lambda w: {"public_id": w.page.public_id, "pk": w.text_block.pk},
    "pages:block_delete": lambda w: {"public_id": w.page.public_id, "pk": w.text_block.pk},
    "pages:block_move": lambda w: {"public_id": w.page.public_id, "pk": w.text_block.pk},
    "profiles:detail": lambda w: {"slug": w.user.profile.slug},
    "social:comment_edit": lambda w: {"pk": w.comment.pk},
    "social:comment_delete": lambda w: {"pk": w.comment.pk},
    "social:comment_hide": lambda w: {"pk": w.comment.pk},
    "social:comment_show": lambda w: {"pk": w.comment.pk},
    "social:connection_accept": lambda w: {"pk": w.social_connection.pk},
    "social:connection_decline": lambda w: {"pk": w.social_connection.pk},
    "social:connection_remove": lambda w: {"pk": w.social_connection.pk},
    "social:endorse": lambda w: {"public_id": w.entry.public_id},
    "social:endorsement_decide": lambda w: {"public_id": w.endorsement.public_id},
    "connect:app_revoke": lambda w: {"pk": w.app_connection.pk},
    "badgr:collection": lambda w: {"entity_id": w.collection.public_id},
    "badgr:assertion": lambda w: {"entity_id": w.entry.public_id},
    "badgr:issuer": lambda w: {"entity_id": w.issuer.public_id},
    "badgr:issuer_update": lambda w: {"entity_id": w.issuer.public_id},
    "badgr:issuer_badge_classes": lambda w: {"entity_id": w.issuer.public_id},
    "badgr:badge_class_create": lambda w: {"entity_id": w.issuer.public_id},
    "badgr:badge_class": lambda w: {"entity_id": w.badge_class.public_id},
    "badgr:award_create": lambda w: {"entity_id": w.badge_class.public_id},
    "badgr:badge_class_awards": lambda w: {"entity_id": w.badge_class.public_id},
    "badgr:award": lambda w: {"entity_id": w.entry.assertion.public_id},
    "badgr:award_update": lambda w: {"entity_id": w.entry.assertion.public_id},
    "badgr:award_revoke": lambda w: {"entity_id": w.entry.assertion.public_id},
}


def _patterns_with_parameters(resolver=None, namespace=""):
    """(name, route) of every pattern in the project whose URL carries parameters."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = (
                f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
            )
            for name, route in _patterns_with_parameters(pattern, inner or namespace):
                yield name, f"{pattern.pattern}{route}"
        elif isinstance(pattern, URLPattern) and pattern.pattern.regex.groupindex:
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name, str(pattern.pattern)


def test_every_pattern_with_parameters_is_checked_or_explained():
    unexplained = sorted(
        f"{name or '(unnamed)'} {route}"
        for name, route in _patterns_with_parameters()
        if name not in TARGETS and name not in NOT_OWNED and not route.startswith(NOT_OWNED_ROUTES)
    )
    assert unexplained == []
    names = {name for name, _ in _patterns_with_parameters()}
    assert set(TARGETS) - names == set() and NOT_OWNED - names == set()  # no stale entries
    assert set(TARGETS) & NOT_OWNED == set()


@pytest.fixture
def worlds(make_user, settings):
    third = make_user("third@example.org")
    victim = _seed(make_user, "victim@example.org", settings, third)
    profile = profile_for(victim.user)
    profile.slug, profile.visibility = "victim", Visibility.PRIVATE
    profile.save()
    attacker = _seed(make_user, "attacker@example.org", settings, third)
    return victim, attacker


def _answer(client: Client, method: str, url: str, token: str) -> int:
    if url.startswith("/v2/"):  # the Badgr API: a token, and JSON bodies (every field has a default)
        extra = {"headers": {"Authorization": f"Bearer {token}"}}
        if method == "post":
            extra |= {"data": "{}", "content_type": "application/json"}
        return getattr(client, method)(url, **extra).status_code
    return getattr(client, method)(url).status_code


def test_another_users_objects_answer_404(worlds):
    victim, attacker = worlds
    as_victim, as_attacker = Client(), Client()
    as_victim.force_login(victim.user)
    as_attacker.force_login(attacker.user)
    wrong = {}
    for name, fill in TARGETS.items():
        url = reverse(name, kwargs=fill(victim))
        owner_sees = 0 if name in OWNER_ALSO_404 else _answer(as_victim, "get", url, victim.token)
        refusal = REFUSALS.get(name, 404)
        answers = {method: _answer(as_attacker, method, url, attacker.token) for method in ("get", "post")}
        if owner_sees == 404 or set(answers.values()) - {refusal, 405} or refusal not in answers.values():
            wrong[name] = {"owner GET": owner_sees, **answers}
    assert wrong == {}, "\n".join(f"{name}: {answers}" for name, answers in wrong.items())
    _assert_untouched(victim)


def _assert_untouched(world: World) -> None:
    """Every POST above was refused before it did anything."""
    for item in (world.issuer, world.badge_class, world.entry, world.evidence, world.collection, world.page):
        item.refresh_from_db()  # raises if it was deleted
    assert world.entry.visibility == Visibility.PRIVATE and not world.entry.assertion.revoked
    assert world.collection.entries.count() == 1 and world.page.blocks.count() == 2
    world.pending_assertion.refresh_from_db()
    assert world.pending_assertion.recipient_state == type(world.pending_assertion).RecipientState.PENDING
    world.pushed.refresh_from_db()
    assert world.pushed.state == BackpackBadge.State.PENDING
    world.comment.refresh_from_db()
    assert world.comment.text == "Mine." and not world.comment.hidden
    world.social_connection.refresh_from_db()
    assert world.social_connection.state == type(world.social_connection).State.PENDING
    world.endorsement.refresh_from_db()
    assert world.endorsement.state == type(world.endorsement).State.PENDING
    world.app_connection.refresh_from_db()
    assert world.app_connection.revoked_at is None
