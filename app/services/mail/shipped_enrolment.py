"""The emails to guardians when a student's place in a cohort changes (accepted, waitlisted,
a place free, withdrawn), and the same news written to an adult student with their own
account, as editable templates; part of the registry in shipped.py. The
optional parts (the waitlist position, a reason staff chose to share, the link to the
guardian's page) are filled in as whole sentences written in the guardian's language, or
left empty: an empty one leaves no blank paragraph (status_emails tidies the text)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.services.mail.template_types import Placeholder, Template

NAME = Placeholder("name", _l("The guardian's name"), "Maria Schmidt")
STUDENT = Placeholder("student", _l("The student's first name"), "Lena")
COHORT = Placeholder("cohort", _l("The cohort's name"), "Dortmund → Buffalo 2027")
PAGE = Placeholder(
    "page",
    _l("A sentence with the link to the guardian's page (empty without an account)"),
    _l("You can see where things stand on your page: %(link)s", link="https://…/my/students/7"),
)
POSITION = Placeholder(
    "position",
    _l("A sentence with the position on the waitlist"),
    _l("%(student)s is number %(number)d on the waitlist.", student="Lena", number=3),
)
REASON = Placeholder(
    "reason",
    _l("A sentence with the reason, when staff chose to share it (else empty)"),
    _l("The reason: %(reason)s", reason=_l("The family moved away.")),
)
GREETING = _l("Dear %(name)s,")

ENROLMENT = (
    Template(
        "enrolment.accepted",
        _l("To a guardian: the student is accepted for a cohort"),
        _l("%(student)s is accepted for the exchange"),
        (
            GREETING,
            _l("Good news: %(student)s is accepted for %(cohort)s and has a place in the group."),
            "{page}",
        ),
        (NAME, STUDENT, COHORT, PAGE),
    ),
    Template(
        "enrolment.waitlisted",
        _l("To a guardian: the student is on the waitlist of a cohort"),
        _l("%(student)s is on the waitlist"),
        (
            GREETING,
            _l(
                "All places in %(cohort)s are taken at the moment, so %(student)s is on the "
                "waitlist. When a place becomes free, the first on the waitlist moves up by "
                "itself, and we will write to you."
            ),
            "{position}",
            "{page}",
        ),
        (NAME, STUDENT, COHORT, POSITION, PAGE),
    ),
    Template(
        "enrolment.place",
        _l("To a guardian: a place became free and is held for the student"),
        _l("A place for %(student)s"),
        (
            GREETING,
            _l("A place in %(cohort)s has become free and is now held for %(student)s."),
            "{page}",
        ),
        (NAME, STUDENT, COHORT, PAGE),
    ),
    Template(
        "enrolment.withdrawn",
        _l("To a guardian: the student's place in a cohort is withdrawn"),
        _l("%(student)s is withdrawn from the exchange"),
        (
            GREETING,
            _l("The registration of %(student)s for %(cohort)s has been withdrawn."),
            "{reason}",
            _l("If you have a question, reply to this email."),
            "{page}",
        ),
        (NAME, STUDENT, COHORT, REASON, PAGE),
    ),
)

# The same news to a student of 18 or more with their own account, written to them.
STUDENT_NAME = Placeholder("name", _l("The student's name"), "Lena Schmidt")
STUDENT_PAGE = Placeholder(
    "page",
    _l("A sentence with the link to the student's page"),
    _l("You can see where things stand on your page: %(link)s", link="https://…/my/students/7"),
)
OWN_POSITION = Placeholder(
    "position",
    _l("A sentence with the student's position on the waitlist"),
    _l("You are number %(number)d on the waitlist.", number=3),
)
TO_STUDENT = (
    Template(
        "enrolment.accepted.student",
        _l("To an adult student: they are accepted for a cohort"),
        _l("You are accepted for the exchange"),
        (
            GREETING,
            _l("Good news: you are accepted for %(cohort)s and have a place in the group."),
            "{page}",
        ),
        (STUDENT_NAME, COHORT, STUDENT_PAGE),
    ),
    Template(
        "enrolment.waitlisted.student",
        _l("To an adult student: they are on the waitlist of a cohort"),
        _l("You are on the waitlist"),
        (
            GREETING,
            _l(
                "All places in %(cohort)s are taken at the moment, so you are on the waitlist. "
                "When a place becomes free, the first on the waitlist moves up by itself, and "
                "we will write to you."
            ),
            "{position}",
            "{page}",
        ),
        (STUDENT_NAME, COHORT, OWN_POSITION, STUDENT_PAGE),
    ),
    Template(
        "enrolment.place.student",
        _l("To an adult student: a place became free and is held for them"),
        _l("A place for you"),
        (
            GREETING,
            _l("A place in %(cohort)s has become free and is now held for you."),
            "{page}",
        ),
        (STUDENT_NAME, COHORT, STUDENT_PAGE),
    ),
    Template(
        "enrolment.withdrawn.student",
        _l("To an adult student: their place in a cohort is withdrawn"),
        _l("Your registration for the exchange is withdrawn"),
        (
            GREETING,
            _l("Your registration for %(cohort)s has been withdrawn."),
            "{reason}",
            _l("If you have a question, reply to this email."),
            "{page}",
        ),
        (STUDENT_NAME, COHORT, REASON, STUDENT_PAGE),
    ),
)
