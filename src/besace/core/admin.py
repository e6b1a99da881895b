"""The site operators' admin (/admin/, staff only). Records are shown, not edited: every change goes through
a service, as an admin action, so that it is audited like any other (see each app's admin.py)."""

from django.contrib import admin

from besace.core.models import AuditEntry


class NothingEdited:
    """No adding, changing or deleting: state changes only through the actions an admin declares."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdmin(NothingEdited, admin.ModelAdmin):
    """Lists and pages to read; state changes only through the actions a subclass declares."""


class ReadOnlyInline(NothingEdited, admin.TabularInline):
    extra = 0
    show_change_link = True

    def get_readonly_fields(self, request, obj=None):
        return self.fields  # some are not editable at all (public ids), which a form could not show


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "action", "actor", "target_type", "target_id")
    list_filter = ("action", "created_at", "target_type")
    date_hierarchy = "created_at"
    search_fields = ("action", "target_id", "actor__email")
    list_select_related = ("actor",)
    fields = ("created_at", "action", "actor", "target_type", "target_id", "data")
