from django.urls import path

from besace.accounts import views

app_name = "accounts"

urlpatterns = [
    path("consent/", views.consent, name="consent"),
    path("data-protection/", views.data_protection, name="data_protection"),
]
