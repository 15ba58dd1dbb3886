"""The other printable lists of a cohort: the host family list for the Buffalo committee, the
missing-documents list, and the wallet-size emergency cards. What they show of a student
whose guardians withdrew their consent is what the consent rule shows
(app/services/enrolment/disclosure.py)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import Cohort
from app.models.base import utcnow
from app.models.families import application_cohorts
from app.printing.sheet import Group, Sheet, nobreak
from app.services.enrolment import disclosure, documents
from app.services.enrolment.disclosure import CONSENT_NOTE, WITHHELD, Fact
from app.services.placement import facts, placements
from app.services.roster import gaps
from app.services.roster.gaps import Gap
from app.services.roster.rosters import cohort_teachers
from app.services.supervision import teacher_roster

FAMILY_COLUMNS = [
    ("family", _l("Host family")),
    ("address", _l("Address")),
    ("phones", _l("Phones")),
    ("email", _l("Email")),
    ("students", _l("Placed students")),
    ("beds", _l("Beds taken")),
]

DOCUMENT_COLUMNS = [
    ("name", _l("Name")),
    ("school", _l("School")),
    ("missing", _l("Missing documents")),
]


def family_sheet(cohort: Cohort, paper: str = "a4") -> Sheet:
    """Approved families hosting (or offering to host) the cohort, by town, with the students
    placed with them now and their beds."""
    families = facts.cohort_families(cohort)
    beds = dict(
        db.session.execute(
            sa.select(application_cohorts.c.application_id, application_cohorts.c.beds_taken).where(
                application_cohorts.c.cohort_id == cohort.id
            )
        ).all()
    )
    placed: dict[int, list[str]] = defaultdict(list)
    for placement in placements.active_placements(cohort):  # with their consents
        placed[placement.application_id].append(disclosure.of(placement.enrolment).full_name)
    emails = _family_emails([a.family.user_id for a in families])
    rows = []
    by_town = sorted(families, key=lambda a: (a.city.casefold(), a.family.family_name.casefold()))
    for application in by_town:
        phones = [nobreak(application.phone)] if application.phone.strip() else []
        if application.mobile_phone.strip():
            phones.append(_("%(phone)s (mobile)", phone=nobreak(application.mobile_phone)))
        name = application.family.family_name
        rows.append(
            [
                [_("The %(name)s family", name=name) if name else _("Host family")],
                [
                    application.address_line,
                    f"{application.city}, {application.state} {application.postal_code}",
                ],
                phones,
                [emails.get(application.family.user_id, "")],
                sorted(placed.get(application.id, [])) or ["—"],
                [
                    _(
                        "%(taken)d of %(offered)d",
                        taken=beds.get(application.id, 0),
                        offered=application.beds_offered or 0,
                    )
                ],
            ]
        )
    return Sheet(
        title=_("Host families"),
        cohort=cohort,
        columns=FAMILY_COLUMNS,
        groups=[Group("", [], rows)],
        produced_at=utcnow(),
        paper=paper,
        counts="families",
    )


def _family_emails(user_ids: list[int]) -> dict[int, str]:
    from app.models import User

    if not user_ids:
        return {}
    query = sa.select(User.id, User.email).where(User.id.in_(user_ids))
    return dict(db.session.execute(query).all())


def documents_sheet(cohort: Cohort, paper: str = "a4") -> Sheet:
    """Students of the cohort who still lack a document, and which."""
    group = Group("", [])
    for row in documents.missing_report(cohort, only_missing=True):  # with their consents
        shown = disclosure.of(row.enrolment)
        name = [shown.full_name]
        if shown.consent_withdrawn:
            group.marked.add(len(group.rows))
            name.append(str(CONSENT_NOTE))
        school = [shown.school] if shown.shows(Fact.SCHOOL) else [WITHHELD]
        group.rows.append([name, school, [str(kind.label) for kind in row.missing]])
    return Sheet(
        title=_("Missing documents"),
        cohort=cohort,
        columns=DOCUMENT_COLUMNS,
        groups=[group],
        produced_at=utcnow(),
        paper=paper,
    )


@dataclass(frozen=True)
class Card:
    """What a student carries in their wallet."""

    student: str
    family: str
    address: list[str]
    family_phone: str
    teacher: str
    teacher_phone: str
    placed: bool = True  # with a host family (else the card says not yet)


@dataclass(frozen=True)
class Contacts:
    """The same on every card: coordinator, emergency number, consulate (from configuration)."""

    coordinator_name: str
    coordinator_phone: str
    emergency_number: str
    consulate_name: str
    consulate_phone: str
    consulate_address: str


def card_contacts() -> Contacts:
    config = current_app.config
    return Contacts(
        config["COORDINATOR_NAME"],
        config["COORDINATOR_PHONE"],
        config["EMERGENCY_NUMBER"],
        config["CONSULATE_NAME"],
        config["CONSULATE_PHONE"],
        config["CONSULATE_ADDRESS"],
    )


def cards(cohort: Cohort, teacher_id: int | None = None) -> list[Card]:
    """One card per student holding a place, by name (only one teacher's students if given).
    A student whose guardians withdrew their consent still gets one: what a card carries is
    safety data, each part as the consent rule shows it."""
    return checked_cards(cohort, teacher_id)[0]


def checked_cards(cohort: Cohort, teacher_id: int | None = None) -> tuple[list[Card], list[Gap]]:
    """The cards and what they lack (gaps): the settings every card carries, then each
    student's (no host family, no family phone, no teacher), then teachers without a phone."""
    teachers = cohort_teachers(cohort, teacher_id)
    result, found, seen = [], gaps.settings(), {}
    for entry in teacher_roster.cohort_students(cohort):
        supervisor = teachers.get(entry.enrolment.supervising_teacher_id)
        if teacher_id is not None and (supervisor is None or supervisor.id != teacher_id):
            continue
        shown = entry.shown
        home = entry.home if shown.shows(Fact.HOME) else None
        phones = home is not None and shown.shows(Fact.FAMILY_PHONES)
        if not shown.shows(Fact.TEACHER):
            supervisor = None
        found.extend(gaps.of_student(entry, supervisor))
        if supervisor is not None:
            seen[supervisor.id] = supervisor
        result.append(
            Card(
                student=shown.full_name,
                family=entry.family_name if home else "",
                address=[home.address_line, f"{home.city}, {home.state} {home.postal_code}"]
                if home
                else [],
                family_phone=nobreak(home.phone or home.mobile_phone) if phones else "",
                teacher=supervisor.name if supervisor else "",
                teacher_phone=nobreak(supervisor.phone) if supervisor else "",
                placed=entry.home is not None,
            )
        )
    return result, found + gaps.of_teachers(seen.values())
