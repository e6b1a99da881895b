from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from besace.core.models import new_public_id
from besace.issuing.models import Assertion


class Visibility(models.TextChoices):
    PRIVATE = "private", _("Private")
    SIGNED_IN = "signed_in", _("Signed-in users")
    PUBLIC = "public", _("Public")


class EarnerName(models.TextChoices):
    """How the earner's name appears to others on the badge's share page and embeds."""

    HIDDEN = "hidden", _("Hidden")
    SHOWN = "shown", _("Shown")
    LINKED = "linked", _("Shown, linked to my profile")


class BackpackBadge(models.Model):
    """A badge an earner keeps: awarded on Besace (``assertion``), or imported from anywhere.

    What the badge says is kept as a normalised snapshot (any Open Badges version), with the original
    document and image as received, and the outcome of its last verification.
    """

    class Source(models.TextChoices):
        AWARD = "award", _("Awarded on Besace")
        IMPORT = "import", _("Imported")

    class State(models.TextChoices):
        ACCEPTED = "accepted", _("In the backpack")
        PENDING = "pending", _("Waiting for the earner's approval")

    # `pushed_by` for a password token, which does not say which app holds it. Stored untranslated: the
    # app's request carries no language, and the earner reads it in theirs (see pushed_by_label).
    PUSHED_BY_PASSWORD_APP = gettext_noop("an app connected with your password")

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="backpack_badges"
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.AWARD)
    # Pending: sent by a connected app to an earner who asked to approve such badges first.
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACCEPTED)
    pushed_by = models.CharField(
        max_length=200, blank=True, help_text="The connected app that sent the badge, if one did."
    )
    assertion = models.ForeignKey(
        Assertion, null=True, blank=True, on_delete=models.CASCADE, related_name="backpack_entries"
    )
    version = models.CharField(max_length=5, blank=True)
    badge_id = models.CharField(max_length=500, blank=True, help_text="The assertion or credential id.")
    name = models.CharField(max_length=300, blank=True)
    issuer_name = models.CharField(max_length=300, blank=True)
    issued_on = models.DateTimeField(null=True, blank=True)
    expires = models.DateTimeField(null=True, blank=True)
    image = models.FileField(upload_to="backpack/", blank=True)
    normalised = models.JSONField(default=dict, blank=True)
    original = models.TextField(blank=True)
    checks = models.JSONField(default=list, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)
    revocation_reason = models.CharField(max_length=500, blank=True)
    accepted_at = models.DateTimeField(auto_now_add=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    tags = models.JSONField(_("tags"), default=list, blank=True)
    # Hidden unless the earner chooses otherwise: making a badge public must not publish their name too.
    earner_name = models.CharField(
        _("earner's name"), max_length=10, choices=EarnerName.choices, default=EarnerName.HIDDEN
    )
    # The first time the earner followed a share button (a network, LinkedIn's "Add to profile"): the
    # issuer's statistics count the badge as shared from then on.
    shared_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-accepted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "assertion"],
                condition=Q(assertion__isnull=False),
                name="one_backpack_entry_per_award",
            ),
            models.UniqueConstraint(
                fields=["owner", "badge_id"],
                condition=~Q(badge_id=""),
                name="one_backpack_entry_per_badge_id",
            ),
        ]
        indexes = [models.Index(fields=["verified_at"], name="backpack_verified_at")]

    def __str__(self) -> str:
        return f"{self.name} in {self.owner}'s backpack"

    @property
    def image_url(self) -> str:
        if self.assertion_id:
            return self.assertion.badge_class.image_url
        return reverse("backpack:image", args=[self.public_id]) if self.image else ""

    @property
    def pushed_by_label(self) -> str:
        """Who sent the badge, in the reader's language (an app's own name stays as it is)."""
        if self.pushed_by == self.PUSHED_BY_PASSWORD_APP:
            return gettext(self.pushed_by)
        return self.pushed_by

    @property
    def expired(self) -> bool:
        return self.expires is not None and self.expires <= timezone.now()

    @property
    def days_until_expiry(self) -> int | None:
        """Whole days left before the badge expires (0 on its last day); None when it never expires."""
        if self.expires is None or self.expired:
            return None
        return (self.expires - timezone.now()).days

    @property
    def is_revoked(self) -> bool:
        """Revoked by its issuer: live for Besace awards, as last verified for imports."""
        return self.assertion.revoked if self.assertion_id else self.revoked


class EarnerEvidence(models.Model):
    """Evidence the earner adds to a badge themselves, shown apart from the issuer's."""

    badge = models.ForeignKey(BackpackBadge, on_delete=models.CASCADE, related_name="earner_evidence")
    url = models.URLField(_("URL"), max_length=500, blank=True)
    file = models.FileField(_("file"), upload_to="evidence/", blank=True)
    narrative = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.url or self.narrative[:50] or self.file.name


class Collection(models.Model):
    """A named, ordered selection of an earner's badges, with its own visibility and share link."""

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="collections")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    badges = models.ManyToManyField(BackpackBadge, through="CollectionBadge", related_name="collections")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class CollectionBadge(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="entries")
    badge = models.ForeignKey(BackpackBadge, on_delete=models.CASCADE, related_name="collection_entries")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["collection", "badge"], name="badge_once_per_collection")
        ]

    def __str__(self) -> str:
        return f"{self.badge} in {self.collection}"


class ImportJob(models.Model):
    """A batch import (a Besace export ZIP, or many baked images), processed in the background."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"import {self.public_id} ({self.state})"


class ImportJobItem(models.Model):
    """One file of a batch import and what became of it."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Waiting")
        IMPORTED = "imported", _("Imported")
        ALREADY = "already", _("Already in the backpack")
        REFUSED = "refused", _("Refused")

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="items")
    name = models.CharField(max_length=300)
    content = models.FileField(upload_to="imports/")
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    message = models.CharField(max_length=1000, blank=True)
    badge = models.ForeignKey(
        BackpackBadge, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name}: {self.outcome}"
