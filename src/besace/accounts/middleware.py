from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import translation

from besace.accounts.services import consent_has_current

CONSENT_SESSION_KEY = "besace_consent_version"
# Pages a person must reach before (or without) accepting the statement.
CONSENT_EXEMPT_PREFIXES = ("/accounts/", "/public/", "/static/", "/media/", "/dev/mail/", "/i18n/", "/claim/")


class UserLanguageMiddleware:
    """A signed-in person sees the language saved on their account, whatever the browser says."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class DataProtectionConsentMiddleware:
    """Accounts that have not accepted the current data-protection statement are asked to first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(CONSENT_EXEMPT_PREFIXES)
            and request.session.get(CONSENT_SESSION_KEY) != settings.BESACE_DATA_PROTECTION_VERSION
        ):
            if not consent_has_current(user):
                query = urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(f"{reverse('accounts:consent')}?{query}")
            request.session[CONSENT_SESSION_KEY] = settings.BESACE_DATA_PROTECTION_VERSION
        return self.get_response(request)
