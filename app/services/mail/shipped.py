"""The automatic emails admins can reword: each one's key, what it is for, its placeholders
and its shipped subject and body. The shipped text is the gettext string (so its German is in
the catalogue); its `%(name)s` placeholders are shown to admins as `{name}`."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.services.mail.shipped_apply import APPLY
from app.services.mail.shipped_consent import CONSENT
from app.services.mail.shipped_enrolment import ENROLMENT, TO_STUDENT
from app.services.mail.shipped_notices import NOTICES
from app.services.mail.template_types import Placeholder, Template

__all__ = ["BY_KEY", "TEMPLATES", "Placeholder", "Template"]

FAMILY = Placeholder("family", _l("The family's name"), "Miller")
LINK = Placeholder(
    "link", _l("The link to log in and open the report"), "https://…/concerns/7", True
)
SEVERITY = Placeholder("severity", _l("How serious the report is"), _l("urgent"))
CATEGORY = Placeholder("category", _l("What the report is about"), _l("health"))
COHORT = Placeholder("cohort", _l("The cohort's name"), "Dortmund → Buffalo 2027")

TEMPLATES: tuple[Template, ...] = (
    Template(
        "family.approved",
        _l("To a host family: its application is approved"),
        _l("Your host-family application is approved"),
        _l(
            "Good news: your application to host a student from Dortmund is approved. We will "
            "let you know when a student is placed with you. Log in to see the details."
        ),
        (FAMILY,),
    ),
    Template(
        "family.declined",
        _l("To a host family: its application is declined"),
        _l("Your host-family application"),
        _l(
            "Thank you for offering to host. After careful review we cannot place a student "
            "with you this time. Log in to see the details; you are welcome to apply again."
        ),
        (FAMILY,),
    ),
    Template(
        "family.backup",
        _l("To a host family: its application is on the backup list"),
        _l("Your host-family application: on our backup list"),
        _l(
            "Thank you: your application is complete and you are on our backup list. We will "
            "contact you if a student needs a home. Log in to see the details."
        ),
        (FAMILY,),
    ),
    Template(
        "application.received",
        _l("To coordinators and admins: a family has submitted its application"),
        _l("New host-family application"),
        _l(
            "A family in %(city)s has submitted its application to host. It waits in "
            "the vetting queue."
        ),
        (Placeholder("city", _l("The family's city"), "Buffalo"),),
    ),
    Template(
        "concern.alert",
        _l("To coordinators and admins: a concern report waits for an owner"),
        _l("%(severity)s concern report: please log in"),
        _l(
            "A new report (%(severity)s, %(category)s) about a student of %(cohort)s waits "
            "for somebody to take it.\n\nLog in to read it and take it:\n%(link)s\n\n"
            "This email holds no personal details on purpose."
        ),
        (SEVERITY, CATEGORY, COHORT, LINK),
    ),
    Template(
        "concern.safeguarding",
        _l("To coordinators and admins: a safeguarding report waits for an owner"),
        _l("Safeguarding report: please log in"),
        _l(
            "A new report (%(severity)s, %(category)s) about a student of %(cohort)s waits "
            "for somebody to take it.\n\nLog in to read it and take it:\n%(link)s\n\n"
            "This email holds no personal details on purpose."
        ),
        (SEVERITY, CATEGORY, COHORT, LINK),
    ),
)

LINK_HOURS = Placeholder("hours", _l("How many hours the link works"), "48")
ACCOUNT_LINKS = (
    Template(
        "signup.welcome",
        _l("To a family that signs up: confirm the email address"),
        _l("Welcome to the Dortmund–Buffalo exchange"),
        (
            _l(
                "Thank you for your interest in hosting a student from Dortmund. Please "
                "confirm your email address with this link (it works for %(hours)d hours):"
            ),
            "{link}",
            _l(
                "Then log in at any time to continue your application; you can save it "
                "unfinished and come back later."
            ),
            _l("If you did not sign up, ignore this email: the account cannot be used."),
        ),
        (
            Placeholder(
                "link", _l("The link to confirm the address"), "https://…/email/confirm/…", True
            ),
            LINK_HOURS,
        ),
    ),
    Template(
        "email.confirm",
        _l("To an account holder who asks again: confirm the email address"),
        _l("Confirm your email address"),
        (
            _l("To confirm the email address of your Austausch account, open this link:"),
            "{link}",
            _l(
                "The link works for %(hours)d hours. Once the address is confirmed, you "
                "can log in. If you did not sign up, ignore this email."
            ),
        ),
        (
            Placeholder(
                "link", _l("The link to confirm the address"), "https://…/email/confirm/…", True
            ),
            LINK_HOURS,
        ),
    ),
    Template(
        "password.reset",
        _l("To an account holder: a link to choose a new password"),
        _l("Choose a new password"),
        (
            _l("To choose a new password for your Austausch account, open this link:"),
            "{link}",
            _l(
                "The link works once, for %(minutes)d minutes. If you did not ask for it, "
                "ignore this email: your password stays as it is."
            ),
        ),
        (
            Placeholder(
                "link", _l("The link to choose a new password"), "https://…/password/…", True
            ),
            Placeholder("minutes", _l("How many minutes the link works"), "60"),
        ),
    ),
)
CARE = (
    Template(
        "care.unplaced",
        _l("To coordinators and admins, weekly: students without a host family before departure"),
        _l("Students without a host family before departure"),
        _l(
            "These cohorts leave within %(weeks)d weeks and have students without a "
            "host family:\n\n%(lines)s\n\nThis email is sent once a week while the "
            "list is not empty."
        ),
        (
            Placeholder("weeks", _l("How many weeks before departure the alert starts"), "6"),
            Placeholder(
                "lines",
                _l("One line per cohort: its departure, how many are not placed, the link"),
                "Dortmund → Buffalo 2027 leaves on 2027-03-01: 3 not placed yet. https://…",
                True,
            ),
        ),
    ),
    Template(
        "concern.follow_up",
        _l("To a report's owner: the report is due for its follow-up"),
        _l("A concern report is due for its follow-up"),
        _l(
            "A report you own (%(category)s, %(cohort)s) asked to be looked at again on "
            "%(day)s.\n\nLog in to read it:\n%(link)s"
        ),
        (
            CATEGORY,
            COHORT,
            Placeholder("day", _l("The day of the follow-up"), "2027-03-14"),
            LINK,
        ),
    ),
)
GUARDIANS = (
    Template(
        "guardian.invitation",
        _l("To a guardian or an adult student: an invitation to check and complete the data"),
        _l("Please check the exchange details of %(student)s"),
        _l(
            "Hello %(name)s,\n\n%(student)s is registered for %(cohort)s. Please check and "
            "complete the details online and see what is still missing: follow this link, "
            "then choose a password (or log in, if you already have an account with this "
            "address).\n\n%(link)s\n\nThe link works once, until %(expires)s. If it has "
            "expired, ask the exchange team to send a new one."
        ),
        (
            Placeholder("name", _l("The name of the person invited"), "Maria Schmidt"),
            Placeholder("student", _l("The student's name"), "Lena Schmidt"),
            COHORT,
            Placeholder(
                "link", _l("The link to accept the invitation"), "https://…/invitation/…", True
            ),
            Placeholder("expires", _l("The last day the link works"), "2027-03-14"),
        ),
    ),
)
DOCUMENT = Placeholder("document", _l("Which document"), _l("Passport / visa"), True)
WHY_NOT = Placeholder(
    "reason", _l("Why the file was not accepted"), _l("The page is cut off."), True
)
DOCUMENTS = (
    Template(
        "document.rejected",
        _l("To a guardian: an uploaded document file was not accepted"),
        _l("Please send a document for the exchange again"),
        _l(
            "Dear %(name)s,\n\nthe file of the document “%(document)s” for %(student)s's "
            "exchange (%(cohort)s) could not be accepted. The reason:\n\n%(reason)s\n\n"
            "Please upload the document again on your page (%(link)s), or hand it in on "
            "paper."
        ),
        (
            Placeholder("name", _l("The guardian's name"), "Maria Schmidt"),
            Placeholder("student", _l("The student's first name"), "Lena"),
            COHORT,
            DOCUMENT,
            WHY_NOT,
            Placeholder("link", _l("The link to the guardian's page"), "https://…/my/students/7"),
        ),
    ),
    Template(
        "document.rejected.student",
        _l("To an adult student: an uploaded document file was not accepted"),
        _l("Please send a document for the exchange again"),
        _l(
            "Dear %(name)s,\n\nthe file of the document “%(document)s” for your exchange "
            "(%(cohort)s) could not be accepted. The reason:\n\n%(reason)s\n\n"
            "Please upload the document again on your page (%(link)s), or hand it in on "
            "paper."
        ),
        (
            Placeholder("name", _l("The student's name"), "Lena Schmidt"),
            COHORT,
            DOCUMENT,
            WHY_NOT,
            Placeholder("link", _l("The link to the student's page"), "https://…/my/students/7"),
        ),
    ),
)
TEMPLATES = (
    TEMPLATES
    + ACCOUNT_LINKS
    + CARE
    + GUARDIANS
    + DOCUMENTS
    + NOTICES
    + APPLY
    + CONSENT
    + ENROLMENT
    + TO_STUDENT
)

BY_KEY = {template.key: template for template in TEMPLATES}
