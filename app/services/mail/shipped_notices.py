"""The automatic emails of the reminders, the placement and the account notices, as editable
templates (the rest of the registry is shipped.py). Templates have no plural forms: a count
is filled in as a phrase written in the recipient's language (`students(3)`: "3 students"), a
day as the reader writes it (`day(...)`: "May 1, 2027", "1. Mai 2027")."""

from __future__ import annotations

from datetime import date

from flask_babel import LazyString, format_date, lazy_ngettext, ngettext
from flask_babel import lazy_gettext as _l

from app.models.enrolments import DocumentKind
from app.services.mail.template_types import Placeholder, Template


def students(count: int) -> str:
    return ngettext("%(num)d student", "%(num)d students", count)


def students_or_families(count: int) -> str:
    return ngettext("%(num)d student or family", "%(num)d students or families", count)


def times(count: int) -> str:
    return ngettext("%(num)d time", "%(num)d times", count)


def day(value: date) -> str:
    """A day as the reader writes it ("May 1, 2027", "1. Mai 2027")."""
    return format_date(value, "long")


def _day(year: int, month: int, number: int) -> LazyString:
    return LazyString(day, date(year, month, number))


def _missing_sample() -> str:
    return ", ".join(
        str(kind.label) for kind in (DocumentKind.MEDICAL_FORM, DocumentKind.INSURANCE)
    )


COHORT = Placeholder("cohort", _l("The cohort's name"), "Dortmund → Buffalo 2027")
DAY = Placeholder("day", _l("The deadline"), _day(2027, 5, 1))
EXPIRES = Placeholder("day", _l("The day the check expires"), _day(2027, 6, 15))
RETURNS = Placeholder("returns", _l("The day the group returns"), _day(2027, 7, 1))
FAMILY_LINK = Placeholder(
    "link", _l("The link to log in to the family page"), "https://…/family/", True
)
COHORT_LINK = Placeholder(
    "link", _l("The link to log in and open the cohort"), "https://…/cohorts/3", True
)
STATUS = (
    Placeholder("family", _l("The family's name"), "Miller"),
    EXPIRES,
    COHORT,
    RETURNS,
    COHORT_LINK,
)
PLACED = _l("Log in to your family page to see who is coming and all the details:\n%(link)s")

REMINDERS = (
    Template(
        "reminder.documents",
        _l("To a guardian: documents still missing before the enrolment deadline"),
        _l("Documents still missing for the exchange"),
        _l(
            "Dear %(name)s,\n\nfor %(student)s's exchange (%(cohort)s) these documents "
            "are still missing: %(missing)s.\n\nPlease hand them in by %(day)s."
        ),
        (
            Placeholder("name", _l("The guardian's name"), "Maria Schmidt"),
            Placeholder("student", _l("The student's first name"), "Lena"),
            COHORT,
            Placeholder(
                "missing", _l("The documents still missing"), LazyString(_missing_sample), True
            ),
            DAY,
        ),
    ),
    Template(
        "reminder.documents.student",
        _l("To an adult student: documents still missing before the enrolment deadline"),
        _l("Documents still missing for the exchange"),
        _l(
            "Dear %(name)s,\n\nfor your exchange (%(cohort)s) these documents are still "
            "missing: %(missing)s.\n\nPlease hand them in by %(day)s."
        ),
        (
            Placeholder("name", _l("The student's name"), "Lena Schmidt"),
            COHORT,
            Placeholder(
                "missing", _l("The documents still missing"), LazyString(_missing_sample), True
            ),
            DAY,
        ),
    ),
    Template(
        "reminder.documents_staff",
        _l(
            "To coordinators and admins: students lacking documents whom nobody can be emailed "
            "about"
        ),
        _l("Nobody can be emailed about missing documents"),
        _l(
            "Nobody can be emailed about %(students)s of %(cohort)s still without documents "
            "before the enrolment deadline on %(day)s: no guardian's email is known, and they "
            "have no account of their own. Please reach them another way:\n%(link)s"
        ),
        (
            Placeholder(
                "students",
                _l("How many students (the number and the word)"),
                lazy_ngettext("%(num)d student", "%(num)d students", 3),
            ),
            COHORT,
            DAY,
            COHORT_LINK,
        ),
    ),
    Template(
        "reminder.background_family",
        _l("To a host family: its background check expires before the group returns"),
        _l("A background check expires before the group returns"),
        _l(
            "Your background check expires on %(day)s, before the group %(cohort)s returns on "
            "%(returns)s. Please have it renewed and tell the programme.\n%(link)s"
        ),
        (EXPIRES, COHORT, RETURNS, FAMILY_LINK),
    ),
    Template(
        "reminder.background_staff",
        _l("To coordinators and admins: a family's background check expires before the return"),
        _l("A background check expires before the group returns"),
        _l(
            "The background check of the family %(family)s expires on %(day)s, before the "
            "group %(cohort)s returns on %(returns)s.\n%(link)s"
        ),
        STATUS,
    ),
    Template(
        "reminder.draft",
        _l("To a host family: its application draft is left untouched"),
        _l("Your host family application is waiting"),
        _l(
            "You started an application to host a student and last changed it on %(day)s. It "
            "is not submitted yet; finish it here:\n%(link)s"
        ),
        (Placeholder("day", _l("The day it was last changed"), _day(2027, 2, 20)), FAMILY_LINK),
    ),
    Template(
        "reminder.contacts",
        _l("To a teacher, weekly: contacts overdue or due within the week"),
        _l("Contacts due this week"),
        _l(
            "Overdue for a contact: %(overdue)s.\nDue within the week: %(soon)s.\n\n"
            "The list is here:\n%(link)s"
        ),
        (
            Placeholder(
                "overdue",
                _l("How many are overdue (the number and the words)"),
                lazy_ngettext("%(num)d student or family", "%(num)d students or families", 2),
            ),
            Placeholder(
                "soon",
                _l("How many are due within the week (the number and the words)"),
                lazy_ngettext("%(num)d student or family", "%(num)d students or families", 1),
            ),
            Placeholder(
                "link",
                _l("The link to log in to the teacher's page"),
                "https://…/teachers/me",
                True,
            ),
        ),
    ),
)

