"""Following, comments, connections, the activity stream, notifications and endorsements.

A badge class is named by its key (besace.gallery.keys.badge_class_key), whatever backpack or issuer
its awards come from; its achievement id and name are kept beside the key for display.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Greatest, Least
from django.utils.translation import gettext_lazy as _

from besace.backpack.models import BackpackBadge
from besace.core.models import new_public_id
from besace.core.text import markdown_to_safe_html
from besace.issuing.models import BadgeClass, Issuer

KEY_LENGTH = 24


class Member(models.Model):
    """A user's social settings, and the public id their endorsements are published under.

    Created on demand: an account without one has the defaults.
    """

    class EmailNotifications(models.TextChoices):
        IMMEDIATELY = "immediately", _("As soon as something happens")
        DAILY = "daily", _("Once a day, in one e-mail")
        NEVER = "never", _("Never")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member")
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    email_notifications = models.CharField(
        _("notification e-mails"),
        max_length=12,
        choices=EmailNotifications.choices,
        default=EmailNotifications.IMMEDIATELY,
    )
    auto_accept_connections = models.BooleanField(
        _("accept connection requests automatically"), default=False
    )

    def __str__(self) -> str:
        return f"social settings of {self.user}"


class BadgeClassFollow(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badge_class_follows"
    )
    badge_class_key = models.CharField(max_length=KEY_LENGTH, db_index=True)
    achievement_id = models.CharField(max_length=500)
    name = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "badge_class_key"], name="follow_badge_class_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} follows {self.name or self.badge_class_key}"


class IssuerFollow(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="issuer_follows"
    )
    issuer = models.ForeignKey(Issuer, on_delete=models.CASCADE, related_name="followers")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["issuer__name", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "issuer"], name="follow_issuer_once")]

    def __str__(self) -> str:
        return f"{self.user} follows {self.issuer}"


class Comment(models.Model):
    """A comment on a badge class, written by someone who holds that badge."""

    badge_class_key = models.CharField(max_length=KEY_LENGTH, db_index=True)
    badge_class_name = models.CharField(max_length=300, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    hidden = models.BooleanField(default=False)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        permissions = [("moderate", "Can hide and show comments")]

    def __str__(self) -> str:
        return f"comment {self.pk} by {self.author} on {self.badge_class_name or self.badge_class_key}"

    @property
    def html(self):
        return markdown_to_safe_html(self.text)


class Report(models.Model):
    """Someone reported a comment as abusive; moderators see the comments with open reports."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["comment", "reporter"], name="report_comment_once")]

    def __str__(self) -> str:
        return f"report of comment {self.comment_id} by {self.reporter}"


class Connection(models.Model):
    """Two users who know each other: requested by one, accepted by the other. One row per pair."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Connected")

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="connections_requested"
    )
    addressee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="connections_received"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                Least("requester", "addressee"),
                Greatest("requester", "addressee"),
                name="one_connection_per_pair",
            ),
            models.CheckConstraint(condition=~Q(requester=models.F("addressee")), name="no_self_connection"),
        ]

    def __str__(self) -> str:
        return f"{self.requester} → {self.addressee} ({self.state})"

    def other(self, user):
        return self.addressee if user.pk == self.requester_id else self.requester


class Endorsement(models.Model):
    """One user vouches for another's badge. Shown and published only once the badge's owner accepts it.

    REQUESTED: the owner asked for it and the endorser has not written it yet.
    """

    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        PENDING = "pending", _("Waiting for the owner's answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    entry = models.ForeignKey(BackpackBadge, on_delete=models.CASCADE, related_name="endorsements")
    endorser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="endorsements"
    )
    comment = models.TextField(_("endorsement"), blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    written_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-written_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["entry", "endorser"], name="endorse_badge_once")]

    def __str__(self) -> str:
        return f"{self.endorser} endorses {self.entry} ({self.state})"

    @property
    def html(self):
        return markdown_to_safe_html(self.comment)


class Activity(models.Model):
    """Something that happened, shown in the activity stream of followers and connections."""

    class Kind(models.TextChoices):
        COMMENT = "comment", _("New comment")
        PUBLIC_RECIPIENT = "public_recipient", _("New public recipient")
        BADGE_CLASS = "badge_class", _("New badge")
        CONNECTED = "connected", _("New connection")
        ENDORSED = "endorsed", _("New endorsement")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # CONNECTED: the user the actor connected with.
    other_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    badge_class_key = models.CharField(max_length=KEY_LENGTH, blank=True, db_index=True)
    badge_class_name = models.CharField(max_length=300, blank=True)
    issuer = models.ForeignKey(Issuer, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    badge_class = models.ForeignKey(
        BadgeClass, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    entry = models.ForeignKey(
        BackpackBadge, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    endorsement = models.ForeignKey(
        Endorsement, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "activities"
        constraints = [
            # A badge becomes a new public award once, however often its visibility changes afterwards.
            models.UniqueConstraint(
                fields=["entry"], condition=Q(kind="public_recipient"), name="public_recipient_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} at {self.created_at:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    """Something a user is told about by e-mail (at once or in the daily digest, as they chose)."""

    class Kind(models.TextChoices):
        COMMENT = "comment", _("New comment on a badge you follow")
        PUBLIC_RECIPIENT = "public_recipient", _("New public recipient of a badge you follow")
        CONNECTION_REQUEST = "connection_request", _("Connection request")
        ENDORSEMENT_REQUEST = "endorsement_request", _("Endorsement request")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="social_notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    activity = models.ForeignKey(Activity, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    connection = models.ForeignKey(
        Connection, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    endorsement = models.ForeignKey(
        Endorsement, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    emailed_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient}"
