import secrets
import string

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

PUBLIC_ID_ALPHABET = string.ascii_letters + string.digits
PUBLIC_ID_LENGTH = 22  # 62**22 > 2**130: as unguessable as 16 random bytes


def new_public_id() -> str:
    """An unguessable identifier for objects that get a public URL.

    Letters and digits only: an id starting with "-" would be taken for an option on the command line
    (`besace award -x…`), and "-" or "_" break double-click selection in terminals and e-mails.
    """
    return "".join(secrets.choice(PUBLIC_ID_ALPHABET) for _position in range(PUBLIC_ID_LENGTH))


class AuditEntry(models.Model):
    """One state change made by an issuer, an earner or the system, kept for accountability."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=80)
    target_id = models.CharField(max_length=64, db_index=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_type}:{self.target_id}"


class WorkerHeartbeat(models.Model):
    """The last sign of life of a `besace db_worker` process: the tasks a silent worker had claimed are run
    again by another one (see besace.core.tasks)."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.worker_id
