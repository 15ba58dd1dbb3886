"""Hypothesis strategies for bad input: wrong types, huge strings, unicode, control
characters, negative and enormous numbers, numbers in other scripts' digits, with signs and
spaces, impossible dates, broken query strings and files."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from urllib.parse import urlencode

from hypothesis import strategies as st

from app.services.enrolment.student_csv import COLUMN_NAMES
from tests.fuzz.world import SAMPLE_CSV

SPECIAL = [
    "",
    " ",
    "0",
    "-1",
    "1",
    "-0",
    "007",
    "1.5",
    "1e309",
    "-1e309",
    "nan",
    "inf",
    "-inf",
    str(2**31 - 1),
    str(2**31),
    str(2**63),
    str(-(2**63) - 1),
    "9" * 40,
    "1_000",
    "０",  # fullwidth zero
    "٣",  # Arabic-Indic three
    "²",
    "١٢",  # Arabic-Indic twelve: int() reads it as 12
    "１２",  # full-width twelve
    "۱۲",  # Persian twelve
    "१२",  # Devanagari twelve
    "𝟏𝟐",  # mathematical bold twelve
    "1²",  # isdigit() says yes, int() refuses
    "①",
    "+12",
    "-12",
    "--1",
    "+-1",
    " 12",
    "12 ",
    "\u00a012",  # no-break space: int() strips it
    "12\n",
    "1 2",
    "2026-02-30",
    "0000-00-00",
    "9999-12-31",
    "10000-01-01",
    "0001-01-01",
    "1900-01-01",
    "2026-13-01",
    "2026-1-1",
    "31.12.2026",
    "2026-02-29T25:61",
    "-2026-01-01",
    "true",
    "false",
    "on",
    "y",
    "null",
    "None",
    "[]",
    "{}",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "{{ 7 * 7 }}",
    "%s%n",
    "../../etc/passwd",
    "\x00",
    "a\x00b",
    "\r\n",
    "\t",
    "\u202e",  # right-to-left override
    "\ufeff",
    "\u200b",
    "\U0001f600",
    "İ",
    "ß",
    "ﬁ",
    '=HYPERLINK("http://x")',
    "a@b",
    "fuzz-admin@example.org",
    "x@" + "a" * 300 + ".org",
]

HUGE = st.builds(
    lambda char, n: char * n,
    st.sampled_from(["x", "é", "\U0001f600", "\x00", "9", " ", "a,"]),
    st.sampled_from([101, 201, 256, 301, 501, 2001, 5001, 10_000, 100_000]),
)

# Ten digits of other scripts: str.isdigit() says yes to all, int() reads the decimal ones
# ("١٢" is 12) and refuses the others ("²"); the application takes ASCII digits only.
SCRIPTS = [
    "٠١٢٣٤٥٦٧٨٩",  # Arabic-Indic
    "۰۱۲۳۴۵۶۷۸۹",  # Persian
    "०१२३४५६७८९",  # Devanagari
    "০১২৩৪৫৬৭৮৯",  # Bengali
    "０１２３４５６７８９",  # full-width
    "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗",  # mathematical bold
    "⁰¹²³⁴⁵⁶⁷⁸⁹",  # superscript: isdigit() but not a decimal
    "₀₁₂₃₄₅₆₇₈₉",  # subscript
]


def _written_in(number: int, digits: str, mixed: bool) -> str:
    """The number in another script's digits (mixed: only its first digit)."""
    text = str(number)
    if mixed:
        return digits[int(text[0])] + text[1:]
    return text.translate(str.maketrans("0123456789", digits))


SIGNS = ["", "", "+", "-", "--", "+-", "−"]  # the last: a minus sign, not a hyphen
SPACES = ["", "", " ", "  ", "\t", "\n", "\u00a0", "\u2003", "\u3000"]

NUMBERS = st.one_of(
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.builds(_written_in, st.integers(0, 2**40), st.sampled_from(SCRIPTS), st.booleans()),
    st.builds(
        lambda before, sign, number, after: f"{before}{sign}{number}{after}",
        st.sampled_from(SPACES),
        st.sampled_from(SIGNS),
        st.one_of(st.integers(0, 2**31 + 1), st.integers(2**31, 2**200)),
        st.sampled_from(SPACES),
    ),
)

DATES = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).flatmap(
    lambda d: st.sampled_from([d.isoformat(), d.strftime("%d.%m.%Y"), d.strftime("%m/%d/%Y")])
)

TEXT = st.text(max_size=30)

GARBAGE = st.one_of(st.sampled_from(SPECIAL), TEXT, NUMBERS, DATES, HUGE)

# Names the views read from query strings; the fuzzer sends them to every route.
QUERY_NAMES = [
    "page",
    "per_page",
    "q",
    "clear",
    "next",
    "columns",
    "chosen",
    "preset",
    "group",
    "sort",
    "paper",
    "teacher",
    "cohort",
    "status",
    "school",
    "missing",
    "city",
    "person",
    "action",
    "record_type",
    "record_id",
    "since",
    "until",
]

