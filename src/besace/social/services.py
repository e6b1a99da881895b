"""Writes of the social app. Each checks what besace.access allows, records an audit entry, and tells
those concerned (activity stream, notifications)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from besace import access
from besace.accounts.services import user_for_verified_email
from besace.backpack.models import BackpackBadge, Visibility
from besace.core.audit import audit_record
from besace.gallery.keys import achievement_id, badge_class_key
from besace.issuing.models import BadgeClass, Issuer
from besace.social import selectors
from besace.social.models import (
    Activity,
    BadgeClassFollow,
    Comment,
    Connection,
    Endorsement,
    IssuerFollow,
    Member,
    Notification,
    Report,
)
from besace.social.tasks import notifications_email_task

MAX_COMMENT_LENGTH = 5000
MAX_ENDORSEMENT_LENGTH = 2000


def _notify(*, recipients, kind: str, **about) -> None:
    """Record a notification for each recipient and e-mail, once the transaction commits, those who want
    e-mails at once (the task reads their choice when it runs)."""
    recipient_ids = sorted(set(recipients))
    if recipient_ids:
        created = Notification.objects.bulk_create(
            [Notification(recipient_id=pk, kind=kind, **about) for pk in recipient_ids]
        )
        ids = [notification.pk for notification in created]
        transaction.on_commit(lambda: notifications_email_task.enqueue(ids), robust=True)


# Settings


def member_settings_set(*, user, email_notifications: str, auto_accept_connections: bool) -> Member:
    if email_notifications not in Member.EmailNotifications.values:
        raise ValidationError(_("Choose when to receive e-mails."))
    member, _created = Member.objects.get_or_create(user=user)
    previous = {
        "email_notifications": member.email_notifications,
        "auto_accept": member.auto_accept_connections,
    }
    member.email_notifications = email_notifications
    member.auto_accept_connections = auto_accept_connections
    member.save(update_fields=["email_notifications", "auto_accept_connections"])
    audit_record(
        action="social.settings",
        target=member,
        actor=user,
        previous=previous,
        email_notifications=email_notifications,
        auto_accept=auto_accept_connections,
    )
    return member


def notifications_unsubscribe(*, user) -> Member:
    """From the link in an e-mail: no more notification e-mails. Following the link proves the reader
    received the e-mail, which is enough to stop more of them."""
    member, _created = Member.objects.get_or_create(user=user)
    if member.email_notifications != Member.EmailNotifications.NEVER:
        previous = member.email_notifications
        member.email_notifications = Member.EmailNotifications.NEVER
        member.save(update_fields=["email_notifications"])
        audit_record(action="social.unsubscribe", target=member, actor=None, previous=previous)
    return member


# Following


def badge_class_follow(*, user, key: str) -> BadgeClassFollow:
    """Follow the badge class named `key`: one in the gallery, or one the user holds."""
    named = selectors.badge_class_named(user, key)
    if named is None:
        raise ValidationError(_("This badge could not be found."))
    achievement, name = named
    follow, created = BadgeClassFollow.objects.get_or_create(
        user=user, badge_class_key=key, defaults={"achievement_id": achievement[:500], "name": name[:300]}
    )
    if created:
        audit_record(action="social.badge_class.follow", target=follow, actor=user, key=key)
    return follow


def badge_class_unfollow(*, user, key: str) -> None:
    follow = BadgeClassFollow.objects.filter(user=user, badge_class_key=key).first()
    if follow is not None:
        audit_record(action="social.badge_class.unfollow", target=follow, actor=user, key=key)
        follow.delete()


def issuer_follow(*, user, issuer: Issuer) -> IssuerFollow:
    follow, created = IssuerFollow.objects.get_or_create(user=user, issuer=issuer)
    if created:
        audit_record(action="social.issuer.follow", target=follow, actor=user, issuer=issuer.public_id)
    return follow


def issuer_unfollow(*, user, issuer: Issuer) -> None:
    follow = IssuerFollow.objects.filter(user=user, issuer=issuer).first()
    if follow is not None:
        audit_record(action="social.issuer.unfollow", target=follow, actor=user, issuer=issuer.public_id)
        follow.delete()


# Activity from elsewhere: new public awards, new badge classes


def _publicly_visible(entry: BackpackBadge) -> bool:
    return entry.visibility == Visibility.PUBLIC and access.badge_visible_to(None, entry)


@transaction.atomic
def public_recipient_record(*, entry: BackpackBadge) -> Activity | None:
    """The first time a badge is shown to everyone, its owner becomes a public recipient of its badge
    class: followers of the class (and of its issuer, for Besace awards) hear of it. Later changes of
    visibility are not news; the stream and e-mails check the badge is still public when shown."""
    if (
        not _publicly_visible(entry)
        or Activity.objects.filter(kind=Activity.Kind.PUBLIC_RECIPIENT, entry=entry).exists()
    ):
        return None
    key = badge_class_key(achievement_id(entry))
    issuer_id = entry.assertion.badge_class.issuer_id if entry.assertion_id else None
    try:
        with transaction.atomic():
            activity = Activity.objects.create(
                kind=Activity.Kind.PUBLIC_RECIPIENT,
                actor=entry.owner,
                badge_class_key=key,
                badge_class_name=entry.name,
                issuer_id=issuer_id,
                entry=entry,
            )
    except IntegrityError:  # recorded at the same moment by another save of the same badge
        return None
    followers = set(selectors.badge_class_followers(key))
    if issuer_id is not None:
        followers |= set(selectors.issuer_followers(issuer_id))
    followers.discard(entry.owner_id)
    _notify(recipients=followers, kind=Notification.Kind.PUBLIC_RECIPIENT, activity=activity)
    return activity


def badge_class_published_record(*, badge_class: BadgeClass) -> Activity:
    """A Besace issuer created a badge class: its followers see it in their stream."""
    return Activity.objects.create(
        kind=Activity.Kind.BADGE_CLASS,
        badge_class_key=badge_class_key(badge_class.public_url),
        badge_class_name=badge_class.name,
        issuer_id=badge_class.issuer_id,
        badge_class=badge_class,
    )


# Comments


def _comment_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write a comment first."))
    if len(text) > MAX_COMMENT_LENGTH:
        raise ValidationError(
            _("A comment has at most %(count)s characters.") % {"count": MAX_COMMENT_LENGTH}
        )
    return text


@transaction.atomic
def comment_post(*, author, key: str, text: str) -> Comment:
    held = access.held_badge_of_class(author, key)
    if held is None:
        raise PermissionDenied(_("Only those who hold this badge may comment on it."))
    comment = Comment.objects.create(
        badge_class_key=key, badge_class_name=held.name, author=author, text=_comment_text(text)
    )
    audit_record(action="social.comment.post", target=comment, actor=author, key=key)
    activity = Activity.objects.create(
        kind=Activity.Kind.COMMENT,
        actor=author,
        badge_class_key=key,
        badge_class_name=held.name,
        comment=comment,
    )
    followers = set(selectors.badge_class_followers(key)) - {author.pk}
    _notify(recipients=followers, kind=Notification.Kind.COMMENT, activity=activity)
    return comment


def _own_comment(user, comment: Comment) -> None:
    if not access.comment_editable_by(user, comment):
        raise PermissionDenied(_("Only its author may change a comment."))


def comment_edit(*, comment: Comment, user, text: str) -> Comment:
    _own_comment(user, comment)
    text = _comment_text(text)
    if text != comment.text:
        previous, comment.text = comment.text, text
        comment.edited_at = timezone.now()
        comment.save(update_fields=["text", "edited_at"])
        audit_record(action="social.comment.edit", target=comment, actor=user, previous=previous)
    return comment


def comment_delete(*, comment: Comment, user) -> None:
    _own_comment(user, comment)
    audit_record(action="social.comment.delete", target=comment, actor=user, text=comment.text)
    comment.delete()


def comment_report(*, comment: Comment, reporter, reason: str) -> Report:
    if (
        not reporter.is_authenticated
        or not access.comments_visible_to(reporter, Comment.objects.filter(pk=comment.pk)).exists()
    ):
        raise PermissionDenied
    report, created = Report.objects.get_or_create(
        comment=comment, reporter=reporter, defaults={"reason": (reason or "").strip()[:MAX_COMMENT_LENGTH]}
    )
    if created:
        audit_record(action="social.comment.report", target=comment, actor=reporter, report=report.pk)
    return report


@transaction.atomic
def comment_hidden_set(*, comment: Comment, moderator, hidden: bool) -> Comment:
    """Hide a comment from everyone but its author and moderators (which settles its reports), or show it
    again."""
    if not access.comments_moderator(moderator):
        raise PermissionDenied
    if comment.hidden != hidden:
        comment.hidden = hidden
        comment.hidden_by = moderator if hidden else None
        comment.hidden_at = timezone.now() if hidden else None
        comment.save(update_fields=["hidden", "hidden_by", "hidden_at"])
        audit_record(
            action="social.comment.hide" if hidden else "social.comment.show", target=comment, actor=moderator
        )
    comment.reports.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())
    return comment


# Connections


def _connected_record(connection: Connection) -> None:
    connection.state = Connection.State.ACCEPTED
    connection.accepted_at = timezone.now()
    connection.save(update_fields=["state", "accepted_at"])
    Activity.objects.create(
        kind=Activity.Kind.CONNECTED, actor=connection.addressee, other_user=connection.requester
    )


@transaction.atomic
def connection_request(*, requester, addressee) -> Connection:
    """Ask to connect. Asking someone who already asked us accepts their request; someone who accepts
    requests automatically is connected at once; anyone else is notified and answers."""
    if requester.pk == addressee.pk:
        raise ValidationError(_("You cannot connect with yourself."))
    existing = selectors.connection_between(requester, addressee)
    if existing is not None:
        if existing.state == Connection.State.PENDING and existing.addressee_id == requester.pk:
            return connection_accept(connection=existing, user=requester)
        return existing
    try:
        with transaction.atomic():
            connection = Connection.objects.create(requester=requester, addressee=addressee)
    except IntegrityError:  # the other one asked at the same moment
        return selectors.connection_between(requester, addressee)
    audit_record(action="social.connection.request", target=connection, actor=requester)
    if selectors.member_settings(addressee).auto_accept_connections:
        _connected_record(connection)
        audit_record(action="social.connection.accept", target=connection, actor=None, automatic=True)
    else:
        _notify(recipients=[addressee.pk], kind=Notification.Kind.CONNECTION_REQUEST, connection=connection)
    return connection


def connection_request_by_email(*, requester, email: str) -> Connection | None:
    """Ask the owner of a verified address to connect. Whether such an account exists is not told to the
    requester (the view says the same either way), so addresses cannot be probed."""
    addressee = user_for_verified_email(email)
    if addressee is None or addressee.pk == requester.pk:
        return None
    return connection_request(requester=requester, addressee=addressee)


def _pending_for(connection: Connection, user) -> None:
    if connection.state != Connection.State.PENDING or connection.addressee_id != user.pk:
        raise PermissionDenied


@transaction.atomic
def connection_accept(*, connection: Connection, user) -> Connection:
    connection = Connection.objects.select_for_update().get(pk=connection.pk)
    _pending_for(connection, user)
    _connected_record(connection)
    audit_record(action="social.connection.accept", target=connection, actor=user)
    return connection


@transaction.atomic
def connection_decline(*, connection: Connection, user) -> None:
    _pending_for(connection, user)
    audit_record(action="social.connection.decline", target=connection, actor=user)
    connection.delete()


@transaction.atomic
def connection_remove(*, connection: Connection, user) -> None:
    """Either of the two ends a connection, or the requester withdraws a request."""
    if user.pk not in (connection.requester_id, connection.addressee_id):
        raise PermissionDenied
    audit_record(action="social.connection.remove", target=connection, actor=user, state=connection.state)
    connection.delete()


# Endorsements


@transaction.atomic
def endorsement_write(*, endorser, entry: BackpackBadge, comment: str) -> Endorsement:
    """Endorse someone's badge (asked to or not); its owner accepts it or declines it. Rewriting an
    endorsement asks the owner again; a declined one stays declined."""
    if not access.endorsement_allowed(endorser, entry):
        raise PermissionDenied
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(_("Say why you endorse this badge."))
    if len(comment) > MAX_ENDORSEMENT_LENGTH:
        raise ValidationError(
            _("An endorsement has at most %(count)s characters.") % {"count": MAX_ENDORSEMENT_LENGTH}
        )
    Member.objects.get_or_create(user=endorser)  # its public id names the endorser in published documents
    endorsement, _created = Endorsement.objects.select_for_update().get_or_create(
        entry=entry, endorser=endorser, defaults={"state": Endorsement.State.PENDING}
    )
    if endorsement.state == Endorsement.State.DECLINED:
        raise ValidationError(_("The owner of this badge declined your endorsement."))
    endorsement.comment = comment
    endorsement.state = Endorsement.State.PENDING
    endorsement.written_at = timezone.now()
    endorsement.decided_at = None
    endorsement.save(update_fields=["comment", "state", "written_at", "decided_at"])
    audit_record(action="social.endorsement.write", target=endorsement, actor=endorser, badge=entry.public_id)
    return endorsement


@transaction.atomic
def endorsement_decide(*, endorsement: Endorsement, user, accept: bool) -> Endorsement:
    endorsement = Endorsement.objects.select_for_update().select_related("entry").get(pk=endorsement.pk)
    if endorsement.entry.owner_id != user.pk or endorsement.state != Endorsement.State.PENDING:
        raise PermissionDenied
    endorsement.state = Endorsement.State.ACCEPTED if accept else Endorsement.State.DECLINED
    endorsement.decided_at = timezone.now()
    endorsement.save(update_fields=["state", "decided_at"])
    audit_record(action=f"social.endorsement.{endorsement.state}", target=endorsement, actor=user)
    if accept:
        Activity.objects.create(
            kind=Activity.Kind.ENDORSED,
            actor=endorsement.endorser,
            other_user=user,
            badge_class_key=badge_class_key(achievement_id(endorsement.entry)),
            badge_class_name=endorsement.entry.name,
            entry=endorsement.entry,
            endorsement=endorsement,
        )
    return endorsement


@transaction.atomic
def endorsement_request(*, entry: BackpackBadge, user, endorsers) -> list[Endorsement]:
    """The owner of a badge asks some of their connections to endorse it. Those who cannot see the badge
    (it is private) or already endorsed it are left out; returns the requests made."""
    if entry.owner_id != user.pk:
        raise PermissionDenied
    connected = selectors.connected_user_ids(user)
    requests = []
    for endorser in endorsers:
        if endorser.pk not in connected or not access.endorsement_allowed(endorser, entry):
            continue
        endorsement, created = Endorsement.objects.get_or_create(
            entry=entry, endorser=endorser, defaults={"state": Endorsement.State.REQUESTED}
        )
        if created:
            audit_record(
                action="social.endorsement.request", target=endorsement, actor=user, endorser=endorser.pk
            )
            _notify(
                recipients=[endorser.pk], kind=Notification.Kind.ENDORSEMENT_REQUEST, endorsement=endorsement
            )
            requests.append(endorsement)
    return requests
