"""Badge pictures drawn on the fly for demo data and tests (no binary files in the repository)."""

import io

from PIL import Image, ImageDraw


def badge_png(*, colour: str = "#2b59c3", size: int = 256) -> bytes:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, size - 8, size - 8), fill=colour, outline="#ffffff", width=10)
    draw.regular_polygon((size / 2, size / 2, size / 4), n_sides=5, fill="#ffffff")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def badge_svg(*, colour: str = "#067647", label: str = "B") -> bytes:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">'
        f'<circle cx="128" cy="128" r="118" fill="{colour}" stroke="#fff" stroke-width="10"/>'
        '<text x="128" y="160" font-family="sans-serif" font-size="96" font-weight="bold" '
        f'fill="#fff" text-anchor="middle">{label}</text></svg>'
    ).encode()
