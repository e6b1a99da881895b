from pathlib import Path

import pytest

from .samples import SHARED_FIXTURES, make_png


@pytest.fixture
def shared_fixtures() -> Path:
    """The read-only third-party test data, or a skip when this checkout has none."""
    if not SHARED_FIXTURES.is_dir():
        pytest.skip(f"third-party fixtures not found at {SHARED_FIXTURES.resolve()}")
    return SHARED_FIXTURES


@pytest.fixture
def png_bytes() -> bytes:
    return make_png()
