"""Consent given and withdrawn online by a guardian (or an adult student) from their page.

    online_consent.wording()                      # the current wording in the page's language
    online_consent.give(link, enrolment, typed_name, confirmed, user)
    online_consent.withdraw(link, enrolment, user, staff_url)  # staff are emailed

The consent is an ordinary GuardianConsent row (documents.record_consent): who typed their
name, when, to which wording version, recorded by the account itself, for the guardian of the
link. So everything that follows from a consent and its withdrawal holds as for a consent
staff recorded from paper: a withdrawn consent stops placing and cuts rosters to the safety
facts (disclosure.py). The wording is versioned in app/data/consent_wording.json; a consent
counts for the current version only, so a new version asks every guardian again."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import Enrolment, GuardianConsent, Programme, StudentAccount, User
from app.models.base import utcnow
from app.services.enrolment import documents
from app.services.errors import DomainError
from app.services.mail import notifications, templates

WITHDRAWN_EMAIL = "consent.withdrawn"
NAME_LENGTH = 200


def wording(version: str | None = None) -> str:
    """The consent wording of the version (the current one if None) in the page's language."""
    texts = documents.consent_wordings()[version or documents.current_wording_version()]
    language = str(get_locale() or "en")[:2]
    return texts.get(language) or texts["en"]


def _theirs(link: StudentAccount, consent: GuardianConsent) -> bool:
    """Whether the consent was given by the link's guardian (or, for an adult student's
    account, by the account itself)."""
    if link.guardian_id is not None:
        return consent.guardian_id == link.guardian_id
    return consent.recorded_by_id == link.user_id and consent.guardian_id is None


def current_consent(link: StudentAccount, enrolment: Enrolment) -> GuardianConsent | None:
    """The active consent of the link's person to the current wording, if any."""
    version = documents.current_wording_version()
    return next(
        (
            c
            for c in enrolment.consents
            if c.active and c.wording_version == version and _theirs(link, c)
        ),
        None,
    )


def refusal(enrolment: Enrolment) -> str | None:
    """Why consent cannot be given or withdrawn online now, or None."""
    try:
        documents.still_open(enrolment)
    except DomainError as refused:
        return refused.message
    return None


def _locked(enrolment: Enrolment) -> None:
    """Read the enrolment and its consents again, its row locked (PostgreSQL) until the
    transaction ends, so that a double click consents or withdraws once."""
    db.session.refresh(enrolment, with_for_update=True)
    db.session.expire(enrolment, ["consents"])


def give(
    link: StudentAccount, enrolment: Enrolment, typed_name: str, confirmed: bool, user: User
) -> GuardianConsent:
    """Record the consent of the link's guardian to the current wording, typed online."""
    name = " ".join((typed_name or "").split())
    if not name:
        raise DomainError(str(_l("Type your full name to sign.")), "name")
    if len(name) > NAME_LENGTH:
        raise DomainError(str(_l("The name is too long: at most 200 characters.")), "name")
    if not confirmed:
        raise DomainError(str(_l("Tick the box to confirm your consent.")), "confirm")
    _locked(enrolment)
    if current_consent(link, enrolment) is not None:
        raise DomainError(str(_l("You have already given your consent.")), "name")
    return documents.record_consent(
        enrolment,
        name,
        utcnow(),
        documents.current_wording_version(),
        user.id,
        guardian_id=link.guardian_id,
    )


def withdraw(
    link: StudentAccount, enrolment: Enrolment, user: User, staff_url: Callable[[int], str]
) -> list[GuardianConsent]:
    """Withdraw every active consent of the enrolment (one guardian's withdrawal is enough to
    stop the exchange's use of it), with the same effects as staff's withdrawal; staff are
    emailed with staff_url(enrolment id), the link to the enrolment. Returns the consents
    withdrawn."""
    _locked(enrolment)
    documents.still_open(enrolment)
    active = [c for c in enrolment.consents if c.active]
    if not active:
        raise DomainError(str(_l("There is no consent to withdraw.")), "consent")
    who = link.guardian.name if link.guardian is not None else enrolment.student.full_name
    note = str(_l("Withdrawn online by %(name)s.", name=who))
    for consent in active:
        documents.withdraw_consent(consent, user.id, note)
    _tell_staff(enrolment, who, staff_url(enrolment.id))
    return active


def _tell_staff(enrolment: Enrolment, who: str, url: str) -> None:
    """Email every coordinator and admin, each in their language; no health or other details
    beyond who withdrew for which student."""
    for person in notifications.staff():
        with notifications.in_language(person):
            values = {
                "student": enrolment.student.full_name,
                "cohort": enrolment.cohort.name,
                "guardian": who,
                "link": url,
            }
            subject, body = templates.render(WITHDRAWN_EMAIL, templates.language(), values)
        notifications.queue(person.email, subject, body)


def require_both(programme: Programme, required: bool) -> None:
    """Whether each guardian listed for a student must consent (documents.missing_kinds)."""
    programme.consent_of_both = bool(required)
    db.session.flush()
