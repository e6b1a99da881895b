"""Development e-mail: printed on the console and kept as .eml files readable at /dev/mail/."""

import datetime
import secrets
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.console import EmailBackend as ConsoleBackend


def mail_dir() -> Path:
    return Path(settings.BESACE_DEV_MAIL_DIR)


class ConsoleAndFolderEmailBackend(ConsoleBackend):
    def send_messages(self, email_messages):
        sent = super().send_messages(email_messages)
        folder = mail_dir()
        folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S%f")
            (folder / f"{stamp}-{secrets.token_hex(4)}.eml").write_bytes(message.message().as_bytes())
        return sent
