"""Small helpers shared by the accounts tests."""

import re

from besace.core.models import AuditEntry

PASSWORD = "a long enough passphrase 42"


def last_code(mailoutbox, to: str) -> str:
    """The code in the last e-mail sent to `to`: 6 digits alone on their line (the format we configure)."""
    message = [m for m in mailoutbox if to in m.to][-1]
    return re.search(r"^(\d{6})$", message.body, re.MULTILINE).group(1)


def messages_of(response) -> list[str]:
    """The flash messages shown on a rendered page."""
    return [str(m) for m in response.context["messages"]]


def actions_for(user) -> list[str]:
    """The audit log's actions about `user`, oldest first."""
    entries = AuditEntry.objects.filter(target_type="accounts.user", target_id=str(user.pk)).order_by("id")
    return list(entries.values_list("action", flat=True))
