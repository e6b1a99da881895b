import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from besace.backpack.models import Visibility
from besace.backpack.organise import badge_visibility_set
from besace.core.audit import audit_entries_for
from besace.social import services
from besace.social.models import Endorsement


def _endorsements_block(viewer, entry) -> str:
    """What `{% badge_endorsements entry %}` shows on the badge's public page."""
    request = RequestFactory().get("/")
    request.user = viewer
    template = Template("{% load social_tags %}{% badge_endorsements entry %}")
    return template.render(Context({"request": request, "entry": entry}))


@pytest.fixture
def endorser(make_user):
    user = make_user("teacher@example.org")
    user.first_name, user.last_name = "Ada", "Teacher"
    user.save()
    return user


@pytest.fixture
def entry(earner, hold):
    return hold(earner)


def _endorse(login, endorser, entry, text="Saw her **build** it."):
    return login(endorser).post(reverse("social:endorse", args=[entry.public_id]), {"comment": text})


def test_endorse_then_the_owner_accepts(client, login, endorser, earner, entry):
    response = _endorse(login, endorser, entry)

    assert response.status_code == 302
    endorsement = Endorsement.objects.get()
    assert (endorsement.endorser, endorsement.state) == (endorser, "pending")
    assert audit_entries_for(endorsement).filter(action="social.endorsement.write", actor=endorser).exists()
    assert "build" not in _endorsements_block(None, entry)  # not before the owner accepts

    client.logout()
    client = login(earner)
    assert (
        "Ada Teacher endorsed your badge “Python”." in client.get(reverse("backpack:home")).content.decode()
    )
    client.post(reverse("social:endorsement_decide", args=[endorsement.public_id]), {"decision": "accept"})

    endorsement.refresh_from_db()
    assert endorsement.state == "accepted"
    assert audit_entries_for(endorsement).filter(action="social.endorsement.accepted", actor=earner).exists()
    html = _endorsements_block(None, entry)
    assert "Saw her <strong>build</strong> it." in html and "Ada Teacher" in html
    assert reverse("social:endorsement", args=[endorsement.public_id]) in html


def test_the_owner_declines(client, login, endorser, earner, entry):
    _endorse(login, endorser, entry)
    endorsement = Endorsement.objects.get()
    client.logout()

    # Only the owner answers.
    other = login(endorser).post(
        reverse("social:endorsement_decide", args=[endorsement.public_id]), {"decision": "accept"}
    )
    assert other.status_code == 404
    client.logout()
    login(earner).post(
        reverse("social:endorsement_decide", args=[endorsement.public_id]), {"decision": "decline"}
    )

    endorsement.refresh_from_db()
    assert endorsement.state == "declined"
    assert "Saw her" not in _endorsements_block(None, entry)
    # Declined stays declined.
    client.logout()
    _endorse(login, endorser, entry, "Again")
    endorsement.refresh_from_db()
    assert endorsement.state == "declined" and endorsement.comment != "Again"


def test_a_private_badge_cannot_be_endorsed(login, endorser, earner, hold):
    private = hold(earner, visibility=Visibility.PRIVATE)

    assert _endorse(login, endorser, private).status_code == 404
    assert not Endorsement.objects.exists()


def test_owners_do_not_endorse_their_own_badge(login, earner, entry):
    response = login(earner).post(reverse("social:endorse", args=[entry.public_id]), {"comment": "I'm great"})

    assert response.status_code == 302  # their page asks connections instead: nobody was picked
    assert not Endorsement.objects.exists()


def test_the_owner_asks_connections(
    client, login, earner, endorser, entry, make_user, django_capture_on_commit_callbacks
):
    from django.core import mail

    services.connection_accept(
        connection=services.connection_request(requester=earner, addressee=endorser), user=endorser
    )
    stranger = make_user("stranger@example.org")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        login(earner).post(
            reverse("social:endorse", args=[entry.public_id]), {"endorser": [endorser.pk, stranger.pk]}
        )

    requested = Endorsement.objects.get()
    assert (requested.endorser, requested.state) == (endorser, "requested")
    assert [message.to for message in mail.outbox] == [[endorser.email]]
    assert "asks you to endorse" in mail.outbox[0].subject
    client.logout()
    assert (
        "asks you to endorse their badge “Python”"
        in login(endorser).get(reverse("backpack:home")).content.decode()
    )

    client.post(reverse("social:endorse", args=[entry.public_id]), {"comment": "Gladly"})
    requested.refresh_from_db()
    assert (requested.state, requested.comment) == ("pending", "Gladly")


def test_ob2_endorsement_document(client, endorser, earner, entry):
    endorsement = services.endorsement_write(endorser=endorser, entry=entry, comment="Solid work.")
    # Not published before the owner accepts.
    assert client.get(reverse("social:endorsement", args=[endorsement.public_id])).status_code == 404
    services.endorsement_decide(endorsement=endorsement, user=earner, accept=True)

    response = client.get(reverse("social:endorsement", args=[endorsement.public_id]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    document = response.json()
    member = endorser.member
    profile_url = f"http://testserver/social/endorsers/{member.public_id}"
    assert document == {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Endorsement",
        "id": f"http://testserver/social/endorsements/{endorsement.public_id}",
        "claim": {"id": entry.assertion.public_url, "endorsementComment": "Solid work."},
        "issuer": profile_url,
        "issuedOn": document["issuedOn"],
        "verification": {"type": "hosted"},
    }
    assert document["issuedOn"].startswith(str(endorsement.written_at.year))

    profile = client.get(profile_url.removeprefix("http://testserver")).json()
    assert profile == {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Profile",
        "id": profile_url,
        "name": "Ada Teacher",
        "url": profile_url,
    }

    credential = client.get(reverse("social:endorsement_credential", args=[endorsement.public_id])).json()
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["type"] == ["VerifiableCredential", "EndorsementCredential"]
    assert credential["issuer"] == {"id": profile_url, "type": ["Profile"], "name": "Ada Teacher"}
    assert credential["credentialSubject"] == {
        "id": entry.assertion.public_url,
        "type": ["EndorsementSubject"],
        "endorsementComment": "Solid work.",
    }

    # The badge made private: nothing published any more.
    badge_visibility_set(entry=entry, visibility=Visibility.PRIVATE, actor=earner)
    assert client.get(reverse("social:endorsement", args=[endorsement.public_id])).status_code == 404
    assert client.get(profile_url.removeprefix("http://testserver")).status_code == 404


def test_endorsements_block_query_count(make_user, earner, entry, django_assert_max_num_queries):
    for number in range(10):
        endorser = make_user(f"endorser{number}@example.org")
        endorsement = services.endorsement_write(endorser=endorser, entry=entry, comment=f"Good {number}")
        services.endorsement_decide(endorsement=endorsement, user=earner, accept=True)

    with django_assert_max_num_queries(2):
        html = _endorsements_block(None, entry)

    assert html.count("<blockquote") == 10
