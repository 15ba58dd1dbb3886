"""The world the fuzzer runs in: the roster cohort of tests/rosters/data.py plus one row of
every other kind (history events, an import batch, a consent, applications at each vetting
step, a family with a draft), logged-in clients for each role, the form fields the pages
offer, and a snapshot of the database to tell whether a refused request stored anything."""

from __future__ import annotations

import logging
import re
import traceback
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlsplit

import sqlalchemy as sa
from flask import Flask
from werkzeug.exceptions import HTTPException

from app.access import GRANTS, PUBLIC, Permission, rule_for
from app.extensions import db
from app.models import (
    ApplicationDraft,
    Cohort,
    CohortTeacher,
    ConcernReport,
    DocumentFile,
    DocumentKind,
    Enrolment,
    GroupMessage,
    GuardianConsent,
    HistoryEvent,
    HostApplication,
    HostFamily,
    ImportBatch,
    Job,
    LinkPurpose,
    OutboxEmail,
    Placement,
    Programme,
    ReviewState,
    Role,
    Student,
    Teacher,
    User,
)
from app.models.base import utcnow
from app.services.enrolment import (
    applications_online,
    document_files,
    documents,
    enrolments,
    imports,
)
from app.services.hosting.sections import Section
from app.services.hosting.signup import sign_up
from app.services.identity import recovery
from app.services.mail.shipped import TEMPLATES
from tests.conftest import CSRF_RE, PASSWORD, make_user
from tests.factories import (
    FAMILY_PASSWORD,
    TEACHER_PASSWORD,
    make_application,
    make_student,
    make_vetted_family,
)
from tests.rosters.data import build

# Logging, login sessions and the attempts the limits on passwords count change on every
# request, refused or not (a wrong password is answered with the form again, and counted); a
# list's search is kept with the login session when a list page is opened with ?q= or ?clear=1.
UNWATCHED_TABLES = frozenset({"audit_entries", "login_sessions", "attempts", "saved_searches"})

# The model behind each id in a URL: the fuzzer picks real ids from these tables.
ID_MODELS = {
    "draft_id": ApplicationDraft,
    "application_id": HostApplication,
    "batch_id": ImportBatch,
    "cohort_id": Cohort,
    "report_id": ConcernReport,
    "consent_id": GuardianConsent,
    "enrolment_id": Enrolment,
    "event_id": HistoryEvent,
    "file_id": DocumentFile,
    "job_id": Job,
    "family_id": HostFamily,
    "message_id": GroupMessage,
    "placement_id": Placement,
    "programme_id": Programme,
    "student_id": Student,
    "teacher_id": Teacher,
    "user_id": User,
}
# The sections of a family's application (/family/application/<section>).
SECTIONS = [section.value for section in Section]
# The sections of an application made online (/apply/applications/<id>/<part>).
PARTS = [section.value for section in applications_online.Section]
# The automatic emails admins reword (/admin/emails/<key>).
EMAIL_KEYS = [template.key for template in TEMPLATES]
# The documents a file can be uploaded for (/enrolments/<id>/files/<kind>/upload).
FILE_KINDS = [kind.value for kind in document_files.KINDS]
# Two ids in one URL that belong together (a consent of that enrolment, ...).
ID_PAIRS = {
    ("cohort_id", "placement_id"): (Placement.cohort_id, Placement.id),
    ("cohort_id", "teacher_id"): (CohortTeacher.cohort_id, CohortTeacher.teacher_id),
    ("consent_id", "enrolment_id"): (GuardianConsent.id, GuardianConsent.enrolment_id),
    ("enrolment_id", "file_id"): (DocumentFile.enrolment_id, DocumentFile.id),
}
SAMPLE_CSV = Path(__file__).resolve().parents[2] / "app" / "static" / "samples"
SAMPLE_CSV = SAMPLE_CSV / "students-sample.csv"


@dataclass(frozen=True)
class Actor:
    role: Role
    email: str
    password: str


# The accounts that send the requests; the teacher is the roster's Anna Lehmann.
ACTORS = {
    Role.ADMIN: Actor(Role.ADMIN, "fuzz-admin@example.org", PASSWORD),
    Role.COORDINATOR: Actor(Role.COORDINATOR, "fuzz-coordinator@example.org", PASSWORD),
    Role.HOST_FAMILY: Actor(Role.HOST_FAMILY, "fuzz-family@example.org", FAMILY_PASSWORD),
}


