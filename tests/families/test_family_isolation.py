"""A family sees and changes only its own records, whatever it puts in URLs or forms."""

from app.extensions import db
from app.models import HostApplication
from tests.conftest import post
from tests.factories import FAMILY_PASSWORD, make_application, make_cohort


def log_in_family(client, email: str) -> None:
    response = post(client, "/login", {"email": email, "password": FAMILY_PASSWORD})
    assert response.status_code == 302


def test_a_family_sees_only_its_own_application(app, client):
    cohort = make_cohort(app)
    make_application(app, "andersons@example.org", cohort_ids=[cohort], city="Amherst")
    make_application(app, "bakers@example.org", cohort_ids=[cohort], city="Tonawanda")
    log_in_family(client, "bakers@example.org")
    page = client.get("/family/application/home").get_data(as_text=True)
    assert "Tonawanda" in page
    assert "Amherst" not in page
    assert "andersons@example.org" not in client.get("/family/").get_data(as_text=True)


def test_a_family_cannot_open_another_familys_application_by_id(app, client):
    other = make_application(app, "andersons@example.org")
    make_application(app, "bakers@example.org")
    log_in_family(client, "bakers@example.org")
    for url in (f"/vetting/{other}", "/vetting/", "/students/", "/cohorts/"):
        assert client.get(url).status_code == 403
    response = post(client, f"/vetting/{other}/decision", {"decision": "approved"})
    assert response.status_code == 403


def test_ids_posted_in_the_application_form_change_nothing_of_others(app, client):
    cohort = make_cohort(app)
    other = make_application(app, "andersons@example.org", cohort_ids=[cohort], city="Amherst")
    mine = make_application(app, "bakers@example.org", submitted=False, cohort_ids=[cohort])
    log_in_family(client, "bakers@example.org")
    response = post(
        client,
        "/family/application/home",
        {
            "application_id": str(other),
            "family_id": "1",
            "id": str(other),
            "city": "Changed Town",
            "save": "1",
        },
    )
    assert response.status_code in (200, 302)
    with app.app_context():
        assert db.session.get(HostApplication, other).city == "Amherst"
        assert db.session.get(HostApplication, mine).city == "Changed Town"
