"""Every number from a request goes through one parser (app.services.validation.whole_number,
used by app/numbers.py): ASCII digits only, a minus only where the range allows it, within
what the column holds. "١٢" (Arabic-Indic), "１２" (full-width) and "²" are no numbers: a
field holding one used to pass str.isdigit() and crash int() (a 500), or be read as 12 and
reach another record. Now they get a 4xx or a message next to the field."""

from __future__ import annotations

import html

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Enrolment, HistoryEvent, HouseholdMember, Placement, Role, Setting
from app.services.privacy import settings
from app.services.validation import (
    INT_MAX,
    NotANumber,
    OutOfRange,
    decimal_number,
    record_id,
    whole_number,
)
from tests.conftest import count, post
from tests.factories import (
    FAMILY_PASSWORD,
    enrol,
    make_application,
    make_approved_family,
    make_cohort,
    make_student,
    make_teacher,
)

ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def arabic(number: int) -> str:
    return str(number).translate(ARABIC)


# --- the parser -----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "number"), [("12", 12), (" 12 ", 12), ("-5", -5), ("0", 0)])
def test_ascii_digits_are_read(text, number):
    assert whole_number(text) == number


@pytest.mark.parametrize(
    "text",
    ["١٢", "１２", "۱۲", "१२", "𝟏𝟐", "²", "1²", "①", "+12", "--1", "−1", "1_000", "1.0", "1e3",
     "0x10", "", " ", "12\n", "\t12", "\u00a012", "1 2", "twelve", "nan"],
)  # fmt: skip
def test_anything_else_is_not_a_number(text):
    with pytest.raises(NotANumber):
        whole_number(text)


@pytest.mark.parametrize("text", [str(INT_MAX + 1), str(-(2**31) - 1), "9" * 25, "9" * 5000])
def test_what_no_column_holds_is_out_of_range(text):
    with pytest.raises(OutOfRange):
        whole_number(text)


def test_an_id_is_from_one_to_what_the_column_holds():
    assert record_id("1") == 1 and record_id(str(INT_MAX)) == INT_MAX
    for bad in ("0", "-1", str(INT_MAX + 1), True, None, 1.5):
        with pytest.raises(ValueError):
            record_id(bad)


def test_decimals_are_ascii_with_a_fraction_at_most():
    assert decimal_number("2.5") == 2.5 and decimal_number("12") == 12.0
    for bad in ("nan", "inf", "-inf", "1e309", "١٢", "２.５", "2,5", "", float("nan")):
        with pytest.raises(NotANumber):
            decimal_number(bad)


def test_a_stored_setting_in_other_digits_is_not_a_number(app):
    """settings._parse took "²" (isdigit) and crashed int(); "١٢" it read as 12."""
    with app.app_context():
        for stored in ("²", "١٢", "1²"):
            db.session.merge(Setting(key="retention_months", value=stored))
            db.session.flush()
            assert settings.retention_months() == settings.RETENTION_MONTHS.default, stored
        db.session.rollback()


# --- addresses ------------------------------------------------------------------------------


@pytest.fixture
def coordinator(auth):
    auth.login_as(Role.COORDINATOR)
    return auth.client


def test_an_id_in_other_digits_in_the_address_is_not_found(app, coordinator):
    student = make_student(app)
    assert coordinator.get(f"/students/{student}").status_code == 200
    for written in (arabic(student), str(student).translate(FULL_WIDTH)):
        assert coordinator.get(f"/students/{written}").status_code == 404, written


@pytest.mark.parametrize(
    "query", ["cohort={arabic}", "cohort=%C2%B2", "cohort=%2B{id}", "cohort=99999999999"]
)
@pytest.mark.parametrize("page", ["/students/", "/vetting/", "/students/new"])
def test_a_cohort_filter_that_is_no_id_is_a_bad_request(app, coordinator, page, query):
    cohort = make_cohort(app)
    url = f"{page}?{query.format(arabic=arabic(cohort), id=cohort)}"
    assert coordinator.get(url).status_code == 400
    assert coordinator.get(f"{page}?cohort={cohort}").status_code == 200


@pytest.mark.parametrize("value", ["١", "２", "%2B2", "%C2%B2"])
def test_a_page_number_that_is_no_number_is_not_found(coordinator, value):
    assert coordinator.get(f"/students/?page={value}").status_code == 404
    assert coordinator.get("/students/?page=1").status_code == 200


