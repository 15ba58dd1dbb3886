"""The audit trail page an admin reads: only admins, newest first, filters that narrow the list,
clear messages for bad filters, pages of 50, the CSV download (itself recorded), and no way to
change or delete an entry."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import datetime

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEntry, Role
from app.services.identity import accounts
from app.services.privacy import audit
from tests.conftest import make_user, post

URL = "/admin/audit"
CSV_URL = "/admin/audit.csv"
ADMIN = "admin@example.org"
STAFF = "coordinator@example.org"
TEACHER = "teacher@example.org"
HEADER = ["at_utc", "user", "action", "record_type", "record_id", "details", "address"]


# --- helpers -------------------------------------------------------------------------------


def add_entry(
    app,
    action: str,
    record_type: str = "",
    record_id: int | None = None,
    *,
    by: int | None = None,
    at: datetime | None = None,
    details: dict | None = None,
) -> int:
    """An entry written through the service, at the given (UTC) time; its id."""
    with app.app_context():
        entry = audit.record(action, record_type, record_id, details, user_id=by)
        if at is not None:
            entry.at = at
        db.session.commit()
        return entry.id


def user_id(app, email: str) -> int:
    with app.app_context():
        return accounts.find_user(email).id


def entry_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(AuditEntry.id)))


def cell_text(cell: str) -> str:
    cell = re.sub(r"<br\s*/?>", " ", cell)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", cell)).split())


def table_rows(page: str) -> list[list[str]]:
    """The cells of each entry row of the table, as text; [] when no entry matches."""
    body = re.search(r"<tbody>(.*?)</tbody>", page, re.DOTALL)
    assert body, "no table on the page"
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.DOTALL):
        cells = [cell_text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)]
        if len(cells) == 6:
            rows.append(cells)
    return rows


def actions_listed(page: str) -> list[str]:
    return [row[2] for row in table_rows(page)]


def records_listed(page: str) -> list[str]:
    return [row[3] for row in table_rows(page)]


def text(page: str) -> str:
    """The page's visible text with tags dropped and spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


@pytest.fixture
def people(app) -> dict[str, int]:
    """A coordinator and a teacher, and their ids."""
    return {
        "coordinator": make_user(app, STAFF, Role.COORDINATOR),
        "teacher": make_user(app, TEACHER, Role.TEACHER),
    }


@pytest.fixture
def admin(auth, client, people):
    auth.login_as(Role.ADMIN, ADMIN)
    return client


# --- who may read ----------------------------------------------------------------------------


def test_the_admin_sees_entries_newest_first_with_the_persons_email(app, admin, people):
    add_entry(
        app,
        "student.changed",
        "student",
        41,
        by=people["coordinator"],
        at=datetime(2024, 3, 1, 9, 30),
        details={"fields": ["first_name", "allergies"]},
    )
    add_entry(
        app, "student.medical_viewed", "student", 42, by=people["teacher"], at=datetime(2024, 3, 2)
    )

    response = admin.get(URL)

    assert response.status_code == 200
    rows = table_rows(response.get_data(as_text=True))
    listed = [(row[1], row[2], row[3]) for row in rows]
    assert listed[-2:] == [
        (TEACHER, "student.medical_viewed", "student #42"),
        (STAFF, "student.changed", "student #41"),
    ]
    assert listed[0] == (ADMIN, "login", f"user #{user_id(app, ADMIN)}")  # just now
    assert "fields: first_name, allergies" in rows[-1][4]
    assert f"{entry_count(app)} entries" in text(response.get_data(as_text=True))


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.TEACHER, Role.HOST_FAMILY])
def test_other_roles_are_refused(app, auth, client, role):
    add_entry(app, "student.changed", "student", 1)
    auth.login_as(role)
    for url in (URL, CSV_URL, f"{URL}?action=student.changed"):
        assert client.get(url).status_code == 403, url
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == "audit.exported")
            )
            == 0
        )


def test_anonymous_visitors_are_sent_to_login(app, client):
    for url in (URL, CSV_URL):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/login"), response.headers["Location"]


# --- filters ---------------------------------------------------------------------------------


