from django.urls import path

from besace.accounts import deletion, email_code, merge, views

app_name = "accounts"

urlpatterns = [
    path("consent/", views.consent, name="consent"),
    path("data-protection/", views.data_protection, name="data_protection"),
    path("delete/", deletion.account_delete_page, name="delete"),
    path("merge/", merge.account_merge_page, name="merge"),
    path("pushed-badges/", views.pushed_badges, name="pushed_badges"),
    path("security/", views.security, name="security"),
    # allauth's own path and name: this URLconf is included before allauth's, so this view answers.
    path("confirm-email/", email_code.email_code, name="email_code"),
]
