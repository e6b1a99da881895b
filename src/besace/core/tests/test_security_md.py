"""SECURITY.md names, for each threat, the test that proves its defence: every test it names exists, so
the table cannot point at a test that was renamed or removed (CI runs them all)."""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[4]
PACKAGE = REPO / "src" / "besace"


def _test_cells() -> list[str]:
    """The last column of every table row of SECURITY.md, but the header rows."""
    cells = []
    for line in (REPO / "SECURITY.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("|") and not line.startswith("|---") and not line.startswith("| Threat"):
            cells.append(line.strip().strip("|").split("|")[-1].strip())
    return cells


def _references(cell: str) -> list[tuple[str, str | None]]:
    """(file, test function or None) for each reference of a cell; `::name` alone means the file before."""
    found, current = [], ""
    for part in (p.strip() for p in cell.split(", ")):
        part = re.sub(r" \(.*\)$", "", part)  # "(all)", "(one test per API)"
        path, _, name = part.partition("::")
        current = path or current
        found.append((current, name or None))
    return found


def test_the_security_page_names_only_tests_that_exist():
    cells = _test_cells()
    assert len(cells) > 40
    missing = []
    for cell in cells:
        for path, name in _references(cell):
            if path.startswith("docs/"):
                exists = (REPO / path.split(",")[0].split(" ")[0]).exists()
            else:
                source = PACKAGE / path
                exists = source.is_file() and (
                    name is None
                    or re.search(rf"^def {re.escape(name)}\(", source.read_text(), re.M) is not None
                )
            if not exists:
                missing.append(f"{path}::{name}" if name else path)
    assert missing == []
