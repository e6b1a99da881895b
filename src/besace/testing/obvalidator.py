"""Run the official 1EdTech Open Badges 2.0 validator (validator-core) from Besace's tests.

The validator (PyPI ``openbadges`` 1.1.2) pins libraries that conflict with ours, so it lives in its own
virtualenv at ``<repo>/.venv-validator``, built on first use from ``tools/obvalidator/requirements.txt``
and rebuilt whenever that file (or the Python version) changes. ``tools/obvalidator/run_validator.py``
runs it there, offline: the OB JSON-LD contexts are served from local files, every other URL (the
badge under test) goes to the real network, e.g. a live test server on ``http://localhost:PORT``.

    from besace.testing.obvalidator import run_validator, errors, is_revoked

    result = run_validator("http://localhost:8123/public/assertions/abc")   # or a baked PNG/SVG path
    assert result["report"]["valid"], describe(result)
    assert result["report"]["errorCount"] == 0

What the validator demands (and what it does not check) is pinned down, with runnable examples, in
``besace/testing/tests/test_obvalidator_harness.py``. The two surprises: validator-core never reports
a *hosted* assertion as revoked (neither HTTP 410 nor ``"revoked": true``); only a *signed* assertion
listed in its issuer's RevocationList is (see ``is_revoked``), and only when that list has at least two
entries.

Pure standard library: importable without Django.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from besace.testing.locks import build_lock

REPO_ROOT = Path(__file__).resolve().parents[3]
TOOLS_DIR = REPO_ROOT / "tools" / "obvalidator"
REQUIREMENTS = TOOLS_DIR / "requirements.txt"
RUNNER = TOOLS_DIR / "run_validator.py"
#: Where the validator's virtualenv lives; BESACE_VALIDATOR_VENV overrides it.
VENV_DIR = Path(os.environ.get("BESACE_VALIDATOR_VENV") or REPO_ROOT / ".venv-validator")
STAMP_NAME = ".besace-requirements.sha256"

#: Name of the validator task whose failure means "this signed assertion is revoked".
REVOKED_TASK = "VERIFY_SIGNED_ASSERTION_NOT_REVOKED"

INSTALL_TIMEOUT = 900
RUN_TIMEOUT = 120

_JWS_RE = re.compile(r"^[A-Za-z0-9_\-=]+\.[A-Za-z0-9_\-=]+\.[A-Za-z0-9_\-=]+$")
_python: Path | None = None


class ValidatorError(RuntimeError):
    """The harness failed (venv could not be built, the runner crashed or timed out): no verdict."""


def _venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


def _wanted_digest() -> str:
    h = hashlib.sha256()
    h.update(REQUIREMENTS.read_bytes())
    h.update(f"\0{sys.version_info.major}.{sys.version_info.minor}".encode())
    return h.hexdigest()


def _run(cmd: list[str], timeout: int) -> None:
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=_child_env())
    except subprocess.TimeoutExpired as exc:
        raise ValidatorError(f"timed out after {timeout}s: {' '.join(cmd)}") from exc
    if proc.returncode != 0:
        raise ValidatorError(
            f"failed (exit {proc.returncode}): {' '.join(cmd)}\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}"
        )


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    for var in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP"):
        env.pop(var, None)
    env["PYTHONNOUSERSITE"] = "1"
    return env


def validator_python() -> Path:
    """Path to the Python of the validator's virtualenv, building the venv first if needed.

    Built once and reused across runs; rebuilt from scratch when requirements.txt or the Python
    minor version changes (a hash is kept in the venv). Safe to call from parallel processes.
    """
    global _python
    if _python is not None:
        return _python
    venv = VENV_DIR
    python = _venv_python(venv)
    stamp = venv / STAMP_NAME
    wanted = _wanted_digest()
    with build_lock("obvalidator", venv):
        current = stamp.read_text().strip() if stamp.is_file() else None
        if current != wanted or not python.exists():
            if venv.exists():
                shutil.rmtree(venv)
            _run([sys.executable, "-m", "venv", str(venv)], timeout=300)
            _run(
                [
                    str(python),
                    "-m",
                    "pip",
                    "install",
                    "--disable-pip-version-check",
                    "-q",
                    "--no-deps",
                    "-r",
                    str(REQUIREMENTS),
                ],
                timeout=INSTALL_TIMEOUT,
            )
            # Fail here, not in the first test, if the set does not import.
            _run([str(python), "-c", "import openbadges, openbadges_bakery, jose, Crypto"], timeout=120)
            stamp.write_text(wanted + "\n")
    _python = python
    return python


def _as_runner_input(badge_input: Any, tmpdir: Path) -> str:
    """The INPUT argument for run_validator.py; long JSON/JWS and raw bytes go through a file."""
    if isinstance(badge_input, Path):
        return str(badge_input)
    if isinstance(badge_input, Mapping):
        badge_input = json.dumps(badge_input)
    if isinstance(badge_input, bytes | bytearray):
        suffix = ".png" if bytes(badge_input[:8]) == b"\x89PNG\r\n\x1a\n" else ".svg"
        target = tmpdir / f"badge{suffix}"
        target.write_bytes(bytes(badge_input))
        return str(target)
    if not isinstance(badge_input, str):
        raise TypeError(f"badge_input must be str, Path, bytes or dict, not {type(badge_input).__name__}")
    stripped = badge_input.strip()
    if stripped[:1] in ("{", "[") or _JWS_RE.match(stripped):
        target = tmpdir / "badge.txt"  # argv has a size limit; a baked data: image can exceed it
        target.write_text(stripped, encoding="utf-8")
        return str(target)
    return badge_input


def run_validator(
    badge_input: str | Path | bytes | Mapping[str, Any],
    recipient: str | None = None,
    *,
    recipient_profile: Mapping[str, Any] | None = None,
    context: str | Path | None = None,
    documents: Mapping[str, str | Path] | None = None,
    timeout: float = RUN_TIMEOUT,
) -> dict[str, Any]:
    """Validate one badge with validator-core and return its result dict.

    ``badge_input``: an assertion URL; a path to a baked PNG/SVG (or its bytes); an assertion as JSON
    text or dict (the validator then re-fetches it from its ``id``); or a signed badge's JWS.
    ``recipient``: an e-mail the badge must be awarded to (validator profile ``{"email": recipient}``);
    ``recipient_profile`` passes any other profile, e.g. ``{"url": "https://..."}``.
    ``context``: the OB 2.0 context file to serve for https://w3id.org/openbadges/v2 (default: the
    project's ``besace/openbadges/contexts/openbadges-v2.jsonld``). ``documents``: more URLs to serve
    from local files, e.g. ``{"https://w3id.org/openbadges/v1": path}``.

    Returns ``{"report": {"valid", "errorCount", "warningCount", "messages", "validationSubject",
    "openBadgesVersion", ...}, "graph": [...], "input": {...}}``, whatever the verdict. Raises
    ValidatorError if the harness itself fails.
    """
    python = validator_python()
    with tempfile.TemporaryDirectory(prefix="besace-obvalidator-") as tmp:
        cmd = [str(python), str(RUNNER), _as_runner_input(badge_input, Path(tmp))]
        if recipient_profile is not None:
            cmd += ["--recipient-profile", json.dumps(dict(recipient_profile))]
        elif recipient is not None:
            cmd += ["--recipient", recipient]
        if context is not None:
            cmd += ["--context", str(context)]
        for url, path in (documents or {}).items():
            cmd += ["--map", f"{url}={path}"]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=_child_env())
        except subprocess.TimeoutExpired as exc:
            raise ValidatorError(f"validator timed out after {timeout}s on {cmd[2][:200]}") from exc
    if proc.returncode != 0:
        raise ValidatorError(f"run_validator.py exited {proc.returncode}:\n{proc.stderr[-4000:]}")
    try:
        return json.loads(proc.stdout)
    except ValueError as exc:
        raise ValidatorError(
            f"run_validator.py printed no JSON:\n{proc.stdout[:2000]}\n{proc.stderr[-2000:]}"
        ) from exc


def messages(result: Mapping[str, Any], level: str | None = None) -> list[dict[str, Any]]:
    """The report's messages, optionally only those of one level ("ERROR", "WARNING", "INFO")."""
    found = result["report"].get("messages", [])
    return [m for m in found if level is None or m.get("messageLevel") == level]


def errors(result: Mapping[str, Any]) -> list[dict[str, Any]]:
    return messages(result, "ERROR")


def failed_tasks(result: Mapping[str, Any]) -> set[str]:
    """Names of the validator tasks that failed, e.g. {"VERIFY_SIGNED_ASSERTION_NOT_REVOKED"}."""
    return {m["name"] for m in errors(result)}


def is_revoked(result: Mapping[str, Any]) -> bool:
    """Whether the validator found the (signed) assertion in its issuer's RevocationList.

    validator-core's only revocation check. It never flags a hosted assertion as revoked.
    """
    return REVOKED_TASK in failed_tasks(result)


def describe(result: Mapping[str, Any]) -> str:
    """A short human-readable summary, for assertion messages."""
    report = result["report"]
    lines = [
        f"valid={report.get('valid')} errors={report.get('errorCount')} warnings={report.get('warningCount')}"
        f" subject={report.get('validationSubject')}"
    ]
    for m in report.get("messages", []):
        lines.append(
            f"  {m.get('messageLevel')} {m.get('name')} {m.get('prop_name') or ''}: {m.get('result')}"
        )
    return "\n".join(lines)
