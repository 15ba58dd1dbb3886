"""After placement, a family sees its student with what care needs, and nothing more."""

from datetime import date, timedelta

from app.extensions import db
from app.models import Enrolment, HostApplication
from app.services.hosting import vetting
from app.services.placement import placements
from tests.conftest import make_user, post
from tests.factories import FAMILY_PASSWORD, enrol, make_application, make_cohort, make_student


def approve(app, application_id: int, coordinator_id: int) -> None:
    with app.app_context():
        application = db.session.get(HostApplication, application_id)
        vetting.check_references(application, coordinator_id)
        vetting.clear_background(application, date.today() + timedelta(days=900), coordinator_id)
        vetting.record_home_visit(application, date.today(), "Jane Visitor", "", coordinator_id)
        vetting.decide(application, "approved", coordinator_id)
        db.session.commit()


def test_the_family_sees_its_student_but_no_guardian_data_or_other_students(app, client):
    coordinator = make_user(app, "coordinator@example.org")
    cohort = make_cohort(app)
    mine = make_application(app, "millers@example.org", cohort_ids=[cohort])
    approve(app, mine, coordinator)
    placed = make_student(
        app,
        first_name="Lena",
        last_name="Schmidt",
        interests="football, piano",
        allergies="hazelnuts",
        medical_notes="carries an asthma inhaler",
    )
    other = make_student(app, first_name="Jonas", last_name="Becker")
    enrolment_id = enrol(app, placed, cohort)
    enrol(app, other, cohort)
    with app.app_context():
        placements.place(
            db.session.get(Enrolment, enrolment_id),
            db.session.get(HostApplication, mine),
            coordinator,
        )
        db.session.commit()

    post(client, "/login", {"email": "millers@example.org", "password": FAMILY_PASSWORD})
    page = client.get("/family/").get_data(as_text=True)
    assert "Lena Schmidt" in page
    assert "football, piano" in page
    assert "hazelnuts" in page
    assert "carries an asthma inhaler" in page
    assert "Becker" not in page  # another student of the cohort
    with app.app_context():
        guardian = db.session.get(Enrolment, enrolment_id).student.guardians[0]
        assert guardian.phone not in page
        assert guardian.name not in page
