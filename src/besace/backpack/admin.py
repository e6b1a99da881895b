from django.contrib import admin

from besace.backpack.models import BackpackBadge
from besace.core.admin import ReadOnlyAdmin


@admin.register(BackpackBadge)
class BackpackBadgeAdmin(ReadOnlyAdmin):
    """Earners' badges, for operators answering a support request: never changed here (visibility and
    acceptance belong to the earner)."""

    list_display = ("name", "issuer_name", "owner", "state", "visibility", "revoked", "accepted_at")
    list_filter = ("state", "visibility", "revoked", "source")
    search_fields = ("name", "issuer_name", "public_id", "owner__email")
    list_select_related = ("owner",)
    fields = (
        "public_id",
        "owner",
        "source",
        "state",
        "pushed_by",
        "assertion",
        "version",
        "badge_id",
        "name",
        "issuer_name",
        "issued_on",
        "expires",
        "visibility",
        "earner_name",
        "revoked",
        "revocation_reason",
        "verified_at",
        "accepted_at",
        "checks",
    )
