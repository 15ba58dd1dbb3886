"""The retention purge with a frozen clock: `now` is passed in and completion dates are set."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AuditEntry,
    Cohort,
    CohortStatistics,
    CohortStatus,
    ConcernAction,
    ConcernCategory,
    ConcernReport,
    Contact,
    DocumentKind,
    Enrolment,
    Guardian,
    HostApplication,
    HostFamily,
    ImportBatch,
    ImportStatus,
    OutboxEmail,
    Placement,
    Setting,
    Student,
    User,
)
from app.models.base import utcnow
from app.services.enrolment import documents
from app.services.privacy import privacy_purge, settings
from app.services.privacy.privacy_purge import add_months, purge
from app.services.validation import ValidationFailed
from tests.factories import (
    enrol,
    make_application,
    make_approved_family,
    make_cohort,
    make_student,
    place,
)
from tests.rosters.data import build
from tests.services.privacy.traces import (
    add_contact,
    add_report,
    complete,
    row_counts,
    snapshot,
    traces,
)

# The frozen clock: years ahead, so that every row made today is long past its retention.
NOW = utcnow().replace(microsecond=0) + timedelta(days=5 * 365)


@dataclass
class World:
    old: int  # completed 13 months before NOW: due
    kept: int  # completed 11 months before NOW: within retention
    needles: list[str] = field(default_factory=list)  # names and emails of purged people
    student_ids: list[int] = field(default_factory=list)
    enrolment_ids: list[int] = field(default_factory=list)
    family_ids: list[int] = field(default_factory=list)
    application_ids: list[int] = field(default_factory=list)
    user_ids: list[int] = field(default_factory=list)
    both: int = 0  # a student enrolled in both cohorts
    kept_family: int = 0  # application id
    demir: int = 0  # her enrolment: a safeguarding report about her is added by some tests
    contact_ids: list[int] = field(default_factory=list)
    report_ids: list[int] = field(default_factory=list)


def _dress_old_cohort(app, data) -> None:
    """Two schools, a guardian with an email, a consent, a document and a pending upload."""
    with app.app_context():
        becker = db.session.get(Enrolment, data.enrolments["Becker"])
        for last in ("Becker", "Demir"):
            db.session.get(Enrolment, data.enrolments[last]).student.school = "Helmholtz-Gymnasium"
        guardian = becker.student.guardians[0]
        guardian.name, guardian.email = "Petra Becker", "petra.becker@example.org"
        documents.record_consent(
            becker, "Petra Becker", utcnow(), documents.current_wording_version(), None, guardian.id
        )
        documents.set_received(becker, DocumentKind.MEDICAL_FORM, True, None)
        csv = "first_name,last_name,email\nJonas,Becker,petra.becker@example.org\n"
        db.session.add(ImportBatch(filename="autumn.csv", content=csv, cohort_id=data.cohort_id))
        db.session.commit()


def _kept_cohort(app) -> tuple[int, int, int]:
    """A cohort within its retention: a student placed with a family of its own."""
    kept = make_cohort(app, name="Buffalo spring 2028", places=5)
    karl = make_student(app, first_name="Karl", last_name="Bleibtreu", email="karl@example.org")
    enrolment = enrol(app, karl, kept)
    family = make_approved_family(
        app,
        [kept],
        family_name="Bleibfamilie",
        members=[{"name": "Hanna Bleibfamilie", "age": 40, "relation": "parent"}],
        references=[
            {"name": "Rita Referenz", "relation": "friend", "phone": "+1 716 555 0199",
             "email": "rita@example.org"},
            {"name": "Otto Referenz", "relation": "coach", "phone": "+1 716 555 0198",
             "email": ""},
        ],
    )  # fmt: skip
    place(app, enrolment, family)
    return kept, karl, family


def _purged_people(app, world: World, data) -> None:
    """The ids, names and emails of everybody the purge is to delete."""
    with app.app_context():
        cohort_enrolments = db.session.scalars(
            sa.select(Enrolment).where(Enrolment.cohort_id == world.old)
        ).all()
        world.enrolment_ids = [e.id for e in cohort_enrolments]
        for enrolment in cohort_enrolments:
            student = enrolment.student
            if student.id == world.both:
                continue
            world.student_ids.append(student.id)
            world.needles += [student.full_name, student.last_name, student.email]
            world.needles += [g.name for g in student.guardians]
            world.needles += [g.email for g in student.guardians if g.email]
        applications = [db.session.get(HostApplication, i) for i in data.families.values()]
        world.application_ids = [a.id for a in applications]
        world.family_ids = [a.family_id for a in applications]
        world.user_ids = [a.family.user_id for a in applications]
        world.needles += [a.family.family_name for a in applications]
        world.needles += [a.family.user.email for a in applications]
        world.needles += ["Pat Miller", "Sam Miller", "Ann Neighbour", "ann@example.org"]


def _care(app, world: World, data) -> None:
    """Contacts with Becker and the Millers, and with the Schneiders alone; a report about
    Becker. Their notes name the people purged."""
    becker, miller = data.enrolments["Becker"], data.families["Miller"]
    world.contact_ids = [
        add_contact(
            app, world.old, enrolment_id=becker, application_id=miller,
            participants="Jonas Becker, Pat Miller", notes="Jonas Becker misses home a little.",
        ),
        add_contact(
            app, world.old, application_id=data.families["Schneider"],
            notes="Schneider family fine; petra.becker@example.org called them.",
        ),
    ]  # fmt: skip
    world.report_ids = [
        add_report(
            app, becker, what="Jonas Becker stayed out all night.", action="Called Pat Miller.",
            contact_id=world.contact_ids[0],
        )
    ]  # fmt: skip
    world.demir = data.enrolments["Demir"]


def make_world(app) -> World:
    data = build(app, name="Buffalo autumn 2027")
    _dress_old_cohort(app, data)
    kept, _karl, kept_family = _kept_cohort(app)
    both = make_student(app, first_name="Sophie", last_name="Doppelt")
    enrol(app, both, data.cohort_id)
    enrol(app, both, kept)
    complete(app, data.cohort_id, add_months(NOW, -13))
    complete(app, kept, add_months(NOW, -11))
    world = World(old=data.cohort_id, kept=kept, both=both, kept_family=kept_family)
    _care(app, world, data)
    _purged_people(app, world, data)
    return world


@pytest.fixture
def world(app) -> World:
    return make_world(app)


def run_purge(app, now: datetime = NOW, dry_run: bool = False):
    with app.app_context():
        report = purge(now, dry_run=dry_run)
        db.session.commit()
        return report


# --- retention ---------------------------------------------------------------------------


def test_a_cohort_past_its_retention_is_purged_one_within_is_untouched(app, world):
    kept_before = _kept_rows(app, world)
    report = run_purge(app)
    assert [line.name for line in report.cohorts] == ["Buffalo autumn 2027"]
    with app.app_context():
        old, kept = db.session.get(Cohort, world.old), db.session.get(Cohort, world.kept)
        assert old.purged_at == NOW
        assert (old.places_taken, old.waitlist_counter) == (0, 0)
        assert kept.purged_at is None
        assert db.session.scalar(_count(Enrolment).where(Enrolment.cohort_id == world.old)) == 0
        assert db.session.scalar(_count(Student).where(Student.id.in_(world.student_ids))) == 0
        guardians = _count(Guardian).where(Guardian.student_id.in_(world.student_ids))
        assert db.session.scalar(guardians) == 0
        assert db.session.scalar(_count(ImportBatch)) == 0
        assert db.session.get(CohortStatistics, world.kept) is None
    assert _kept_rows(app, world) == kept_before


def _count(model):
    return sa.select(sa.func.count()).select_from(model)


def _kept_rows(app, world: World) -> dict:
    """What belongs to the cohort within retention: it must survive whole."""
    with app.app_context():
        enrolments = db.session.scalars(
            sa.select(Enrolment).where(Enrolment.cohort_id == world.kept).order_by(Enrolment.id)
        ).all()
        application = db.session.get(HostApplication, world.kept_family)
        placed = _count(Placement).where(Placement.cohort_id == world.kept)
        return {
            "enrolments": [(e.id, e.status, e.student.full_name) for e in enrolments],
            "placements": db.session.scalar(placed),
            "family": (application.family.family_name, application.family.user.email),
            "members": [m.name for m in application.members],
            "cohort": db.session.get(Cohort, world.kept).places_taken,
        }


def test_a_student_of_a_kept_cohort_stays_without_the_purged_enrolment(app, world):
    run_purge(app)
    with app.app_context():
        student = db.session.get(Student, world.both)
        assert student is not None
        cohorts = db.session.scalars(
            sa.select(Enrolment.cohort_id).where(Enrolment.student_id == world.both)
        ).all()
        assert cohorts == [world.kept]


def test_anonymous_statistics_survive(app, world):
    run_purge(app)
    with app.app_context():
        stats = db.session.get(CohortStatistics, world.old)
        assert stats.year == 2027
        assert stats.students == 8  # seven of the roster and Sophie; the withdrawn one not
        assert stats.families == 3  # Miller, Schneider, Kowalczyk host; O'Brien's ended
        assert stats.schools == {"Goethe-Gymnasium": 6, "Helmholtz-Gymnasium": 2}
        assert db.session.get(Cohort, world.old).name == "Buffalo autumn 2027"


def test_no_trace_of_a_purged_person_is_left_in_any_text_column(app, world):
    assert traces(app, world.needles), "the search finds the people before the purge"
    run_purge(app)
    assert traces(app, world.needles) == []
    kept = ["Bleibtreu", "Bleibfamilie", "Rita Referenz", "Doppelt"]
    assert len(traces(app, kept)) >= 4, "the search still finds who was kept"


def _linked(app, world: World) -> list[tuple[str, int]]:
    pairs = {
        "student": world.student_ids,
        "enrolment": world.enrolment_ids,
        "family": world.family_ids,
        "application": world.application_ids,
        "user": world.user_ids,
        "concern_report": world.report_ids,
    }
    with app.app_context():
        rows = db.session.execute(
            sa.select(AuditEntry.record_type, AuditEntry.record_id).where(
                sa.or_(
                    *(
                        sa.and_(AuditEntry.record_type == kind, AuditEntry.record_id.in_(ids))
                        for kind, ids in pairs.items()
                    )
                )
            )
        ).all()
        return [tuple(row) for row in rows]


def test_the_audit_trail_keeps_no_link_to_a_purged_person(app, world):
    assert _linked(app, world), "the trail noted the people before the purge"
    run_purge(app)
    assert _linked(app, world) == []
    with app.app_context():
        by_them = _count(AuditEntry).where(AuditEntry.user_id.in_(world.user_ids))
        assert db.session.scalar(by_them) == 0
        purged = sa.select(AuditEntry).where(AuditEntry.action == "privacy.purged")
        entry = db.session.scalar(purged)
        assert entry.details["cohorts"] == 1
        assert entry.details["students"] == len(world.student_ids)
        assert entry.record_id is None


def test_families_and_accounts_of_the_purged_cohort_are_deleted(app, world):
    run_purge(app)
    with app.app_context():
        assert db.session.scalar(_count(HostFamily).where(HostFamily.id.in_(world.family_ids))) == 0
        assert db.session.scalar(_count(User).where(User.id.in_(world.user_ids))) == 0
        assert db.session.get(HostApplication, world.kept_family) is not None


def test_running_the_purge_twice_changes_nothing_more(app, world):
    first = run_purge(app)
    assert not first.empty
    before = snapshot(app)
    counts = row_counts(app)
    second = run_purge(app)
    assert second.empty
    assert second.counts() == dict.fromkeys(second.counts(), 0)
    assert second.lines() == ["Nothing to purge."]
    assert row_counts(app) == counts
    assert snapshot(app) == before


def test_a_dry_run_changes_nothing_and_reports_what_the_purge_does(app, world):
    before = snapshot(app)
    dry = run_purge(app, dry_run=True)
    assert snapshot(app) == before
    assert dry.dry_run and dry.lines()[-1].startswith("Would delete")
    real = run_purge(app)
    assert dry.counts() == real.counts()
    assert [line.name for line in dry.cohorts] == [line.name for line in real.cohorts]


def test_a_longer_retention_setting_keeps_the_cohort(app, world):
    with app.app_context():
        settings.save({"retention_months": 24}, None)
        db.session.commit()
    report = run_purge(app)
    assert report.cohorts == []
    with app.app_context():
        assert db.session.get(Cohort, world.old).purged_at is None
        upcoming = privacy_purge.upcoming_cohorts(NOW)
        assert (upcoming[0][0].id, upcoming[0][1]) == (world.old, add_months(NOW, 11))


# --- other cohorts ---------------------------------------------------------------------


def test_without_a_completion_date_retention_counts_from_the_return(app):
    archived = make_cohort(app, status=CohortStatus.ARCHIVED)
    running = make_cohort(app, status=CohortStatus.TRAVELLING)
    with app.app_context():
        cohort = db.session.get(Cohort, archived)
        cohort.completed_at = None
        db.session.commit()
        due = privacy_purge.purge_due(cohort)
        assert due == add_months(datetime.combine(cohort.return_date, datetime.min.time()), 12)
    assert [c.cohort_id for c in run_purge(app, due - timedelta(seconds=1)).cohorts] == []
    assert [c.cohort_id for c in run_purge(app, due).cohorts] == [archived]
    with app.app_context():
        assert db.session.get(Cohort, running).purged_at is None


# --- families, uploads, emails -----------------------------------------------------------


def _family(app, last_active: datetime, cohort_ids) -> int:
    application = make_application(app, cohort_ids=cohort_ids, submitted=bool(cohort_ids))
    with app.app_context():
        family = db.session.get(HostApplication, application).family
        family.last_active_at = last_active
        db.session.commit()
        return family.id


def test_families_inactive_for_long_are_deleted_unless_a_cohort_still_needs_them(app):
    months = settings.FAMILY_INACTIVE_MONTHS.default
    long_ago = add_months(NOW, -months) - timedelta(days=1)
    lately = add_months(NOW, -months) + timedelta(days=1)
    idle = _family(app, long_ago, [])
    recent = _family(app, lately, [])
    needed = _family(app, long_ago, [make_cohort(app)])
    report = run_purge(app)
    assert report.family_ids == [idle]
    with app.app_context():
        assert db.session.get(HostFamily, idle) is None
        assert db.session.get(HostFamily, recent) is not None
        assert db.session.get(HostFamily, needed) is not None
        assert db.session.scalar(_count(User)) == 2


def _batch(status: ImportStatus, uploaded: datetime, finished: datetime | None) -> ImportBatch:
    return ImportBatch(
        filename="list.csv",
        content="" if finished else "first_name,last_name\nJonas,Becker\n",
        status=status,
        uploaded_at=uploaded,
        finished_at=finished,
        result={"skipped": [{"name": "Jonas Becker"}]} if finished else None,
    )


def test_stale_uploads_and_old_emails_are_deleted(app):
    with app.app_context():
        stale = _batch(ImportStatus.PENDING, NOW - timedelta(days=31), None)
        fresh = _batch(ImportStatus.PENDING, NOW - timedelta(days=29), None)
        done = _batch(ImportStatus.IMPORTED, add_months(NOW, -14), add_months(NOW, -13))
        lately = _batch(ImportStatus.DISCARDED, add_months(NOW, -2), add_months(NOW, -1))
        old_mail = OutboxEmail(recipient="a@example.org", subject="S", body="B")
        new_mail = OutboxEmail(recipient="b@example.org", subject="S", body="B")
        old_mail.created_at, new_mail.created_at = NOW - timedelta(days=91), NOW - timedelta(89)
        db.session.add_all([stale, fresh, done, lately, old_mail, new_mail])
        db.session.commit()
        ids = (stale.id, fresh.id, done.id, lately.id, old_mail.id, new_mail.id)
    report = run_purge(app)
    assert sorted(report.batch_ids) == sorted([ids[0], ids[2]])
    assert report.email_ids == [ids[4]]
    with app.app_context():
        assert sorted(db.session.scalars(sa.select(ImportBatch.id))) == sorted([ids[1], ids[3]])
        assert list(db.session.scalars(sa.select(OutboxEmail.id))) == [ids[5]]


def test_a_student_never_enrolled_goes_after_the_retention_period(app):
    old = make_student(app, last_name="Vergessen")
    recent = make_student(app, last_name="Neulich")
    with app.app_context():
        db.session.get(Student, old).created_at = add_months(NOW, -13)
        db.session.get(Student, recent).created_at = add_months(NOW, -11)
        db.session.commit()
    report = run_purge(app)
    assert old in report.student_ids and recent not in report.student_ids
    with app.app_context():
        assert db.session.get(Student, old) is None
        assert db.session.get(Student, recent) is not None


# --- the command -------------------------------------------------------------------------


def test_the_command_purges_and_its_dry_run_only_lists(app, runner):
    cohort = make_cohort(app, name="Buffalo 2025")
    student = make_student(app, last_name="Vergessen")
    enrol(app, student, cohort)
    complete(app, cohort, add_months(utcnow(), -13))
    dry = runner.invoke(args=["privacy", "purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Buffalo 2025" in dry.output and "Would delete" in dry.output
    assert "Vergessen" not in dry.output
    with app.app_context():
        assert db.session.get(Student, student) is not None
    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    assert "Deleted" in result.output
    with app.app_context():
        assert db.session.get(Student, student) is None
    again = runner.invoke(args=["privacy", "purge"])
    assert again.exit_code == 0 and "Nothing to purge." in again.output


# --- settings and months -----------------------------------------------------------------


def test_settings_have_defaults_and_refuse_values_out_of_range(app):
    with app.app_context():
        assert (settings.retention_months(), settings.family_inactive_months()) == (12, 24)
        for bad in (0, 121, "abc", "", None, True, 1.5):
            with pytest.raises(ValidationFailed):
                settings.save({"retention_months": bad}, None)
        with pytest.raises(ValidationFailed):
            settings.save({"family_inactive_months": 5}, None)
        with pytest.raises(ValidationFailed):
            settings.save({"retention_months": 6, "colour": 3}, None)
        settings.save({"retention_months": "6", "family_inactive_months": 36}, None)
        db.session.commit()
        assert (settings.retention_months(), settings.family_inactive_months()) == (6, 36)
        db.session.get(Setting, "retention_months").value = "9999"  # changed by hand
        assert settings.retention_months() == 12


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (datetime(2027, 1, 31, 8), 1, datetime(2027, 2, 28, 8)),
        (datetime(2028, 1, 31), 1, datetime(2028, 2, 29)),
        (datetime(2027, 11, 15), 14, datetime(2029, 1, 15)),
        (datetime(2027, 3, 31), -13, datetime(2026, 2, 28)),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


# --- contacts and concern reports ----------------------------------------------------------


def test_contacts_and_concern_reports_go_with_the_cohort(app, world):
    with app.app_context():
        kept_contact = add_contact(app, world.kept, enrolment_id=_karl(world))
    report = run_purge(app)
    assert (report.counts()["contacts"], report.counts()["concern_reports"]) == (2, 1)
    assert report.safeguarding_kept == []
    with app.app_context():
        assert db.session.scalar(_count(Contact).where(Contact.cohort_id == world.old)) == 0
        assert db.session.scalar(_count(ConcernReport)) == 0
        assert db.session.scalar(_count(ConcernAction)) == 0
        assert db.session.get(Contact, kept_contact) is not None


def _karl(world: World) -> int:
    return db.session.scalar(
        sa.select(Enrolment.id)
        .join(Student, Student.id == Enrolment.student_id)
        .where(Enrolment.cohort_id == world.kept, Student.last_name == "Bleibtreu")
    )


def _safeguarding(app, world: World, born: date | None) -> int:
    return add_report(
        app,
        world.demir,
        what="Aylin Demir said a Schneider hit her.",
        action="Moved her to a temporary family.",
        category=ConcernCategory.SAFEGUARDING,
        born=born,
    )


def test_a_safeguarding_report_outlives_the_purge_until_the_student_is_25(app, world):
    born = date(NOW.year - 20, 3, 1)  # 20 at the purge
    kept = _safeguarding(app, world, born)
    report = run_purge(app)
    assert report.safeguarding_kept == [kept]
    assert report.counts()["concern_reports"] == 1  # Becker's
    assert "Safeguarding reports kept, detached from the enrolment: 1." in report.lines()
    with app.app_context():
        found = db.session.get(ConcernReport, kept)
        assert found.enrolment_id is None and found.placement_id is None
        assert found.enrolment_id is None and db.session.get(Enrolment, world.demir) is None
        assert (found.student_name, found.student_born) == ("Aylin Demir", born)
        assert found.what_happened == "Aylin Demir said a Schneider hit her."
        assert [a.text for a in found.actions][-1] == "Moved her to a temporary family."
    # Only the kept report still names her; every other trace of the purged people is gone.
    assert traces(app, ["Aylin Demir", "Schneider"]) == [
        "concern_reports.student_name ∋ Aylin Demir",
        "concern_reports.what_happened ∋ Aylin Demir",
        "concern_reports.what_happened ∋ Schneider",
    ]

    day_before = datetime(born.year + 25, 2, 28, 12)
    assert run_purge(app, day_before).report_ids == []  # the other cohort goes now
    on_her_birthday = run_purge(app, datetime(born.year + 25, 3, 1, 12))
    assert on_her_birthday.report_ids == [kept]
    assert on_her_birthday.lines()[-2].startswith("Deleted: 0 cohorts, 0 enrolments")
    with app.app_context():
        assert db.session.get(ConcernReport, kept) is None
        assert db.session.scalar(_count(ConcernAction)) == 0
        linked = _count(AuditEntry).where(
            AuditEntry.record_type == "concern_report", AuditEntry.record_id == kept
        )
        assert db.session.scalar(linked) == 0
    assert traces(app, ["Aylin Demir"]) == []


def test_the_setting_says_until_what_age_safeguarding_reports_are_kept(app, world):
    kept = _safeguarding(app, world, date(NOW.year - 20, 3, 1))
    with app.app_context():
        settings.save({"safeguarding_keep_until_age": 21}, None)
        db.session.commit()
    run_purge(app)
    with app.app_context():
        assert db.session.get(ConcernReport, kept) is not None
        settings.save({"safeguarding_keep_until_age": 20}, None)
        db.session.commit()
    assert run_purge(app).report_ids == [kept]  # she is 20 now: its time has come


def test_a_safeguarding_report_without_a_birth_date_is_kept_seven_years(app, world):
    kept = _safeguarding(app, world, None)
    run_purge(app)
    completed = add_months(NOW, -13)
    assert run_purge(app, add_months(completed, 7 * 12) - timedelta(days=1)).report_ids == []
    assert run_purge(app, add_months(completed, 7 * 12)).report_ids == [kept]


def test_a_safeguarding_report_of_a_cohort_within_retention_is_untouched(app, world):
    with app.app_context():
        karl = _karl(world)
    kept = add_report(
        app, karl, what="Safeguarding", category=ConcernCategory.SAFEGUARDING,
        born=date(2000, 1, 1),
    )  # fmt: skip
    run_purge(app)  # Karl is long past 25, but his cohort's retention still runs
    with app.app_context():
        assert db.session.get(ConcernReport, kept).enrolment_id == karl
