from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from besace.accounts.views import language_switch
from besace.api.api import api
from besace.api.badgr import badgr_api
from besace.api.token_view import token as api_token
from besace.backpack import certificate_views
from besace.backpack import views as backpack_views
from besace.connect.ob21 import ob21_api
from besace.connect.ob30 import ob30_api
from besace.core import views as core_views
from besace.core.sitemaps import SITEMAPS, robots_txt
from besace.verify.views import verify_page

urlpatterns = [
    path("", core_views.home, name="home"),
    path("i18n/setlang/", language_switch, name="set_language"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("healthz", core_views.healthz, name="healthz"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path("sitemap-<slug:section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap_section"),
    path("accounts/", include("besace.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("public/", include("besace.issuing.public_urls")),
    path("issuers/", include("besace.issuing.urls")),
    path("backpack/", include("besace.backpack.urls")),
    path("", include("besace.backpack.share_urls")),  # /badges/<id>/, /collections/<id>/: share links
    path("claim/<str:token>/", backpack_views.claim, name="claim"),
    path("claim/<str:token>/decline/", backpack_views.claim_decline, name="claim_decline"),
    path("claim/<str:token>/certificate.pdf", certificate_views.claim_certificate, name="claim_certificate"),
    path("pages/", include("besace.pages.urls")),
    path("people/", include("besace.profiles.urls")),
    path("gallery/", include("besace.gallery.urls")),
    path("social/", include("besace.social.urls")),
    path("verify/", verify_page, name="verify"),
    path("help/", include("besace.help.urls")),
    path("api/", api.urls),
    path("o/token", api_token, name="api_token"),  # Badgr-compatible (Moodle OBv2.0 backpack)
    path("v2/", badgr_api.urls),
    # Badge Connect (OB 2.1) and the OB 3.0 API, on one OAuth2 server (/oauth/...); see besace.connect
    path("", include("besace.connect.urls")),
    path("ims/ob/v2p1/", ob21_api.urls),
    path("ims/ob/v3p0/", ob30_api.urls),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += [path("dev/mail/", include("besace.devmail.urls"))]

handler400 = core_views.bad_request
