"""The fuzzer's numbers are the ones that broke the application: other scripts' digits (which
int() reads or isdigit() lets through), signs, spaces and values no column holds."""

from __future__ import annotations

import re

import pytest
from hypothesis import find, settings

from tests.fuzz import garbage

SEARCH = settings(database=None, derandomize=True, max_examples=5000)


def _huge(text: str) -> bool:
    digits = re.sub(r"[^0-9]", "", text)
    return digits != "" and int(digits) > 2**31


@pytest.mark.parametrize(
    "wanted",
    [
        lambda s: any(ch in s for ch in garbage.SCRIPTS[0]),  # Arabic-Indic digits
        lambda s: any(ch in s for ch in garbage.SCRIPTS[4]),  # full-width digits
        lambda s: any(ch in s for ch in garbage.SCRIPTS[6]),  # superscript: "²"
        lambda s: s.strip().startswith("+"),
        lambda s: s.strip().startswith("-"),
        lambda s: s != s.strip() and s.strip().isascii() and s.strip().isdigit(),
        _huge,
    ],
    ids=["arabic-indic", "full-width", "superscript", "plus", "minus", "spaces", "huge"],
)
def test_the_numbers_include(wanted):
    assert wanted(find(garbage.NUMBERS, wanted, settings=SEARCH))


def test_a_numbered_field_gets_a_garbage_number():
    fields = find(
        garbage.renumbered(["members-0-age", "csrf_token"]),
        lambda found: any(not name.startswith("members-0-") for name, _value in found),
        settings=SEARCH,
    )
    assert all(name.startswith("members-") and name.endswith("-age") for name, _v in fields)
