"""Requests of people: export a student's or a family's data, erase a student or a family."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AuditEntry,
    Cohort,
    ConcernAction,
    ConcernCategory,
    ConcernReport,
    Contact,
    ContactWith,
    DocumentKind,
    Enrolment,
    EnrolmentStatus,
    HostApplication,
    HostFamily,
    ImportBatch,
    ImportStatus,
    LoginSession,
    OutboxEmail,
    Placement,
    Student,
    User,
    VettingEvent,
)
from app.models.base import utcnow
from app.models.families import application_cohorts
from app.services.enrolment import documents
from app.services.placement import placements
from app.services.privacy.privacy_requests import (
    erase_family,
    erase_student,
    export_family,
    export_student,
    plain,
)
from tests.conftest import Auth
from tests.factories import (
    FAMILY_PASSWORD,
    enrol,
    make_approved_family,
    make_cohort,
    make_student,
    place,
)
from tests.services.privacy.traces import add_contact, add_report, traces

ERIKA = {
    "first_name": "Erika",
    "last_name": "Loeschmann",
    "email": "erika@example.org",
    "passport_number": "C01X00T47",
    "passport_expiry": date(date.today().year + 3, 5, 1),
    "allergies": "Hazelnuts",
    "medical_notes": "Asthma; inhaler in her bag.",
    "interests": "Rowing, chess",
    "guardians": [
        {"name": "Gerda Loeschmann", "relation": "mother", "phone": "+49 231 111111",
         "email": "gerda@example.org"},
        {"name": "Hans Vatermann", "relation": "father", "phone": "+49 231 222222",
         "email": "hans.v@example.org"},
    ],
    "emergency_contacts": [
        {"name": "Klara Notfallhilfe", "relation": "aunt", "phone": "+49 231 333333",
         "email": "klara@example.org"},
    ],
}  # fmt: skip
ERIKA_TRACES = [
    "Loeschmann",
    "Erika Loeschmann",
    "erika@example.org",
    "C01X00T47",
    "Gerda Loeschmann",
    "gerda@example.org",
    "Hans Vatermann",
    "hans.v@example.org",
    "Klara Notfallhilfe",
    "klara@example.org",
]
OTHER = {
    "first_name": "Zora",
    "last_name": "Anderswo",
    "email": "zora@example.org",
    "passport_number": "ZZ9PLURAL",
    "guardians": [
        {"name": "Xaver Anderswo", "relation": "father", "phone": "+49 231 999999",
         "email": "xaver@example.org"},
    ],
}  # fmt: skip
OTHER_VALUES = ["Anderswo", "zora@example.org", "ZZ9PLURAL", "Xaver", "xaver@example.org"]
FAMILY = {
    "family_name": "Famerase",
    "members": [{"name": "Ulla Famerase", "age": 44, "relation": "parent"}],
    "references": [
        {"name": "Rudi Referent", "relation": "friend", "phone": "+1 716 555 0177",
         "email": "rudi@example.org"},
        {"name": "Berta Beistand", "relation": "pastor", "phone": "+1 716 555 0178",
         "email": ""},
    ],
}  # fmt: skip
FAMILY_TRACES = ["Famerase", "famerase@example.org", "Ulla Famerase", "Rudi Referent"]
FAMILY_TRACES += ["rudi@example.org", "Berta Beistand"]


def unzip(content: bytes) -> tuple[list[str], dict, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        text = archive.read(names[0]).decode()
    return names, json.loads(text), text


def columns_of(obj) -> dict:
    return {a.key: plain(getattr(obj, a.key)) for a in sa.inspect(obj).mapper.column_attrs}


def last_entry(action: str) -> AuditEntry:
    return db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id.desc())
    )


def audit_links(app, kind: str, ids) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(sa.func.count(AuditEntry.id)).where(
                AuditEntry.record_type == kind, AuditEntry.record_id.in_(list(ids))
            )
        )


# --- a student ---------------------------------------------------------------------------


def student_world(app) -> dict:
    """Erika holds the only place of a cohort and is placed; Wanda waits; Carl, in another
    cohort, has notes that name Erika; an upload and emails name her too."""
    cohort = make_cohort(app, places=1, name="Buffalo 2027")
    erika = make_student(app, **ERIKA)
    erika_enrolment = enrol(app, erika, cohort)
    wanda = make_student(app, first_name="Wanda", last_name="Wartemann")
    wanda_enrolment = enrol(app, wanda, cohort)
    family = make_approved_family(app, [cohort], family_name="Gastgeber")
    place(app, erika_enrolment, family)
    other_cohort = make_cohort(app, name="Buffalo 2028")
    carl = make_student(app, first_name="Carl", last_name="Kumpel")
    carl_enrolment = enrol(app, carl, other_cohort)
    other_family = make_approved_family(app, [other_cohort], family_name="Nachbarn")
    with app.app_context():
        enrolment = db.session.get(Enrolment, erika_enrolment)
        student = enrolment.student
        documents.record_consent(
            enrolment, "Gerda Loeschmann", utcnow(), documents.current_wording_version(), None,
            student.guardians[0].id,
        )  # fmt: skip
        documents.set_received(enrolment, DocumentKind.INSURANCE, True, None)
        placements.place(
            db.session.get(Enrolment, carl_enrolment),
            db.session.get(HostApplication, other_family),
            None,
            reason="Swapped with Erika Loeschmann; her mother gerda@example.org agreed.",
        )
        db.session.add_all(
            [
                ImportBatch(
                    filename="list.csv",
                    content="first_name,last_name\nErika,Loeschmann\nCarl,Kumpel\n",
                ),
                ImportBatch(
                    filename="old.csv", content="", status=ImportStatus.IMPORTED,
                    finished_at=utcnow(),
                    result={"skipped": [{"name": "Erika Loeschmann", "line": 2}], "created": 1},
                ),
                OutboxEmail(recipient="gerda@example.org", subject="Consent", body="Thanks"),
                OutboxEmail(recipient="staff@example.org", subject="Waitlist",
                            body="Erika Loeschmann asked about her place."),
                OutboxEmail(recipient="staff@example.org", subject="Hello", body="Carl Kumpel"),
            ]
        )  # fmt: skip
        db.session.commit()
    contact = add_contact(
        app, cohort, enrolment_id=erika_enrolment, application_id=family,
        participants="Erika Loeschmann, host mother", notes="Erika Loeschmann misses her aunt.",
    )  # fmt: skip
    add_report(
        app, erika_enrolment, what="Erika Loeschmann cried all day.",
        action="Phoned gerda@example.org.", contact_id=contact,
    )  # fmt: skip
    carl_contact = add_contact(
        app, other_cohort, enrolment_id=carl_enrolment, notes="Carl visits Erika Loeschmann."
    )
    with app.app_context():
        return {
            "cohort": cohort,
            "erika": erika,
            "erika_contact": contact,
            "carl_contact": carl_contact,
            "erika_enrolment": erika_enrolment,
            "wanda_enrolment": wanda_enrolment,
            "family": family,
            "carl_enrolment": carl_enrolment,
            "other": make_student(app, **OTHER),
        }


def test_the_export_holds_every_field_of_the_student_and_the_guardians(app):
    world = student_world(app)
    with app.app_context():
        student = db.session.get(Student, world["erika"])
        names, data, _text = unzip(export_student(student))
        db.session.commit()
        assert names == [f"student-{student.id}.json"]
        assert data["kind"] == "student"
        assert data["student"] == columns_of(student)
        assert data["guardians"] == [columns_of(g) for g in student.guardians]
        assert data["emergency_contacts"] == [columns_of(c) for c in student.emergency_contacts]
        assert len(data["guardians"]) == 2 and len(data["emergency_contacts"]) == 1
        (enrolment,) = data["enrolments"]
        held = db.session.get(Enrolment, world["erika_enrolment"])
        assert {k: enrolment[k] for k in columns_of(held)} == columns_of(held)
        assert enrolment["cohort"]["name"] == "Buffalo 2027"
        assert enrolment["consents"] == [columns_of(c) for c in held.consents]
        assert enrolment["documents"] == [columns_of(d) for d in held.documents]
        assert enrolment["events"] == [columns_of(e) for e in held.events]
        placement = db.session.scalar(sa.select(Placement).where(Placement.enrolment_id == held.id))
        assert enrolment["placements"] == [columns_of(placement)]
        assert [e["recipient"] for e in data["emails"]] == ["gerda@example.org"]
        assert data["student"]["date_of_birth"] == student.date_of_birth.isoformat()
        assert data["contacts"] == [columns_of(db.session.get(Contact, world["erika_contact"]))]
        (report,) = data["concern_reports"]
        held_report = db.session.scalar(sa.select(ConcernReport))
        assert {k: report[k] for k in columns_of(held_report)} == columns_of(held_report)
        assert report["what_happened"] == "Erika Loeschmann cried all day."
        assert report["actions"] == [columns_of(a) for a in held_report.actions]
        assert len(report["actions"]) == 2


def test_the_export_holds_nothing_of_another_student(app):
    world = student_world(app)
    with app.app_context():
        _names, _data, text = unzip(export_student(db.session.get(Student, world["erika"])))
    lowered = text.lower()
    assert [value for value in OTHER_VALUES if value.lower() in lowered] == []
    assert "Wartemann" not in text and "Kumpel" not in text


def test_the_export_is_recorded(app):
    world = student_world(app)
    with app.app_context():
        export_student(db.session.get(Student, world["erika"]))
        db.session.commit()
        entry = last_entry("privacy.exported")
        assert (entry.record_type, entry.record_id) == ("student", world["erika"])


def test_erasing_a_student_leaves_no_trace_in_any_table(app):
    world = student_world(app)
    assert len(traces(app, ERIKA_TRACES)) >= 10, "the search finds her before the erasure"
    with app.app_context():
        erase_student(db.session.get(Student, world["erika"]), None)
        db.session.commit()
    assert traces(app, ERIKA_TRACES) == []
    assert traces(app, ["Carl Kumpel", "Wartemann", "Zora"]), "others are kept"
    with app.app_context():
        assert db.session.get(Student, world["erika"]) is None
        carl = db.session.scalar(
            sa.select(Placement).where(Placement.enrolment_id == world["carl_enrolment"])
        )
        assert carl.reason == "Swapped with [erased]; her mother [erased] agreed."
        batch = db.session.scalar(sa.select(ImportBatch).where(ImportBatch.filename == "old.csv"))
        assert batch.result["skipped"] == [{"name": "[erased]", "line": 2}]
        bodies = list(db.session.scalars(sa.select(OutboxEmail.body)))
        assert "Carl Kumpel" in bodies
        assert "Thanks" not in bodies  # to her mother
        assert db.session.scalar(sa.select(sa.func.count(ConcernReport.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(ConcernAction.id))) == 0
        assert db.session.get(Contact, world["carl_contact"]).notes == "Carl visits [erased]."
        # The contact with her and the family stays as one with the family, without her.
        contact = db.session.get(Contact, world["erika_contact"])
        assert (contact.with_whom, contact.enrolment_id) == (ContactWith.FAMILY, None)
        assert (contact.wellbeing, contact.notes) == (None, "")
        assert contact.participants == "[erased], host mother"


def test_erasing_a_student_frees_the_place_and_the_bed(app):
    world = student_world(app)
    with app.app_context():
        erase_student(db.session.get(Student, world["erika"]), None)
        db.session.commit()
        wanda = db.session.get(Enrolment, world["wanda_enrolment"])
        assert wanda.status == EnrolmentStatus.APPLIED  # moved up from the waitlist
        assert db.session.get(Cohort, world["cohort"]).places_taken == 1
        beds = db.session.scalar(
            sa.select(application_cohorts.c.beds_taken).where(
                application_cohorts.c.application_id == world["family"]
            )
        )
        assert beds == 0
        assert db.session.get(Enrolment, world["erika_enrolment"]) is None


def test_erasing_a_student_cuts_the_audit_trail_and_is_recorded_without_a_name(app):
    world = student_world(app)
    assert audit_links(app, "student", [world["erika"]]) > 0
    assert audit_links(app, "enrolment", [world["erika_enrolment"]]) > 0
    admin = _admin(app)
    with app.app_context():
        erase_student(db.session.get(Student, world["erika"]), admin)
        db.session.commit()
    assert audit_links(app, "student", [world["erika"]]) == 0
    assert audit_links(app, "enrolment", [world["erika_enrolment"]]) == 0
    with app.app_context():
        entry = last_entry("privacy.erased")
        assert (entry.record_type, entry.record_id) == ("", None)
        assert entry.details == {"kind": "student"}
        assert entry.user_id == admin


def test_erasing_a_student_keeps_safeguarding_reports_as_written_and_detached(app):
    world = student_world(app)
    born = date(2010, 4, 1)
    kept = add_report(
        app, world["erika_enrolment"], what="Erika Loeschmann told of abuse at home.",
        action="Told gerda@example.org nothing yet.", category=ConcernCategory.SAFEGUARDING,
        born=born, contact_id=world["erika_contact"],
    )  # fmt: skip
    admin = _admin(app)
    with app.app_context():
        erase_student(db.session.get(Student, world["erika"]), admin)
        db.session.commit()
        report = db.session.get(ConcernReport, kept)
        assert (report.enrolment_id, report.contact_id) == (None, None)
        assert (report.student_name, report.student_born) == ("Erika Loeschmann", born)
        assert report.what_happened == "Erika Loeschmann told of abuse at home."
        assert report.actions[-1].text == "Told gerda@example.org nothing yet."
        assert db.session.scalar(sa.select(sa.func.count(ConcernReport.id))) == 1  # routine gone
    assert audit_links(app, "concern_report", [kept]) > 0  # a kept record keeps its trail
    assert traces(app, ERIKA_TRACES) == [
        "concern_reports.student_name ∋ Loeschmann",
        "concern_reports.student_name ∋ Erika Loeschmann",
        "concern_reports.what_happened ∋ Loeschmann",
        "concern_reports.what_happened ∋ Erika Loeschmann",
        "concern_reports.action_taken ∋ gerda@example.org",
        "concern_actions.text ∋ gerda@example.org",
    ]


def test_the_erasure_page_says_safeguarding_reports_are_kept(app, auth):
    world = student_world(app)
    auth.login_as("admin")
    page = auth.client.get(f"/admin/privacy/students/{world['erika']}").get_data(as_text=True)
    assert "except safeguarding reports" in page
    assert "until the student is 25" in page
    assert "<dt>Contacts during the stay</dt><dd>1</dd>" in page
    assert "<dt>Concern reports</dt><dd>1</dd>" in page
    add_report(app, world["erika_enrolment"], what="Abuse", category=ConcernCategory.SAFEGUARDING)
    page = auth.client.get(f"/admin/privacy/students/{world['erika']}").get_data(as_text=True)
    assert "<dd>2 (1 safeguarding report, kept when erasing)</dd>" in page


def _admin(app) -> int:
    from tests.conftest import make_user

    return make_user(app, "boss@example.org", "admin")


# --- a family ----------------------------------------------------------------------------


def family_world(app) -> dict:
    """Famerase hosts Sven now and hosted Tilo before; Nachbarn host Uwe, with a note that
    names Famerase. The family has logged in once."""
    cohort = make_cohort(app, name="Buffalo 2027", places=5)
    application = make_approved_family(app, [cohort], beds_offered=2, **FAMILY)
    other = make_approved_family(app, [cohort], family_name="Nachbarn")
    sven, tilo, uwe = (
        enrol(app, make_student(app, first_name=first, last_name=last), cohort)
        for first, last in (("Sven", "Gastkind"), ("Tilo", "Umzug"), ("Uwe", "Bleibend"))
    )
    place(app, sven, application)
    tilo_placement = place(app, tilo, application)
    with app.app_context():
        placements.cancel(db.session.get(Placement, tilo_placement), None, "Moved")
        family = db.session.get(HostApplication, application).family
        family.user.email = "famerase@example.org"
        placements.place(
            db.session.get(Enrolment, uwe), db.session.get(HostApplication, other), None,
            reason="Famerase had no room left.",
        )  # fmt: skip
        note = VettingEvent(application_id=other, to_status="approved", note="Knows Ulla Famerase")
        db.session.add(note)
        db.session.commit()
        world = {"cohort": cohort, "application": application, "other": other, "sven": sven}
        world |= {"tilo": tilo, "uwe": uwe, "family": family.id, "user": family.user_id}
    world["alone"] = add_contact(
        app, cohort, application_id=application, notes="Ulla Famerase is tired."
    )
    world["both"] = add_contact(
        app, cohort, enrolment_id=sven, application_id=application,
        participants="Sven, Ulla Famerase", notes="Sven is settling in with the Famerase family.",
    )  # fmt: skip
    world["report"] = add_report(
        app, sven, what="Sven came home late, says Ulla Famerase.", reported_by_id=world["user"]
    )
    logged_in = Auth(app, app.test_client()).login("famerase@example.org", FAMILY_PASSWORD)
    assert logged_in.status_code == 302
    return world


def test_the_family_export_holds_its_data_and_placed_students_only_by_id(app):
    world = family_world(app)
    with app.app_context():
        family = db.session.get(HostFamily, world["family"])
        names, data, text = unzip(export_family(family))
        db.session.commit()
        assert names == [f"family-{family.id}.json"]
        assert data["family"] == columns_of(family)
        assert data["account"]["email"] == "famerase@example.org"
        assert "password_hash" not in text
        (application,) = data["applications"]
        held = db.session.get(HostApplication, world["application"])
        assert {k: application[k] for k in columns_of(held)} == columns_of(held)
        assert application["household_members"] == [columns_of(m) for m in held.members]
        assert application["references"] == [columns_of(r) for r in held.references]
        assert application["vetting_events"] == [columns_of(e) for e in held.events]
        assert [c["name"] for c in application["cohorts"]] == ["Buffalo 2027"]
        students = {p["student_id"] for p in application["placements"]}
        sven = db.session.get(Enrolment, world["sven"]).student_id
        tilo = db.session.get(Enrolment, world["tilo"]).student_id
        assert students == {sven, tilo}
        contacts = {c["id"]: c for c in data["contacts"]}
        assert set(contacts) == {world["alone"], world["both"]}
        assert contacts[world["alone"]]["notes"] == "Ulla Famerase is tired."
        assert contacts[world["both"]]["student_id"] == sven
        assert "notes" not in contacts[world["both"]]  # about the student as much
        assert "wellbeing" not in contacts[world["both"]]  # the student's
        (report,) = data["concern_reports"]
        assert report["what_happened"] == "Sven came home late, says Ulla Famerase."
        assert len(report["actions"]) == 2
    for other in ("Gastkind", "Umzug", "Nachbarn", "Bleibend"):
        assert other not in text


def test_erasing_a_family_leaves_no_trace_and_ends_its_placements(app):
    world = family_world(app)
    assert len(traces(app, FAMILY_TRACES)) >= 6
    with app.app_context():
        erase_family(db.session.get(HostFamily, world["family"]), None)
        db.session.commit()
    assert traces(app, FAMILY_TRACES) == []
    with app.app_context():
        assert db.session.get(User, world["user"]) is None
        assert db.session.scalar(sa.select(sa.func.count(LoginSession.token))) == 0
        assert db.session.get(HostApplication, world["application"]) is None
        for enrolment_id in (world["sven"], world["tilo"]):
            enrolment = db.session.get(Enrolment, enrolment_id)
            assert enrolment.status == EnrolmentStatus.APPLIED  # the student stays enrolled
            assert placements.active_placement(enrolment) is None
        uwe = db.session.scalar(sa.select(Placement).where(Placement.enrolment_id == world["uwe"]))
        assert uwe.reason == "[erased] had no room left."
        note = db.session.scalar(
            sa.select(VettingEvent.note).where(
                VettingEvent.application_id == world["other"], VettingEvent.note != ""
            )
        )
        assert note == "Knows [erased]"
        assert db.session.get(Contact, world["alone"]) is None
        both = db.session.get(Contact, world["both"])  # stays as a contact with Sven
        assert (both.with_whom, both.application_id) == (ContactWith.STUDENT, None)
        assert both.notes == "Sven is settling in with the [erased] family."
        report = db.session.get(ConcernReport, world["report"])  # Sven's record of care
        assert report.reported_by_id is None
        assert report.what_happened == "Sven came home late, says [erased]."


def test_erasing_a_family_cuts_the_audit_trail(app):
    world = family_world(app)
    with app.app_context():
        by_family = sa.select(sa.func.count(AuditEntry.id)).where(
            AuditEntry.user_id == world["user"]
        )
        assert db.session.scalar(by_family) > 0  # its login
        erase_family(db.session.get(HostFamily, world["family"]), None)
        db.session.commit()
        assert db.session.scalar(by_family) == 0
    assert audit_links(app, "family", [world["family"]]) == 0
    assert audit_links(app, "application", [world["application"]]) == 0
    assert audit_links(app, "user", [world["user"]]) == 0
    with app.app_context():
        entry = last_entry("privacy.erased")
        assert entry.details == {"kind": "family"} and entry.record_id is None


def test_erasing_a_family_keeps_a_safeguarding_report_it_made_as_written(app):
    world = family_world(app)
    kept = add_report(
        app, world["sven"], what="Ulla Famerase saw bruises on Sven.",
        category=ConcernCategory.SAFEGUARDING, reported_by_id=world["user"],
    )  # fmt: skip
    with app.app_context():
        family = db.session.get(HostFamily, world["family"])
        (report,) = [
            r for r in unzip(export_family(family))[1]["concern_reports"] if r["id"] == kept
        ]
        assert report["what_happened"] == "Ulla Famerase saw bruises on Sven."
        assert "owner_id" not in report and "actions" not in report  # admins and owner only
        erase_family(family, None)
        db.session.commit()
        report = db.session.get(ConcernReport, kept)
        assert report.what_happened == "Ulla Famerase saw bruises on Sven."
        assert report.reported_by_id is None
    assert traces(app, FAMILY_TRACES) == [
        "concern_reports.what_happened ∋ Famerase",
        "concern_reports.what_happened ∋ Ulla Famerase",
    ]


# --- the commands ------------------------------------------------------------------------


def test_the_commands_export_and_erase_only_when_confirmed(app, runner, tmp_path):
    world = student_world(app)
    out = tmp_path / "erika.zip"
    result = runner.invoke(args=["privacy", "export-student", str(world["erika"]), str(out)])
    assert result.exit_code == 0, result.output
    assert unzip(out.read_bytes())[1]["student"]["last_name"] == "Loeschmann"
    refused = runner.invoke(args=["privacy", "erase-student", str(world["erika"])])
    assert refused.exit_code != 0 and "--yes" in refused.output
    with app.app_context():
        assert db.session.get(Student, world["erika"]) is not None
    done = runner.invoke(args=["privacy", "erase-student", str(world["erika"]), "--yes"])
    assert done.exit_code == 0, done.output
    assert "Loeschmann" not in done.output
    with app.app_context():
        assert db.session.get(Student, world["erika"]) is None
    missing = runner.invoke(args=["privacy", "erase-student", "99999", "--yes"])
    assert missing.exit_code != 0


def test_the_family_commands(app, runner, tmp_path):
    world = family_world(app)
    out = tmp_path / "family.zip"
    result = runner.invoke(args=["privacy", "export-family", str(world["family"]), str(out)])
    assert result.exit_code == 0, result.output
    assert unzip(out.read_bytes())[1]["family"]["family_name"] == "Famerase"
    done = runner.invoke(args=["privacy", "erase-family", str(world["family"]), "--yes"])
    assert done.exit_code == 0, done.output
    assert traces(app, FAMILY_TRACES) == []
