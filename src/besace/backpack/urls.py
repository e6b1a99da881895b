from django.urls import path

from besace.backpack import batch_import, certificate_views, collection_views, export, organise_views, views

app_name = "backpack"

urlpatterns = [
    path("", organise_views.home, name="home"),  # "My badges", with tags and collections
    path("import/", views.badge_import, name="import"),
    path("import/batch/", batch_import.batch_import_start, name="batch_import"),
    path("import/batch/<slug:public_id>/", batch_import.batch_import_progress, name="batch_import_progress"),
    path(
        "import/batch/<slug:public_id>/status.json",
        batch_import.batch_import_status,
        name="batch_import_status",
    ),
    path("export.zip", export.export_download, name="export"),
    path("badges/<slug:public_id>/", views.badge_detail, name="badge"),
    path("badges/<slug:public_id>/image", views.badge_image, name="image"),
    path("badges/<slug:public_id>/certificate.pdf", certificate_views.badge_certificate, name="certificate"),
    path("badges/<slug:public_id>/download/", views.badge_download, name="download"),
    path(
        "badges/<slug:public_id>/download/signed/",
        views.badge_download,
        {"signed": True},
        name="download_signed",
    ),
    path(
        "badges/<slug:public_id>/download/hosted/",
        views.badge_download,
        {"signed": False},
        name="download_hosted",
    ),
    # Organise: visibility, tags and the earner's own evidence of a badge
    path("badges/<slug:public_id>/visibility/", organise_views.badge_visibility, name="badge_visibility"),
    path("badges/<slug:public_id>/tags/", organise_views.badge_tags, name="badge_tags"),
    path("badges/<slug:public_id>/evidence/", organise_views.evidence_add, name="evidence_add"),
    path(
        "badges/<slug:public_id>/evidence/<int:pk>/delete/",
        organise_views.evidence_delete,
        name="evidence_delete",
    ),
    path(
        "badges/<slug:public_id>/collections/",
        collection_views.badge_collection_add,
        name="badge_collection_add",
    ),
    # Collections
    path("collections/new/", collection_views.collection_new, name="collection_new"),
    path("collections/<slug:public_id>/", collection_views.collection_detail, name="collection"),
    path("collections/<slug:public_id>/edit/", collection_views.collection_edit, name="collection_edit"),
    path(
        "collections/<slug:public_id>/delete/", collection_views.collection_delete, name="collection_delete"
    ),
    path(
        "collections/<slug:public_id>/badges/",
        collection_views.collection_badge_add,
        name="collection_badge_add",
    ),
    path(
        "collections/<slug:public_id>/badges/<slug:badge_id>/remove/",
        collection_views.collection_badge_remove,
        name="collection_badge_remove",
    ),
    path(
        "collections/<slug:public_id>/badges/<slug:badge_id>/move/",
        collection_views.collection_badge_move,
        name="collection_badge_move",
    ),
    path("pending/<slug:public_id>/accept/", views.accept, name="accept"),
    path("pending/<slug:public_id>/decline/", views.decline, name="decline"),
    path("pending/pushed/<slug:public_id>/accept/", views.pushed_accept, name="pushed_accept"),
    path("pending/pushed/<slug:public_id>/decline/", views.pushed_decline, name="pushed_decline"),
]
