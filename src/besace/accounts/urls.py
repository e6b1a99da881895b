from django.urls import path

from besace.accounts import email_code, views

app_name = "accounts"

urlpatterns = [
    path("consent/", views.consent, name="consent"),
    path("data-protection/", views.data_protection, name="data_protection"),
    # allauth's own path and name: this URLconf is included before allauth's, so this view answers.
    path("confirm-email/", email_code.email_code, name="email_code"),
]
