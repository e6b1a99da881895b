"""Reads about accounts for their owner's pages."""

from django.db.models import Q, QuerySet

from besace.accounts.models import User
from besace.connect.models import Connection
from besace.core.models import AuditEntry

RECENT_SECURITY_EVENTS = 30
# Besides the account's own entries (account.*): the apps it let in or shut out, and Moodle-style tokens
# it asked for with its password.
_CONNECTION_ACTIONS = ("connect.access.granted", "connect.access.revoked")


def security_events_for(user: User, limit: int = RECENT_SECURITY_EVENTS) -> QuerySet[AuditEntry]:
    """The latest security events of `user`'s account, newest first; nobody else's."""
    connection_ids = [str(pk) for pk in Connection.objects.filter(user=user).values_list("pk", flat=True)]
    mine = (
        Q(target_type=User._meta.label_lower, target_id=str(user.pk), action__startswith="account.")
        | Q(target_type="connect.connection", target_id__in=connection_ids, action__in=_CONNECTION_ACTIONS)
        | Q(target_type="api.apitoken", actor=user, action="api.token.issued")
    )
    return AuditEntry.objects.filter(mine).order_by("-created_at", "-id")[:limit]
