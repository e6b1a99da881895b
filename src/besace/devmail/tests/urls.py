"""The site's URLs plus the dev mail pages, which besace.urls only adds when DEBUG is on."""

from django.urls import include, path

from besace.urls import urlpatterns as site_urlpatterns

urlpatterns = [*site_urlpatterns, path("dev/mail/", include("besace.devmail.urls"))]
