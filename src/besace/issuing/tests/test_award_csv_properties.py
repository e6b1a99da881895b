"""Whatever file an issuer uploads, reading it as a CSV of awards gives awards or line errors: never an
exception, never an award from a line that has an error."""

import time

from hypothesis import example, given, settings
from hypothesis import strategies as st

from besace.issuing.csv_awards import MAX_ROWS, award_csv_parse, csv_decode

# Cells a spreadsheet could hold, and the characters that break CSVs: separators, quotes, line ends, NUL.
CELLS = st.text(max_size=30) | st.sampled_from(
    ["ada@example.org", "Ada@Example.org", "https://x.example/e", ""]
)
SEPARATORS = st.sampled_from([",", ";", "\t"])
HEADERS = st.lists(
    st.sampled_from(["email", "name", "narrative", "evidence_url", "Email ", "other", ""]),
    min_size=1,
    max_size=5,
)


@st.composite
def csv_files(draw: st.DrawFn) -> str:
    separator = draw(SEPARATORS)
    header = draw(HEADERS)
    rows = draw(st.lists(st.lists(CELLS, max_size=6), max_size=8))
    return "\n".join(separator.join(row) for row in [header, *rows]) + draw(
        st.sampled_from(["", "\n", "\r\n"])
    )


def _checked(text: str) -> None:
    parsed = award_csv_parse(text)
    assert parsed.awards or parsed.errors
    assert len(parsed.awards) <= MAX_ROWS
    for award in parsed.awards:
        assert "\x00" not in award.email + award.name and "@" in award.email


@settings(max_examples=150)
@given(text=csv_files())
@example(text='email,name\nada@example.org,"Ada\n')
@example(text="email,name\nada@example.org,A\x00da\n")
@example(text="email\n" + "ada@example.org\n" * 3)
def test_any_spreadsheet_like_file_gives_awards_or_line_errors(text):
    _checked(text)


@settings(max_examples=150)
@given(text=st.text(max_size=400))
def test_any_text_gives_awards_or_line_errors(text):
    _checked(text)


@settings(max_examples=150)
@given(data=st.binary(max_size=400), bom=st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]))
def test_any_bytes_in_any_encoding_decode_then_give_awards_or_line_errors(data, bom):
    _checked(csv_decode(bom + data))


def test_a_huge_first_line_is_refused_at_once():
    started = time.monotonic()
    parsed = award_csv_parse('{"a":' * 100_000 + "\nada@example.org\n")
    assert parsed.errors and not parsed.awards
    assert time.monotonic() - started < 2  # the CSV sniffer alone took minutes on the whole line
