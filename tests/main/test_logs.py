"""No personal data in logs: a database error is logged with its SQL, not with the names and
notes it was sent with; emails that fail are logged by number."""

from __future__ import annotations

import logging

import sqlalchemy as sa

from app.access import public
from app.extensions import db
from app.models import Student


def test_a_database_error_in_the_log_carries_no_personal_values(app_factory, caplog):
    app = app_factory()

    @public
    def broken():
        # A student without a birth date: the database refuses the row.
        db.session.execute(
            sa.insert(Student).values(
                first_name="Geheimnis", last_name="Vertraulich", date_of_birth=None
            )
        )
        return "never"

    app.add_url_rule("/broken", "broken", broken)
    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/broken")

    assert response.status_code == 500
    assert "Geheimnis" not in response.get_data(as_text=True)
    logged = caplog.text
    assert "Unhandled error" in logged  # the error itself is logged, with its SQL
    assert "students" in logged
    assert "Geheimnis" not in logged and "Vertraulich" not in logged
