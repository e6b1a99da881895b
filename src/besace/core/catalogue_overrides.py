"""Django's and allauth's words whose French we choose, marked so makemessages keeps them in our catalogue.

Our catalogue (LOCALE_PATHS) is searched before any app's. Without these entries, allauth's e-mail field
shows django.contrib.auth's "Courriel" (auth comes before allauth in INSTALLED_APPS, so its catalogue wins),
Django's e-mail validation speaks of "adresse de courriel", and allauth's "Sign Up" button reads "Création de
compte" where our menu says "Créer un compte". Besace says "adresse e-mail" everywhere.
"""

from django.utils.translation import gettext_noop

CATALOGUE_OVERRIDES = (
    gettext_noop("Email"),  # allauth's e-mail field
    gettext_noop("Enter a valid email address."),  # django.core.validators.EmailValidator
    gettext_noop("Sign Up"),  # allauth's sign-up page title and button
)
