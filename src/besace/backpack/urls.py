from django.urls import path

from besace.backpack import views

app_name = "backpack"

urlpatterns = [
    path("", views.home, name="home"),
    path("import/", views.badge_import, name="import"),
    path("badges/<slug:public_id>/", views.badge_detail, name="badge"),
    path("badges/<slug:public_id>/image", views.badge_image, name="image"),
    path("badges/<slug:public_id>/download/", views.badge_download, name="download"),
    path(
        "badges/<slug:public_id>/download/signed/",
        views.badge_download,
        {"signed": True},
        name="download_signed",
    ),
    path("pending/<slug:public_id>/accept/", views.accept, name="accept"),
    path("pending/<slug:public_id>/decline/", views.decline, name="decline"),
]
