"""Every state change of issuing and of the backpack leaves an audit entry naming who did it."""

from besace.backpack import services as backpack_services
from besace.core.audit import audit_entries_for
from besace.issuing import services


def _actions(target) -> list[tuple[str, object]]:
    return [(entry.action, entry.actor) for entry in audit_entries_for(target).order_by("id")]


def test_it_audits_issuer_and_badge_class_creation(issuer, badge_class, owner):
    assert ("issuer.created", owner) in _actions(issuer)
    assert _actions(badge_class) == [("badgeclass.created", owner)]


def test_it_audits_staff_changes(issuer, editor, owner):
    entry = audit_entries_for(issuer).get(action="issuer.staff.set")
    assert entry.actor == owner and entry.data == {"user": editor.email, "role": "editor"}


def test_it_audits_award_revoke_accept_and_decline(award, owner, make_user):
    earner = make_user("earner@example.org")
    accepted, declined = award(), award()
    backpack_services.assertion_accept(assertion=accepted, user=earner)
    backpack_services.assertion_decline(assertion=declined, user=earner)
    services.assertion_revoke(assertion=accepted, reason="mistake", actor=owner)
    assert _actions(accepted) == [
        ("assertion.awarded", owner),
        ("assertion.accepted", earner),
        ("assertion.revoked", owner),
    ]
    assert _actions(declined) == [("assertion.awarded", owner), ("assertion.declined", earner)]


def test_it_audits_a_decline_without_an_account(award):
    assertion = award()
    backpack_services.assertion_decline(assertion=assertion)
    assert _actions(assertion)[-1] == ("assertion.declined", None)
