from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from besace.core.admin import ReadOnlyAdmin, ReadOnlyInline
from besace.issuing.models import Alignment, Assertion, BadgeClass, Issuer, IssuerStaff, SigningKey
from besace.issuing.services import assertion_revoke

# Signing keys: their public id, algorithm and date only. The private key, even encrypted, never reaches
# a page (SigningKey.private_key_encrypted).
SIGNING_KEY_FIELDS = ("public_id", "algorithm", "created_at")


class IssuerStaffInline(ReadOnlyInline):
    model = IssuerStaff
    fields = ("user", "role")
    show_change_link = False


class BadgeClassInline(ReadOnlyInline):
    model = BadgeClass
    fields = ("name", "public_id", "verification", "created_at")


class SigningKeyInline(ReadOnlyInline):
    model = SigningKey
    fields = SIGNING_KEY_FIELDS
    show_change_link = False


@admin.register(Issuer)
class IssuerAdmin(ReadOnlyAdmin):
    list_display = ("name", "email", "url", "created_at")
    search_fields = ("name", "email", "public_id", "memberships__user__email")
    fields = ("public_id", "name", "description", "url", "email", "image", "created_at")
    inlines = [IssuerStaffInline, BadgeClassInline, SigningKeyInline]


class AlignmentInline(ReadOnlyInline):
    model = Alignment
    fields = ("target_name", "target_url", "target_framework", "target_code")
    show_change_link = False


@admin.register(BadgeClass)
class BadgeClassAdmin(ReadOnlyAdmin):
    list_display = ("name", "issuer", "verification", "created_at")
    list_filter = ("verification",)
    search_fields = ("name", "public_id", "issuer__name")
    list_select_related = ("issuer",)
    inlines = [AlignmentInline]


class RevokedFilter(admin.SimpleListFilter):
    title = _("revoked")
    parameter_name = "revoked"

    def lookups(self, request, model_admin):
        return [("yes", _("Revoked")), ("no", _("Not revoked"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(revoked_at__isnull=self.value() == "no")
        return queryset


@admin.register(Assertion)
class AssertionAdmin(ReadOnlyAdmin):
    list_display = ("recipient_email", "badge_class", "issued_on", "recipient_state", "revoked_at")
    list_filter = (RevokedFilter, "recipient_state")
    search_fields = ("recipient_email", "recipient_name", "public_id", "badge_class__name")
    list_select_related = ("badge_class",)
    date_hierarchy = "issued_on"
    exclude = ("salt",)
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected awards"))
    def revoke(self, request, queryset):
        reason = _("Revoked by the site operators.")
        count = 0
        for assertion in queryset.filter(revoked_at__isnull=True):
            assertion_revoke(assertion=assertion, reason=str(reason), actor=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d award revoked.", "%(count)d awards revoked.", count) % {"count": count},
            messages.SUCCESS,
        )


@admin.register(SigningKey)
class SigningKeyAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "issuer", "algorithm", "created_at")
    list_filter = ("algorithm",)
    search_fields = ("public_id", "issuer__name")
    list_select_related = ("issuer",)
    fields = ("issuer", *SIGNING_KEY_FIELDS)
