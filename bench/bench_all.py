"""`make bench`: Besace against the reference tools, every figure measured in this one run.

    .venv/bin/python bench/bench_all.py [--seconds S] [--load-seconds S] [--skip-web]

Prints one table: Besace's rate, the reference's rate measured now on the same input, their ratio and
the goal from issue 6. A ratio, not a raw rate, is what to compare between runs and machines (see
bench/RESULTS.md). References run in their own virtualenvs: openbadges-bakery in .venv-bench,
validator-core in .venv-validator (both built by `make bench`). The web load part is bench_web.py.
"""

import argparse
import datetime
import json
import multiprocessing
import os
import platform
import random
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path

from bench_timing import rate
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from PIL import Image, ImageDraw

from besace.openbadges import ob2, ob3, ob3_signing, signing
from besace.openbadges.fetching import HttpFetcher
from besace.openbadges.hashing import hash_identity
from besace.openbadges.images import bake_badge_image, read_image_payload
from besace.openbadges.verify.mapped_fetcher import MappedFetcher
from besace.openbadges.verify.ob3 import verify_ob3
from besace.openbadges.verify.verifier import BadgeInput, verify_badge

REPO = Path(__file__).resolve().parents[1]
BENCH_PYTHON = REPO / ".venv-bench" / "bin" / "python"
VALIDATOR_PYTHON = REPO / ".venv-validator" / "bin" / "python"
EMAIL, SALT = "earner@example.org", "bench-salt"
ISSUED = datetime.datetime(2026, 11, 30, 9, 0, tzinfo=datetime.UTC)


@dataclass
class Row:
    measure: str
    besace: float
    reference: float | None
    reference_name: str
    unit: str
    goal: str = ""
    met: bool | None = None  # None: no goal

    @property
    def ratio(self) -> float | None:
        return self.besace / self.reference if self.reference else None


# --- inputs -------------------------------------------------------------------------------------------


