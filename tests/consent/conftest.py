"""The roster's cohort (tests/rosters/data.py) and a logged-in coordinator."""

from tests.rosters.fixtures import coordinator, roster  # noqa: F401
