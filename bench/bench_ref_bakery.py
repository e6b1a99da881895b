"""The reference baker: PyPI ``openbadges-bakery``, run by .venv-bench's Python (never the project's).

    bench_ref_bakery.py PAYLOAD_FILE IMAGE_FILE [IMAGE_FILE ...]

For each line SECONDS read on stdin, prints one JSON line {image file name: bake + unbake cycles per
second}, so that bench_all.py can take turns with Besace. One cycle is what bench_all.py times for
Besace and for a plain copy: read the image file, bake the payload into it, write the result to a
file, read that file back and unbake it.
"""

import json
import sys
from pathlib import Path

import openbadges_bakery
from bench_timing import rate


def cycle(source: Path, payload: str, target: Path) -> None:
    with source.open("rb") as image, target.open("wb") as baked:
        openbadges_bakery.bake(image, payload, baked)
    with target.open("rb") as baked:
        found = openbadges_bakery.unbake(baked)
    if not found:
        raise SystemExit(f"openbadges-bakery found nothing baked in {target}")


def main() -> None:
    payload = Path(sys.argv[1]).read_text(encoding="utf-8")
    sources = [Path(name) for name in sys.argv[2:]]
    for line in sys.stdin:
        seconds = float(line)
        rates = {
            source.name: rate(
                lambda s=source: cycle(s, payload, s.with_name(f"ref-baked-{s.name}")), seconds / len(sources)
            )
            for source in sources
        }
        print(json.dumps(rates), flush=True)


if __name__ == "__main__":
    main()
