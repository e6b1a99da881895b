from django.urls import path

from besace.social import views

app_name = "social"

urlpatterns = [
    path("settings/", views.settings_page, name="settings"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("following/", views.following, name="following"),
    path("badges/<slug:key>/follow/", views.badge_class_follow, name="badge_class_follow"),
    path("badges/<slug:key>/unfollow/", views.badge_class_unfollow, name="badge_class_unfollow"),
    path("badges/<slug:key>/comments/", views.comment_post, name="comment_post"),
    path("issuers/<slug:public_id>/follow/", views.issuer_follow, name="issuer_follow"),
    path("issuers/<slug:public_id>/unfollow/", views.issuer_unfollow, name="issuer_unfollow"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="comment_delete"),
    path("comments/<int:pk>/report/", views.comment_report, name="comment_report"),
    path("comments/<int:pk>/hide/", views.comment_hidden_set, {"hidden": True}, name="comment_hide"),
    path("comments/<int:pk>/show/", views.comment_hidden_set, {"hidden": False}, name="comment_show"),
    path("moderation/", views.moderation, name="moderation"),
    path("connections/", views.connections, name="connections"),
    *(
        path(
            f"connections/<int:pk>/{action}/",
            views.connection_answer,
            {"action": action},
            name=f"connection_{action}",
        )
        for action in ("accept", "decline", "remove")
    ),
    path("endorse/<slug:public_id>/", views.endorse, name="endorse"),
    path("endorsements/<slug:public_id>/decide/", views.endorsement_decide, name="endorsement_decide"),
    # Public, stable: Open Badges documents of accepted endorsements and of their endorsers.
    path("endorsements/<slug:public_id>", views.endorsement, name="endorsement"),
    path(
        "endorsements/<slug:public_id>/credential.json",
        views.endorsement_credential,
        name="endorsement_credential",
    ),
    path("endorsers/<slug:public_id>", views.endorser_profile, name="endorser_profile"),
]
