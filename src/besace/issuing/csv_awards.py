"""Reading a CSV of awards (email, name, narrative, evidence_url), checking every row before any award."""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext as _

from besace.issuing.services import AwardRequest
from besace.openbadges.hashing import normalise_email

KNOWN_COLUMNS = {"email", "name", "narrative", "evidence_url"}
MAX_ROWS = 5000


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


def award_csv_parse(text: str) -> CsvAwards:
    result = CsvAwards()
    if not text.strip():
        result.errors.append(_("The file is empty."))
        return result
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = [column.strip().lower() for column in next(reader)]
    except csv.Error as error:
        result.errors.append(_("Line 1: %(error)s") % {"error": error})
        return result
    if "email" not in header:
        result.errors.append(_("Line 1: the header must name an “email” column (and optionally name, narrative, evidence_url)."))
        return result
    unknown = [c for c in header if c and c not in KNOWN_COLUMNS]
    if unknown:
        result.errors.append(_("Line 1: unknown column(s): %(columns)s.") % {"columns": ", ".join(unknown)})
        return result
    seen: dict[str, int] = {}
    check_url = URLValidator(schemes=["http", "https"])
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(result.awards) + len(result.errors) >= MAX_ROWS:
                result.errors.append(_("Too many rows: at most %(max)d awards per file.") % {"max": MAX_ROWS})
                break
            if len(row) != len(header):
                result.errors.append(_("Line %(line)d: expected %(expected)d columns, found %(found)d.") % {"line": line, "expected": len(header), "found": len(row)})
                continue
            values = {column: cell.strip() for column, cell in zip(header, row, strict=True)}
            email = normalise_email(values["email"])
            try:
                validate_email(email)
            except ValidationError:
                result.errors.append(_("Line %(line)d: “%(email)s” is not a valid e-mail address.") % {"line": line, "email": values["email"]})
                continue
            if email in seen:
                result.errors.append(_("Line %(line)d: %(email)s is already on line %(first)d.") % {"line": line, "email": email, "first": seen[email]})
                continue
            evidence_url = values.get("evidence_url", "")
            if evidence_url:
                try:
                    check_url(evidence_url)
                except ValidationError:
                    result.errors.append(_("Line %(line)d: “%(url)s” is not a valid web address.") % {"line": line, "url": evidence_url})
                    continue
            seen[email] = line
            result.awards.append(AwardRequest(email=email, name=values.get("name", "")[:200], narrative=values.get("narrative", ""), evidence_url=evidence_url))
    except csv.Error as error:
        result.errors.append(_("Line %(line)d: %(error)s") % {"line": reader.line_num, "error": error})
    if not result.awards and not result.errors:
        result.errors.append(_("The file has no award rows under its header."))
    return result
