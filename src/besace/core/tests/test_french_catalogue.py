"""The French catalogue (locale/fr): complete, compiled, in the glossary's words, and used by the pages and
the award e-mail.

Typography of the catalogue: ’ apostrophes, a no-break space (U+00A0) before « : ; ! ? » and inside « ».
"""

import ast
import gettext
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from besace.issuing import services
from besace.issuing.claims import claim_token_make

NBSP = "\u00a0"
CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "fr" / "LC_MESSAGES"
FRENCH = {"HTTP_ACCEPT_LANGUAGE": "fr"}


def _po_entries(path: Path) -> list[dict]:
    """Each entry of a .po file: its flags and its msgid / msgid_plural / msgstr / msgstr[n] strings."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry, current = {"flags": set()}, None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                entry[current] += ast.literal_eval(line)
            else:
                current, _, value = line.partition(" ")
                entry[current] = ast.literal_eval(value)
        if "msgid" in entry:
            entries.append(entry)
    return entries


def _translations(entry: dict) -> list[str]:
    return [value for key, value in entry.items() if key.startswith("msgstr")]


@pytest.fixture(scope="module")
def po_entries():
    entries = _po_entries(CATALOGUE / "django.po")
    assert len(entries) > 200
    return entries


@pytest.fixture(scope="module")
def mo():
    with open(CATALOGUE / "django.mo", "rb") as file:
        return gettext.GNUTranslations(file)


@pytest.fixture(autouse=True)
def _back_to_the_default_language():
    yield
    translation.deactivate()


@pytest.mark.parametrize(
    ("english", "french"),
    [
        ("My badges", "Mes badges"),
        ("Pending badges", "Badges en attente"),
        ("Get my badge", "Obtenir mon badge"),
        ("Accept this badge", "Accepter ce badge"),
        ("I don't want this badge", "Je ne veux pas de ce badge"),
        ("Accept", "Accepter"),
        ("Decline", "Refuser"),
        ("Revoked", "Révoqué"),
        ("Expired", "Expiré"),
        ("Data-protection statement", "Déclaration de protection des données"),
        (
            "I have read and I accept the data-protection statement",
            "J’ai lu et j’accepte cette Déclaration de protection des données",
        ),
        ("Continue", "Continuer"),
        ("Create an account", "Créer un nouveau compte"),
        ("Log in", "Connexion"),
        ("Create my backpack", "Créer mon sac à badges"),
        ("Issued by", "Émis par"),
        ("Recipient", "Bénéficiaire"),
        ("Criteria", "Critères"),
        ("Evidence", "Preuves"),
        ("Private", "Privé"),
        ("Signed-in users", "Utilisateurs connectés"),
        ("Public", "Public"),
        ("Download the badge image (with its data)", "Télécharger l’image du badge (avec ses métadonnées)"),
        ("Claim link", f"Lien «{NBSP}Obtenir mon badge{NBSP}»"),
    ],
)
def test_key_strings_use_the_glossary_terms(mo, english, french):
    assert mo.gettext(english) == french


def test_plurals_follow_french_rules(mo):
    assert mo.ngettext("%(counter)s award", "%(counter)s awards", 0) == "%(counter)s attribution"
    assert mo.ngettext("%(counter)s award", "%(counter)s awards", 1) == "%(counter)s attribution"
    assert mo.ngettext("%(counter)s award", "%(counter)s awards", 2) == "%(counter)s attributions"


def test_every_entry_is_translated_and_none_is_fuzzy(po_entries):
    untranslated = [e["msgid"] for e in po_entries if e["msgid"] and not all(_translations(e))]
    fuzzy = [e["msgid"] for e in po_entries if "fuzzy" in e["flags"]]
    assert untranslated == [] and fuzzy == []


def test_the_header_declares_french_plural_forms(po_entries):
    header = next(e for e in po_entries if e["msgid"] == "")
    assert "Language: fr\n" in header["msgstr"]
    assert "Plural-Forms: nplurals=2; plural=(n > 1);\n" in header["msgstr"]


def test_translations_keep_every_placeholder(po_entries):
    placeholder = re.compile(r"%\(\w+\)[sd]|\{\{\s*\w+\s*\}\}")
    for entry in po_entries:
        expected = sorted(set(placeholder.findall(entry.get("msgid_plural", entry["msgid"]))))
        for value in _translations(entry):
            if entry["msgid"]:
                assert sorted(set(placeholder.findall(value))) == expected, entry["msgid"]


def test_translations_follow_the_typography_of_the_catalogue(po_entries):
    for entry in po_entries[1:]:
        for value in _translations(entry):
            assert "'" not in value, value  # ’
            assert not re.search(r" [:;!?»]|« ", value), value  # no-break spaces


def test_the_compiled_catalogue_matches_the_po_file(po_entries, mo):
    """Catches a .po edited without running compilemessages."""
    for entry in po_entries:
        if entry["msgid"] and "msgid_plural" not in entry:
            assert mo.gettext(entry["msgid"]) == entry["msgstr"], entry["msgid"]


def test_the_backpack_home_is_in_french(login, make_user, award, badge_class):
    earner = make_user("earner@example.org")
    award()
    page = login(earner).get(reverse("backpack:home"), **FRENCH).content.decode()
    assert '<html lang="fr">' in page
    for text in (
        "Badges en attente",
        "Mes badges",
        "Accepter",
        "Refuser",
        "Émettre des badges",
        "Déconnexion",
    ):
        assert text in page
    assert "Pending badges" not in page and "My badges" not in page


def test_the_claim_page_is_in_french_for_a_visitor(client, award):
    token = claim_token_make(award("newcomer@example.org"))
    page = client.get(reverse("claim", args=[token]), **FRENCH).content.decode()
    for text in [
        "Obtenir mon badge",
        "Créer un nouveau compte",
        "J’ai déjà un compte",
        "Je ne veux pas de ce badge",
        "Télécharger l’image du badge (avec ses métadonnées)",
        "Critères",
        "Émis par",
    ]:
        assert text in page
    assert "Get my badge" not in page


def test_the_claim_page_is_in_french_for_the_earner(login, make_user, award):
    earner = make_user("earner@example.org")
    token = claim_token_make(award("earner@example.org"))
    page = login(earner).get(reverse("claim", args=[token]), **FRENCH).content.decode()
    assert "Accepter ce badge" in page and "Je ne veux pas de ce badge" in page


def test_allauth_pages_use_our_words(client, db):
    """Our catalogue overrides allauth's and django.contrib.auth's French: core/catalogue_overrides.py."""
    page = client.get(reverse("account_signup"), **FRENCH).content.decode()
    assert "Adresse e-mail" in page and "Courriel" not in page
    assert "Créer un compte" in page and "Création de compte" not in page
    assert "J’ai lu et j’accepte cette Déclaration de protection des données" in page


def test_the_award_email_is_in_french_when_awarded_in_french(
    badge_class, owner, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.badge_award(
            badge_class=badge_class,
            award=services.AwardRequest(email="camille@example.org", name="Camille"),
            actor=owner,
            language="fr",
        )
    (message,) = mailoutbox
    assert message.subject == f"Université Test vous a attribué le badge «{NBSP}Python{NBSP}»"
    assert message.extra_headers["Content-Language"] == "fr"
    assert "Bonjour Camille," in message.body
    assert f"Obtenir mon badge{NBSP}: http://testserver/claim/" in message.body
    ((html, _mime_type),) = message.alternatives
    assert '<html lang="fr">' in html and ">Obtenir mon badge</a>" in html
    assert "Ce lien vous permet de conserver le badge dans votre sac à badges Besace" in html


def test_every_string_of_the_code_is_in_the_catalogue(tmp_path, settings, monkeypatch):
    """A string added to the code without its French translation fails here: the catalogue is extracted
    afresh (as `make messages` does) from a copy of the package and compared with the committed one."""

    package = CATALOGUE.parents[2]
    copy = tmp_path / "besace"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "static", "data"))
    settings.LOCALE_PATHS = [copy / "locale"]
    extracted = copy / "locale/fr/LC_MESSAGES/django.po"
    extracted.write_text(extracted.read_text(encoding="utf-8").split("\n\n")[0] + "\n", encoding="utf-8")
    monkeypatch.chdir(copy)
    call_command(
        "makemessages",
        locale=["fr"],
        no_obsolete=True,
        ignore_patterns=["openbadges/*", "testing/*", "*/tests/*"],
        verbosity=0,
    )

    def msgids(path: Path) -> set[str]:
        return {entry["msgid"] for entry in _po_entries(path) if entry["msgid"]}

    fresh = msgids(extracted)
    assert "My badges" in fresh  # the extraction did run (the copy started with the header only)
    missing = fresh - msgids(CATALOGUE / "django.po")
    assert not missing, "not in the French catalogue (run `make messages` and translate): " + repr(missing)


# The glossary (English term in a msgid → the French its translation must use), where a word-for-word
# check holds: regular expressions, so that plurals and agreements pass.
GLOSSARY = {
    r"\bbackpacks?\b": r"sacs? à badges",
    r"\bissuers?\b": r"émetteurs?",
    r"\b(earners?|recipients?)\b": r"bénéficiaires?",
    r"\bpending\b": r"en attente",
    r"\baccept(s|ed)?\b": r"accept",
    r"\bdecline[sd]?\b": r"refus",
    r"\bsigned-in users\b": r"utilisateurs connectés",
    r"\bprivate\b": r"privée?s?\b",
    r"\bcollections?\b": r"collections?",
    r"\bgallery\b": r"galerie",
    r"\bconnections?\b": r"connexions?",
    r"\bcriteria\b": r"critères",
    r"\bevidence\b": r"preuves?",
    r"\bendorsements?\b": r"recommandations?",
    r"\bexpired\b": r"expirée?s?\b",
    r"\brevoked\b": r"révoquée?s?\b",
    r"\bbaked\b": r"métadonnées",
    r"\bverif(y|ied|ication)\b": r"vérifi",
    r"\bdata-protection statement\b": r"déclaration de protection des données",
}
# Words the glossary replaced: "courriel" (Besace says "adresse e-mail"), other names for the backpack, the
# earner or an endorsement.
NOT_OUR_WORDS = r"courriel|sac à dos|sac-à|destinataire|récipiendaire|endoss|approbation"


def _without_placeholders(text: str) -> str:
    """A placeholder names what it stands for ("%(issuer)s"): it is not a word to translate."""
    return re.sub(r"%\(\w+\)[sd]|\{\{[^}]*\}\}", "", text)


@pytest.mark.parametrize(("english", "french"), GLOSSARY.items())
def test_every_translation_uses_the_glossarys_french_term(po_entries, english, french):
    wrong = [
        (entry["msgid"], value)
        for entry in po_entries[1:]
        if re.search(english, _without_placeholders(entry.get("msgid_plural", entry["msgid"])), re.I)
        for value in _translations(entry)
        if not re.search(french, value, re.I)
    ]
    assert wrong == []


def test_no_translation_uses_a_word_the_glossary_replaced(po_entries):
    wrong = [
        value
        for entry in po_entries[1:]
        for value in _translations(entry)
        if re.search(NOT_OUR_WORDS, value, re.I)
    ]
    assert wrong == []
