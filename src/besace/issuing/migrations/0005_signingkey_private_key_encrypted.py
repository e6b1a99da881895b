from django.db import migrations

from besace.issuing import key_encryption


def encrypt_private_keys(apps, schema_editor):
    SigningKey = apps.get_model("issuing", "SigningKey")
    for key in SigningKey.objects.only("private_key_encrypted").iterator():
        if key.private_key_encrypted.startswith("-----BEGIN"):
            key.private_key_encrypted = key_encryption.encrypt(key.private_key_encrypted)
            key.save(update_fields=["private_key_encrypted"])


def decrypt_private_keys(apps, schema_editor):
    SigningKey = apps.get_model("issuing", "SigningKey")
    for key in SigningKey.objects.only("private_key_encrypted").iterator():
        if not key.private_key_encrypted.startswith("-----BEGIN"):
            key.private_key_encrypted = key_encryption.decrypt(key.private_key_encrypted)
            key.save(update_fields=["private_key_encrypted"])


class Migration(migrations.Migration):
    dependencies = [("issuing", "0004_award_job")]

    operations = [
        migrations.RenameField("signingkey", "private_key_pem", "private_key_encrypted"),
        migrations.RunPython(encrypt_private_keys, decrypt_private_keys),
    ]
