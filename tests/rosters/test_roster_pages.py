"""Rosters through the web: who may open which cohort's roster, cards and lists; bad options
answered with a message, never a server error; every view, print and download in the audit
trail with its columns but no names; a printout carries only the columns chosen."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEntry, Cohort, CohortStatus, Role
from app.printing.sheet import plain
from app.services.enrolment import cohorts
from tests.factories import TEACHER_PASSWORD, assign_teacher, make_cohort, make_teacher
from tests.rosters.data import CURRENT, STUDENTS, WITHDRAWN

# Every URL of a cohort's roster; the family and documents lists are for staff only.
ROSTER_PAGES = ["", "/print", "/cards"]
ROSTER_FILES = ["/roster.pdf", "/roster.csv", "/roster.xlsx", "/cards.pdf"]
STAFF_PAGES = ["/families", "/documents"]
STAFF_FILES = [
    "/families.pdf",
    "/families.csv",
    "/families.xlsx",
    "/documents.pdf",
    "/documents.csv",
    "/documents.xlsx",
]
EVERY_URL = ROSTER_PAGES + ROSTER_FILES + STAFF_PAGES + STAFF_FILES

# A bad option and the word the refusal must show.
BAD_OPTIONS = [
    ("columns=name&columns=shoe_size", "Unknown column: shoe_size"),
    ("preset=everything", "everything"),
    ("group=school", "school"),
    ("sort=age", "age"),
    ("paper=folio", "folio"),
    ("teacher=anna", "Unknown teacher"),
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def log_in_teacher(auth, roster, name: str = "Anna Lehmann") -> None:
    response = auth.login(roster.teacher_emails[name], TEACHER_PASSWORD)
    assert response.status_code == 302


def url(cohort_id: int, path: str = "", query: str = "") -> str:
    return f"/rosters/cohorts/{cohort_id}{path}" + (f"?{query}" if query else "")


def page_text(response) -> str:
    """The page's text, phone numbers with plain spaces (on paper they do not break)."""
    return plain(html.unescape(response.get_data(as_text=True)))


def csv_text(response) -> str:
    return response.get_data(as_text=True).removeprefix("\ufeff")


def goes_to_login(response) -> bool:
    return response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/login"


def audit_trail(app) -> list[AuditEntry]:
    """The trail's entries about lists of a cohort (not the changes that built the data)."""
    with app.app_context():
        query = sa.select(AuditEntry).where(
            AuditEntry.record_type == "cohort",
            AuditEntry.action.not_in(["cohort.created", "cohort.changed", "cohort.deleted"]),
        )
        entries = db.session.scalars(query.order_by(AuditEntry.id)).all()
        db.session.expunge_all()
        return list(entries)


def finish(app, cohort_id: int) -> None:
    """Walk the cohort on to completed: the exchange is over."""
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        for status in (CohortStatus.CLOSED, CohortStatus.TRAVELLING, CohortStatus.COMPLETED):
            cohorts.set_status(cohort, status)
        db.session.commit()


# Opening the roster ------------------------------------------------------------------------


def test_a_coordinator_sees_the_chooser_with_the_current_students(roster, coordinator, client):
    response = client.get(url(roster.cohort_id))

    assert response.status_code == 200
    page = page_text(response)
    assert 'name="columns"' in page  # the column chooser
    for name in CURRENT:
        assert name in page
    assert WITHDRAWN not in page
    assert "not placed yet" in page


def test_the_print_view_has_a_toolbar_and_the_confidentiality_line(roster, coordinator, client):
    response = client.get(url(roster.cohort_id, "/print"))

    assert response.status_code == 200
    page = page_text(response)
    assert 'class="toolbar' in page
    assert "Download PDF" in page
    assert "Confidential" in page
    assert "coordinator@example.org" in page  # who produced it
    for name in CURRENT:
        assert name in page
    assert WITHDRAWN not in page


def test_every_roster_page_answers_and_is_never_cached(roster, coordinator, client):
    for path in ROSTER_PAGES + STAFF_PAGES:
        response = client.get(url(roster.cohort_id, path))
        assert response.status_code == 200, path
        assert response.mimetype == "text/html", path
        assert response.headers["Cache-Control"] == "no-store", path