# --- forms ----------------------------------------------------------------------------------


@pytest.fixture
def placeable(app):
    """(cohort, enrolment, family application) ready to be placed."""
    cohort = make_cohort(app)
    enrolment = enrol(app, make_student(app), cohort)
    return cohort, enrolment, make_approved_family(app, [cohort])


def placed(app, enrolment_id: int) -> bool:
    with app.app_context():
        query = sa.select(Placement.id).where(Placement.enrolment_id == enrolment_id)
        return db.session.scalar(query) is not None


@pytest.mark.parametrize("field", ["enrolment_id", "application_id"])
def test_placing_with_an_id_in_other_digits_places_nobody(app, coordinator, placeable, field):
    cohort, enrolment, family = placeable
    values = {"enrolment_id": str(enrolment), "application_id": str(family)}
    values[field] = arabic(int(values[field]))
    response = post(coordinator, f"/placements/cohorts/{cohort}/place", values)
    assert response.status_code in (302, 400)
    assert not placed(app, enrolment)


@pytest.mark.parametrize("pair", ["²:{family}", "{enrolment}:²", "{arabic}:{family}"])
def test_a_proposal_pair_that_is_no_pair_of_ids_is_a_bad_request(app, coordinator, placeable, pair):
    """ "²:1" passed isdigit() and crashed int(): a 500."""
    cohort, enrolment, family = placeable
    value = pair.format(enrolment=enrolment, family=family, arabic=arabic(enrolment))
    data = {"pair": value, "shown": value, "accept_selected": "1"}
    response = post(coordinator, f"/placements/cohorts/{cohort}/proposal", data)
    assert response.status_code == 400
    assert not placed(app, enrolment)


def test_a_supervisor_field_in_other_digits_changes_nobody(app, coordinator):
    cohort = make_cohort(app)
    enrolment = enrol(app, make_student(app), cohort)
    teacher = make_teacher(app)
    post(coordinator, f"/teachers/cohorts/{cohort}/assign", {"teacher_id": teacher, "role": "lead"})
    for name, value in (
        (f"supervisor-{arabic(enrolment)}", str(teacher)),
        (f"supervisor-{enrolment}", arabic(teacher)),
        (f"supervisor-{enrolment}²", str(teacher)),
    ):
        response = post(coordinator, f"/teachers/cohorts/{cohort}/split", {name: value})
        assert response.status_code == 302, name
        with app.app_context():
            assert db.session.get(Enrolment, enrolment).supervising_teacher_id is None, name


def test_a_year_in_other_digits_is_refused_next_to_the_field(app, auth, client):
    auth.login_as(Role.ADMIN, "admin@example.org")
    data = {"year": "١٩٧٧", "month": "７", "day": "", "title_en": "Yes", "title_de": "Ja",
            "text_en": "The council says yes.", "text_de": "Der Rat sagt Ja."}  # fmt: skip
    response = post(client, "/history/new", data)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200 and "Not a valid integer value." in page
    assert count(app, HistoryEvent) == 0


@pytest.mark.parametrize("row", ["²", "١", "+1", "99999999999"])
def test_a_household_row_numbered_in_other_digits_is_ignored(app, client, row):
    """WTForms read the row number of members-²-name with isdigit() and int(): a 500."""
    make_application(app, "millers@example.org", submitted=False, members=[])
    post(client, "/login", {"email": "millers@example.org", "password": FAMILY_PASSWORD})
    data = {"family_name": "Miller", f"members-{row}-name": "Pat Miller",
            f"members-{row}-age": "45", f"members-{row}-relation": "parent"}  # fmt: skip
    response = post(client, "/family/application/household", data)
    assert response.status_code in (200, 302)
    assert count(app, HouseholdMember) == 0


@pytest.mark.parametrize("age", ["٤٥", "４５", "45²", "+45"])
def test_an_age_in_other_digits_is_refused_next_to_the_field(app, client, age):
    make_application(app, "millers@example.org", submitted=False, members=[])
    post(client, "/login", {"email": "millers@example.org", "password": FAMILY_PASSWORD})
    data = {"family_name": "Miller", "members-0-name": "Pat Miller", "members-0-age": age,
            "members-0-relation": "parent"}  # fmt: skip
    response = post(client, "/family/application/household", data)
    assert response.status_code == 200
    assert "Not a valid integer value." in html.unescape(response.get_data(as_text=True))
    assert count(app, HouseholdMember) == 0