PLACEMENT = (
    Template(
        "placement.placed",
        _l("To a host family: a student of a cohort is placed with it"),
        _l("A student has been placed with you"),
        (
            _l("Good news: a student of the group %(cohort)s has been placed with your family."),
            PLACED,
        ),
        (COHORT, FAMILY_LINK),
    ),
    Template(
        "placement.moved",
        _l("To a host family: a student living with another family is moved to it"),
        _l("A student is moving to your family"),
        (
            _l(
                "A student of the group %(cohort)s who was living with another host family is "
                "now placed with yours."
            ),
            PLACED,
        ),
        (COHORT, FAMILY_LINK),
    ),
    Template(
        "placement.temporary",
        _l("To a host family: a student is placed with it for a while (a temporary placement)"),
        _l("A student is placed with you for a while"),
        (
            _l(
                "A student of the group %(cohort)s has been placed with your family for a while, "
                "until %(ends)s."
            ),
            PLACED,
        ),
        (COHORT, Placeholder("ends", _l("The day it ends"), _day(2027, 4, 10)), FAMILY_LINK),
    ),
)

ACCOUNT_NOTICES = (
    Template(
        "signup.taken",
        _l("To an account holder: somebody tried to sign up with the account's email"),
        _l("Someone tried to sign up with your email"),
        _l(
            "Somebody (perhaps you) tried to create a host-family account with this email "
            "address. You already have an account: log in with your email and password. If you "
            'forgot your password, choose a new one with "Forgot your password?" on the login '
            "page. If this was not you, you can ignore this email."
        ),
    ),
    Template(
        "password.wrong",
        _l("To an account holder: repeated wrong passwords within a day"),
        _l("Wrong passwords for your account"),
        (
            _l(
                "Somebody tried %(attempts)s within a day to log in to your Austausch account "
                "with a wrong password."
            ),
            _l(
                "If it was you: a family that has just signed up confirms its email "
                "address first, with the link in our welcome email. If you forgot your "
                'password, choose a new one with "Forgot your password?" on the login page.'
            ),
            _l(
                "If it was not you: nobody got in. After repeated wrong passwords every "
                "further attempt has to wait longer. To be safe, choose a new password."
            ),
        ),
        (
            Placeholder(
                "attempts",
                _l("How many wrong passwords (the number and the word)"),
                lazy_ngettext("%(num)d time", "%(num)d times", 5),
            ),
        ),
    ),
)

NOTICES = REMINDERS + PLACEMENT + ACCOUNT_NOTICES
