"""A mail server that is down, for tests: Django's in-memory outbox (django.core.mail.outbox) behind a
server that refuses the first connections, or hangs up after some messages.

Set EMAIL_BACKEND to "besace.testing.mail.FlakyEmailBackend" and describe the outage on FlakyEmailBackend
(the `flaky_mail_server` fixture does both, and puts the server back up afterwards).
"""

import smtplib

import pytest
from django.core.mail.backends import locmem


class FlakyEmailBackend(locmem.EmailBackend):
    # Connection attempts still refused (ConnectionRefusedError): the server is down for that many tries.
    refusals = 0
    # Messages taken before the server hangs up (SMTPServerDisconnected) once; None: it never does.
    hang_up_after: int | None = None
    # Addresses the server refuses for good (SMTPRecipientsRefused).
    refused_recipients: frozenset[str] = frozenset()
    # Connections tried, whether the server was up or not.
    attempts = 0

    @classmethod
    def reset(cls) -> None:
        cls.refusals, cls.hang_up_after, cls.refused_recipients, cls.attempts = 0, None, frozenset(), 0

    def open(self) -> bool:
        type(self)._connect()
        self.connected = True
        return True

    def close(self) -> None:
        self.connected = False

    def send_messages(self, messages) -> int:
        # EmailMessage.send() does not open() first: a message on its own connects here.
        if not getattr(self, "connected", False):
            type(self)._connect()
        sent = 0
        for message in messages:
            backend = type(self)
            if backend.hang_up_after is not None:
                if backend.hang_up_after == 0:
                    backend.hang_up_after = None
                    raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
                backend.hang_up_after -= 1
            refused = {
                address: (550, b"No such user")
                for address in message.to
                if address in backend.refused_recipients
            }
            if refused:
                raise smtplib.SMTPRecipientsRefused(refused)
            sent += super().send_messages([message])
        return sent

    @classmethod
    def _connect(cls) -> None:
        cls.attempts += 1
        if cls.refusals > 0:
            cls.refusals -= 1
            raise ConnectionRefusedError(111, "Connection refused")


@pytest.fixture
def flaky_mail_server(settings, mailoutbox):
    """FlakyEmailBackend as the e-mail backend, up until told otherwise; e-mails land in `mailoutbox`."""
    settings.EMAIL_BACKEND = "besace.testing.mail.FlakyEmailBackend"
    FlakyEmailBackend.reset()
    yield FlakyEmailBackend
    FlakyEmailBackend.reset()