@pytest.fixture
def trail(app, people) -> dict[str, int]:
    """Entries by two people about two students and a cohort, over a week of March 2024."""
    coordinator, teacher = people["coordinator"], people["teacher"]
    return {
        "c_created": add_entry(
            app, "student.created", "student", 7, by=coordinator, at=datetime(2024, 3, 1, 8)
        ),
        "c_changed": add_entry(
            app,
            "student.changed",
            "student",
            7,
            by=coordinator,
            at=datetime(2024, 3, 2, 23, 59, 59),
            details={"fields": ["phone"]},
        ),
        "t_viewed": add_entry(
            app, "student.medical_viewed", "student", 8, by=teacher, at=datetime(2024, 3, 3, 0, 0)
        ),
        "t_roster": add_entry(
            app, "roster.pdf", "cohort", 7, by=teacher, at=datetime(2024, 3, 5, 12)
        ),
        "nobody": add_entry(
            app, "student.changed", "student", 8, at=datetime(2024, 3, 7, 6), details={}
        ),
    }


def test_the_person_filter_shows_only_that_persons_entries(app, admin, trail):
    page = admin.get(f"{URL}?person=Coordinator@Example.org").get_data(as_text=True)

    rows = table_rows(page)
    assert [(row[1], row[2], row[3]) for row in rows] == [
        (STAFF, "student.changed", "student #7"),
        (STAFF, "student.created", "student #7"),
    ]
    assert "2 entries" in text(page)


def test_the_action_filter_shows_only_that_action(app, admin, trail):
    page = admin.get(f"{URL}?action=student.changed").get_data(as_text=True)

    assert actions_listed(page) == ["student.changed", "student.changed"]
    assert records_listed(page) == ["student #8", "student #7"]


def test_the_record_filter_shows_only_that_record(app, admin, trail):
    page = admin.get(f"{URL}?record_type=student&record_id=7").get_data(as_text=True)
    assert actions_listed(page) == ["student.changed", "student.created"]
    assert set(records_listed(page)) == {"student #7"}

    page = admin.get(f"{URL}?record_type=cohort").get_data(as_text=True)
    assert (actions_listed(page), records_listed(page)) == (["roster.pdf"], ["cohort #7"])


def test_filters_combine(app, admin, trail):
    page = admin.get(
        f"{URL}?person={STAFF}&action=student.changed&record_type=student&record_id=7"
    ).get_data(as_text=True)
    assert [(row[1], row[2], row[3]) for row in table_rows(page)] == [
        (STAFF, "student.changed", "student #7")
    ]

    page = admin.get(f"{URL}?person={TEACHER}&action=student.created").get_data(as_text=True)
    assert table_rows(page) == []
    assert "No entry matches." in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("since=2024-03-02&until=2024-03-03", ["t_viewed", "c_changed"]),  # both days whole
        ("since=2024-03-03&until=2024-03-31", ["nobody", "t_roster", "t_viewed"]),
        ("until=2024-03-02", ["c_changed", "c_created"]),
        ("since=2024-03-04&until=2024-03-04", []),
        ("since=2024-03-05&until=2024-03-05", ["t_roster"]),
    ],
)
def test_the_date_range_takes_whole_utc_days(app, admin, trail, query, expected):
    response = admin.get(f"{URL}?{query}")

    assert response.status_code == 200
    with app.app_context():
        described = {
            name: (entry.action, f"{entry.record_type} #{entry.record_id}")
            for name, entry in (
                (name, db.session.get(AuditEntry, entry_id)) for name, entry_id in trail.items()
            )
        }
    listed = [(row[2], row[3]) for row in table_rows(response.get_data(as_text=True))]
    assert listed == [described[name] for name in expected]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("action=student.teleported", "Choose one of the options."),
        ("record_type=spaceship", "Choose one of the options."),
        ("person=nobody@example.org", "No account has this email."),
        ("since=2024-03-05&until=2024-03-01", "The end comes before the start."),
        ("record_id=0", "Enter a number from 1 to"),
        ("record_id=-3", "Enter a number from 1 to"),
        ("record_id=99999999999999999999", "Enter a number from 1 to"),
        ("record_id=seven", "Not a valid integer value"),
        ("since=2024-02-30", "Enter a date."),
        ("until=yesterday", "Enter a date."),
    ],
)
def test_bad_filters_are_answered_with_400_and_a_message(app, admin, trail, query, message):
    exported_before = entry_count(app)

    response = admin.get(f"{URL}?{query}")

    assert response.status_code == 400
    assert message in html.unescape(response.get_data(as_text=True))
    download = admin.get(f"{CSV_URL}?{query}")
    assert download.status_code == 400
    assert message in html.unescape(download.get_data(as_text=True))
    assert entry_count(app) == exported_before  # a refused download is not recorded