def roles_for(app: Flask, endpoint: str) -> list[Role | None]:
    """Who may use the endpoint: None is an anonymous visitor. Public pages are also tried
    by a logged-in admin (the login page redirects, the language switch stores the choice)."""
    with app.app_context():
        rule = rule_for(endpoint)
    if rule == PUBLIC:
        return [None, Role.ADMIN]
    return [role for role in Role if role in GRANTS[Permission(rule)]]


# --- what went wrong inside the application ---------------------------------------------


class ErrorLog(logging.Handler):
    """Keeps the tracebacks the error handler logs (it answers 500 and logs the exception)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            self.records.append("".join(traceback.format_exception(*record.exc_info)))
        else:
            self.records.append(record.getMessage())


# --- the form fields of every page --------------------------------------------------------


class FormParser(HTMLParser):
    """The forms of a page: action, method and every field name with the values it offers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, str, dict[str, set[str]]]] = []
        self._fields: dict[str, set[str]] | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._fields = {}
            self.forms.append((a.get("action", ""), a.get("method", "get").lower(), self._fields))
            return
        if self._fields is None:
            return
        name = a.get("name")
        if tag in ("input", "button", "textarea") and name:
            values = self._fields.setdefault(name, set())
            if "value" in a:
                values.add(a["value"])
        elif tag == "select" and name:
            self._fields.setdefault(name, set())
            self._select = name
        elif tag == "option" and self._select and "value" in a:
            self._fields[self._select].add(a["value"])
        if tag == "textarea" and name:
            self._textarea = name

    def handle_data(self, data: str) -> None:
        if self._textarea and self._fields is not None and data.strip():
            self._fields[self._textarea].add(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


@dataclass
class Fields:
    """Field names an endpoint reads (from the forms that send to it), with seen values."""

    by_endpoint: dict[tuple[str, str], dict[str, set[str]]] = field(default_factory=dict)

    def add_page(self, app: Flask, page_url: str, html: str) -> None:
        parser = FormParser()
        parser.feed(html)
        adapter = app.url_map.bind("localhost")
        for action, method, fields in parser.forms:
            method = "POST" if method == "post" else "GET"
            path = urlsplit(action or page_url).path
            try:
                endpoint, _args = adapter.match(path, method=method)
            except HTTPException:
                continue
            known = self.by_endpoint.setdefault((endpoint, method), {})
            for name, values in fields.items():
                if name != "csrf_token":
                    known.setdefault(name, set()).update(values)

    def of(self, endpoint: str, method: str) -> dict[str, list[str]]:
        found = self.by_endpoint.get((endpoint, method), {})
        return {name: sorted(values) for name, values in sorted(found.items())}


# --- the world ----------------------------------------------------------------------------


@dataclass(repr=False)
class World:
    app: Flask
    actors: dict[Role, Actor]
    ids: dict[str, list[int]]
    pairs: dict[tuple[str, str], list[tuple[int, int]]]
    fields: Fields
    errors: ErrorLog
    tokens: list[str] = field(default_factory=list)  # of emailed links: <token> in URLs
    clients: dict[Role | None, object] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"<World of {sum(map(len, self.ids.values()))} rows>"

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # hypothesis prints failing examples
        printer.text(repr(self))

    def refresh_ids(self) -> None:
        """The ids that exist now: accepted requests add rows (an uploaded file) and erase some."""
        self.ids, self.pairs = _rows(self.app)
        self.ids["token"] = self.tokens
        self.ids["section"] = SECTIONS
        self.ids["part"] = PARTS
        self.ids["key"] = EMAIL_KEYS
        self.ids["kind"] = FILE_KINDS

    def snapshot(self) -> dict[str, list[str]]:
        """Every row of every watched table, as text (plain SQL: this runs twice a request).
        PostgreSQL gets all the SELECTs in one round trip, and psycopg hands back one result
        per statement."""
        with self.app.app_context():
            connection = db.session.connection()
            quote = connection.dialect.identifier_preparer.quote
            names = [t.name for t in db.metadata.sorted_tables if t.name not in UNWATCHED_TABLES]
            selects = [f"SELECT * FROM {quote(name)}" for name in names]  # noqa: S608 (ours)
            if connection.dialect.name == "postgresql":
                cursor = connection.connection.cursor()
                try:
                    cursor.execute("; ".join(selects))
                    results = [cursor.fetchall()]
                    while cursor.nextset():
                        results.append(cursor.fetchall())
                finally:
                    cursor.close()
            else:
                results = [connection.exec_driver_sql(sql).fetchall() for sql in selects]
            return {
                name: sorted(repr(tuple(row)) for row in rows)
                for name, rows in zip(names, results, strict=True)
            }

    def client(self, role: Role | None):
        """A client logged in as the role (anonymous for None) and its CSRF token. Whatever
        the last request did (log out, change the account's role, deactivate it), the
        account and its login are put right first: POST /logout is fuzzed like any route,
        and the next example logs in again."""
        client = self.clients.get(role)
        if client is None:
            client = self.clients[role] = self.app.test_client()
        if role is None:
            response = client.get("/login")
            if response.status_code != 200:  # somehow logged in: start over
                client = self.clients[role] = self.app.test_client()
                response = client.get("/login")
            return client, _token(response)
        self._repair(self.actors[role])
        response = client.get("/account/")
        if response.status_code != 200:
            actor = self.actors[role]
            assert _log_in(client, actor) == 302, f"{actor.email} cannot log in again"
            response = client.get("/account/")
            assert response.status_code == 200
        return client, _token(response)

    def _repair(self, actor: Actor) -> None:
        """The actor's account exists, is active and has its role (an admin may have changed
        it through the fuzzed user pages)."""
        with self.app.app_context():
            user = db.session.scalar(sa.select(User).where(User.email == actor.email))
            assert user is not None, f"the fuzzing account {actor.email} was deleted"
            if user.role != actor.role or not user.active:
                user.role = actor.role
                user.active = True
                db.session.commit()


def _token(response) -> str:
    match = CSRF_RE.search(response.get_data(as_text=True))
    assert match, "no CSRF token on the page"
    return match.group(1)


def _rows(app: Flask) -> tuple[dict[str, list[int]], dict[tuple[str, str], list[tuple]]]:
    with app.app_context():
        ids = {
            name: sorted(db.session.scalars(sa.select(model.id)).all())
            for name, model in ID_MODELS.items()
        }
        pairs = {
            names: [tuple(row) for row in db.session.execute(sa.select(*columns)).all()]
            for names, columns in ID_PAIRS.items()
        }
    return ids, pairs


def build_world(app: Flask) -> World:
    """Fill the database, then open every page to learn its forms."""
    roster = build(app)
    cohort_id = roster.cohort_id
    make_user(app, ACTORS[Role.ADMIN].email, Role.ADMIN)
    make_user(app, ACTORS[Role.COORDINATOR].email, Role.COORDINATOR)
    # The family's own application is a draft, so that its form takes answers.
    make_application(app, ACTORS[Role.HOST_FAMILY].email, submitted=False, cohort_ids=[cohort_id])
    for status in ("submitted", "references_checked", "background_cleared", "home_visited"):
        make_vetted_family(app, [cohort_id], status, family_name=f"Vetting {status}")
    withdrawn = Actor(Role.HOST_FAMILY, "fuzz-withdrawn@example.org", FAMILY_PASSWORD)
    make_vetted_family(app, [cohort_id], "withdrawn", email=withdrawn.email)
    make_student(app, last_name="Notenrolled")  # the cohort's page finds them to enrol
    teacher = Actor(Role.TEACHER, roster.teacher_emails["Anna Lehmann"], TEACHER_PASSWORD)
    actors = {**ACTORS, Role.TEACHER: teacher, Role.GUARDIAN: GUARDIAN}
    with app.app_context():
        for year, title in ((1977, "Partnership"), (2001, "Twenty-fourth exchange")):
            db.session.add(
                HistoryEvent(year=year, title_en=title, title_de=title, text_en="-", text_de="-")
            )
        admin = db.session.scalar(sa.select(User).where(User.email == actors[Role.ADMIN].email))
        imports.create_batch(SAMPLE_CSV.read_bytes(), "students.csv", cohort_id, admin.id)
        enrolment = db.session.get(Enrolment, roster.enrolments["Becker"])
        guardian = enrolment.student.guardians[0]
        documents.record_consent(
            enrolment,
            guardian.name,
            datetime(2026, 1, 5),
            documents.current_wording_version(),
            admin.id,
            guardian_id=guardian.id,
        )
        _concern_reports(enrolment, admin)
        _document_files(enrolment, admin)
        _group_messages(enrolment.cohort, admin)
        _jobs(cohort_id, admin)
        db.session.add(  # an email that could not be sent: the queue offers to retry
            OutboxEmail(recipient="x@example.org", subject="-", body="-", attempts=3)
        )
        db.session.commit()
    tokens = [*_link_tokens(app), _guardians(app, cohort_id)]
    ids, pairs = _rows(app)
    ids["token"] = tokens
    ids["section"] = SECTIONS
    ids["part"] = PARTS
    ids["key"] = EMAIL_KEYS
    ids["kind"] = FILE_KINDS
    errors = ErrorLog()
    app.logger.addHandler(errors)
    world = World(app, actors, ids, pairs, Fields(), errors, tokens)
    harvest(world, withdrawn)
    return world


def _document_files(enrolment: Enrolment, by: User) -> None:
    """Uploaded files to review and download: two waiting, one rejected, one accepted."""
    from tests.services.enrolment.test_uploads import a_pdf, a_photo

    medical = DocumentKind.MEDICAL_FORM
    for content in (a_pdf(), a_photo()):
        document_files.upload(enrolment, medical, content, "scan.pdf", by)
    rejected = document_files.upload(enrolment, medical, a_pdf(), "old.pdf", by)
    rejected.state, rejected.rejection_reason = ReviewState.REJECTED, "Unreadable."
    rejected.reviewed_at = rejected.uploaded_at
    accepted = document_files.upload(enrolment, DocumentKind.INSURANCE, a_pdf(), "i.pdf", by)
    accepted.state, accepted.reviewed_at = ReviewState.ACCEPTED, accepted.uploaded_at


def _concern_reports(enrolment: Enrolment, by: User) -> None:
    """Concern reports to act on: an urgent one and a safeguarding one nobody owns yet."""
    from datetime import timedelta

    from app.services.supervision import compliance, concerns

    day = compliance.local_today(enrolment.cohort) - timedelta(days=1)
    for category, severity in (("health", "urgent"), ("safeguarding", "routine")):
        values = {"category": category, "severity": severity, "happened_on": day}
        values["what_happened"] = "Fell ill."
        concerns.report(enrolment, by, values, lambda report_id: f"/care/concerns/{report_id}")


def _group_messages(cohort, by: User) -> None:
    """A message sent to the cohort's guardians (its delivery log) and a draft."""
    from app.services.mail import group_messages

    texts = {"subject_en": "Hi", "body_en": "{name}", "subject_de": "Hallo", "body_de": "{name}"}
    sent = group_messages.create(group_messages.GUARDIANS, cohort, texts)
    group_messages.send(sent, by, lambda token: f"https://example.org/messages/unsubscribe/{token}")
    group_messages.create(group_messages.VETTING, None, texts)


def _jobs(cohort_id: int, by: User) -> None:
    """A background job with its file (a roster PDF) and one that failed."""
    from app.models import JobStatus
    from app.storage import transactional

    for status in (JobStatus.DONE, JobStatus.FAILED):
        params = {"cohort_id": cohort_id, "args": {}, "locale": "en_GB"}
        job = Job(kind="roster_pdf", user_id=by.id, params=params, same_as=status.value)
        job.status, job.finished_at = status, utcnow()
        db.session.add(job)
        db.session.flush()
        if status == JobStatus.DONE:
            job.result_key = transactional.add(b"%PDF-1.7", prefix=f"jobs/{job.id}")
            job.filename, job.content_type = "roster.pdf", "application/pdf"


GUARDIAN = Actor(Role.GUARDIAN, "fuzz-guardian@example.org", PASSWORD)


def _guardians(app: Flask, cohort_id: int) -> str:
    """A student of the cohort whose first guardian has an account (the fuzzing guardian)
    and whose second has an invitation still open; the token of that invitation."""
    from app.services.identity import invitations

    people = [
        {
            "name": "Fuzz Guardian",
            "relation": "mother",
            "phone": "+49 231 1",
            "email": GUARDIAN.email,
        },
        {
            "name": "Fuzz Invited",
            "relation": "father",
            "phone": "+49 231 2",
            "email": "fuzz-inv@x.org",
        },
    ]
    student_id = make_student(app, last_name="Guarded", guardians=people)
    tokens: list[str] = []
    with app.app_context():
        student = db.session.get(Student, student_id)
        enrolment = enrolments.enrol(student, db.session.get(Cohort, cohort_id))
        first, second = (str(g.id) for g in student.guardians)
        invitations.invite(student, first, None, lambda t: tokens.append(t) or t)
        account = invitations.accept_with_new_account(tokens.pop(), GUARDIAN.password)
        invitations.invite(student, second, None, lambda t: tokens.append(t) or t)
        # An application online the guardian is writing, one section saved.
        user = db.session.scalar(sa.select(User).where(User.email == GUARDIAN.email))
        draft = applications_online.start(user, db.session.get(Cohort, cohort_id))
        applications_online.save(draft, applications_online.Section.DIET, {"diet": "vegan"})
        # And one submitted for this student, whose done page offers to invite the second.
        db.session.add(
            ApplicationDraft(
                user_id=user.id, cohort_id=cohort_id, submitted_at=utcnow(), student_id=student_id
            )
        )
        _guardians_file(enrolment, account)
        db.session.commit()
    return tokens[0]


def _guardians_file(enrolment: Enrolment, account: User) -> None:
    """The guardian's own upload of the passport (to download) and the other guardian's
    consent (the guardian may still give theirs, and withdraw); the medical form and the
    rest stay missing, so that their upload forms are walked."""
    from tests.services.enrolment.test_uploads import a_pdf

    document_files.upload(enrolment, DocumentKind.PASSPORT_VISA, a_pdf(), "p.pdf", account)
    other = enrolment.student.guardians[1]
    version = documents.current_wording_version()
    documents.record_consent(
        enrolment, other.name, datetime(2026, 1, 5), version, None, guardian_id=other.id
    )


def _link_tokens(app: Flask) -> list[str]:
    """Tokens of links that work: a new password for an account nobody fuzzes with, and the
    confirmation of a family that signed up (a fuzzed request may spend them)."""
    with app.app_context():
        user_id = make_user(app, "fuzz-forgetful@example.org", Role.TEACHER)
        reset = recovery.issue(db.session.get(User, user_id), LinkPurpose.RESET_PASSWORD)
        confirm = []
        sign_up("fuzz-unconfirmed@example.org", FAMILY_PASSWORD, lambda t: confirm.append(t) or t)
        db.session.commit()
        from app.services.mail import group_messages

        unsubscribe = group_messages.unsubscribe_token("fuzz-unsubscribe@example.org")
    return [reset, *confirm, unsubscribe]


ARGUMENT = re.compile(r"<(?:[^:<>]+:)?(\w+)>")


def fill(rule: str, values: dict[str, object]) -> str:
    """The rule's path with each <converter:name> replaced by the value, quoted."""
    return ARGUMENT.sub(lambda m: quote(str(values[m.group(1)]), safe=""), rule)


# Pages that are files (PDF, CSV, XLSX, ZIP) carry no forms; rendering a PDF takes a second.
FILE_PAGE = re.compile(r"(\.pdf|\.csv|\.xlsx|<any\(|/export)")


def harvest(world: World, withdrawn_family: Actor) -> None:
    """Open every page and note the fields of its forms: pages without an id as each role
    that may open them, pages with ids once for every real id of their first argument.
    A family whose application is withdrawn shows the form to apply again."""
    app = world.app
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static" or "GET" not in rule.methods or FILE_PAGE.search(rule.rule):
            continue
        names = sorted(rule.arguments)
        roles = roles_for(app, rule.endpoint)
        urls = [rule.rule]
        if names:
            roles = roles[:1]
            first = {name: (world.ids.get(name) or [1])[0] for name in names}
            urls = [
                fill(rule.rule, {**first, names[0]: value})
                for value in world.ids.get(names[0]) or [1]
            ]
        for role in roles:
            client, _csrf = world.client(role)
            for url in urls:
                _note_forms(world, client, url)
    # A cohort's page offers to enrol the students its search finds.
    client, csrf = world.client(roles_for(app, "cohorts.show")[0])
    for cohort_id in world.ids.get("cohort_id") or []:
        url = f"/cohorts/{cohort_id}"
        client.post(url, data={"q": "Notenrolled", "csrf_token": csrf})
        _note_forms(world, client, url)
    # A role change is confirmed on a page reached with the role chosen on the account's page.
    client, _csrf = world.client(roles_for(app, "admin.change_role")[0])
    for user_id in world.ids.get("user_id") or []:
        for role in ("coordinator", "teacher"):
            _note_forms(world, client, f"/admin/users/{user_id}/role?role={role}")
    # A guardian may apply for an open cohort (its public page then offers "Apply").
    client, _csrf = world.client(Role.GUARDIAN)
    for cohort_id in world.ids.get("cohort_id") or []:
        _note_forms(world, client, f"/apply/cohorts/{cohort_id}")
    client = world.app.test_client()
    assert _log_in(client, withdrawn_family) == 302
    _note_forms(world, client, "/family/")


def _note_forms(world: World, client, url: str) -> None:
    response = client.get(url)
    if response.mimetype == "text/html":
        world.fields.add_page(world.app, url, response.get_data(as_text=True))
    response.close()


def _log_in(client, actor) -> int:
    """Log in through the login form; the answer's status (302 when it worked)."""
    response = client.post(
        "/login",
        data={
            "csrf_token": _token(client.get("/login")),
            "email": actor.email,
            "password": actor.password,
        },
    )
    return response.status_code
