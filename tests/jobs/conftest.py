"""The roster fixtures, on an application that makes a PDF of more than 3 students a job."""

import pytest

from tests.rosters.fixtures import coordinator, roster  # noqa: F401

THRESHOLD = 3


@pytest.fixture
def app(app_factory):
    return app_factory(PDF_JOB_THRESHOLD=THRESHOLD)
