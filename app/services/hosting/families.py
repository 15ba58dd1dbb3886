"""Host families: the application (saved unfinished, submitted, withdrawn), and applying
again with last year's answers. The family's own side of the journey (signing up:
`signup.py`)."""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.models import Cohort, CohortStatus, Diet, Direction, User
from app.models.base import utcnow
from app.models.families import (
    ApplicationStatus,
    FamilyReference,
    GenderPreference,
    HostApplication,
    HostFamily,
    HouseholdMember,
    VettingEvent,
)
from app.services.errors import DomainError
from app.services.hosting import rechecks
from app.services.mail import notifications, templates
from app.services.validation import Checker, ValidationFailed

A = ApplicationStatus
# A decided family keeps its details up to date too; what the checks covered reopens them.
OPEN_FOR_EDITS = tuple(status for status in A if status not in (A.DECLINED, A.WITHDRAWN))
FINISHED = (A.APPROVED, A.DECLINED, A.BACKUP, A.WITHDRAWN)
ANSWER_FIELDS = (
    "address_line",
    "city",
    "state",
    "postal_code",
    "phone",
    "mobile_phone",
    "languages",
    "has_pets",
    "pets",
    "smoking_in_home",
    "bedrooms",
    "beds_offered",
    "shared_room",
    "gender_preference",
    "diets",
    "high_school",
    "school_distance_miles",
    "motivation",
    "interests",
    "background_check_consent",
)
MEMBER_FIELDS = ("name", "age", "relation")
REFERENCE_FIELDS = ("name", "relation", "phone", "email")
MAX_MEMBERS = 12
# Where host families live: the programme's host area, Buffalo and the towns around it.
US_STATES = ("NY", "PA")
ZIP_CODE = re.compile(r"[0-9]{5}(-[0-9]{4})?")  # ASCII digits: isdigit() also took "١٤٢٠١"


def family_of(user: User) -> HostFamily | None:
    return db.session.scalar(sa.select(HostFamily).where(HostFamily.user_id == user.id))


def current_application(family: HostFamily) -> HostApplication | None:
    """The family's newest application, its `family` the one given (the session keeps a
    loaded row only while it is referenced: read again, it would cost a statement)."""
    application = db.session.scalar(
        sa.select(HostApplication)
        .where(HostApplication.family_id == family.id)
        .order_by(HostApplication.created_at.desc(), HostApplication.id.desc())
        .limit(1)
    )
    if application is not None:
        set_committed_value(application, "family", family)
    return application


def hostable_cohorts(today: date | None = None) -> list[Cohort]:
    """Cohorts coming to the partner city that families can still offer to host."""
    today = today or date.today()
    return list(
        db.session.scalars(
            sa.select(Cohort)
            .where(
                Cohort.direction == Direction.OUTBOUND,
                Cohort.status.in_((CohortStatus.PLANNING, CohortStatus.OPEN, CohortStatus.CLOSED)),
                Cohort.return_date >= today,
            )
            .order_by(Cohort.departure_date)
        )
    )


