"""Sample inputs for the tests: generated images and the third-party fixtures folder."""

import io
import random
from pathlib import Path

from PIL import Image

# src/besace/openbadges/tests/ -> repository root -> ../shared/fixtures (read-only, not in git)
SHARED_FIXTURES = Path(__file__).resolve().parents[5] / "shared" / "fixtures"

SVG_BYTES = b"""<?xml version="1.0" encoding="UTF-8"?>
<!-- a designer's comment, kept as is -->
<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" data-note='a > b'>
  <circle cx="50" cy="50" r="40" fill="green"/>
</svg>
"""


def make_png(width: int = 64, height: int = 64, seed: int = 0) -> bytes:
    """A real PNG written by Pillow; noisy pixels so big ones span several IDAT chunks."""
    pixels = random.Random(seed).randbytes(width * height * 3)
    output = io.BytesIO()
    Image.frombytes("RGB", (width, height), pixels).save(output, format="PNG")
    return output.getvalue()
