"""Gallery search benchmark: generate public badges, build the index, time each kind of query.

    DATABASE_URL=postgres://... SECRET_KEY=bench .venv/bin/python bench/gallery_search.py --rows 1000000

See bench/README.md. Never run by the test suite. It writes to the database DATABASE_URL names: use
an empty, migrated database of its own.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "besace.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from besace.accounts.models import User  # noqa: E402
from besace.backpack.models import BackpackBadge  # noqa: E402
from besace.gallery import indexing, selectors  # noqa: E402
from besace.profiles.models import Profile  # noqa: E402

FIRST = (
    "Amélie Lucas Chloé Hugo Léa Louis Manon Gabriel Inès Arthur Jade Jules Zoé Adam Emma Noah Sofia "
    "Liam Ana Karl"
).split()
LAST = (
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefèvre Weber "
    "Silva Rossi García Novak Kowalski Jensen"
).split()
TOPICS = (
    "Python Jardinage Soudure Secourisme Photographie Cuisine Robotique Théâtre Comptabilité "
    "Menuiserie Anglais Statistiques Escalade Électricité Design Journalisme Chimie Numérique Couture "
    "Astronomie"
).split()
LEVELS = (
    "initiation intermédiaire avancé expert fondamentaux pratique atelier certification module parcours"
).split()
ISSUER_KINDS = "Université Lycée Fablab Association Académie Institut Campus École Centre Collège".split()
CITIES = (
    "Lyon Paris Lille Nantes Brest Genève Bruxelles Montréal Dakar Berlin Madrid Lisboa Roma Kraków "
    "Oslo Tunis Abidjan Québec"
).split()
COUNTRIES = ["FR"] * 8 + "BE CH CA SN DE ES PT IT PL NO TN CI MA US GB".split()
TAGS = "numérique langues sciences sport artisanat santé arts citoyenneté gestion nature".split()


def generate(rows: int, seed: int, batch: int = 5000) -> None:
    """`rows` public imported badges of rows/40 badge classes (rows/2000 issuers), held by rows/5 people."""
    rng = random.Random(seed)
    people, classes, issuers = max(rows // 5, 1), max(rows // 40, 1), max(rows // 2000, 1)
    issuer_names = [f"{rng.choice(ISSUER_KINDS)} de {rng.choice(CITIES)} {n}" for n in range(issuers)]
    badge_classes = []
    for n in range(classes):
        topic, level = rng.choice(TOPICS), rng.choice(LEVELS)
        issuer = rng.randrange(issuers)
        badge_classes.append(
            {
                "achievement": {
                    "id": f"https://issuer{issuer}.bench.invalid/badges/{n}",
                    "name": f"{topic} {level} {n}",
                    "description": f"Reconnaît la maîtrise de {topic.lower()} ({level}).",
                    "tags": rng.sample(TAGS, 2),
                    "alignments": [],
                },
                "issuer": {"id": f"https://issuer{issuer}.bench.invalid/", "name": issuer_names[issuer]},
            }
        )
    print(f"generating {people} people, {classes} badge classes, {rows} public badges...", flush=True)
    started = time.perf_counter()
    with transaction.atomic():
        users = [
            User(
                email=f"bench{n}@bench.invalid",
                first_name=rng.choice(FIRST),
                last_name=rng.choice(LAST),
                password="!",
            )
            for n in range(people)
        ]
        User.objects.bulk_create(users, batch_size=batch)
        users = list(User.objects.filter(email__endswith="@bench.invalid").only("pk"))
        profiles = []
        for n, user in enumerate(users):
            if rng.random() < 0.4:  # two in five make their profile public
                profiles.append(
                    Profile(
                        user=user,
                        slug=f"bench-{n}",
                        visibility="public",
                        country=rng.choice(COUNTRIES),
                        city=rng.choice(CITIES),
                        show_on_map=rng.random() < 0.5,
                    )
                )
        Profile.objects.bulk_create(profiles, batch_size=batch)
        now = timezone.now()
        pending = []
        for n in range(rows):
            normalised = badge_classes[int(rng.paretovariate(1.2) * 7) % classes]  # a few popular classes
            pending.append(
                BackpackBadge(
                    owner_id=users[n % people].pk,
                    source=BackpackBadge.Source.IMPORT,
                    badge_id=f"https://bench.invalid/assertions/{n}",
                    name=normalised["achievement"]["name"],
                    issuer_name=normalised["issuer"]["name"],
                    normalised=normalised,
                    original="{}",
                    issued_on=now - timezone.timedelta(days=rng.randrange(2000)),
                    visibility="public",
                    earner_name=rng.choice(["hidden", "shown", "linked"]),
                )
            )
            if len(pending) >= batch:
                BackpackBadge.objects.bulk_create(pending)
                pending.clear()
        BackpackBadge.objects.bulk_create(pending)
    print(f"generated in {time.perf_counter() - started:.0f} s", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # the searches read profiles too (rebuild analyses its own)
            cursor.execute("ANALYZE")
    started = time.perf_counter()
    print("building the index (besace.gallery.indexing.rebuild)...", flush=True)
    indexed = indexing.rebuild()
    print(f"{indexed} badges indexed in {time.perf_counter() - started:.0f} s", flush=True)


def _first_page(search: selectors.BadgeSearch):
    classes = selectors.badge_classes(search)
    return classes.count(), list(classes[:24])


QUERIES = {
    "browse, newest first": lambda: _first_page(selectors.BadgeSearch()),
    "browse, by name": lambda: _first_page(selectors.BadgeSearch(sort="name")),
    "browse, by issuer": lambda: _first_page(selectors.BadgeSearch(sort="issuer")),
    "browse, by recipients": lambda: _first_page(selectors.BadgeSearch(sort="recipients")),
    "keywords 'robotique avance'": lambda: _first_page(selectors.BadgeSearch(keywords="robotique avancé")),
    "keywords 'maitrise' (common)": lambda: _first_page(selectors.BadgeSearch(keywords="maitrise")),
    "badge name 'photo'": lambda: _first_page(selectors.BadgeSearch(name="photo")),
    "issuer 'fablab'": lambda: _first_page(selectors.BadgeSearch(issuer="fablab", sort="recipients")),
    "recipient 'zoe weber'": lambda: _first_page(selectors.BadgeSearch(recipient="zoé weber")),
    "recipient 'martin' (common)": lambda: _first_page(selectors.BadgeSearch(recipient="martin")),
    "country SN": lambda: _first_page(selectors.BadgeSearch(country="SN")),
    "country FR (common)": lambda: _first_page(selectors.BadgeSearch(country="FR")),
    "tag 'artisanat'": lambda: _first_page(selectors.BadgeSearch(tag="artisanat")),
    "all criteria": lambda: _first_page(
        selectors.BadgeSearch(
            keywords="maitrise",
            name="cuisine",
            issuer="universite",
            recipient="lucas",
            country="FR",
            tag="arts",
            sort="recipients",
        )
    ),
    "badge class: recipients page": lambda: _recipients(),
    "profiles by name and country": lambda: list(selectors.public_profiles(name="martin", country="FR")[:30]),
    "map: counts per country": lambda: selectors.map_counts(),
}


def _recipients():
    badge_class = selectors.GalleryBadgeClass.objects.order_by("-recipient_count").first()
    return list(selectors.recipients(badge_class)[:100]), selectors.unnamed_recipient_count(badge_class)


def measure(repeat: int) -> None:
    print(f"\n{'query':<34} {'median ms':>10} {'max ms':>8}   ({connection.vendor}, {repeat} runs)")
    for name, query in QUERIES.items():
        query()  # warm the caches once
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            query()
            times.append((time.perf_counter() - started) * 1000)
        flag = "" if statistics.median(times) < 100 else "  > 100 ms"
        print(f"{name:<34} {statistics.median(times):>10.1f} {max(times):>8.1f}{flag}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="public badges to generate")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--time-only", action="store_true", help="skip generation: time the data already there"
    )
    options = parser.parse_args()
    if not options.time_only:
        if BackpackBadge.objects.exists():
            parser.error("the database already holds badges: use an empty one (or --time-only)")
        generate(options.rows, options.seed)
    measure(options.repeat)


if __name__ == "__main__":
    main()
