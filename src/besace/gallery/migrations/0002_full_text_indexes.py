"""Full-text (GIN) indexes on PostgreSQL only: SQLite has no such index and searches with LIKE.

Each index is built on besace.gallery.selectors.text_vector(field), the very expression the searches use,
so that PostgreSQL answers them from the index.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEXES = {
    "gallerybadgeclass": {"gallery_class_document_fts": "document", "gallery_class_name_fts": "name_folded",
                          "gallery_class_issuer_fts": "issuer_folded"},
    "galleryentry": {"gallery_entry_recipient_fts": "recipient_folded"},
}


def _indexes(apps):
    for model_name, indexes in INDEXES.items():
        model = apps.get_model("gallery", model_name)
        for name, field in indexes.items():
            yield model, GinIndex(SearchVector(field, config="simple"), name=name)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for model, index in _indexes(apps):
            schema_editor.add_index(model, index)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for model, index in _indexes(apps):
            schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [("gallery", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
