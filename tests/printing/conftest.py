"""The roster fixtures (tests/rosters/fixtures.py)."""

from tests.rosters.fixtures import coordinator, roster  # noqa: F401