@pytest.mark.parametrize("query", ["until=9999-12-31", "since=2024-01-01&until=9999-12-31"])
def test_the_last_possible_day_is_answered_not_broken(app, admin, trail, query):
    """9999-12-31 is a date the form accepts: the page lists what matches (or says what is
    wrong with the filter), and the download is a whole file (or refused before it starts)."""
    assert admin.get(f"{URL}?{query}").status_code in (200, 400)

    exported_before = entry_count(app)
    download = admin.get(f"{CSV_URL}?{query}")
    try:
        data = download.get_data()
    except OverflowError as error:
        pytest.fail(f"the download answered {download.status_code} and broke off: {error!r}")
    if download.status_code == 200:
        assert data.startswith("\ufeffat_utc,".encode())
    else:
        assert download.status_code == 400
        assert entry_count(app) == exported_before


# --- pages -----------------------------------------------------------------------------------


def test_entries_come_in_pages_of_50(app, admin):
    with app.app_context():
        for number in range(1, 121):
            audit.record("student.medical_viewed", "student", number, {"page": "test"})
        db.session.commit()
    total = entry_count(app)
    assert 122 <= total <= 150

    first = admin.get(URL).get_data(as_text=True)
    assert "Page 1 of 3" in text(first)
    assert len(table_rows(first)) == 50
    assert f"{total} entries" in text(first)
    assert 'rel="next"' in first and 'rel="prev"' not in first

    last = admin.get(f"{URL}?page=3").get_data(as_text=True)
    assert "Page 3 of 3" in text(last)
    assert len(table_rows(last)) == total - 100
    assert 'rel="next"' not in last

    filtered = admin.get(f"{URL}?action=student.medical_viewed&page=2").get_data(as_text=True)
    assert "Page 2 of 3" in text(filtered)
    assert "action=student.medical_viewed" in html.unescape(filtered)  # links keep the filter
    seen = [
        int(record.split("#")[1])
        for page in (1, 2, 3)
        for record in records_listed(
            admin.get(f"{URL}?action=student.medical_viewed&page={page}").get_data(as_text=True)
        )
    ]
    assert seen == list(range(120, 0, -1))  # newest first, each once


