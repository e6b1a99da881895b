"""A lock between processes (parallel test runs) around building a test tool's environment."""

import fcntl
import hashlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def build_lock(tool: str, path: Path) -> Iterator[None]:
    """Exclusive while held, for building `tool` at `path`; the lock file lives outside `path`, since a
    rebuild may delete that directory."""
    name = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
    lock_path = Path(tempfile.gettempdir()) / f"besace-{tool}-{name}.lock"
    with open(lock_path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
