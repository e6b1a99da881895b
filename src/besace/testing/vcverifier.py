"""Verify OB 3.0 credentials with an implementation that is not Besace's: ``tools/vc-verifier``, a Node.js
script on Digital Bazaar's VC libraries (Data Integrity proofs) and ``jose`` (VC-JWT).

Its npm packages are installed on first use with ``npm ci`` (pinned by the committed package-lock.json)
into ``tools/vc-verifier/node_modules``, and again whenever the lock file changes. Node.js 20+ and npm
must be installed: without them this raises VcVerifierError (tests fail rather than skip: CI installs
them).

The script fetches nothing. It says which documents (DID documents, keys, status lists) it needs; this
wrapper gets each through the caller's ``fetch_json`` and asks again, until the verdict no longer lacks
anything.

    from besace.testing.vcverifier import verify_credential

    verdict = verify_credential(credential, fetch_json)   # or a VC-JWT string
    assert verdict["verified"], verdict["errors"]

Pure standard library: importable without Django.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from besace.testing.locks import build_lock

REPO_ROOT = Path(__file__).resolve().parents[3]
TOOL_DIR = REPO_ROOT / "tools" / "vc-verifier"
SCRIPT = TOOL_DIR / "verify.js"
LOCK_FILE = TOOL_DIR / "package-lock.json"
STAMP = TOOL_DIR / "node_modules" / ".besace-lock.sha256"

INSTALL_TIMEOUT = 600
RUN_TIMEOUT = 120
# Each round can reveal one more document (the key, then its controller, then the status list...).
MAX_ROUNDS = 8

FetchJson = Callable[[str], Any]  # the parsed document at a URL, or None when it cannot be had


class VcVerifierError(RuntimeError):
    """The harness failed (no Node.js, npm ci failed, the script crashed): no verdict."""


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise VcVerifierError(f"{name} is not installed: tools/vc-verifier needs Node.js 20+ and npm")
    return path


def ensure_installed() -> None:
    """``npm ci`` once, and again when package-lock.json changes. Safe from parallel processes."""
    npm = _tool("npm")
    wanted = hashlib.sha256(LOCK_FILE.read_bytes()).hexdigest()
    with build_lock("vc-verifier", TOOL_DIR):
        if STAMP.is_file() and STAMP.read_text().strip() == wanted:
            return
        try:
            proc = subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund"],
                cwd=TOOL_DIR,
                capture_output=True,
                text=True,
                timeout=INSTALL_TIMEOUT,
            )
        except subprocess.TimeoutExpired as error:
            raise VcVerifierError(f"npm ci timed out after {INSTALL_TIMEOUT}s") from error
        if proc.returncode != 0:
            raise VcVerifierError(f"npm ci failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
        STAMP.write_text(wanted + "\n")


def run_once(given: Mapping[str, Any]) -> dict[str, Any]:
    """One run of the script on ``given`` ({"credential" or "jwt", "documents", "now"?})."""
    ensure_installed()
    try:
        proc = subprocess.run(
            [_tool("node"), str(SCRIPT)],
            input=json.dumps(given),
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT,
            cwd=TOOL_DIR,
        )
    except subprocess.TimeoutExpired as error:
        raise VcVerifierError(f"verify.js timed out after {RUN_TIMEOUT}s") from error
    if proc.returncode != 0:
        raise VcVerifierError(f"verify.js exited {proc.returncode}:\n{proc.stderr[-3000:]}")
    try:
        verdict: dict[str, Any] = json.loads(proc.stdout)
    except ValueError as error:
        raise VcVerifierError(f"verify.js printed no JSON:\n{proc.stdout[:2000]}") from error
    return verdict


def verify_credential(
    credential: Mapping[str, Any] | str, fetch_json: FetchJson, *, now: str | None = None
) -> dict[str, Any]:
    """The independent verdict on a credential (a JSON-LD object, or a VC-JWT string).

    ``fetch_json(url)`` returns the parsed document at an http(s) URL, or None. Returns
    ``{"verified": bool, "errors": [...], "missing": [...], "documents": {url: json}}``; ``missing``
    lists the documents ``fetch_json`` could not give.
    """
    given: dict[str, Any] = {"jwt": credential} if isinstance(credential, str) else {"credential": credential}
    if now is not None:
        given["now"] = now
    documents: dict[str, Any] = {}
    unavailable: set[str] = set()
    for _ in range(MAX_ROUNDS):
        verdict = run_once({**given, "documents": documents})
        wanted = [url for url in verdict.get("missing", []) if url not in unavailable]
        if not wanted:
            return {**verdict, "documents": documents}
        for url in wanted:
            document = fetch_json(url)
            if document is None:
                unavailable.add(url)
            else:
                documents[url] = document
    raise VcVerifierError(f"verify.js still lacks documents after {MAX_ROUNDS} rounds: {verdict['missing']}")