def _check_shape(values: dict, check: Checker) -> None:
    """Checks that hold for a draft too: lengths, numbers in range, known choices."""
    for field, length in (
        ("family_name", 200),
        ("address_line", 200),
        ("city", 100),
        ("postal_code", 10),
        ("languages", 200),
        ("pets", 200),
        ("high_school", 200),
        ("motivation", 5000),
        ("interests", 2000),
    ):
        check.text(values, field, required=False, max_length=length)
    if values.get("state") and values["state"] not in US_STATES:
        check.add("state", _l("Families live in the Buffalo area (NY)."))
    for field in ("phone", "mobile_phone"):
        check.phone(values, field, required=False)
    for field, low, high in (("bedrooms", 1, 20), ("beds_offered", 1, 6)):
        value = values.get(field)
        if value is not None and not (isinstance(value, int) and low <= value <= high):
            check.add(field, _l("Give a number from %(low)d to %(high)d.", low=low, high=high))
    distance = values.get("school_distance_miles")
    if distance is not None and not 0 <= distance <= 100:
        check.add("school_distance_miles", _l("Give the distance in miles, 0 to 100."))
    if values.get("gender_preference") is not None:
        check.choice(values, "gender_preference", GenderPreference)
    unknown = set(values.get("diets") or []) - {d.value for d in Diet}
    if unknown:
        check.add("diets", _l("Unknown diet."))
    postal = (values.get("postal_code") or "").strip()
    if postal and not ZIP_CODE.fullmatch(postal):
        check.add("postal_code", _l("Enter a ZIP code such as 14201."))
    members = values.get("members") or []
    if len(members) > MAX_MEMBERS:
        check.add("members", _l("At most %(n)d household members.", n=MAX_MEMBERS))
    for index, member in enumerate(members):
        age = member.get("age")
        if not (member.get("name") or "").strip():
            check.add(f"members.{index}.name", _l("Give the name."))
        if age is None or not 0 <= age <= 120:
            check.add(f"members.{index}.age", _l("Give the age in years."))
        if not (member.get("relation") or "").strip():
            check.add(f"members.{index}.relation", _l("Say how this person belongs to the family."))


def _check_complete(values: dict, check: Checker) -> None:
    """What a submitted application must have."""
    for field in (
        "family_name",
        "address_line",
        "city",
        "postal_code",
        "high_school",
        "motivation",
    ):
        check.text(values, field, required=True, max_length=5000)
    check.phone(values, "phone", required=True)
    for field in ("bedrooms", "beds_offered"):
        if values.get(field) is None:
            check.add(field, _l("This field is required."))
    if values.get("school_distance_miles") is None:
        check.add("school_distance_miles", _l("This field is required."))
    if values.get("shared_room") and values.get("gender_preference") in (None, "any"):
        check.add(
            "gender_preference",
            _l("Students share a room only with the same gender: say whom you would host."),
        )
    if values.get("has_pets") and not (values.get("pets") or "").strip():
        check.add("pets", _l("Say which pets you have."))
    if not values.get("members"):
        check.add("members", _l("List everybody who lives in your home."))
    if not values.get("cohort_ids"):
        check.add("cohort_ids", _l("Choose at least one group you could host."))
    if not values.get("background_check_consent"):
        check.add(
            "background_check_consent",
            _l("Hosting a minor needs a background check of the adults in your home."),
        )
    references = values.get("references") or []
    for number in (1, 2):
        reference = references[number - 1] if len(references) >= number else {}
        own = Checker()
        own.text(reference, "name", required=True, max_length=200)
        own.text(reference, "relation", required=True, max_length=100)
        own.phone(reference, "phone", required=True)
        own.email(reference, "email")
        check.problems.extend((f"reference{number}.{f}", m) for f, m in own.problems)


def check_application(values: dict, complete: bool) -> list[tuple[str, str]]:
    """Problems with these answers; complete=True for submitting, False for a draft."""
    check = Checker()
    _check_shape(values, check)
    if complete:
        _check_complete(values, check)
    return check.problems


def as_values(application: HostApplication) -> dict:
    """The application's answers in the shape save_answers takes."""
    values = {field: getattr(application, field) for field in ANSWER_FIELDS}
    values["family_name"] = application.family.family_name
    values["diets"] = [d for d in (application.diets or "").split(",") if d]
    values["members"] = [{f: getattr(m, f) for f in MEMBER_FIELDS} for m in application.members]
    values["references"] = [
        {f: getattr(r, f) for f in REFERENCE_FIELDS} for r in application.references
    ]
    values["cohort_ids"] = [c.id for c in application.cohorts]
    return values


