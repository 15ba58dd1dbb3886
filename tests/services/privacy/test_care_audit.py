"""Changes to contacts and concern reports are in the audit trail, field names only: a contact
under the student's enrolment (or the family's application when with the family alone), a
report under a record of its own with its timeline as part of it."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import ActionKind, AuditEntry, ConcernAction, ConcernReport
from app.services.privacy import audit
from tests.factories import enrol, make_approved_family, make_cohort, make_student
from tests.services.privacy.traces import add_contact, add_report


def _entries(app, record_type: str, record_id: int) -> list[tuple[str, dict]]:
    with app.app_context():
        rows = db.session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.record_type == record_type, AuditEntry.record_id == record_id)
            .order_by(AuditEntry.id)
        ).all()
        return [(e.action, e.details) for e in rows]


def test_contacts_and_reports_are_traced_without_their_text(app):
    cohort = make_cohort(app)
    enrolment = enrol(app, make_student(app, last_name="Verfolgt"), cohort)
    family = make_approved_family(app, [cohort])
    add_contact(app, cohort, enrolment_id=enrolment, notes="Secret words")
    add_contact(app, cohort, application_id=family, notes="More secret words")
    report = add_report(app, enrolment, what="Secret words")

    assert ("enrolment.changed", {"fields": ["contact.created"]}) in _entries(
        app, "enrolment", enrolment
    )
    assert ("application.changed", {"fields": ["contact.created"]}) in _entries(
        app, "application", family
    )
    created = _entries(app, "concern_report", report)
    assert created[0] == ("concern_report.created", {})
    assert created[1:] == [("concern_report.changed", {"fields": ["action.created"]})] * 2
    with app.app_context():
        found = db.session.get(ConcernReport, report)
        found.outcome = "Solved quietly"
        found.actions.append(ConcernAction(kind=ActionKind.NOTE, text="Secret step"))
        db.session.commit()
        assert "concern_report" in audit.record_types()
        text = " ".join(str(d) for d in db.session.scalars(sa.select(AuditEntry.details)))
    changes = _entries(app, "concern_report", report)[3:]
    assert ("concern_report.changed", {"fields": ["outcome"]}) in changes
    assert ("concern_report.changed", {"fields": ["action.created"]}) in changes
    assert "Secret" not in text


def test_the_audit_page_offers_and_filters_by_concern_reports(app, auth):
    cohort = make_cohort(app)
    report = add_report(app, enrol(app, make_student(app), cohort), what="Secret words")
    auth.login_as("admin")
    page = auth.client.get("/admin/audit").get_data(as_text=True)
    assert '<option value="concern_report">concern_report</option>' in page
    found = auth.client.get(f"/admin/audit?record_type=concern_report&record_id={report}")
    assert found.status_code == 200
    assert f"concern_report #{report}" in found.get_data(as_text=True)