def badge_png() -> bytes:
    """A 256 px badge with gradients and grain, so it weighs what a real one does (tens of kB)."""
    image = Image.new("RGBA", (256, 256), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    for step in range(0, 128, 2):
        draw.ellipse((step, step, 255 - step, 255 - step), fill=(40 + step, 80 + step // 2, 200 - step, 255))
    grain = random.Random(6)
    for _ in range(6000):
        x, y = grain.randrange(256), grain.randrange(256)
        draw.point((x, y), fill=(grain.randrange(256), grain.randrange(256), grain.randrange(256), 255))
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def badge_svg() -> bytes:
    """A badge drawn as designers' tools export them: a gradient, shapes, a label, a few dozen paths."""
    rays = "".join(
        f'<path d="M128 128 L{128 + 110 * (i % 7) / 7:.1f} {20 + 3 * i:.1f} l6 4 z" '
        'fill="#f5c518" opacity="0.6"/>'
        for i in range(60)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">'
        '<defs><radialGradient id="g"><stop offset="0" stop-color="#2b59c3"/>'
        '<stop offset="1" stop-color="#0b2a6f"/></radialGradient></defs>'
        '<circle cx="128" cy="128" r="120" fill="url(#g)" stroke="#f5c518" stroke-width="8"/>'
        f"{rays}"
        '<text x="128" y="150" font-size="64" font-family="sans-serif" fill="#fff" text-anchor="middle">'
        "Py</text></svg>"
    ).encode()


def hosted_documents(base: str) -> dict[str, tuple[str, bytes]]:
    """A hosted OB 2.0 badge: path -> (content type, body) for the local server."""
    issuer = ob2.issuer_profile(
        id=f"{base}/issuer", name="Université Bench", url=base, email="badges@univ.example"
    )
    badge = ob2.badge_class(
        id=f"{base}/badge",
        name="Python",
        description="Writes Python.",
        image=f"{base}/badge.png",
        issuer=f"{base}/issuer",
        criteria_narrative="Pass the final project.",
        alignments=[{"targetName": "Python", "targetUrl": "http://data.europa.eu/esco/skill/python"}],
        tags=["python"],
    )
    assertion = hosted_assertion(base)
    json_type = "application/ld+json"
    return {
        "/issuer": (json_type, json.dumps(issuer).encode()),
        "/badge": (json_type, json.dumps(badge).encode()),
        "/assertion": (json_type, json.dumps(assertion).encode()),
        "/badge.png": ("image/png", badge_png()),
    }


def hosted_assertion(base: str) -> dict:
    return ob2.assertion(
        id=f"{base}/assertion",
        badge=f"{base}/badge",
        recipient_identity_hash=hash_identity(EMAIL, SALT),
        salt=SALT,
        issued_on=ISSUED,
        narrative="Led the 2026 project.",
    )


# --- the local badge server ---------------------------------------------------------------------------


def serve_badge() -> tuple[str, multiprocessing.Process]:
    """Serve a hosted badge on loopback from a process of its own (so that it takes no CPU time from
    the verifier being measured); returns the assertion's URL and the server process."""
    documents: dict[str, tuple[str, bytes]] = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            content_type, body = documents.get(self.path) or ("text/plain", b"not found")
            self.send_response(200 if self.path in documents else 404)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    base = f"http://127.0.0.1:{server.server_address[1]}"
    documents.update(hosted_documents(base))  # they name their own URLs, so the port comes first
    process = multiprocessing.get_context("fork").Process(target=server.serve_forever, daemon=True)
    process.start()
    server.socket.close()  # the child serves on its own copy of the socket
    return f"{base}/assertion", process


# --- the benchmarks -----------------------------------------------------------------------------------


def bench_baking(seconds: float, workdir: Path) -> list[Row]:
    """bake + unbake cycles per second for Besace, openbadges-bakery and a plain copy, in memory and
    file to file.

    Every tool starts from the same image bytes and payload. In memory, file objects are io.BytesIO,
    which is openbadges-bakery's API, and the copy moves the bytes through them as a bake and an unbake
    would: this is the work itself. File to file adds what disk time does to it.
    """
    base = "https://univ.example/public"
    url = f"{base}/assertion"
    payload = json.dumps(hosted_assertion(base))
    payload_file = workdir / "payload.json"
    payload_file.write_text(payload, encoding="utf-8")
    images = {"png": badge_png(), "svg": badge_svg()}
    sources = {kind: workdir / f"badge.{kind}" for kind in images}
    for kind, source in sources.items():
        source.write_bytes(images[kind])

    def besace_cycle(image: bytes) -> bytes:
        baked = bake_badge_image(image, payload=payload, is_ob3_credential=False, hosted_url=url)
        if read_image_payload(baked) is None:
            raise SystemExit("Besace found nothing baked")
        return baked

    def copy_cycle(image: bytes) -> None:
        baked = BytesIO()
        baked.write(BytesIO(image).read())  # "bake": read the image, write the result
        baked.seek(0)
        baked.read()  # "unbake": read the result back

    def besace_file_cycle(source: Path, target: Path) -> None:
        target.write_bytes(besace_cycle(source.read_bytes()))
        target.read_bytes()

    def copy_file_cycle(source: Path, target: Path) -> None:
        target.write_bytes(source.read_bytes())
        target.read_bytes()

    def timed_cycles(name: str, cycle: Callable[[], object]) -> Measure:
        def cycles() -> None:
            for _ in range(BAKING_BATCH):
                cycle()

        return lambda seconds: {name: BAKING_BATCH * rate(cycles, seconds)}

    measures = []
    for kind, image in images.items():
        source = sources[kind]
        measures += [
            timed_cycles(f"memory-besace-{kind}", lambda i=image: besace_cycle(i)),
            timed_cycles(f"memory-copy-{kind}", lambda i=image: copy_cycle(i)),
            timed_cycles(
                f"file-besace-{kind}", lambda s=source: besace_file_cycle(s, s.with_name(f"b-{s.name}"))
            ),
            timed_cycles(
                f"file-copy-{kind}", lambda s=source: copy_file_cycle(s, s.with_name(f"c-{s.name}"))
            ),
        ]
    bakery = Reference(BENCH_PYTHON, "bench_ref_bakery.py", payload_file, BAKING_BATCH, *sources.values())
    with bakery:
        # The reference's turn covers its four measures: give it as long as Besace's four.
        rates = best_of_turns([*measures, bakery, bakery, bakery, bakery], 4 * len(sources) * seconds)
    rows = []
    for mode, label in (("memory", "in memory"), ("file", "file to file")):
        for kind in images:
            size = f"{len(images[kind]) / 1024:.0f} kB"
            ours, copy = rates[f"{mode}-besace-{kind}"], rates[f"{mode}-copy-{kind}"]
            bakery_rate = rates[f"{mode}-{sources[kind].name}"]
            measure = f"{kind.upper()} bake+unbake {label} ({size})"
            rows += [
                Row(
                    f"{measure}, vs openbadges-bakery",
                    ours,
                    bakery_rate,
                    "openbadges-bakery",
                    "cycles/s",
                    "≥ 5x",
                    ours / bakery_rate >= 5,
                ),
                Row(
                    f"{measure}, vs copy",
                    ours,
                    copy,
                    "BytesIO copy" if mode == "memory" else "file copy",
                    "cycles/s",
                    "≥ 1/3 (within 3x)",
                    ours / copy >= 1 / 3,
                ),
            ]
    return rows


def bench_ob2_verification(seconds: float) -> list[Row]:
    """A hosted OB 2.0 badge, every document fetched over HTTP on each verification, by both verifiers."""
    url, server = serve_badge()
    try:
        fetcher = HttpFetcher()  # loopback: BESACE_FETCH_ALLOW_LOOPBACK=1

        def verify() -> None:
            result = verify_badge(BadgeInput(url=url), fetcher=fetcher, recipient_emails=[EMAIL])
            if not result.valid:
                raise SystemExit(f"Besace finds the benchmark badge invalid: {result.checks}")

        with Reference(VALIDATOR_PYTHON, "bench_ref_validator.py", url, EMAIL) as validator:
            rates = best_of_turns([timed("besace", verify), validator], 2 * seconds)
        ours, reference = rates["besace"], rates["rate"]
    finally:
        server.terminate()
        server.join()
    return [
        Row(
            "OB 2.0 hosted badge verified over local HTTP",
            ours,
            reference,
            "1EdTech validator-core",
            "badges/s",
            "≥ 10x",
            ours / reference >= 10,
        )
    ]


def bench_ob3(seconds: float) -> list[Row]:
    """Sign and verify (the whole verification: structure, schema, proof, status, dates, recipient).

    No Python reference tool signs OB 3.0, so the reference is the bare signature over the same
    credential's JSON bytes: the ratio is the share of the work that is the cryptography itself,
    and it moves if canonicalisation or checking gets slower, whatever the machine.
    """
    issuer_id, ed_method, rsa_method = (
        "https://univ.example/issuer",
        "https://univ.example/keys/ed25519",
        "https://univ.example/keys/rsa",
    )
    status_url = "https://univ.example/status"
    credential = ob3.open_badge_credential(
        id="https://univ.example/assertions/1",
        issuer=ob3.profile(
            id=issuer_id, name="Université Bench", url="https://univ.example", email="badges@univ.example"
        ),
        achievement=ob3.achievement(
            id="https://univ.example/badges/1",
            name="Python",
            description="Writes Python.",
            criteria_narrative="Pass the final project.",
            image_url="https://univ.example/badges/1.png",
            alignments=[{"targetName": "Python", "targetUrl": "http://data.europa.eu/esco/skill/python"}],
            tags=["python"],
        ),
        valid_from=ISSUED,
        recipient_identity_hash=hash_identity(EMAIL, SALT),
        salt=SALT,
        narrative="Led the 2026 project.",
        status_list_url=status_url,
    )
    ed_pem, rsa_pem = ob3_signing.generate_ed25519_private_key_pem(), signing.generate_private_key_pem()
    ed_public, rsa_public = ob3_signing.ed25519_public_key_pem(ed_pem), signing.public_key_pem(rsa_pem)
    # Loaded once, as Besace keeps its issuers' keys: what is timed is signing, not parsing a PEM.
    ed_signer, rsa_signer = ob3_signing.load_ed25519_private_key(ed_pem), signing.load_pem_key(rsa_pem)
    key_documents = {
        ed_method: ob3_signing.multikey_method(id=ed_method, controller=issuer_id, public_key_pem=ed_public),
        rsa_method: ob3_signing.json_web_key_method(
            id=rsa_method, controller=issuer_id, public_key_pem=rsa_public
        ),
    }
    fetcher = MappedFetcher(
        {
            **{
                url: json.dumps(ob3_signing.standalone(method)).encode()
                for url, method in key_documents.items()
            },
            status_url: json.dumps(ob3.revocation_list(id=status_url, issuer=issuer_id, revoked=[])).encode(),
        }
    )

    def sign_di() -> dict:
        return ob3_signing.add_data_integrity_proof(
            credential, ed_signer, verification_method=ed_method, created=ISSUED
        )

    def sign_jwt() -> str:
        return ob3_signing.sign_vc_jwt(credential, rsa_signer, kid=rsa_method)

    def verifier(signed: dict | str):
        def verify() -> None:
            result = verify_ob3(signed, fetcher=fetcher, recipient_emails=[EMAIL])
            if not result.valid:
                raise SystemExit(f"Besace finds the benchmark credential invalid: {result.checks}")

        return verify

    message = json.dumps(credential).encode()
    ed_key = serialization.load_pem_private_key(ed_pem.encode(), None)
    rsa_key = serialization.load_pem_private_key(rsa_pem.encode(), None)
    ed_signature = ed_key.sign(message)
    rsa_signature = rsa_key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    rates = best_of_turns(
        [
            timed("di_sign", sign_di),
            timed("di_verify", verifier(sign_di())),
            timed("jwt_sign", sign_jwt),
            timed("jwt_verify", verifier(sign_jwt())),
            timed("ed_sign", lambda: ed_key.sign(message)),
            timed("ed_verify", lambda: ed_key.public_key().verify(ed_signature, message)),
            timed("rsa_sign", lambda: rsa_key.sign(message, padding.PKCS1v15(), hashes.SHA256())),
            timed(
                "rsa_verify",
                lambda: rsa_key.public_key().verify(
                    rsa_signature, message, padding.PKCS1v15(), hashes.SHA256()
                ),
            ),
        ],
        6 * seconds,
    )
    return [
        Row(
            "OB 3.0 eddsa-rdfc-2022 sign",
            rates["di_sign"],
            rates["ed_sign"],
            "bare Ed25519 sign",
            "credentials/s",
        ),
        Row(
            "OB 3.0 eddsa-rdfc-2022 verify",
            rates["di_verify"],
            rates["ed_verify"],
            "bare Ed25519 verify",
            "credentials/s",
        ),
        Row(
            "OB 3.0 VC-JWT (RS256) sign",
            rates["jwt_sign"],
            rates["rsa_sign"],
            "bare RS256 sign",
            "credentials/s",
        ),
        Row(
            "OB 3.0 VC-JWT (RS256) verify",
            rates["jwt_verify"],
            rates["rsa_verify"],
            "bare RS256 verify",
            "credentials/s",
        ),
    ]


ROUNDS = 3
# Baking cycles timed together, by every tool alike: one cycle can take a couple of microseconds.
BAKING_BATCH = 20
Measure = Callable[[float], dict[str, float]]  # given seconds, rates by name


def timed(name: str, operation: Callable[[], object]) -> Measure:
    return lambda seconds: {name: rate(operation, seconds)}


def best_of_turns(measures: list[Measure], seconds: float) -> dict[str, float]:
    """Every measure in turn, ROUNDS times, ``seconds`` in all; the best rate of each.

    Taking turns and keeping the best is what makes a ratio hold on a machine busy with other work:
    both sides get the same chances of a quiet moment.
    """
    best: dict[str, float] = {}
    for _ in range(ROUNDS):
        for measure in measures:
            for name, value in measure(seconds / ROUNDS / len(measures)).items():
                best[name] = max(value, best.get(name, 0.0))
    return best


class Reference:
    """A reference tool's timing script, running in its own virtualenv: a Measure, one line a turn."""

    def __init__(self, python: Path, script: str, *args: object):
        if not python.exists():
            raise SystemExit(f"{python} is missing: run `make bench`, which builds it")
        self.script = script
        self.process = subprocess.Popen(
            [str(python), str(REPO / "bench" / script), *map(str, args)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def __call__(self, seconds: float) -> dict[str, float]:
        assert self.process.stdin and self.process.stdout and self.process.stderr
        self.process.stdin.write(f"{seconds}\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        if not answer:
            raise SystemExit(f"{self.script} failed:\n{self.process.stderr.read()[-3000:]}")
        return json.loads(answer)

    def __enter__(self) -> "Reference":
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=60)


# --- the table ----------------------------------------------------------------------------------------


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    memory = f"{memory_kb / 1024 / 1024:.0f} GiB RAM"
    return f"{os.cpu_count()} CPUs ({cpu}), {memory}, Python {platform.python_version()}"


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}" if value >= 1 else f"{value:.3f}"


def table(rows: list[Row]) -> str:
    lines = [
        "| measure | Besace | reference | ratio | goal | met |",
        "|---|---:|---:|---:|---|---|",
    ]
    for row in rows:
        reference = (
            f"{_number(row.reference)} ({row.reference_name})" if row.reference else row.reference_name
        )
        ratio = f"{row.ratio:.3g}x" if row.ratio is not None else ""
        met = "" if row.met is None else "yes" if row.met else "**NO**"
        besace = f"{_number(row.besace)} {row.unit}"
        lines.append(f"| {row.measure} | {besace} | {reference} | {ratio} | {row.goal} | {met} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time per measurement (default 3)")
    parser.add_argument("--load-seconds", type=float, default=10.0, help="wrk run per page (default 10)")
    parser.add_argument("--skip-web", action="store_true", help="leave out the web load part")
    args = parser.parse_args()
    os.environ["BESACE_FETCH_ALLOW_LOOPBACK"] = "1"

    started = datetime.datetime.now()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="besace-bench-") as workdir:
        rows += bench_baking(args.seconds, Path(workdir))
    rows += bench_ob2_verification(args.seconds)
    rows += bench_ob3(args.seconds)
    if not args.skip_web:
        import bench_web

        rows += bench_web.bench_web(args.load_seconds)
    print(f"\nBesace benchmarks, {started:%Y-%m-%d %H:%M}, {machine()}\n")
    print(table(rows))
    missed = [row.measure for row in rows if row.met is False]
    if missed:
        print(f"\nGoals missed: {'; '.join(missed)}")


if __name__ == "__main__":
    main()
