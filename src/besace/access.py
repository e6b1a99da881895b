"""Who may see or do what: the one place pages, APIs and selectors ask.

Issuer staff roles: an owner does everything, an editor manages badges and awards, an awarder only
awards. Nobody else sees an issuer's management pages or unpublished data.
"""

from django.db.models import QuerySet

from besace.issuing.models import Issuer, IssuerStaff

Role = IssuerStaff.Role

ISSUER_PERMISSIONS: dict[str, set[str]] = {
    "issuer.view": {Role.OWNER, Role.EDITOR, Role.AWARDER},
    "issuer.edit": {Role.OWNER},
    "issuer.staff": {Role.OWNER},
    "badgeclass.edit": {Role.OWNER, Role.EDITOR},
    "assertion.award": {Role.OWNER, Role.EDITOR, Role.AWARDER},
    "assertion.revoke": {Role.OWNER, Role.EDITOR},
}


def issuer_role(user, issuer: Issuer) -> str | None:
    if not user.is_authenticated:
        return None
    return IssuerStaff.objects.filter(issuer=issuer, user=user).values_list("role", flat=True).first()


def role_can(role: str | None, permission: str) -> bool:
    """For pages that ask several questions: look the role up once, then ask this."""
    return role in ISSUER_PERMISSIONS[permission]


def issuer_can(user, permission: str, issuer: Issuer) -> bool:
    return role_can(issuer_role(user, issuer), permission)


def issuers_for_staff(user) -> QuerySet[Issuer]:
    if not user.is_authenticated:
        return Issuer.objects.none()
    return Issuer.objects.filter(memberships__user=user).distinct()
