"""Messages to a group: staff choose an audience (a cohort's guardians, host families or
teachers; families in vetting; guardians of students with missing documents or not yet
placed), see who will receive it (and who cannot be reached), and send it once, each recipient
in their language, through the outbox. Each message keeps a delivery log.

Recipients who unsubscribed (MessageOptOut, via the List-Unsubscribe link) get no group
messages; transactional emails are unaffected."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import (
    HOLDS_PLACE,
    ApplicationStatus,
    Cohort,
    CohortTeacher,
    Enrolment,
    GroupMessage,
    Guardian,
    HostApplication,
    HostFamily,
    MessageDelivery,
    MessageOptOut,
    OutboxEmail,
    Placement,
    PlacementStatus,
    Student,
    Teacher,
    User,
)
from app.models.base import utcnow
from app.models.families import application_cohorts
from app.services.enrolment import documents
from app.services.errors import DomainError
from app.services.mail import notifications

GUARDIANS, FAMILIES, TEACHERS = "guardians", "families", "teachers"
VETTING, MISSING_DOCUMENTS, UNPLACED = "vetting", "missing_documents", "unplaced"
AUDIENCES = {
    GUARDIANS: _l("The cohort's guardians"),
    FAMILIES: _l("The cohort's host families"),
    TEACHERS: _l("The cohort's teachers"),
    VETTING: _l("Families in vetting"),
    MISSING_DOCUMENTS: _l("Guardians of students with missing documents"),
    UNPLACED: _l("Guardians of students not yet placed"),
}
NEEDS_COHORT = (GUARDIANS, FAMILIES, TEACHERS, MISSING_DOCUMENTS, UNPLACED)
IN_VETTING = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.REFERENCES_CHECKED,
    ApplicationStatus.BACKGROUND_CLEARED,
    ApplicationStatus.HOME_VISITED,
)
LISTED = ("id", "audience", "subject_en", "subject_de", "sent_at", "created_at")
QUEUED, UNREACHABLE, OPTED_OUT = "queued", "unreachable", "opted_out"
SALT = "group-messages-unsubscribe"
PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Recipient:
    """Somebody a message goes to; email None: no address known, cannot be reached."""

    name: str
    email: str | None
    language: str  # "en" or "de"
    kind: str  # "user" or "guardian"
    id: int


def audience_label(audience: str) -> str:
    return str(AUDIENCES.get(audience, audience))


def _user(user: User, name: str) -> Recipient:
    return Recipient(name, user.email, notifications.language_of(user), "user", user.id)


def _guardians(enrolments: sa.Select) -> list[Recipient]:
    guardians = db.session.scalars(
        sa.select(Guardian)
        .join(Student, Student.id == Guardian.student_id)
        .join(Enrolment, Enrolment.student_id == Student.id)
        .where(Enrolment.id.in_(enrolments))
        .order_by(Student.last_name, Student.first_name, Guardian.position)
    ).all()
    return [
        Recipient(g.name, g.email or None, notifications.guardian_language(g), "guardian", g.id)
        for g in guardians
    ]


def recipients(audience: str, cohort: Cohort | None) -> list[Recipient]:
    """Who the audience is, today: each person once (by kind and id), names sorted."""
    if audience not in AUDIENCES:
        raise DomainError(_("Choose who the message is for."), field="audience")
    if audience in NEEDS_COHORT and cohort is None:
        raise DomainError(_("Choose the cohort."), field="cohort_id")
    holding = sa.select(Enrolment.id).where(
        Enrolment.cohort_id == (cohort.id if cohort else None), Enrolment.status.in_(HOLDS_PLACE)
    )
    found: list[Recipient]
    if audience == GUARDIANS:
        found = _guardians(holding)
    elif audience == MISSING_DOCUMENTS:
        found = _guardians(holding.where(documents.lacks_documents()))
    elif audience == UNPLACED:
        placed = sa.select(Placement.enrolment_id).where(Placement.status == PlacementStatus.ACTIVE)
        found = _guardians(holding.where(Enrolment.id.not_in(placed)))
    elif audience == FAMILIES:
        families = db.session.scalars(
            sa.select(HostFamily)
            .join(HostApplication, HostApplication.family_id == HostFamily.id)
            .join(Placement, Placement.application_id == HostApplication.id)
            .where(Placement.cohort_id == cohort.id, Placement.status == PlacementStatus.ACTIVE)
            .options(joinedload(HostFamily.user))
            .order_by(HostFamily.family_name)
        ).unique()
        found = [_user(f.user, f.family_name or f.user.email) for f in families]
    elif audience == TEACHERS:
        teachers = db.session.scalars(
            sa.select(Teacher)
            .join(CohortTeacher, CohortTeacher.teacher_id == Teacher.id)
            .where(CohortTeacher.cohort_id == cohort.id)
            .options(joinedload(Teacher.user))
            .order_by(Teacher.name)
        ).unique()
        found = [_user(t.user, t.name) for t in teachers]
    else:  # families in vetting, of one cohort when one is chosen
        query = (
            sa.select(HostFamily)
            .join(HostApplication, HostApplication.family_id == HostFamily.id)
            .where(HostApplication.status.in_(IN_VETTING))
            .options(joinedload(HostFamily.user))
            .order_by(HostFamily.family_name)
        )
        if cohort is not None:
            query = query.join(
                application_cohorts, application_cohorts.c.application_id == HostApplication.id
            ).where(application_cohorts.c.cohort_id == cohort.id)
        families = db.session.scalars(query).unique()
        found = [_user(f.user, f.family_name or f.user.email) for f in families]
    seen: set[tuple[str, int]] = set()
    unique = []
    for recipient in found:
        if (recipient.kind, recipient.id) not in seen:
            seen.add((recipient.kind, recipient.id))
            unique.append(recipient)
    return unique


def create(audience: str, cohort: Cohort | None, texts: dict[str, str]) -> GroupMessage:
    """A draft message (not sent yet); every text in both languages is required."""
    recipients(audience, cohort)  # refuses an unknown audience or a missing cohort
    for key in ("subject_en", "body_en", "subject_de", "body_de"):
        if not (texts.get(key) or "").strip():
            raise DomainError(_("Write the message in English and in German."), field=key)
        unknown = set(PLACEHOLDER.findall(texts[key])) - {"name", "cohort"}
        if unknown:
            raise DomainError(
                _("Unknown placeholder: %(names)s.", names=", ".join(sorted(unknown))), field=key
            )
    message = GroupMessage(
        audience=audience,
        cohort_id=cohort.id if cohort else None,
        subject_en=texts["subject_en"].strip()[:200],
        body_en=texts["body_en"].strip(),
        subject_de=texts["subject_de"].strip()[:200],
        body_de=texts["body_de"].strip(),
    )
    db.session.add(message)
    db.session.flush()
    return message


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def unsubscribe_token(email: str) -> str:
    return _serializer().dumps(email.strip().lower())


def email_of_token(token: str) -> str | None:
    """The address a signed unsubscribe token stands for, or None when it was tampered with."""
    try:
        email = _serializer().loads(token)
    except BadSignature:
        return None
    return email if isinstance(email, str) else None


def unsubscribe(email: str) -> None:
    """No more group messages to the address (idempotent)."""
    email = email.strip().lower()
    if db.session.get(MessageOptOut, email) is None:
        db.session.add(MessageOptOut(email=email))
        db.session.flush()


def opted_out(emails: list[str]) -> set[str]:
    lowered = [e.lower() for e in emails]
    return set(
        db.session.scalars(sa.select(MessageOptOut.email).where(MessageOptOut.email.in_(lowered)))
    )


def _fill(text: str, recipient: Recipient, cohort: Cohort | None) -> str:
    """The placeholders {name} and {cohort}; other braces stay as written."""
    return text.replace("{name}", recipient.name).replace("{cohort}", cohort.name if cohort else "")


def send(message: GroupMessage, by_user: User, link: Callable[[str], str]) -> int:
    """Queue one email per reachable, subscribed recipient, in their language; note everybody
    in the delivery log. `link(token)` is the absolute unsubscribe address. A message is sent
    once: a second call (a double submit, two staff at once) is refused. Returns the number
    of emails queued."""
    won = db.session.execute(
        sa.update(GroupMessage)
        .where(GroupMessage.id == message.id, GroupMessage.sent_at.is_(None))
        .values(sent_at=utcnow(), sent_by_id=by_user.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not won:
        raise DomainError(_("This message has already been sent."))
    db.session.refresh(message)
    cohort = db.session.get(Cohort, message.cohort_id) if message.cohort_id else None
    people = recipients(message.audience, cohort)
    stopped = opted_out([p.email for p in people if p.email])
    queued = 0
    for person in people:
        status, outbox_id = UNREACHABLE, None
        if person.email and person.email.lower() in stopped:
            status = OPTED_OUT
        elif person.email:
            german = person.language == "de"
            subject = message.subject_de if german else message.subject_en
            body = message.body_de if german else message.body_en
            url = link(unsubscribe_token(person.email))
            with notifications.in_language_for(person.language):
                footer = _("Stop receiving messages like this one: %(url)s", url=url)
            email = notifications.queue(
                person.email,
                _fill(subject, person, cohort),
                f"{_fill(body, person, cohort)}\n\n-- \n{footer}",
                kind=notifications.GROUP,
                unsubscribe_url=url if url.startswith("https://") else None,
            )
            status, outbox_id = QUEUED, email.id
            queued += 1
        db.session.add(
            MessageDelivery(
                message_id=message.id,
                name=person.name[:200],
                email=person.email,
                recipient_kind=person.kind,
                recipient_id=person.id,
                language=person.language,
                outbox_email_id=outbox_id,
                status=status,
            )
        )
    db.session.flush()
    return queued


@dataclass
class LogRow:
    delivery: MessageDelivery
    outbox: OutboxEmail | None

    @property
    def state(self) -> str:
        """queued, sent, failed, bounced, unreachable or opted_out."""
        if self.delivery.status != QUEUED or self.outbox is None:
            return self.delivery.status
        if self.outbox.sent_at:
            return "sent"
        if self.outbox.bounced_at:
            return "bounced"
        return "failed" if self.outbox.attempts else QUEUED


def delivery_log(message: GroupMessage) -> list[LogRow]:
    rows = db.session.execute(
        sa.select(MessageDelivery, OutboxEmail)
        .outerjoin(OutboxEmail, OutboxEmail.id == MessageDelivery.outbox_email_id)
        .where(MessageDelivery.message_id == message.id)
        .order_by(MessageDelivery.id)
    ).all()
    return [LogRow(d, o) for d, o in rows]


def sent_messages(limit: int = 200) -> list[sa.Row]:
    """The newest messages as the list shows them (id, audience, subjects, sent_at) with
    `recipients`, their number of deliveries, counted in SQL for these messages only."""
    newest = (
        sa.select(*(getattr(GroupMessage, c) for c in LISTED))
        .order_by(GroupMessage.created_at.desc(), GroupMessage.id.desc())
        .limit(limit)
        .subquery()
    )
    count = sa.select(sa.func.count()).where(MessageDelivery.message_id == newest.c.id)
    query = sa.select(newest, count.scalar_subquery().label("recipients"))
    return list(db.session.execute(query.order_by(newest.c.created_at.desc(), newest.c.id.desc())))


def received(kind: str, recipient_id: int) -> list[tuple[GroupMessage, str, str]]:
    """The group messages a recipient received ("user": a host family's portal; "guardian":
    a Guardian row, on the guardian's page), each with its subject and text as sent."""
    rows = db.session.execute(
        sa.select(GroupMessage, MessageDelivery, Cohort)
        .join(MessageDelivery, MessageDelivery.message_id == GroupMessage.id)
        .outerjoin(Cohort, Cohort.id == GroupMessage.cohort_id)
        .where(
            MessageDelivery.recipient_kind == kind,
            MessageDelivery.recipient_id == recipient_id,
            MessageDelivery.status == QUEUED,
        )
        .order_by(GroupMessage.sent_at.desc())
    ).all()
    found = []
    for message, delivery, cohort in rows:
        person = Recipient(delivery.name, delivery.email, delivery.language, kind, recipient_id)
        german = delivery.language == "de"
        subject = message.subject_de if german else message.subject_en
        body = message.body_de if german else message.body_en
        found.append((message, _fill(subject, person, cohort), _fill(body, person, cohort)))
    return found
