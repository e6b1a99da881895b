import pytest
from django.contrib.auth.models import Permission
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from besace.backpack.models import Visibility
from besace.core.audit import audit_entries_for
from besace.social.models import Comment, Report


def _social_block(viewer, key) -> str:
    """The block the gallery's badge class page includes, rendered for `viewer`."""
    request = RequestFactory().get("/gallery/badges/x/")
    request.user = viewer
    template = Template("{% load social_tags %}{% badge_class_social key viewer %}")
    return template.render(Context({"request": request, "key": key, "viewer": viewer}))


@pytest.fixture
def comment(login, earner, hold, key):
    hold(earner, visibility=Visibility.PRIVATE)  # holding it privately is enough to comment
    login(earner).post(reverse("social:comment_post", args=[key]), {"text": "Great *course*"})
    return Comment.objects.get()


def test_a_holder_comments_and_everyone_reads_it(client, comment, earner, key):
    assert comment.author == earner
    assert comment.badge_class_name == "Python"
    assert audit_entries_for(comment).filter(action="social.comment.post", actor=earner).exists()
    client.logout()

    html = _social_block(None, key)

    assert "Great <em>course</em>" in html
    assert f"comment-{comment.pk}" in html


def test_those_who_do_not_hold_the_badge_cannot_comment(login, outsider, earner, hold, key):
    hold(earner)
    response = login(outsider).post(reverse("social:comment_post", args=[key]), {"text": "Me too"})

    assert response.status_code == 403
    assert not Comment.objects.exists()
    assert "Those who hold this badge can comment" in _social_block(outsider, key)


def test_a_revoked_badge_no_longer_lets_its_holder_comment(login, earner, hold, key, owner):
    from besace.issuing.services import assertion_revoke

    entry = hold(earner)
    assertion_revoke(assertion=entry.assertion, reason="Mistake", actor=owner)

    response = login(earner).post(reverse("social:comment_post", args=[key]), {"text": "Still mine"})

    assert response.status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, key):
    response = client.post(reverse("social:comment_post", args=[key]), {"text": "Hi"})

    assert response.status_code == 302 and "login" in response["Location"]


def test_markdown_is_sanitised(login, earner, hold, key):
    hold(earner)
    text = "<script>alert(1)</script>[x](javascript:alert(1)) **bold**"
    login(earner).post(reverse("social:comment_post", args=[key]), {"text": text})

    html = _social_block(None, key)

    assert "<script>" not in html and "javascript:" not in html
    assert "<strong>bold</strong>" in html


def test_an_empty_comment_is_refused(login, earner, hold, key):
    hold(earner)

    login(earner).post(reverse("social:comment_post", args=[key]), {"text": "   "})

    assert not Comment.objects.exists()


def test_the_author_edits_and_deletes_their_comment(login, comment, earner):
    client = login(earner)

    response = client.post(reverse("social:comment_edit", args=[comment.pk]), {"text": "Edited"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.text == "Edited" and comment.edited_at is not None
    assert audit_entries_for(comment).filter(action="social.comment.edit").exists()

    client.post(reverse("social:comment_delete", args=[comment.pk]))
    assert not Comment.objects.exists()


def test_others_cannot_edit_or_delete_a_comment(client, login, comment, make_user, hold):
    other = make_user("other@example.org")
    hold(other)  # even another holder
    client.logout()
    client = login(other)

    assert client.post(reverse("social:comment_edit", args=[comment.pk]), {"text": "x"}).status_code == 403
    assert client.post(reverse("social:comment_delete", args=[comment.pk])).status_code == 403
    comment.refresh_from_db()
    assert comment.text == "Great *course*"


def test_report_then_a_moderator_hides_the_comment(client, login, comment, earner, outsider, make_user, key):
    client.logout()
    login(outsider).post(reverse("social:comment_report", args=[comment.pk]), {"reason": "Spam"})
    report = Report.objects.get()
    assert (report.comment, report.reporter, report.reason) == (comment, outsider, "Spam")

    # A plain user cannot hide it.
    assert client.post(reverse("social:comment_hide", args=[comment.pk])).status_code == 403

    moderator = make_user("moderator@example.org")
    moderator.user_permissions.add(
        Permission.objects.get(codename="moderate", content_type__app_label="social")
    )
    client.logout()
    client = login(moderator)
    listing = client.get(reverse("social:moderation"))
    assert "Great <em>course</em>" in listing.content.decode() and "Spam" in listing.content.decode()

    client.post(reverse("social:comment_hide", args=[comment.pk]))

    comment.refresh_from_db()
    assert comment.hidden and comment.hidden_by == moderator
    assert audit_entries_for(comment).filter(action="social.comment.hide", actor=moderator).exists()
    report.refresh_from_db()
    assert report.resolved_at is not None
    assert "Great" not in _social_block(None, key)
    assert "Great" not in _social_block(outsider, key)
    assert "Great" in _social_block(earner, key)  # its author still sees it, marked hidden
    assert "Hidden by a moderator" in _social_block(earner, key)
    assert "Great" in _social_block(moderator, key)
    # Hidden: nobody else can reach it to report it again.
    client.logout()
    assert login(outsider).post(reverse("social:comment_report", args=[comment.pk])).status_code == 404

    client.logout()
    login(moderator).post(reverse("social:comment_show", args=[comment.pk]))
    assert "Great" in _social_block(None, key)


def test_staff_moderate(login, comment, make_user):
    staff = make_user("staff@example.org")
    staff.is_staff = True
    staff.save()

    login(staff).post(reverse("social:comment_hide", args=[comment.pk]))

    comment.refresh_from_db()
    assert comment.hidden


def test_the_moderation_list_is_for_moderators_only(login, outsider):
    assert login(outsider).get(reverse("social:moderation")).status_code == 403


def test_comments_block_query_count(make_user, hold, key, django_assert_max_num_queries):
    authors = [make_user(f"holder{number}@example.org") for number in range(10)]
    for author in authors:
        entry = hold(author)
        Comment.objects.create(badge_class_key=key, badge_class_name=entry.name, author=author, text="Hello")
    viewer = authors[0]

    with django_assert_max_num_queries(6):
        html = _social_block(viewer, key)

    assert html.count('<article id="comment-') == 10
