"""Accepted endorsements as Open Badges documents: an OB 2.0 Endorsement (hosted JSON-LD) whose issuer is
the endorser's profile, and an OB 3.0 EndorsementCredential.

The OB 3.0 credential is unsigned: endorsers are people, and Besace holds no signing key for people (only
for issuers). It states what the endorsement says; its hosted OB 2.0 twin is what can be verified.
"""

from django.conf import settings
from django.urls import reverse

from besace.openbadges.jsonld_contexts import OB2_CONTEXT, OB3_CONTEXT, VC2_CONTEXT
from besace.social.models import Endorsement, Member
from besace.social.selectors import member_name


def _absolute(view_name: str, *args) -> str:
    return settings.BESACE_BASE_URL + reverse(view_name, args=args)


def endorser_profile_url(member: Member) -> str:
    return _absolute("social:endorser_profile", member.public_id)


def endorsement_url(endorsement: Endorsement) -> str:
    return _absolute("social:endorsement", endorsement.public_id)


def endorsement_credential_url(endorsement: Endorsement) -> str:
    return _absolute("social:endorsement_credential", endorsement.public_id)


def claimed_badge_id(endorsement: Endorsement) -> str:
    """What is endorsed: the award's own id, else (a few imported badges have none) its share page."""
    return endorsement.entry.badge_id or _absolute("share:badge", endorsement.entry.public_id)


def _iso(moment) -> str:
    return moment.isoformat(timespec="seconds")


def endorser_profile_document(member: Member) -> dict:
    """The endorser as an OB 2.0 Profile: a name and the page that describes them, never an address."""
    url = endorser_profile_url(member)
    return {
        "@context": OB2_CONTEXT,
        "type": "Profile",
        "id": url,
        "name": member_name(member.user),
        "url": url,
    }


def endorsement_document(endorsement: Endorsement, member: Member) -> dict:
    """OB 2.0 Endorsement of the earner's award (the claim's id is the badge's assertion id)."""
    return {
        "@context": OB2_CONTEXT,
        "type": "Endorsement",
        "id": endorsement_url(endorsement),
        "claim": {"id": claimed_badge_id(endorsement), "endorsementComment": endorsement.comment},
        "issuer": endorser_profile_url(member),
        "issuedOn": _iso(endorsement.decided_at or endorsement.written_at),
        "verification": {"type": "hosted"},
    }


def endorsement_credential_document(endorsement: Endorsement, member: Member) -> dict:
    """OB 3.0 EndorsementCredential (unsigned, see the module's docstring)."""
    name = member_name(member.user)
    return {
        "@context": [VC2_CONTEXT, OB3_CONTEXT],
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "id": endorsement_credential_url(endorsement),
        "name": f"{name}: {endorsement.entry.name}",
        "issuer": {"id": endorser_profile_url(member), "type": ["Profile"], "name": name},
        "validFrom": _iso(endorsement.decided_at or endorsement.written_at),
        "credentialSubject": {
            "id": claimed_badge_id(endorsement),
            "type": ["EndorsementSubject"],
            "endorsementComment": endorsement.comment,
        },
    }
