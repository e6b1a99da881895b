"""The reference verifier: 1EdTech validator-core (PyPI ``openbadges``), run by .venv-validator's Python.

    bench_ref_validator.py ASSERTION_URL RECIPIENT_EMAIL

For each line SECONDS read on stdin, prints one JSON line {"rate": verifications per second}, so that
bench_all.py can take turns with Besace. The OB 2.0 context is served
from the project's copy, as the test harness does (tools/obvalidator/run_validator.py); every other
document comes over HTTP from the benchmark's local server.
"""

import contextlib
import json
import sys
from pathlib import Path

from bench_timing import rate

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools" / "obvalidator"))
import run_validator  # noqa: E402 - beside the harness, not an installed module


def main() -> None:
    url, email = sys.argv[1], sys.argv[2]
    documents = run_validator.DocumentMap()
    context, _source = run_validator.load_v2_context(None)
    for context_url in run_validator.OB_V2_CONTEXT_URLS:
        documents.add(context_url, context)
    run_validator.install_offline_documents(documents)
    import openbadges

    def verify() -> dict:
        with contextlib.redirect_stdout(sys.stderr):
            return openbadges.verify(url, {"email": email})

    report = verify()["report"]
    if not report["valid"]:
        raise SystemExit(f"validator-core finds the benchmark badge invalid: {report['messages']}")
    for line in sys.stdin:
        print(json.dumps({"rate": rate(verify, float(line))}), flush=True)


if __name__ == "__main__":
    main()
