"""Load demo data: one issuer, two badges, a demo earner with one pending and one accepted badge."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from besace.accounts.services import consent_record
from besace.backpack.models import EarnerName, Visibility
from besace.backpack.organise import badge_visibility_set
from besace.backpack.services import assertion_accept
from besace.demo.images import badge_png, badge_svg
from besace.issuing import services
from besace.issuing.models import Issuer
from besace.profiles.services import profile_for

ISSUER_EMAIL = "issuer@demo.besace.test"
EARNER_EMAIL = "earner@demo.besace.test"
DEMO_PASSWORD = "besace-demo"


class Command(BaseCommand):
    help = "Load demo data (with --if-empty: only into a database without any issuer)."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true")

    def handle(self, *args, if_empty: bool = False, **options):
        if if_empty and Issuer.objects.exists():
            self.stdout.write("Demo data: the database already has data; nothing loaded.")
        elif get_user_model().objects.filter(email__in=[ISSUER_EMAIL, EARNER_EMAIL]).exists():
            raise CommandError("Demo data: the demo accounts already exist; nothing loaded.")
        else:
            self._load()
        base_url = settings.BESACE_BASE_URL
        self.stdout.write(
            self.style.SUCCESS(
                f"\nBesace is at {base_url}/\n"
                f"  issuer account: {ISSUER_EMAIL} / {DEMO_PASSWORD}\n"
                f"  earner account: {EARNER_EMAIL} / {DEMO_PASSWORD}\n"
                f"  e-mails sent: {base_url}/dev/mail/\n"
            )
        )

    @transaction.atomic
    def _load(self):
        staff = self._user(ISSUER_EMAIL, "Camille", "Martin", "fr")
        earner = self._user(EARNER_EMAIL, "Alex", "Durand", "fr")
        issuer = services.issuer_create(
            owner=staff,
            name="Université de Démo",
            url="https://universite-demo.example",
            email="badges@universite-demo.example",
            description="Une université fictive pour découvrir Besace.",
        )
        python = services.badge_class_create(
            issuer=issuer,
            actor=staff,
            name="Programmer en Python",
            description="Écrire, tester et documenter un petit programme Python.",
            image=ContentFile(badge_png(), name="python.png"),
            criteria_text="- Réussir le projet final\n- Présenter son code en 10 minutes",
            tags=["informatique", "python"],
            alignments=[
                {
                    "target_name": "Python (langage de programmation)",
                    "target_url": "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d",
                    "target_framework": "ESCO",
                }
            ],
        )
        teamwork = services.badge_class_create(
            issuer=issuer,
            actor=staff,
            name="Travail en équipe",
            description="A contribué à un projet de groupe de bout en bout.",
            image=ContentFile(badge_svg(label="T"), name="equipe.svg"),
            criteria_url="https://universite-demo.example/badges/equipe",
            expires_after_days=730,
        )
        accepted = services.badge_award(
            badge_class=python,
            award=services.AwardRequest(
                email=EARNER_EMAIL, name="Alex Durand", narrative="Projet : un outil de quiz."
            ),
            actor=staff,
            language="fr",
        )
        # Shown in the gallery and on the earner's public profile, so both have something to show.
        entry = assertion_accept(assertion=accepted, user=earner)
        badge_visibility_set(entry=entry, visibility=Visibility.PUBLIC, actor=earner)
        entry.earner_name = EarnerName.LINKED
        entry.save(update_fields=["earner_name"])
        profile = profile_for(earner)
        profile.visibility, profile.show_on_map = Visibility.PUBLIC, True
        profile.city, profile.country = "Grenoble", "FR"
        profile.save()
        services.badge_award(
            badge_class=teamwork,
            award=services.AwardRequest(email=EARNER_EMAIL, name="Alex Durand", issued_on=timezone.now()),
            actor=staff,
            language="fr",
        )

    def _user(self, email: str, first_name: str, last_name: str, language: str):
        user = get_user_model().objects.create_user(
            email=email, password=DEMO_PASSWORD, first_name=first_name, last_name=last_name, language=language
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        consent_record(user=user)
        return user
