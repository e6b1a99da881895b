from django.urls import path
from oauth2_provider import views as oauth2_views

from besace.connect import views

app_name = "connect"

urlpatterns = [
    path(".well-known/badgeconnect.json", views.badge_connect_manifest, name="manifest"),
    path("oauth/register", views.register, name="register"),
    path("oauth/authorize", views.ConsentView.as_view(), name="authorize"),
    path("oauth/token", views.ThrottledTokenView.as_view(), name="token"),
    path("oauth/revoke", oauth2_views.RevokeTokenView.as_view(), name="revoke"),
    path("accounts/connected-apps/", views.connected_apps, name="apps"),
    path("accounts/connected-apps/<int:pk>/revoke/", views.connected_app_revoke, name="app_revoke"),
]
