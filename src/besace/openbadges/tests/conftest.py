import pytest

from .samples import make_png


@pytest.fixture
def png_bytes() -> bytes:
    return make_png()
