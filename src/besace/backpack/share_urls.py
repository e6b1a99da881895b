"""Stable links earners share, outside /backpack/: a badge and a collection, shown to whoever the
access policy lets see them (besace.access), and a 404 to anyone else."""

from django.urls import path

from besace.backpack import collection_views, organise_views

app_name = "share"

urlpatterns = [
    path("badges/<slug:public_id>/", organise_views.badge_public, name="badge"),
    path("badges/<slug:public_id>/image", organise_views.badge_public_image, name="badge_image"),
    path("badges/<slug:public_id>/embed", organise_views.badge_embed, name="badge_embed"),
    # The owner's share controls, beside the page they act on
    path("badges/<slug:public_id>/make-public/", organise_views.badge_make_public, name="badge_make_public"),
    path(
        "badges/<slug:public_id>/share/<slug:network>/", organise_views.badge_share_to, name="badge_share_to"
    ),
    path("badges/<slug:public_id>/earner-name/", organise_views.badge_earner_name, name="badge_earner_name"),
    path("badges/<slug:public_id>/evidence/<int:pk>/", organise_views.evidence_file, name="evidence_file"),
    path("collections/<slug:public_id>/", collection_views.collection_public, name="collection"),
]
