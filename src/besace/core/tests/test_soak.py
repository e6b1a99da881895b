"""A short run of the soak test (bench/soak.py): gunicorn under the realistic request mix, no error, flat
memory. The 10-minute run is `make soak`; this keeps the script working."""

import subprocess
import sys
from pathlib import Path

import pytest

SOAK = Path(__file__).resolve().parents[4] / "bench" / "soak.py"


@pytest.mark.soak
def test_short_soak_run_has_no_error_and_flat_memory():
    done = subprocess.run(
        [sys.executable, str(SOAK), "--minutes", "0.35", "--awards", "20"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert "SOAK OK" in done.stdout
    for request in (
        "assertion JSON",
        "gallery search",
        "login",
        "backpack pages",
        "award (API)",
        "import (API)",
    ):
        assert request in done.stdout  # every part of the mix ran
