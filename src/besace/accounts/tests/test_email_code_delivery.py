"""The mail server is down when a code is e-mailed: the page still answers, the code is kept, the e-mail is
retried and its code works when it arrives; "Send the code again" sends the same code."""

from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django_tasks_db.models import DBTaskResult

from besace.accounts.tests.helpers import last_code
from besace.testing.tasks import retries_due_now, worker_run

User = get_user_model()


def test_a_code_emailed_while_the_server_is_down_arrives_later_and_still_works(
    db_tasks, flaky_mail_server, client, signup, mailoutbox
):
    flaky_mail_server.refusals = 2
    response = signup("ada@example.org")
    assert response.status_code == 302 and response.url == "/accounts/confirm-email/"
    code = client.session["account_email_verification_code"]["code"]
    page = client.get("/accounts/confirm-email/")
    assert page.status_code == 200 and "Send a new code" in page.content.decode()

    worker_run()
    retries_due_now()
    worker_run()
    assert mailoutbox == [] and flaky_mail_server.attempts == 2
    retries_due_now()
    worker_run()
    assert last_code(mailoutbox, "ada@example.org") == code

    response = client.post("/accounts/confirm-email/", {"code": code})
    assert response.status_code == 302
    assert User.objects.get(email="ada@example.org").emailaddress_set.get().verified


def test_asking_again_sends_the_same_code(db_tasks, flaky_mail_server, client, signup, mailoutbox):
    flaky_mail_server.refusals = 1
    signup("ada@example.org")
    code = client.session["account_email_verification_code"]["code"]
    worker_run()  # refused: its retry waits
    cache.clear()  # a few minutes pass: allauth allows one code e-mail per address every 3 minutes
    response = client.post("/accounts/confirm-email/", {"action": "resend"}, follow=True)
    assert "The code is on its way again." in response.content.decode()
    assert client.session["account_email_verification_code"]["code"] == code
    worker_run()  # the new e-mail goes now
    retries_due_now()
    worker_run()  # and the first one, late
    assert [last_code([m], "ada@example.org") for m in mailoutbox] == [code, code]
    assert DBTaskResult.objects.filter(status="FAILED").count() == 1


def test_without_a_worker_to_retry_the_page_still_answers_and_the_code_can_be_sent_again(
    flaky_mail_server, client, signup, mailoutbox
):
    flaky_mail_server.refusals = 1  # tests run tasks at once, as BESACE_TASKS=immediate does
    assert signup("ada@example.org").status_code == 302
    code = client.session["account_email_verification_code"]["code"]
    assert mailoutbox == []
    cache.clear()  # a few minutes pass
    client.post("/accounts/confirm-email/", {"action": "resend"})
    assert last_code(mail.outbox, "ada@example.org") == code
    assert client.post("/accounts/confirm-email/", {"code": code}).status_code == 302
