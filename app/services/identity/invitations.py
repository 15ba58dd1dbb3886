"""Invitations of guardians (and students of 18 or more) to their own page: staff send one
to an address on the student's record; the emailed link lets its holder choose a password
(a new account of the role "Parent or student", its address confirmed by the link) or log in,
and links the account to the student.

A link carries a random token; only its SHA-256 is stored (as recovery.py does). It works
once, for INVITATION_DAYS; sending again replaces it, and the old link is dead. Services
flush; the caller commits."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import Guardian, Invitation, Role, Student, StudentAccount, User
from app.models.base import utcnow
from app.services.enrolment import students as student_records
from app.services.errors import DomainError
from app.services.identity import accounts
from app.services.identity.passwords import password_problem
from app.services.mail import notifications, templates
from app.services.mail.shipped_notices import day
from app.services.privacy import audit

# The page that takes an invitation's token, as an absolute URL (the web builds it).
Link = Callable[[str], str]

ADULT_AGE = 18
OPEN, ACCEPTED, EXPIRED, REPLACED, UNKNOWN = "open", "accepted", "expired", "replaced", "unknown"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def age(student: Student, today: date) -> int:
    born = student.date_of_birth
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@dataclass
class Invitee:
    """Somebody staff may invite for a student: a guardian with an email address, or the
    student themself at 18 or more. `invitation` is the latest one sent, `linked` whether
    an account already sees the student as this person."""

    guardian: Guardian | None
    name: str
    email: str
    invitation: Invitation | None
    linked: bool

    @property
    def key(self) -> str:
        return str(self.guardian.id) if self.guardian else "student"


def invitees(student: Student, today: date) -> list[Invitee]:
    """Who may be invited for the student, with the state of their invitation."""
    latest: dict[int | None, Invitation] = {}
    for invitation in db.session.scalars(
        sa.select(Invitation).where(Invitation.student_id == student.id).order_by(Invitation.id)
    ):
        latest[invitation.guardian_id] = invitation
    linked = set(
        db.session.scalars(
            sa.select(StudentAccount.guardian_id).where(StudentAccount.student_id == student.id)
        )
    )
    found = [
        Invitee(g, g.name, g.email, latest.get(g.id), g.id in linked)
        for g in student.guardians
        if g.email
    ]
    if student.email and age(student, today) >= ADULT_AGE:
        found.append(
            Invitee(None, student.full_name, student.email, latest.get(None), None in linked)
        )
    return found


def state(invitation: Invitation | None) -> str:
    if invitation is None:
        return UNKNOWN
    if invitation.accepted_at is not None:
        return ACCEPTED
    if invitation.replaced_at is not None:
        return REPLACED
    if invitation.expires_at <= utcnow():
        return EXPIRED
    return OPEN


def invite(student: Student, key: str, by: User | None, link: Link) -> Invitation:
    """Send (or send again) the invitation of one invitee (`key`: a guardian's id or
    "student"); an earlier open link of the same person stops working."""
    today = utcnow().date()
    invitee = next((i for i in invitees(student, today) if i.key == key), None)
    if invitee is None:
        raise DomainError(str(_l("This person has no email address to invite.")))
    guardian_id = invitee.guardian.id if invitee.guardian else None
    now = utcnow()
    db.session.execute(
        sa.update(Invitation)
        .where(
            Invitation.student_id == student.id,
            Invitation.guardian_id.is_(None)
            if guardian_id is None
            else Invitation.guardian_id == guardian_id,
            Invitation.accepted_at.is_(None),
            Invitation.replaced_at.is_(None),
        )
        .values(replaced_at=now)
        .execution_options(synchronize_session=False)
    )
    token = secrets.token_urlsafe(32)
    days = current_app.config["INVITATION_DAYS"]
    invitation = Invitation(
        student_id=student.id,
        guardian_id=guardian_id,
        email=accounts.normalise_email(invitee.email),
        token_hash=_digest(token),
        invited_by_id=by.id if by else None,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    db.session.add(invitation)
    db.session.flush()
    _send(invitation, invitee, student, link(token))
    audit.record("invitation.sent", "student", student.id, {"invitee": _who(guardian_id)})
    return invitation


def _who(guardian_id: int | None) -> str:
    return "guardian" if guardian_id else "student"


def _send(invitation: Invitation, invitee: Invitee, student: Student, url: str) -> None:
    enrolment = next(iter(student_records.enrolments_of(student)), None)  # the newest
    language = (
        notifications.in_language_of_guardian(invitee.guardian)
        if invitee.guardian
        else notifications.in_language_for(notifications.GUARDIAN_DEFAULT)
    )
    with language:
        values = {
            "name": invitee.name,
            "student": student.full_name,
            "cohort": enrolment.cohort.name if enrolment else str(_l("the exchange")),
            "link": url,
            "expires": day((invitation.expires_at - timedelta(seconds=1)).date()),
        }
        subject, body = templates.render("guardian.invitation", templates.language(), values)
    notifications.queue(invitation.email, subject, body)


# --- following the link -------------------------------------------------------------------


def find(token: str) -> Invitation | None:
    """The invitation of the token, whatever its state (None: no such link)."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(sa.select(Invitation).where(Invitation.token_hash == _digest(token)))


