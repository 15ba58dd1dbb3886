"""The automatic emails about guardians' own part online: consent withdrawn from the
guardian's page (to staff). Part of the registry in shipped.py."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.services.mail.template_types import Placeholder, Template

CONSENT = (
    Template(
        "consent.withdrawn",
        _l("To coordinators and admins: a guardian withdrew consent online"),
        _l("Consent withdrawn for %(student)s"),
        _l(
            "%(guardian)s withdrew the consent for %(student)s (%(cohort)s) on the guardian's "
            "page. While no consent is active, the student cannot be placed and rosters show "
            "only the safety details. Open the enrolment: %(link)s"
        ),
        (
            Placeholder("student", _l("The student's name"), "Lena Schmidt"),
            Placeholder("cohort", _l("The cohort's name"), "Dortmund → Buffalo 2027"),
            Placeholder("guardian", _l("Who withdrew the consent"), "Maria Schmidt", True),
            Placeholder("link", _l("The link to the enrolment"), "https://…/enrolments/7", True),
        ),
    ),
)
