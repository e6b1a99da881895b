"""The 400 page: a form too large to be read says so, instead of Django's bare "Bad Request"."""

from django.urls import reverse


def test_it_says_a_form_is_too_large(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    response = client.post(reverse("verify"), {"text": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert "What you sent is too large: at most 1 MB at once." in response.content.decode()


def test_it_says_a_form_with_too_many_fields_cannot_be_read(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = client.post(reverse("verify"), {f"field{i}": "x" for i in range(20)})
    assert response.status_code == 413 and "too large" in response.content.decode()
