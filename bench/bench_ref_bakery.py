"""The reference baker: PyPI ``openbadges-bakery``, run by .venv-bench's Python (never the project's).

    bench_ref_bakery.py PAYLOAD_FILE BATCH IMAGE_FILE [IMAGE_FILE ...]

For each line SECONDS read on stdin, prints one JSON line {"memory-" or "file-" + image file name: bake
+ unbake cycles per second}, so that bench_all.py can take turns with Besace. A cycle is what
bench_all.py times for Besace and for the copy: bake the payload into the image and unbake the result,
in memory (the image's bytes read once, before timing; io.BytesIO file objects, openbadges-bakery's
API) or file to file (read the image file, write the baked file, read it back). BATCH cycles are timed
together, by every tool alike, so that reading the clock costs next to nothing.
"""

import json
import sys
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

import openbadges_bakery
from bench_timing import rate


def unbake(baked: BinaryIO) -> None:
    if not openbadges_bakery.unbake(baked):
        raise SystemExit("openbadges-bakery found nothing baked")


def memory_cycle(image: bytes, payload: str) -> None:
    baked = BytesIO()
    openbadges_bakery.bake(BytesIO(image), payload, baked)
    baked.seek(0)
    unbake(baked)


def file_cycle(source: Path, payload: str, target: Path) -> None:
    with source.open("rb") as image, target.open("wb") as baked:
        openbadges_bakery.bake(image, payload, baked)
    with target.open("rb") as baked:
        unbake(baked)


def main() -> None:
    payload = Path(sys.argv[1]).read_text(encoding="utf-8")
    batch = int(sys.argv[2])
    operations = {}
    for source in map(Path, sys.argv[3:]):
        image = source.read_bytes()
        target = source.with_name(f"ref-baked-{source.name}")
        operations[f"memory-{source.name}"] = lambda i=image: memory_cycle(i, payload)
        operations[f"file-{source.name}"] = lambda s=source, t=target: file_cycle(s, payload, t)

    def batched(operation):
        def cycles() -> None:
            for _ in range(batch):
                operation()

        return cycles

    for line in sys.stdin:
        seconds = float(line) / len(operations)
        print(
            json.dumps({name: batch * rate(batched(op), seconds) for name, op in operations.items()}),
            flush=True,
        )


if __name__ == "__main__":
    main()
