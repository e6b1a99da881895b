"""Reading a CSV of awards (email, name, narrative, evidence_url), checking every row before any award."""

import csv
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from besace.issuing.forms import AwardForm
from besace.issuing.services import AwardRequest
from besace.openbadges.hashing import normalise_email

KNOWN_COLUMNS = ("email", "name", "narrative", "evidence_url")
# Awards are made in the background (besace.issuing.award_jobs); the file size is capped too
# (BESACE_MAX_CSV_BYTES).
MAX_ROWS = 10_000
SNIFFED_CHARS = 1024


@dataclass
class CsvAwards:
    awards: list[AwardRequest] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def csv_decode(data: bytes) -> str:
    # Spreadsheets export UTF-8 (with or without BOM) or, in France, often Windows-1252.
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _line_error(line: int, message: str) -> str:
    return _("Line %(line)d: %(error)s") % {"line": line, "error": message}


def _header_errors(header: list[str]) -> list[str]:
    if "email" not in header:
        return [
            _line_error(
                1,
                _("the header must name an “email” column (and optionally %(columns)s).")
                % {"columns": ", ".join(KNOWN_COLUMNS[1:])},
            )
        ]
    errors = []
    unknown = [column for column in header if column and column not in KNOWN_COLUMNS]
    if unknown:
        errors.append(_line_error(1, _("unknown column(s): %(columns)s.") % {"columns": ", ".join(unknown)}))
    repeated = sorted({column for column in header if column and header.count(column) > 1})
    if repeated:
        errors.append(
            _line_error(1, _("repeated column(s): %(columns)s.") % {"columns": ", ".join(repeated)})
        )
    return errors


def award_csv_parse(text: str) -> CsvAwards:
    result = CsvAwards()
    if not text.strip():
        result.errors.append(_("The file is empty."))
        return result
    try:
        # Excel in French locales separates with semicolons; the header line tells which. Its start
        # only: the sniffer's time grows with the square of the length (a 600 KB line takes minutes),
        # and a header of the known columns is far shorter.
        dialect = csv.Sniffer().sniff(text.splitlines()[0][:SNIFFED_CHARS], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    # strict: a stray or unclosed quote is reported, not silently swallowed into a cell.
    reader = csv.reader(io.StringIO(text), dialect, strict=True)
    try:
        header = [column.strip().lower() for column in next(reader)]
    except csv.Error as error:
        result.errors.append(_line_error(1, str(error)))
        return result
    result.errors = _header_errors(header)
    if result.errors:
        return result
    seen: dict[str, int] = {}
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(result.awards) + len(result.errors) >= MAX_ROWS:
                result.errors.append(_("Too many rows: at most %(max)d awards per file.") % {"max": MAX_ROWS})
                break
            if len(row) != len(header):
                result.errors.append(
                    _line_error(
                        line,
                        _("expected %(expected)d columns, found %(found)d.")
                        % {"expected": len(header), "found": len(row)},
                    )
                )
                continue
            # The same checks as the award form, so a row is valid exactly when the form would be.
            form = AwardForm(
                {column: cell.strip() for column, cell in zip(header, row, strict=True) if column}
            )
            if not form.is_valid():
                result.errors += [_line_error(line, message) for message in form.error_lines()]
                continue
            award = AwardRequest(**form.cleaned_data)
            email = normalise_email(award.email)
            if email in seen:
                message = _("%(email)s is already on line %(first)d.") % {
                    "email": email,
                    "first": seen[email],
                }
                result.errors.append(_line_error(line, message))
                continue
            seen[email] = line
            result.awards.append(award)
    except csv.Error as error:
        result.errors.append(_line_error(reader.line_num, str(error)))
    if not result.awards and not result.errors:
        result.errors.append(_("The file has no award rows under its header."))
    return result
