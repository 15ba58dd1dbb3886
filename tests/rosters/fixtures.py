"""Fixtures of the roster and print tests: the cohort of data.py and a logged-in coordinator.
A conftest.py takes them with `from tests.rosters.fixtures import coordinator, roster`."""

import pytest

from app.models import Role
from tests.conftest import make_user
from tests.rosters.data import build


@pytest.fixture
def roster(app):
    return build(app)


@pytest.fixture
def coordinator(app, auth) -> int:
    """A logged-in coordinator; their user id."""
    user_id = make_user(app, "coordinator@example.org", Role.COORDINATOR)
    assert auth.login("coordinator@example.org").status_code == 302
    return user_id
