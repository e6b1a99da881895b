import pytest
from django.core import mail
from django.urls import reverse

from besace import access
from besace.core.audit import audit_entries_for
from besace.social import services
from besace.social.models import Connection, Member


@pytest.fixture
def alice(make_user):
    user = make_user("alice@example.org")
    user.first_name, user.last_name = "Alice", "Martin"
    user.save()
    return user


@pytest.fixture
def bob(make_user):
    return make_user("bob@example.org")


def _ask(login, requester, email: str):
    return login(requester).post(reverse("social:connections"), {"email": email}, follow=True)


def test_request_then_accept(client, login, alice, bob):
    response = _ask(login, alice, "BOB@example.org")

    connection = Connection.objects.get()
    assert (connection.requester, connection.addressee, connection.state) == (alice, bob, "pending")
    assert "it was asked to connect" in response.content.decode()
    assert audit_entries_for(connection).filter(action="social.connection.request", actor=alice).exists()
    assert not access.connections_visible_to(bob, alice)

    client.logout()
    home = login(bob).get(reverse("backpack:home"))
    assert "Alice Martin (alice@example.org) would like to connect with you." in home.content.decode()
    client.post(reverse("social:connection_accept", args=[connection.pk]))

    connection.refresh_from_db()
    assert connection.state == "accepted" and connection.accepted_at is not None
    assert audit_entries_for(connection).filter(action="social.connection.accept", actor=bob).exists()
    assert access.connections_visible_to(bob, alice) and access.connections_visible_to(alice, bob)
    assert "Alice Martin" in client.get(reverse("social:connections")).content.decode()


def test_decline(client, login, alice, bob):
    _ask(login, alice, bob.email)
    connection = Connection.objects.get()
    client.logout()

    # The requester cannot answer their own request.
    assert login(alice).post(reverse("social:connection_accept", args=[connection.pk])).status_code == 403
    client.logout()
    login(bob).post(reverse("social:connection_decline", args=[connection.pk]))

    assert not Connection.objects.exists()
    assert audit_entries_for(connection).filter(action="social.connection.decline", actor=bob).exists()


def test_either_side_removes_a_connection(client, login, alice, bob, make_user):
    connection = services.connection_request(requester=alice, addressee=bob)
    services.connection_accept(connection=connection, user=bob)
    stranger = make_user("stranger@example.org")

    assert login(stranger).post(reverse("social:connection_remove", args=[connection.pk])).status_code == 404
    client.logout()
    login(bob).post(reverse("social:connection_remove", args=[connection.pk]))

    assert not Connection.objects.exists()
    assert audit_entries_for(connection).filter(action="social.connection.remove", actor=bob).exists()


def test_auto_accept(login, alice, bob):
    login(bob).post(
        reverse("social:settings"), {"email_notifications": "immediately", "auto_accept_connections": "on"}
    )
    assert Member.objects.get(user=bob).auto_accept_connections
    mail.outbox.clear()

    connection = services.connection_request(requester=alice, addressee=bob)

    assert connection.state == "accepted"
    assert mail.outbox == []  # nothing to answer, nothing to say


def test_asking_someone_who_asked_us_connects_us(alice, bob):
    services.connection_request(requester=alice, addressee=bob)

    connection = services.connection_request(requester=bob, addressee=alice)

    assert Connection.objects.count() == 1
    assert connection.state == "accepted"


def test_an_unknown_address_gets_the_same_answer(login, alice):
    response = _ask(login, alice, "nobody@example.org")

    assert "If nobody@example.org has a Besace account, it was asked to connect." in response.content.decode()
    assert not Connection.objects.exists()


def test_no_connection_with_oneself(login, alice):
    _ask(login, alice, alice.email)

    assert not Connection.objects.exists()


def test_a_bad_address_is_refused_without_error(login, alice):
    response = _ask(login, alice, "not an address")

    assert response.status_code == 200
    assert not Connection.objects.exists()


def test_connections_page_query_count(login, alice, make_user, django_assert_max_num_queries):
    for number in range(10):
        other = make_user(f"friend{number}@example.org")
        connection = services.connection_request(requester=other, addressee=alice)
        if number % 2:
            services.connection_accept(connection=connection, user=alice)
    client = login(alice)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("social:connections"))

    assert response.content.decode().count("friend") == 10
