from django.urls import path

from besace.issuing import public_views as views

app_name = "public"

urlpatterns = [
    path("issuers/<slug:public_id>", views.issuer, name="issuer"),
    path("issuers/<slug:public_id>.json", views.issuer, {"as_json": True}, name="issuer_json"),
    path("issuers/<slug:public_id>/image", views.issuer_image, name="issuer_image"),
    path("issuers/<slug:public_id>/revocations", views.issuer_revocations, name="issuer_revocations"),
    path("issuers/<slug:public_id>/keys/<slug:key_id>", views.issuer_key, name="issuer_key"),
    path("issuers/<slug:public_id>/did.json", views.issuer_did_document, name="issuer_did"),
    path(
        "issuers/<slug:public_id>/credential-status",
        views.issuer_credential_status,
        name="issuer_credential_status",
    ),
    path("badges/<slug:public_id>", views.badge_class, name="badgeclass"),
    path("badges/<slug:public_id>.json", views.badge_class, {"as_json": True}, name="badgeclass_json"),
    path("badges/<slug:public_id>/image", views.badge_class_image, name="badgeclass_image"),
    path("assertions/<slug:public_id>", views.assertion, name="assertion"),
    path("assertions/<slug:public_id>.json", views.assertion, {"as_json": True}, name="assertion_json"),
    path(
        "assertions/<slug:public_id>/baked.png",
        views.assertion_baked,
        {"kind": "png"},
        name="assertion_baked_png",
    ),
    path(
        "assertions/<slug:public_id>/baked.svg",
        views.assertion_baked,
        {"kind": "svg"},
        name="assertion_baked_svg",
    ),
    path("assertions/<slug:public_id>/signed.jws", views.assertion_signed_jws, name="assertion_signed_jws"),
    path(
        "assertions/<slug:public_id>/signed.png",
        views.assertion_baked,
        {"kind": "png", "signed": True},
        name="assertion_signed_png",
    ),
    path(
        "assertions/<slug:public_id>/signed.svg",
        views.assertion_baked,
        {"kind": "svg", "signed": True},
        name="assertion_signed_svg",
    ),
    path(
        "assertions/<slug:public_id>/credential.json", views.assertion_credential, name="assertion_credential"
    ),
    path(
        "assertions/<slug:public_id>/credential.jwt",
        views.assertion_credential_jwt,
        name="assertion_credential_jwt",
    ),
    path(
        "assertions/<slug:public_id>/credential.png",
        views.assertion_credential_baked,
        {"kind": "png"},
        name="assertion_credential_png",
    ),
    path(
        "assertions/<slug:public_id>/credential.svg",
        views.assertion_credential_baked,
        {"kind": "svg"},
        name="assertion_credential_svg",
    ),
]
