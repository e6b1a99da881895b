from django.urls import path

from besace.profiles import views

app_name = "profiles"

urlpatterns = [
    path("me/", views.profile_settings, name="settings"),
    path("<slug:slug>/", views.profile_detail, name="detail"),
]
