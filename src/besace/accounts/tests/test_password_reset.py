"""Password reset: a link is e-mailed; following it sets a new password."""

import re

from besace.accounts.tests.helpers import PASSWORD, actions_for

NEW_PASSWORD = "another long passphrase 43"


def _reset_link(mailoutbox) -> str:
    return re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mailoutbox[-1].body).group(1)


def test_it_emails_a_reset_link(client, make_user, mailoutbox):
    make_user("ada@example.org")

    response = client.post("/accounts/password/reset/", {"email": "ADA@example.org"})

    assert response.status_code == 302
    assert mailoutbox[-1].to == ["ada@example.org"]
    assert _reset_link(mailoutbox)


def test_it_sets_the_new_password_from_the_link_and_audits_it(client, make_user, mailoutbox):
    user = make_user("ada@example.org", password=PASSWORD)
    client.post("/accounts/password/reset/", {"email": "ada@example.org"})

    form_page = client.get(_reset_link(mailoutbox), follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert actions_for(user)[-1] == "account.password.changed"


def test_it_refuses_a_tampered_link_and_changes_nothing(client, make_user):
    user = make_user("ada@example.org", password=PASSWORD)

    response = client.get("/accounts/password/reset/key/1-not-a-real-key/")

    assert response.status_code == 200
    assert "invalid" in response.content.decode().lower()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_it_looks_the_same_for_an_unknown_address(client, db, mailoutbox):
    # No account is revealed: the page is the same, and the e-mail says there is no account.
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})

    assert response.status_code == 302
    assert len(mailoutbox) == 1


def test_it_audits_a_password_change(client, make_user):
    user = make_user("ada@example.org", password=PASSWORD)
    client.force_login(user)

    client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert actions_for(user)[-1] == "account.password.changed"
