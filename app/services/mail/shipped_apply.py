"""The emails of applying online, as editable templates (the registry is shipped.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.services.mail.template_types import Placeholder, Template

APPLY = (
    Template(
        "apply.welcome",
        _l("To a parent or student who signs up to apply: confirm the email address"),
        _l("Confirm your email address to apply"),
        (
            _l(
                "Thank you for applying for the Dortmund–Buffalo exchange. Please confirm your "
                "email address with this link (it works for %(hours)d hours):"
            ),
            "{link}",
            _l(
                "Then log in at any time to continue the application; you can save it "
                "unfinished and come back later."
            ),
            _l("If you did not sign up, ignore this email: the account cannot be used."),
        ),
        (
            Placeholder(
                "link", _l("The link to confirm the address"), "https://…/email/confirm/…", True
            ),
            Placeholder("hours", _l("How many hours the link works"), "48"),
        ),
    ),
    Template(
        "apply.taken",
        _l("To an account holder: somebody tried to sign up to apply with the account's email"),
        _l("Someone tried to sign up with your email"),
        _l(
            "Somebody (perhaps you) tried to create an account with this email address to "
            "apply for the exchange. You already have an account: log in with your email and "
            'password. If you forgot your password, choose a new one with "Forgot your '
            'password?" on the login page. If this was not you, you can ignore this email.'
        ),
    ),
    Template(
        "apply.submitted",
        _l("To coordinators and admins: an application was submitted online"),
        _l("New application: %(student)s"),
        (
            _l("%(student)s has applied online for %(cohort)s (status: %(status)s)."),
            _l("Accept or withdraw it on the student's page:"),
            "{link}",
        ),
        (
            Placeholder("student", _l("The student's name"), "Anna Schmidt"),
            Placeholder("cohort", _l("The cohort's name"), "Dortmund → Buffalo 2027"),
            Placeholder("status", _l("The enrolment's status"), _l("applied")),
            Placeholder("link", _l("The link to the student's page"), "https://…/students/1", True),
        ),
    ),
)