@pytest.mark.parametrize(
    ("path", "mimetype", "starts"),
    [
        ("/roster.pdf", "application/pdf", b"%PDF"),
        ("/roster.csv", "text/csv", "\ufeff".encode()),
        ("/roster.xlsx", XLSX, b"PK"),
        ("/cards.pdf", "application/pdf", b"%PDF"),
        ("/families.pdf", "application/pdf", b"%PDF"),
        ("/families.csv", "text/csv", "\ufeff".encode()),
        ("/documents.xlsx", XLSX, b"PK"),
    ],
)
def test_each_file_downloads_as_an_attachment_never_cached(
    roster, coordinator, client, path, mimetype, starts
):
    response = client.get(url(roster.cohort_id, path))

    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.data.startswith(starts)
    disposition = response.headers["Content-Disposition"]
    extension = path.rsplit(".", 1)[1]
    assert re.fullmatch(rf'attachment; filename="[\w.-]+\.{extension}"', disposition)
    assert response.headers["Cache-Control"] == "no-store"


def test_a_teacher_opens_her_own_cohorts_roster_only(app, roster, auth, client):
    other_cohort = make_cohort(app)
    log_in_teacher(auth, roster)

    for path in ["", "/print", "/roster.csv", "/cards"]:
        assert client.get(url(roster.cohort_id, path)).status_code == 200, path
        assert client.get(url(other_cohort, path)).status_code == 404, path
    for path in [*STAFF_PAGES, "/families.csv", "/documents.csv"]:  # staff lists
        assert client.get(url(roster.cohort_id, path)).status_code == 403, path


def test_a_teacher_loses_the_roster_once_the_cohort_is_completed(app, roster, auth, client):
    log_in_teacher(auth, roster)
    assert client.get(url(roster.cohort_id)).status_code == 200
    finish(app, roster.cohort_id)

    for path in ["", "/print", "/roster.csv", "/cards", "/cards.pdf"]:
        assert client.get(url(roster.cohort_id, path)).status_code == 404, path


def test_a_host_family_is_refused_every_roster_url(roster, auth, client):
    auth.login_as(Role.HOST_FAMILY)

    for path in EVERY_URL:
        assert client.get(url(roster.cohort_id, path)).status_code == 403, path


def test_an_anonymous_visitor_is_sent_to_log_in(roster, client):
    for path in EVERY_URL:
        assert goes_to_login(client.get(url(roster.cohort_id, path))), path


def test_an_unknown_cohort_is_not_found(roster, coordinator, client):
    for path in EVERY_URL:
        assert client.get(url(roster.cohort_id + 1000, path)).status_code == 404, path


# Bad input ---------------------------------------------------------------------------------


def test_the_chooser_shows_a_bad_option_again_with_the_problem(app, roster, coordinator, client):
    for query, message in BAD_OPTIONS:
        response = client.get(url(roster.cohort_id, "", query))
        assert response.status_code == 400, query
        page = page_text(response)
        assert "The roster could not be made" in page
        assert message in page, query
        assert 'name="columns"' in page  # the chooser is still there to correct the choice
    assert audit_trail(app) == []


def test_unticking_every_column_asks_for_one_instead_of_printing_everything(
    app, roster, coordinator, client
):
    response = client.get(url(roster.cohort_id, "", "chosen=1&group=none&sort=name"))
    assert response.status_code == 400
    page = page_text(response)
    assert "Choose at least one column." in page
    assert "Tim Schulz" not in page
    assert audit_trail(app) == []


@pytest.mark.parametrize("path", ["/print", "/roster.pdf", "/roster.csv", "/roster.xlsx", "/cards"])
def test_a_bad_option_is_refused_with_the_problem_and_leaves_no_trace(
    app, roster, coordinator, client, path
):
    for query, message in BAD_OPTIONS:
        response = client.get(url(roster.cohort_id, path, query))
        assert response.status_code == 400, query
        assert message in page_text(response), query
    assert audit_trail(app) == []


def test_a_teacher_of_another_cohort_cannot_be_asked_for(app, roster, coordinator, client):
    other_cohort = make_cohort(app)
    stranger = make_teacher(app, "Carla Fremd", "fremd@example.org")
    assign_teacher(app, other_cohort, stranger)

    for path in ["/print", "/roster.csv", "/roster.pdf", "/cards"]:
        response = client.get(url(roster.cohort_id, path, f"teacher={stranger}"))
        assert response.status_code == 400, path
        assert "This teacher does not supervise this cohort." in page_text(response), path
        assert "Carla Fremd" not in page_text(response)
    assert audit_trail(app) == []


ODD_INPUT = [
    "teacher=0",
    "teacher=99999999999999999999",
    "columns=",
    "preset=",
    "paper=LETTER",
    "group=%00",
    "columns=%3Cscript%3Ealert(1)%3C/script%3E",
]