def usable(token: str) -> Invitation:
    """The invitation of the token while it works; DomainError saying why not otherwise."""
    invitation = find(token)
    found = state(invitation)
    if found != OPEN:
        raise DomainError(str(REFUSALS[found]))
    return invitation


REFUSALS = {
    UNKNOWN: _l("This invitation link is not known. Check that you copied the whole link."),
    ACCEPTED: _l("This invitation was already accepted. Log in to see your page."),
    REPLACED: _l(
        "A newer invitation was sent for this person; this link no longer works. "
        "Use the link of the latest email."
    ),
    EXPIRED: _l("This invitation has expired. Ask the exchange team to send a new one."),
}


def account_for(invitation: Invitation) -> User | None:
    return accounts.find_user(invitation.email)


def _spend(invitation: Invitation, user: User) -> None:
    """Mark the invitation accepted (a guarded UPDATE: of two clicks only one wins) and link
    the account to the student."""
    spent = db.session.execute(
        sa.update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.accepted_at.is_(None),
            Invitation.replaced_at.is_(None),
        )
        .values(accepted_at=utcnow(), accepted_by_id=user.id)
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:
        raise DomainError(str(REFUSALS[ACCEPTED]))
    db.session.refresh(invitation)
    link_account(user, invitation.student_id, invitation.guardian_id)
    audit.record(
        "invitation.accepted",
        "student",
        invitation.student_id,
        {"invitee": _who(invitation.guardian_id)},
        user_id=user.id,
    )


def link_account(user: User, student_id: int, guardian_id: int | None) -> StudentAccount:
    """Let the account see the student (as this guardian, or as the student: None)."""
    if user.role != Role.GUARDIAN:
        raise DomainError(
            str(
                _l(
                    "This address belongs to an account of another kind. Ask the exchange "
                    "team to invite another address."
                )
            )
        )
    found = db.session.scalar(
        sa.select(StudentAccount).where(
            StudentAccount.user_id == user.id, StudentAccount.student_id == student_id
        )
    )
    if found is None:
        found = StudentAccount(user_id=user.id, student_id=student_id, guardian_id=guardian_id)
        db.session.add(found)
        db.session.flush()
    return found


def accept_with_new_account(token: str, password: str) -> User:
    """Accept for an address without an account: the account is made with the password
    chosen, its address confirmed (the link came to it), in the invitee's language."""
    invitation = usable(token)
    if account_for(invitation) is not None:
        raise DomainError(str(_l("An account with this email already exists. Log in.")))
    problem = password_problem(password, invitation.email)
    if problem:  # the same rules as everywhere, named after the field of the page
        raise DomainError(problem, "new_password")
    guardian = db.session.get(Guardian, invitation.guardian_id) if invitation.guardian_id else None
    language = guardian.locale if guardian and guardian.locale in ("en", "de") else None
    user = accounts.create_user(invitation.email, password, Role.GUARDIAN, language=language)
    _spend(invitation, user)
    return user


def accept_with_account(token: str, user: User) -> None:
    """Accept for the account that holds the address (logged in, or just authenticated)."""
    invitation = usable(token)
    _spend(invitation, user)
