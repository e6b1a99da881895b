"""Telling people what happened: notification rows, and the e-mails about them (at once, or in a daily
digest), written in each recipient's language, each with a link to stop them without signing in."""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from besace import access
from besace.backpack.sharing import earner_shown
from besace.social.models import Activity, Member, Notification
from besace.social.selectors import badge_class_url, member_name

UNSUBSCRIBE_SALT = "besace.social.unsubscribe"

Kind = Notification.Kind
Mode = Member.EmailNotifications


def unsubscribe_token(user) -> str:
    return signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_user_pk(token: str) -> int | None:
    """The account a link was made for; None when the link was altered. Unsubscribe links never expire:
    an old e-mail must still be able to stop the next ones."""
    try:
        return int(signing.loads(token, salt=UNSUBSCRIBE_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def unsubscribe_url(user) -> str:
    return settings.BESACE_BASE_URL + reverse("social:unsubscribe", args=[unsubscribe_token(user)])


@dataclass(frozen=True)
class Item:
    """One notification as written in an e-mail."""

    line: str
    url: str
    quote: str = ""


def _absolute(path: str) -> str:
    return settings.BESACE_BASE_URL + path


def _item(notification: Notification) -> Item | None:
    """The notification as shown to its recipient now, or None when it is no longer for them to see (the
    badge became private, the comment was hidden)."""
    activity = notification.activity
    recipient = notification.recipient
    if activity is not None:
        if not access.activities_visible_to(recipient, Activity.objects.filter(pk=activity.pk)).exists():
            return None
        badge = activity.badge_class_name or _("a badge")
        if notification.kind == Kind.COMMENT:
            line = _("%(name)s commented on “%(badge)s”.") % {
                "name": member_name(activity.actor),
                "badge": badge,
            }
            return Item(line, _absolute(badge_class_url(activity.badge_class_key)), activity.comment.text)
        earner = earner_shown(activity.entry, recipient)
        if earner is None:
            line = _("Someone now holds “%(badge)s”.") % {"badge": badge}
        else:
            line = _("%(name)s now holds “%(badge)s”.") % {"name": earner.name, "badge": badge}
        return Item(line, _absolute(reverse("share:badge", args=[activity.entry.public_id])))
    if notification.connection is not None:
        connection = notification.connection
        line = _("%(name)s (%(email)s) would like to connect with you.") % {
            "name": member_name(connection.requester),
            "email": connection.requester.email,
        }
        return Item(line, _absolute(reverse("social:connections")))
    if notification.endorsement is not None:
        endorsement = notification.endorsement
        line = _("%(name)s asks you to endorse their badge “%(badge)s”.") % {
            "name": member_name(endorsement.entry.owner),
            "badge": endorsement.entry.name,
        }
        return Item(line, _absolute(reverse("social:endorse", args=[endorsement.entry.public_id])))
    return None


def _language(user) -> str:
    return user.language or settings.LANGUAGE_CODE


@transaction.atomic  # marked sent only if sent: a failed send is retried (besace.core.tasks)
def notifications_email_send(*, recipient, notifications: list[Notification]) -> bool:
    """One e-mail about these notifications (one, or a day's worth); marks them sent. False when none of
    them is still for the recipient to see, and nothing is sent."""
    language = _language(recipient)
    with translation.override(language):
        items = [item for item in map(_item, notifications) if item is not None]
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(emailed_at=timezone.now())
        if not items:
            return False
        context = {
            "items": items,
            "name": recipient.get_full_name(),
            "unsubscribe_url": unsubscribe_url(recipient),
            "settings_url": _absolute(reverse("social:settings")),
        }
        subject = items[0].line if len(items) == 1 else _("Your Besace news")
        text = render_to_string("social/email/notifications.txt", context)
        html = render_to_string("social/email/notifications.html", context)
    message = EmailMultiAlternatives(
        " ".join(subject.split()),
        text,
        to=[recipient.email],
        headers={
            "Content-Language": language,
            # RFC 8058: mail clients offer their own one-click "unsubscribe" and POST to this address.
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    message.send()
    return True


def _unsent(queryset):
    return queryset.filter(emailed_at__isnull=True).select_related(
        "recipient__profile",
        "activity__actor__profile",
        "activity__entry__assertion",
        "activity__entry__owner__profile",
        "activity__comment",
        "connection__requester__profile",
        "endorsement__entry__owner__profile",
    )


def notifications_send_now(notification_ids: list[int]) -> None:
    """Send what is still unsent of these, unless the recipient has since chosen a digest or no e-mail."""
    pending = list(_unsent(Notification.objects.filter(pk__in=notification_ids)))
    by_recipient: dict[int, list[Notification]] = {}
    for notification in pending:
        by_recipient.setdefault(notification.recipient_id, []).append(notification)
    not_now = set(
        Member.objects.filter(user_id__in=by_recipient)
        .exclude(email_notifications=Mode.IMMEDIATELY)
        .values_list("user_id", flat=True)
    )
    for recipient_id, notifications in by_recipient.items():
        if recipient_id not in not_now:
            notifications_email_send(recipient=notifications[0].recipient, notifications=notifications)


def daily_digests_send() -> int:
    """One e-mail per account that chose the daily digest and has news; returns how many were sent."""
    daily = Member.objects.filter(email_notifications=Mode.DAILY).values("user_id")
    pending = _unsent(Notification.objects.filter(recipient__in=daily)).order_by("recipient_id", "created_at")
    by_recipient: dict[int, list[Notification]] = {}
    for notification in pending:
        by_recipient.setdefault(notification.recipient_id, []).append(notification)
    return sum(
        notifications_email_send(recipient=notifications[0].recipient, notifications=notifications)
        for notifications in by_recipient.values()
    )