def test_a_long_trail_is_counted_up_to_a_cap_and_still_paged_to_its_end(app, admin, monkeypatch):
    monkeypatch.setattr("app.admin.routes.AUDIT_COUNT_CAP", 60)
    with app.app_context():
        for number in range(1, 161):
            audit.record("student.medical_viewed", "student", number, {"page": "test"})
        db.session.commit()
    total = entry_count(app)
    assert 162 <= total <= 200

    first = admin.get(URL).get_data(as_text=True)
    assert "More than 60 entries" in text(first)
    assert "Page 1" in text(first) and "Page 1 of" not in text(first)
    assert len(table_rows(first)) == 50
    assert 'rel="next"' in first and 'rel="prev"' not in first

    # beyond the cap the count reaches the page asked for: still "more than", Next offered
    third = admin.get(f"{URL}?page=3").get_data(as_text=True)
    assert "More than 150 entries" in text(third)
    assert "Page 3" in text(third) and 'rel="next"' in third and 'rel="prev"' in third

    # the last page knows it is the last: the exact total, "of", no Next
    last_number = -(-total // 50)
    last = admin.get(f"{URL}?page={last_number}").get_data(as_text=True)
    assert f"{total} entries" in text(last)
    assert f"Page {last_number} of {last_number}" in text(last)
    assert len(table_rows(last)) == total - 50 * (last_number - 1)
    assert 'rel="next"' not in last

    seen = [
        int(record.split("#")[1])
        for page in range(1, last_number + 1)
        for record in records_listed(
            admin.get(f"{URL}?action=student.medical_viewed&page={page}").get_data(as_text=True)
        )
    ]
    assert seen == list(range(160, 0, -1))  # newest first, each once


def test_the_capped_count_reads_in_german(app, admin, monkeypatch):
    monkeypatch.setattr("app.admin.routes.AUDIT_COUNT_CAP", 1000)
    with app.app_context():
        for number in range(1, 1101):
            audit.record("student.medical_viewed", "student", number, {"page": "test"})
        db.session.commit()
    admin.set_cookie("lang", "de")
    page = text(admin.get(URL).get_data(as_text=True))
    assert "Mehr als 1.000 Einträge" in page
    assert "Seite 1" in page and "Seite 1 von" not in page


# --- the CSV download ------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    data = response.get_data()
    assert data.startswith("\ufeff".encode()), data[:10]
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_download_holds_exactly_the_filtered_entries_and_is_recorded(app, admin, people, trail):
    admin_id = user_id(app, ADMIN)

    response = admin.get(f"{CSV_URL}?person={STAFF}&record_type=student")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0] == HEADER
    assert rows[1:] == [
        [
            "2024-03-02T23:59:59Z",
            STAFF,
            "student.changed",
            "student",
            "7",
            '{"fields": ["phone"]}',
            "",
        ],
        ["2024-03-01T08:00:00Z", STAFF, "student.created", "student", "7", "{}", ""],
    ]
    with app.app_context():
        exported = list(
            db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "audit.exported"))
        )
        assert len(exported) == 1
        assert exported[0].user_id == admin_id
        assert sorted(exported[0].details["filters"]) == ["record_type", "user_id"]
        assert exported[0].ip_address == "127.0.0.1"


def test_the_download_of_a_date_range_matches_the_page(app, admin, trail):
    query = "since=2024-03-02&until=2024-03-05"
    page = admin.get(f"{URL}?{query}").get_data(as_text=True)
    rows = read_csv(admin.get(f"{CSV_URL}?{query}"))

    on_page = [(row[2], row[3]) for row in table_rows(page)]
    in_file = [(row[2], f"{row[3]} #{row[4]}" if row[4] else row[3] or "—") for row in rows[1:]]
    assert in_file == on_page
    assert len(in_file) == 3
    assert all(row[0][:10] in {"2024-03-02", "2024-03-03", "2024-03-05"} for row in rows[1:])


def test_the_recorded_download_shows_on_the_page(app, admin, trail):
    admin.get(f"{CSV_URL}?action=roster.pdf")

    page = admin.get(f"{URL}?action=audit.exported").get_data(as_text=True)
    rows = table_rows(page)
    assert [(row[1], row[2]) for row in rows] == [(ADMIN, "audit.exported")]
    assert "filters: action" in rows[0][4]


# --- the trail cannot be edited --------------------------------------------------------------


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_the_trail_cannot_be_changed_through_the_application(app, admin, trail, method):
    before = entry_count(app)
    for url in (URL, CSV_URL, f"{URL}?action=student.changed"):
        response = admin.open(url, method=method)
        assert response.status_code == 405, (method, url, response.status_code)
    assert entry_count(app) == before


def test_a_post_with_a_csrf_token_is_refused_too(app, admin, trail):
    before = entry_count(app)
    assert post(admin, URL, {"action": "student.changed"}).status_code == 405
    assert entry_count(app) == before


def test_no_route_writes_to_the_trail_by_its_address(app):
    """Every rule under /admin/audit only reads."""
    rules = [rule for rule in app.url_map.iter_rules() if "audit" in rule.rule]
    assert {rule.rule for rule in rules} >= {URL, CSV_URL}
    for rule in rules:
        assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, (rule.rule, rule.methods)
