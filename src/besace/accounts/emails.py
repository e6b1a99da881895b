"""Account e-mails (verification codes, password resets...) go through a retried task, as award e-mails do:
a mail server that is down neither fails the page that sends them nor loses them. The code an e-mail
carries stays valid for ACCOUNT_EMAIL_VERIFICATION_BY_CODE_TIMEOUT (15 minutes), longer than the task's
retries take with the default settings (30 s, then 1, 2 and 4 minutes)."""

from django.core.mail import EmailMessage, EmailMultiAlternatives

from besace.core.tasks import retried_task


def email_to_task_data(message: EmailMessage) -> dict:
    """What the task needs to send `message` again, as JSON."""
    return {
        "subject": message.subject,
        "body": message.body,
        "from_email": message.from_email,
        "to": list(message.to),
        "headers": dict(message.extra_headers),
        "content_subtype": message.content_subtype,
        "alternatives": [list(alternative) for alternative in getattr(message, "alternatives", [])],
    }


@retried_task
def account_email_send_task(message: dict) -> None:
    email = EmailMultiAlternatives(
        message["subject"],
        message["body"],
        message["from_email"],
        message["to"],
        headers=message["headers"],
        alternatives=[tuple(alternative) for alternative in message["alternatives"]],
    )
    email.content_subtype = message["content_subtype"]
    email.send()
