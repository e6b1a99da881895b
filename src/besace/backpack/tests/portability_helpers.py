"""A backpack holding every kind of badge, for the export and batch import tests."""

import io
import json
import zipfile
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile

from besace.backpack import imports, services
from besace.backpack.models import BackpackBadge, Collection, CollectionBadge, EarnerEvidence, Visibility
from besace.issuing import jsonld
from besace.issuing.signing import signed_assertion_jws
from besace.openbadges.verify.verifier import BadgeInput


@dataclass
class FullBackpack:
    png_award: BackpackBadge  # accepted award, PNG badge class
    svg_award: BackpackBadge  # accepted award, SVG badge class
    signed_import: BackpackBadge  # imported from a pasted JWS; its image fetched, baked on export
    imageless_import: BackpackBadge  # imported from hosted JSON, without an image
    collection: Collection

    @property
    def entries(self) -> list[BackpackBadge]:
        return [self.png_award, self.svg_award, self.signed_import, self.imageless_import]


def full_backpack(user, *, award, svg_badge_class, fetcher) -> FullBackpack:
    """`user` must have earner@example.org verified (the `award` fixture's address)."""
    EmailAddress.objects.create(user=user, email="earner.alias@example.org", verified=False, primary=False)
    user.first_name, user.last_name, user.language = "Léa", "Martin", "fr"
    user.save()
    png_award = services.assertion_accept(assertion=award("earner@example.org"), user=user)
    svg_award = services.assertion_accept(
        assertion=award("earner@example.org", badge_class=svg_badge_class), user=user
    )
    signed_import = imports.badge_import(
        user=user, source=BadgeInput(text=signed_assertion_jws(award("earner@example.org"))), fetcher=fetcher
    )
    hosted = json.dumps(jsonld.assertion_document(award("earner@example.org")))
    imageless_import = imports.badge_import(user=user, source=BadgeInput(text=hosted), fetcher=fetcher)
    imageless_import.image.delete(save=True)

    png_award.tags, png_award.visibility = ["python", "code"], Visibility.PUBLIC
    png_award.save()
    evidence = EarnerEvidence(badge=png_award, narrative="My final project", url="https://example.org/p")
    evidence.file.save("rapport final.pdf", ContentFile(b"%PDF-1.4 the report"), save=True)
    collection = Collection.objects.create(
        owner=user, name="CV", description="For employers", visibility=Visibility.SIGNED_IN
    )
    CollectionBadge.objects.create(collection=collection, badge=svg_award, position=0)
    CollectionBadge.objects.create(collection=collection, badge=png_award, position=1)
    return FullBackpack(png_award, svg_award, signed_import, imageless_import, collection)


def zip_of(files: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()
