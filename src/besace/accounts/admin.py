import allauth.account.admin  # noqa: F401  (registers EmailAddress first, so that it can be unregistered)
from allauth.account.models import EmailAddress
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from besace.accounts.models import User
from besace.accounts.services import user_active_set
from besace.core.admin import ReadOnlyAdmin, ReadOnlyInline

# Marking an address verified by hand would hand its badges to whoever holds the account, unaudited: the
# addresses are shown on each account instead.
admin.site.unregister(EmailAddress)


class EmailAddressInline(ReadOnlyInline):
    model = EmailAddress
    fields = ("email", "verified", "primary")
    show_change_link = False


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ("email", "first_name", "last_name", "is_active", "is_staff", "date_joined", "last_login")
    list_filter = ("is_active", "is_staff", "is_superuser", "language")
    search_fields = ("email", "first_name", "last_name", "emailaddress__email")
    ordering = ("-date_joined",)
    fields = (
        "email",
        "first_name",
        "last_name",
        "is_active",
        "is_staff",
        "is_superuser",
        "language",
        "pushed_badges",
        "date_joined",
        "last_login",
    )
    inlines = [EmailAddressInline]
    actions = ["deactivate", "reactivate"]

    def _active_set(self, request, queryset, *, active: bool) -> int:
        return sum(user_active_set(user=user, active=active, actor=request.user) for user in queryset)

    @admin.action(description=_("Deactivate the selected accounts"))
    def deactivate(self, request, queryset):
        changed = self._active_set(request, queryset.exclude(pk=request.user.pk), active=False)
        self.message_user(
            request,
            ngettext("%(count)d account deactivated.", "%(count)d accounts deactivated.", changed)
            % {"count": changed},
            messages.SUCCESS,
        )

    @admin.action(description=_("Reactivate the selected accounts"))
    def reactivate(self, request, queryset):
        changed = self._active_set(request, queryset, active=True)
        self.message_user(
            request,
            ngettext("%(count)d account reactivated.", "%(count)d accounts reactivated.", changed)
            % {"count": changed},
            messages.SUCCESS,
        )