def _apply(application: HostApplication, values: dict) -> None:
    if "family_name" in values:
        application.family.family_name = (values["family_name"] or "").strip()
    for field in ANSWER_FIELDS:
        if field in values:
            value = values[field]
            if field == "diets":
                value = ",".join(sorted(set(value or [])))
            elif isinstance(value, str):
                value = value.strip()
            setattr(application, field, value)
    if "members" in values:
        application.members = [
            HouseholdMember(name=m["name"].strip(), age=m["age"], relation=m["relation"].strip())
            for m in values["members"]
        ]
    if "references" in values:
        application.references = []
        db.session.flush()  # the old rows go first: positions 1 and 2 are unique
        application.references = [
            FamilyReference(
                position=position,
                name=(r.get("name") or "").strip(),
                relation=(r.get("relation") or "").strip(),
                phone=(r.get("phone") or "").strip(),
                email=(r.get("email") or "").strip() or None,
            )
            for position, r in enumerate(values["references"][:2], start=1)
            if any((r.get(f) or "").strip() for f in REFERENCE_FIELDS)
        ]
    if "cohort_ids" in values:
        allowed = {c.id: c for c in hostable_cohorts()}
        kept = {c.id: c for c in application.cohorts}  # a past choice stays valid
        application.cohorts = [
            allowed.get(i) or kept[i] for i in values["cohort_ids"] if i in allowed or i in kept
        ]


def save_answers(
    application: HostApplication, values: dict, by_id: int | None = None
) -> rechecks.Changes:
    """Save the answers as they are (a draft may be unfinished); refuses malformed ones.
    Answers left out stay as stored (a section of the task list gives only its own), and
    are checked with the new ones. A submitted application must stay complete. A change to
    what a recorded check covered reopens the check (by_id: who changed it); returns the
    checks reopened."""
    rechecks.lock(application)
    if application.status not in OPEN_FOR_EDITS:
        raise DomainError(str(_l("This application is closed; apply again to change answers.")))
    before = as_values(application)
    values = {**before, **values}
    problems = check_application(values, complete=application.status != A.DRAFT)
    if problems:
        raise ValidationFailed(problems)
    rechecks.keep_placed(application, values)
    _apply(application, values)
    application.family.last_active_at = utcnow()
    db.session.flush()
    return rechecks.reopen(application, before, as_values(application), by_id)


def submit(application: HostApplication) -> None:
    """Submit a draft: every answer needed must be there. Coordinators are told."""
    if application.status != A.DRAFT:
        raise DomainError(str(_l("This application was already submitted.")))
    problems = check_application(as_values(application), complete=True)
    if problems:
        raise ValidationFailed(problems)
    application.status = A.SUBMITTED
    application.submitted_at = utcnow()
    db.session.add(VettingEvent(application=application, to_status=A.SUBMITTED))
    db.session.flush()
    for member in notifications.staff():
        with notifications.in_language(member):  # each in their own language, not the family's
            values = {"city": application.city}
            subject, body = templates.render("application.received", templates.language(), values)
        notifications.queue(member.email, subject, body)


def withdraw(application: HostApplication, by_id: int | None) -> None:
    """The family withdraws its application; it stays on record."""
    if application.status in FINISHED:
        raise DomainError(str(_l("This application is already closed.")))
    if rechecks.students_placed(application):  # a family vetted again after a change
        raise DomainError(str(_l("A student lives with you: please talk to the coordinator.")))
    application.status = A.WITHDRAWN
    db.session.add(VettingEvent(application=application, to_status=A.WITHDRAWN, by_user_id=by_id))
    db.session.flush()


def apply_again(family: HostFamily) -> HostApplication:
    """A new draft with the answers of the family's last application, to confirm or change.
    Vetting and chosen groups start afresh."""
    last = current_application(family)
    if last is not None and last.status not in FINISHED:
        raise DomainError(str(_l("Your current application is still open.")))
    draft = HostApplication(family=family, copied_from_id=last.id if last else None)
    db.session.add(draft)
    if last is not None:
        values = as_values(last)
        values["cohort_ids"] = []
        _apply(draft, values)
    db.session.flush()
    return draft
