from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from besace.core.admin import ReadOnlyAdmin, ReadOnlyInline
from besace.social.models import Comment, Report
from besace.social.services import comment_hidden_set


def _hidden_set(model_admin, request, comments, *, hidden: bool) -> None:
    for comment in comments:
        comment_hidden_set(comment=comment, moderator=request.user, hidden=hidden)
    count = len(comments)
    message = (
        ngettext("%(count)d comment hidden.", "%(count)d comments hidden.", count)
        if hidden
        else ngettext("%(count)d comment shown again.", "%(count)d comments shown again.", count)
    )
    model_admin.message_user(request, message % {"count": count}, messages.SUCCESS)


class ReportInline(ReadOnlyInline):
    model = Report
    fields = ("reporter", "reason", "created_at", "resolved_at")
    show_change_link = False


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "author", "created_at", "hidden")
    list_filter = ("hidden", "created_at")
    search_fields = ("text", "author__email", "badge_class_name")
    list_select_related = ("author",)
    fields = (
        "author",
        "badge_class_name",
        "badge_class_key",
        "text",
        "created_at",
        "edited_at",
        "hidden",
        "hidden_by",
        "hidden_at",
    )
    inlines = [ReportInline]
    actions = ["hide", "show"]

    @admin.action(description=_("Hide the selected comments"))
    def hide(self, request, queryset):
        _hidden_set(self, request, list(queryset), hidden=True)

    @admin.action(description=_("Show the selected comments again"))
    def show(self, request, queryset):
        _hidden_set(self, request, list(queryset), hidden=False)


class ResolvedFilter(admin.SimpleListFilter):
    title = _("decided")
    parameter_name = "decided"

    def lookups(self, request, model_admin):
        return [("no", _("Waiting for a decision")), ("yes", _("Decided"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(resolved_at__isnull=self.value() == "no")
        return queryset


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    """Reports are settled by hiding their comment (or showing it again), as on the moderation page."""

    list_display = ("comment", "reporter", "reason", "created_at", "resolved_at")
    list_filter = (ResolvedFilter,)
    search_fields = ("reason", "comment__text", "reporter__email")
    list_select_related = ("comment__author", "reporter")
    fields = ("comment", "reporter", "reason", "created_at", "resolved_at")
    actions = ["hide", "show"]

    @admin.action(description=_("Hide the reported comments"))
    def hide(self, request, queryset):
        _hidden_set(self, request, list(Comment.objects.filter(reports__in=queryset).distinct()), hidden=True)

    @admin.action(description=_("Show the reported comments again"))
    def show(self, request, queryset):
        _hidden_set(
            self, request, list(Comment.objects.filter(reports__in=queryset).distinct()), hidden=False
        )
