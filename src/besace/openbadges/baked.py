"""What unbaking an image yields, whatever its format."""

from dataclasses import dataclass


@dataclass(frozen=True)
class BakedPayload:
    """Text baked into a badge image.

    ``text`` is an assertion URL, an assertion or credential JSON, or a compact JWS.
    ``is_ob3_credential`` tells an OB 3.0 credential (PNG keyword
    ``openbadgecredential``, SVG ``credential`` element in the OB 3.0 namespace)
    from an OB 0.5–2.0 assertion (keyword / element ``openbadges`` / ``assertion``).
    """

    text: str
    is_ob3_credential: bool
