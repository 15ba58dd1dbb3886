"""Once a cohort is over, its teachers no longer see its students' data."""

from app.extensions import db
from app.models import Cohort
from app.services.enrolment import cohorts
from app.services.supervision import teachers
from tests.conftest import PASSWORD, post
from tests.factories import enrol, make_cohort, make_student


def test_a_teacher_no_longer_sees_a_completed_cohort(app, client):
    current = make_cohort(app, name="Buffalo spring 2027")
    finished = make_cohort(app, name="Buffalo spring 2025")
    enrol(app, make_student(app, first_name="Ida", last_name="Krause"), finished)
    with app.app_context():
        teacher = teachers.create_teacher(
            "lead@example.org", PASSWORD, "Anna Lehrerin", "Goethe", "+49 231 1"
        )
        for cohort_id in (current, finished):
            teachers.assign(db.session.get(Cohort, cohort_id), teacher, "lead")
        db.session.commit()
    with app.app_context():
        cohort = db.session.get(Cohort, finished)
        for status in ("closed", "travelling", "completed"):
            cohorts.set_status(cohort, status)
        db.session.commit()

    post(client, "/login", {"email": "lead@example.org", "password": PASSWORD})
    portal = client.get("/teachers/me").get_data(as_text=True)
    assert "Buffalo spring 2027" in portal
    assert "Buffalo spring 2025" not in portal
    assert client.get(f"/teachers/me/cohorts/{finished}").status_code == 404