@pytest.mark.parametrize("path", ["/print", "/roster.csv", "/cards"])
def test_odd_input_is_answered_and_never_a_server_error(roster, coordinator, client, path):
    for query in ODD_INPUT:
        response = client.get(url(roster.cohort_id, path, query))
        assert response.status_code in (200, 400), f"{path}?{query}"
        assert "<script>alert" not in response.get_data(as_text=True)


def test_a_teacher_number_in_unusual_digits_is_refused_not_a_server_error(
    app, roster, coordinator, client
):
    for path in ["/print", "/roster.csv", "/cards"]:
        response = client.get(url(roster.cohort_id, path, "teacher=%C2%B2"))  # "²"
        assert response.status_code == 400, path
        assert "Unknown teacher" in page_text(response), path
    assert audit_trail(app) == []


def test_a_cohort_too_large_to_print_still_downloads_as_a_spreadsheet(
    app, roster, coordinator, client
):
    app.config["ROSTER_PRINT_LIMIT"] = 3
    for path in ["/print", "/roster.pdf", "/cards", "/cards.pdf"]:
        response = client.get(url(roster.cohort_id, path))
        assert response.status_code == 400, path
        assert "This list has 7 students; print and PDF take at most 3." in page_text(response)
    assert audit_trail(app) == []

    assert client.get(url(roster.cohort_id, "/roster.csv")).status_code == 200
    assert client.get(url(roster.cohort_id, "/roster.xlsx")).status_code == 200
    bernd = roster.teachers["Bernd Vogel"]  # two students: small enough
    assert client.get(url(roster.cohort_id, "/print", f"teacher={bernd}")).status_code == 200
    assert [entry.action for entry in audit_trail(app)] == [
        "roster.csv",
        "roster.xlsx",
        "roster.print",
    ]


def test_a_family_list_too_large_to_print_counts_families(app, roster, coordinator, client):
    app.config["ROSTER_PRINT_LIMIT"] = 3
    response = client.get(url(roster.cohort_id, "/families"))

    assert response.status_code == 400
    page = page_text(response)
    assert "This list has 4 families" in page  # four approved families
    assert "4 students" not in page
    assert "one teacher's students" not in page  # no way to shorten a family list
    assert client.get(url(roster.cohort_id, "/families.csv")).status_code == 200


# Paper and presets -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "query", "body"),
    [
        ("en-US,en;q=0.8", "", "letter-landscape"),
        ("en-CA", "preset=transport", "letter-portrait"),
        ("de-DE,de;q=0.9", "", "a4-landscape"),
        ("en-GB", "preset=transport", "a4-portrait"),
        ("en-US", "paper=a4", "a4-landscape"),  # the chosen paper wins
    ],
)
def test_the_paper_follows_the_browsers_region_unless_chosen(
    roster, coordinator, client, language, query, body
):
    response = client.get(
        url(roster.cohort_id, "/print", query), headers={"Accept-Language": language}
    )

    assert response.status_code == 200
    assert f'<body class="{body}">' in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("preset", "label"),
    [("full", "Full roster"), ("transport", "Transport"), ("medical", "Medical")],
)
def test_the_chooser_marks_the_preset_in_use(roster, coordinator, client, preset, label):
    page = page_text(client.get(url(roster.cohort_id, "", f"preset={preset}")))

    chooser = page.split("<main", 1)[1]  # the navigation marks its own section too
    current = re.findall(r'<a [^>]*aria-current="true"[^>]*>([^<]*)</a>', chooser)
    assert [text.strip() for text in current] == [label]


def test_the_medical_preset_prints_care_needs_but_no_addresses(roster, coordinator, client):
    query = "preset=medical&group=family"
    printed = page_text(client.get(url(roster.cohort_id, "/print", query)))
    spreadsheet = csv_text(client.get(url(roster.cohort_id, "/roster.csv", query)))

    for output in (printed, spreadsheet):
        assert "Peanuts (carries an EpiPen)" in output
        assert "Type 1 diabetes: insulin pen, check at meals." in output
        assert "Onkel Otto" in output  # the emergency contact
        for where in ("45 Maple Road", "Amherst", "Elmwood Avenue", "+1 716 555"):
            assert where not in output


def test_the_transport_preset_prints_no_care_needs(roster, coordinator, client):
    query = "preset=transport&group=teacher"
    printed = page_text(client.get(url(roster.cohort_id, "/print", query)))
    spreadsheet = csv_text(client.get(url(roster.cohort_id, "/roster.csv", query)))

    for output in (printed, spreadsheet):
        assert "Amherst" in output
        assert "+1 716 555 0101" in output
        for care in ("Peanuts", "Lactose", "diabetes", "Asthma", "halal", "vegan", "Onkel Otto"):
            assert care not in output
        assert "+49 171 2000001" not in output  # the teacher column was not chosen