RAW_QUERIES = [
    "page=-1",
    "page=0",
    "page=999999999",
    "page=99999999999999999999999",
    "per_page=-5",
    "per_page=100000000",
    "columns=",
    "columns=name&columns=name&columns=medical",
    "chosen=1",
    "chosen=1&columns=",
    "since=2026-02-30",
    "since=0000-00-00&until=9999-12-31",
    "until=10000-01-01",
    "record_id=99999999999999999999",
    "teacher=99999999999",
    "%",
    "%zz=%zz",
    "a=%ff%fe%00",
    "&&&==&",
    "q=" + "x" * 101,
    "clear=1",
    "next=//evil.example",
    "next=javascript:alert(1)",
    "cohort=-1",
    "cohort=" + "9" * 30,
    "cohort=١٢",
    "cohort=%C2%B2",  # ²
    "cohort=+1",
    "cohort=%201",
    "page=١٢",
    "page=２",
    "page=+2",
    "teacher=١٢",
    "record_id=%C2%B2",
    "record_id=%EF%BC%91",  # full-width one
]


def query(names: list[str]) -> st.SearchStrategy[str]:
    """A query string: pairs of known or garbage names with garbage values (repeated names
    included), or a hand-made broken one."""
    key = st.one_of(st.sampled_from(sorted({*QUERY_NAMES, *names})), TEXT.filter(bool))
    pairs = st.lists(st.tuples(key, GARBAGE), max_size=5)
    return st.one_of(
        pairs.map(lambda p: urlencode(p, encoding="utf-8")),
        st.sampled_from(RAW_QUERIES),
    )


def field_values(seen: list[str]) -> st.SearchStrategy[list[str]]:
    """No value (the field is missing), one or a few: what the page offers, or garbage."""
    value = st.one_of(st.sampled_from(seen), GARBAGE) if seen else GARBAGE
    return st.lists(value, max_size=2)


EXTRA_FIELDS = st.lists(st.tuples(TEXT.filter(bool), GARBAGE), max_size=3)

_NUMBER_IN_NAME = re.compile(r"[0-9]+")


def renumbered(names: list[str]) -> st.SearchStrategy[list[tuple[str, str]]]:
    """Fields whose names carry a number (members-0-age, supervisor-12) with that number
    written as garbage: another script's digits, a sign, spaces, a huge one."""
    numbered = sorted(name for name in names if _NUMBER_IN_NAME.search(name))
    if not numbered:
        return st.just([])
    name = st.builds(
        lambda found, number: _NUMBER_IN_NAME.sub(lambda _digits: number, found, count=1),
        st.sampled_from(numbered),
        NUMBERS,
    )
    return st.lists(st.tuples(name, GARBAGE), max_size=2)


# --- files --------------------------------------------------------------------------------

SAMPLE = SAMPLE_CSV.read_bytes()
SAMPLE_ROW = list(csv.reader(io.StringIO(SAMPLE.decode("utf-8"))))[1]


def _csv(rows: list[list[str]], encoding: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMN_NAMES)
    writer.writerows(rows)
    return out.getvalue().encode(encoding, errors="replace")


CSV_ROWS = st.lists(
    st.lists(st.one_of(st.sampled_from(SPECIAL), TEXT, DATES), max_size=35), max_size=6
)

FILE_CONTENT = st.one_of(
    st.just(SAMPLE),  # first and twice: a readable list now and then, so that some are stored
    st.just(SAMPLE),
    st.just(b""),
    st.builds(_csv, CSV_ROWS, st.sampled_from(["utf-8", "utf-16", "latin-1", "cp1252"])),
    st.binary(max_size=300),
    TEXT.map(lambda t: t.encode("utf-8")),
    st.just(SAMPLE.decode("utf-8").encode("cp1252", errors="replace")),
    st.just(b"\xef\xbb\xbf" + SAMPLE),  # with a byte order mark
    st.just(SAMPLE.replace(b",", b";")),  # German Excel
    st.just(SAMPLE.splitlines()[0] + b"\n"),  # the header alone
    st.just(b"a" * 300_000),  # one huge line
    st.just(b"\x00" * 1000),
    st.just(SAMPLE + b'"unterminated,quote\n'),
    st.just(_csv([SAMPLE_ROW] * 5001, "utf-8")),  # too many
)

FILENAMES = st.sampled_from(
    [
        "students.csv",
        "students.csv",
        "students.csv",
        "STUDENTS.CSV",
        "students.txt",
        "students",
        ".csv",
        "../../etc/passwd.csv",
        "ä\U0001f600.csv",
        "a" * 300 + ".csv",
        "x.csv.exe",
        "x\x00.csv",
        "",
    ]
)
