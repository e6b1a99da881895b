from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from besace.openbadges.hashing import normalise_email


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        user = self.model(email=email, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str):
        # Django's own login (the admin's) looks accounts up by address: any case must match.
        return self.get(email=normalise_email(username))


class User(AbstractUser):
    """An account: signs in with its primary e-mail address; may own several verified addresses."""

    class PushedBadges(models.TextChoices):
        ADD = "add", _("Add them directly")
        ASK = "ask", _("Ask me first")

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    language = models.CharField(
        _("language"), max_length=10, blank=True, choices=settings.LANGUAGES, default=""
    )
    # Moodle's "transfer to backpack" users expect to see the badge at once, hence adding by default.
    pushed_badges = models.CharField(
        _("badges sent to my backpack by connected apps"),
        max_length=3,
        choices=PushedBadges.choices,
        default=PushedBadges.ADD,
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def save(self, *args, **kwargs):
        # One spelling per address, so that the unique constraint and every lookup ignore case.
        self.email = normalise_email(self.email or "")
        super().save(*args, **kwargs)


class DataProtectionConsent(models.Model):
    """The account holder accepted this version of the data-protection statement at this time."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consents")
    version = models.CharField(max_length=40)
    accepted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-accepted_at"]
        constraints = [models.UniqueConstraint(fields=["user", "version"], name="one_consent_per_version")]

    def __str__(self) -> str:
        return f"{self.user} accepted {self.version}"