def test_one_teachers_students_on_the_print_view(roster, coordinator, client):
    bernd = roster.teachers["Bernd Vogel"]
    page = page_text(client.get(url(roster.cohort_id, "/print", f"teacher={bernd}")))

    assert "Mia Kowalski" in page
    assert "Tim Schulz" in page
    for name in ("Jonas Becker", "Aylin Demir", "Lea Fischer", "Paul Hoffmann", "Linh Nguyen"):
        assert name not in page


# The audit trail ---------------------------------------------------------------------------

ROSTER_COLUMNS = ["name", "family", "town", "family_phone"]
CARD_COLUMNS = ["name", "family", "address", "family_phone", "teacher"]
FAMILY_COLUMNS = ["family", "address", "phones", "email", "students", "beds"]
DOCUMENT_COLUMNS = ["name", "school", "missing"]
USES = [
    # path and query, action, format, the columns the entry must name
    ("?preset=transport", "roster.view", "html", ROSTER_COLUMNS),
    ("/print?preset=transport", "roster.print", "print", ROSTER_COLUMNS),
    ("/roster.pdf?preset=transport", "roster.pdf", "pdf", ROSTER_COLUMNS),
    ("/roster.csv?preset=transport", "roster.csv", "csv", ROSTER_COLUMNS),
    ("/roster.xlsx?columns=name&columns=allergies", "roster.xlsx", "xlsx", ["name", "allergies"]),
    ("/cards", "cards.print", "print", CARD_COLUMNS),
    ("/cards.pdf", "cards.pdf", "pdf", CARD_COLUMNS),
    ("/families", "families.print", "print", FAMILY_COLUMNS),
    ("/families.csv", "families.csv", "csv", FAMILY_COLUMNS),
    ("/families.xlsx", "families.xlsx", "xlsx", FAMILY_COLUMNS),
    ("/documents", "documents.print", "print", DOCUMENT_COLUMNS),
    ("/documents.csv", "documents.csv", "csv", DOCUMENT_COLUMNS),
]


def test_each_view_print_and_download_writes_one_audit_entry(app, roster, coordinator, client):
    for path, action, fmt, columns in USES:
        before = len(audit_trail(app))
        assert client.get(f"/rosters/cohorts/{roster.cohort_id}{path}").status_code == 200, path
        entries = audit_trail(app)[before:]
        assert len(entries) == 1, path
        entry = entries[0]
        assert entry.user_id == coordinator
        assert (entry.action, entry.record_type, entry.record_id) == (
            action,
            "cohort",
            roster.cohort_id,
        )
        assert entry.details["format"] == fmt, path
        assert entry.details["columns"] == columns, path


def test_the_audit_entry_names_the_teacher_chosen_and_the_grouping(
    app, roster, coordinator, client
):
    bernd = roster.teachers["Bernd Vogel"]
    client.get(url(roster.cohort_id, "/print", f"teacher={bernd}&group=family"))

    [entry] = audit_trail(app)
    assert entry.details["teacher_id"] == bernd
    assert entry.details["group"] == "family"


def test_the_audit_trail_holds_no_names(app, roster, coordinator, client):
    anna = roster.teachers["Anna Lehmann"]
    for path, _action, _fmt, _columns in USES:
        client.get(f"/rosters/cohorts/{roster.cohort_id}{path}")
    client.get(url(roster.cohort_id, "/roster.csv", f"teacher={anna}&group=teacher"))

    trail = audit_trail(app)
    assert len(trail) == len(USES) + 1
    written = " ".join(str(entry.details) for entry in trail)
    names = [part for last, first, *_rest in STUDENTS for part in (last, first)]
    for name in [*names, "Zimmermann", "Miller", "Kowalczyk", "Schneider", "Lehmann", "Vogel"]:
        assert name not in written


def test_a_note_typed_on_several_lines_prints_as_one_line_of_its_cell(roster, coordinator, client):
    from app.models import Student

    with client.application.app_context():
        tim = db.session.scalar(sa.select(Student).where(Student.first_name == "Tim"))
        tim.medical_notes = "Type 1 diabetes:\r\ninsulin pen\nat meals."
        db.session.commit()
    body = client.get(url(roster.cohort_id, "/print", "preset=medical")).get_data(as_text=True)
    assert "Type 1 diabetes:  insulin pen at meals." in body
    assert "insulin pen\n" not in body
