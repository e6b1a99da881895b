import datetime
import uuid

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from jwcrypto import jwk

from besace.core.models import new_public_id
from besace.issuing import key_encryption
from besace.openbadges.ob3_signing import load_ed25519_private_key
from besace.openbadges.signing import load_pem_key


def public_url(view_name: str, *args) -> str:
    """Absolute, stable URL of a public resource (ids of Open Badges objects)."""
    return settings.BESACE_BASE_URL + reverse(view_name, args=args)


class Issuer(models.Model):
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("website"))
    email = models.EmailField(_("contact e-mail"))
    image = models.FileField(_("image"), upload_to="issuers/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, through="IssuerStaff", related_name="issuers")

    class Meta:
        ordering = ["name"]
        verbose_name = _("issuer")

    def __str__(self) -> str:
        return self.name

    @property
    def public_url(self) -> str:
        return public_url("public:issuer", self.public_id)


class IssuerStaff(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        EDITOR = "editor", _("Editor")
        AWARDER = "awarder", _("Awarder")

    issuer = models.ForeignKey(Issuer, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="issuer_memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "user"], name="one_role_per_issuer_member")]

    def __str__(self) -> str:
        return f"{self.user} {self.role} of {self.issuer}"


class SigningKey(models.Model):
    """A key pair an issuer signs with; its public half stays published for good, even once a newer key
    replaces it, so everything it signed still verifies.

    RSA keys sign OB 2.0 assertions (JWS) and OB 3.0 VC-JWTs (RS256); Ed25519 keys sign OB 3.0 Data
    Integrity proofs (eddsa-rdfc-2022). Both kinds are kept as PEM, the private one encrypted
    (besace.issuing.key_encryption) and read only through ``private_key()``.
    """

    class Algorithm(models.TextChoices):
        RSA = "rsa", "RSA (RS256)"
        ED25519 = "ed25519", "Ed25519"

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    issuer = models.ForeignKey(Issuer, on_delete=models.CASCADE, related_name="signing_keys")
    algorithm = models.CharField(max_length=10, choices=Algorithm.choices, default=Algorithm.RSA)
    private_key_encrypted = models.TextField()
    public_key_pem = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"key {self.public_id} of {self.issuer}"

    @property
    def public_url(self) -> str:
        return public_url("public:issuer_key", self.issuer.public_id, self.public_id)

    def private_key(self) -> jwk.JWK | Ed25519PrivateKey:
        """The private key, decrypted and loaded (kept for the life of the process): a jwcrypto JWK for
        RSA, a pyca/cryptography key for Ed25519."""
        if self.algorithm == self.Algorithm.ED25519:
            return key_encryption.load_private_key(self.private_key_encrypted, load_ed25519_private_key)
        return key_encryption.load_private_key(self.private_key_encrypted, load_pem_key)


class BadgeClass(models.Model):
    class Verification(models.TextChoices):
        """Which form of its assertions the earner receives as "the" badge (both forms always exist)."""

        HOSTED = "hosted", _("Hosted (verified at its URL on Besace)")
        SIGNED = "signed", _("Signed (verifiable offline with the issuer's key)")

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    issuer = models.ForeignKey(Issuer, on_delete=models.PROTECT, related_name="badge_classes")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"))
    image = models.FileField(_("image"), upload_to="badges/")
    criteria_text = models.TextField(_("criteria"), blank=True, help_text=_("Markdown."))
    criteria_url = models.URLField(_("criteria URL"), blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    expires_after_days = models.PositiveIntegerField(_("expires after (days)"), null=True, blank=True)
    expires_on = models.DateTimeField(_("expires on"), null=True, blank=True)
    verification = models.CharField(
        _("verification"), max_length=10, choices=Verification.choices, default=Verification.HOSTED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("badge")

    def __str__(self) -> str:
        return self.name

    @property
    def public_url(self) -> str:
        return public_url("public:badgeclass", self.public_id)

    @property
    def image_url(self) -> str:
        return public_url("public:badgeclass_image", self.public_id)

    @property
    def image_kind(self) -> str:
        return "svg" if self.image.name.lower().endswith(".svg") else "png"


class Alignment(models.Model):
    """A competence or standard the badge is aligned to, e.g. an ESCO skill."""

    badge_class = models.ForeignKey(BadgeClass, on_delete=models.CASCADE, related_name="alignments")
    target_name = models.CharField(_("name"), max_length=300)
    target_url = models.URLField(_("URL"), max_length=500)
    target_description = models.TextField(_("description"), blank=True)
    target_framework = models.CharField(_("framework"), max_length=200, blank=True)
    target_code = models.CharField(_("code"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.target_name


class Assertion(models.Model):
    """One badge awarded to one e-mail address (an Open Badges 2.0 hosted Assertion)."""

    class RecipientState(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    # The id of the signed form of this assertion (urn:uuid:…); the hosted form's id is its public URL.
    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    badge_class = models.ForeignKey(BadgeClass, on_delete=models.PROTECT, related_name="assertions")
    recipient_email = models.EmailField(_("recipient e-mail"))
    recipient_name = models.CharField(_("recipient name"), max_length=200, blank=True)
    salt = models.CharField(max_length=64)
    identity_hash = models.CharField(max_length=100)
    issued_on = models.DateTimeField(_("issued on"))
    expires = models.DateTimeField(_("expires"), null=True, blank=True)
    narrative = models.TextField(_("narrative"), blank=True)
    evidence_url = models.URLField(_("evidence URL"), blank=True)
    evidence_narrative = models.TextField(_("evidence narrative"), blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.CharField(_("revocation reason"), max_length=500, blank=True)
    recipient_state = models.CharField(
        max_length=10, choices=RecipientState.choices, default=RecipientState.PENDING
    )
    language = models.CharField(max_length=10, blank=True, help_text="Language of the award e-mail.")
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # For an award made by an AwardJob: which job, and which of its rows (counted from 0).
    award_job = models.ForeignKey(
        "AwardJob",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="assertions",
    )
    award_job_row = models.PositiveIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        indexes = [models.Index(Lower("recipient_email"), name="assertion_recipient_lower")]
        # A job run again after a crash cannot award a row twice, even with two workers at it.
        constraints = [
            models.UniqueConstraint(fields=["award_job", "award_job_row"], name="one_award_per_job_row")
        ]
        verbose_name = _("award")

    def __str__(self) -> str:
        return f"{self.badge_class} → {self.recipient_email}"

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def expired(self) -> bool:
        return self.expires is not None and self.expires <= timezone.now()

    @property
    def public_url(self) -> str:
        return public_url("public:assertion", self.public_id)

    @property
    def baked_png_url(self) -> str:
        return public_url("public:assertion_baked_png", self.public_id)

    @property
    def baked_svg_url(self) -> str:
        return public_url("public:assertion_baked_svg", self.public_id)

    @property
    def signed_id(self) -> str:
        return self.uuid.urn

    @property
    def signed_png_url(self) -> str:
        return public_url("public:assertion_signed_png", self.public_id)

    @property
    def signed_svg_url(self) -> str:
        return public_url("public:assertion_signed_svg", self.public_id)

    @property
    def hosted_baked_url(self) -> str:
        """The image baked with the hosted form."""
        return self.baked_svg_url if self.badge_class.image_kind == "svg" else self.baked_png_url

    @property
    def signed_baked_url(self) -> str:
        """The image baked with the signed form (410 once revoked)."""
        return self.signed_svg_url if self.badge_class.image_kind == "svg" else self.signed_png_url

    @property
    def credential_url(self) -> str:
        """The Open Badges 3.0 credential (Data Integrity proof)."""
        return public_url("public:assertion_credential", self.public_id)

    @property
    def credential_jwt_url(self) -> str:
        """The Open Badges 3.0 credential as a VC-JWT."""
        return public_url("public:assertion_credential_jwt", self.public_id)

    @property
    def credential_baked_url(self) -> str:
        """The badge image baked with the Open Badges 3.0 credential."""
        return public_url(f"public:assertion_credential_{self.badge_class.image_kind}", self.public_id)

    @property
    def delivers_signed(self) -> bool:
        """Whether the earner gets the signed form as "the" badge: the badge class says so, and the award
        is not revoked (Besace does not sign a revoked badge again, so the hosted form stays)."""
        return self.badge_class.verification == BadgeClass.Verification.SIGNED and not self.revoked

    @property
    def baked_url(self) -> str:
        """ "The" badge image the earner receives: signed or hosted, as its badge class says."""
        return self.signed_baked_url if self.delivers_signed else self.hosted_baked_url


# An award e-mail not moved for this long after it was due has lost its task: the issuer may resend it.
EMAIL_STALLED_AFTER = datetime.timedelta(minutes=10)


class AwardEmail(models.Model):
    """Where the award e-mail of one award stands: made with the award, in the same transaction, so a mail
    server that is down loses nothing; moved by besace.issuing.emails as it is sent, retried, or given up.

    Sending claims it first (SENDING): two tasks queued for the same award (a job run again after a crash,
    a retry and a resend) send it once. A worker killed while sending leaves it SENDING: the issuer may
    send it again once it is stale, rather than Besace risking a second e-mail on its own.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        RETRYING = "retrying", _("Retrying")
        FAILED = "failed", _("Not delivered")

    assertion = models.OneToOneField(
        "Assertion", primary_key=True, on_delete=models.CASCADE, related_name="email_delivery"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    next_try_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    # Waiting to be sent: what a task may claim.
    WAITING = (Status.QUEUED, Status.RETRYING)

    class Meta:
        verbose_name = _("award e-mail")

    def __str__(self) -> str:
        return f"award e-mail of {self.assertion_id}: {self.status}"

    @property
    def resendable(self) -> bool:
        """Given up, or not moved long after it should have (its worker or its queue was lost)."""
        if self.status == self.Status.FAILED:
            return True
        if self.status == self.Status.SENT:
            return False
        due = self.next_try_at if self.status == self.Status.RETRYING else self.updated_at
        return due is None or due < timezone.now() - EMAIL_STALLED_AFTER


class AwardJob(models.Model):
    """Awards of one confirmed CSV file, made in the background in batches (besace.issuing.award_jobs).

    `awarded` rows (in file order) have their assertion; the e-mails of the first `emails_queued` of
    them are queued. Both only grow, so a run that stopped anywhere is completed by running it again.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Stopped")

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    badge_class = models.ForeignKey(BadgeClass, on_delete=models.PROTECT, related_name="award_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    language = models.CharField(max_length=10, blank=True, help_text="Language of the award e-mails.")
    # The checked rows of the file: [{"email": …, "name": …, "narrative": …, "evidence_url": …}, …].
    rows = models.JSONField(default=list)
    total = models.PositiveIntegerField(default=0)
    awarded = models.PositiveIntegerField(default=0)
    emails_queued = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Moves with every batch: a job still "running" long after it last moved has lost its worker.
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"award job {self.public_id} ({self.state}, {self.awarded}/{self.total})"
