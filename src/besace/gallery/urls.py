from django.urls import path

from besace.gallery import views

app_name = "gallery"

urlpatterns = [
    path("", views.badges, name="badges"),
    path("badges/<slug:key>/", views.badge_class, name="badge_class"),
    path("pages/", views.pages, name="pages"),
    path("profiles/", views.profiles, name="profiles"),
    path("map/", views.world_map, name="map"),
]
