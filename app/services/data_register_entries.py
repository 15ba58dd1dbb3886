"""The register of personal data, as data: every column of every table is either a personal
field (what it holds and why, who may see it, its category, when it is deleted) or named in
NOT_PERSONAL. app.services.data_register checks this against the models and renders it as
docs/PRIVACY.md; tests/privacy/test_register.py fails when a column is in neither list.

Adding a column to a model? Add it here: to REGISTER if it holds anything about a person
(names, contact, health, free text somebody types), else to NOT_PERSONAL. Then regenerate the
document with `.venv/bin/flask privacy register > docs/PRIVACY.md`."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Category(StrEnum):
    IDENTITY = "identity"
    CONTACT = "contact"
    HEALTH = "health"  # special category, GDPR art. 9
    SCHOOL = "school"
    PROFILE = "profile"
    TRAVEL_DOCUMENT = "travel document"
    HOUSEHOLD = "household"
    BACKGROUND_CHECK = "background check"
    ACCOUNT = "account"
    FREE_TEXT = "free text"
    NETWORK = "network"


CATEGORY_LABELS: dict[Category, str] = {
    Category.IDENTITY: "identity",
    Category.CONTACT: "contact",
    Category.HEALTH: "⚕ **health** (special category, GDPR art. 9)",
    Category.SCHOOL: "school",
    Category.PROFILE: "profile (interests, languages, wishes for matching)",
    Category.TRAVEL_DOCUMENT: "travel document",
    Category.HOUSEHOLD: "household",
    Category.BACKGROUND_CHECK: "background check (vetting)",
    Category.ACCOUNT: "account",
    Category.FREE_TEXT: "free text that may hold personal data",
    Category.NETWORK: "network/technical",
}


@dataclass(frozen=True)
class PersonalField:
    purpose: str  # what it holds and why it is kept
    seen_by: str
    category: Category
    deleted: str
    note: str = ""  # e.g. why a column outside the students' care columns is health data


# Who may see it (roles: app/access.py).
STAFF = "admin, coordinators"
STUDENT_ROSTER = f"{STAFF}; supervising teachers of the student's cohort while it is not completed"
STUDENT_CARE = f"{STUDENT_ROSTER}; the host family the student is placed with"
FAMILY = f"{STAFF} (incl. local coordinators in Buffalo); the family itself"
FAMILY_HOME = (
    f"{FAMILY}; supervising teachers of a cohort with a student placed there, "
    "while the cohort is not completed"
)
ADMIN = "admin"
NOBODY = "nobody (the application only)"

# When it is deleted (app/services/privacy.py; the settings are changed by an admin).
WITH_COHORT = (
    "with the cohort's personal data, `retention_months` (default 12) after the cohort is "
    "completed; or on request"
)
WITH_FAMILY = (
    "with the family, after `family_inactive_months` (default 24) without activity once its "
    "cohorts are purged; or on request"
)
WITH_TEACHER = "with the teacher's account: kept while active, deleted by an admin"
WITH_ACCOUNT = (
    "with the account: staff and teacher accounts are kept while active and deleted by an "
    "admin; a family's account with the family"
)
WITH_OUTBOX = "90 days after the email was queued"
WITH_IMPORT = (
    "emptied when the import is finished (imported or discarded); a pending import is deleted "
    "after 30 days; the batch itself with its cohort's personal data"
)
WITH_SESSION = "at logout, or with the account"
WITH_AUDIT = (
    "emptied when the user it belongs to is deleted; otherwise kept with the audit trail, which "
    "holds ids and field names only"
)


def _field(
    purpose: str, seen_by: str, category: Category, deleted: str, note: str = ""
) -> PersonalField:
    return PersonalField(purpose, seen_by, category, deleted, note)


def _student(purpose: str, category: Category, seen_by: str = STAFF) -> PersonalField:
    return _field(purpose, seen_by, category, WITH_COHORT)


def _family(purpose: str, category: Category, seen_by: str = FAMILY) -> PersonalField:
    return _field(purpose, seen_by, category, WITH_FAMILY)


# table → column → entry, in the order the document shows them.
REGISTER: dict[str, dict[str, PersonalField]] = {
    "students": {
        "first_name": _student(
            "The student's name: enrolment, rosters, placement, emergency cards",
            Category.IDENTITY,
            STUDENT_CARE,
        ),
        "last_name": _student(
            "The student's family name, see first_name", Category.IDENTITY, STUDENT_CARE
        ),
        "date_of_birth": _student(
            "Checks the age range (12 to 21); the age on rosters and for the host family",
            Category.IDENTITY,
            f"{STUDENT_ROSTER}; the host family sees the age only",
        ),
        "gender": _student(
            "Matching: a family's gender preference, shared rooms",
            Category.IDENTITY,
            STUDENT_CARE,
        ),
        "school": _student(
            "The sending school: rosters, grouping, anonymous statistics (school name and "
            "number of students are kept after deletion)",
            Category.SCHOOL,
            STUDENT_ROSTER,
        ),
        "grade": _student("The student's class", Category.SCHOOL, STUDENT_ROSTER),
        "email": _student("Reaching the student", Category.CONTACT),
        "phone": _student(
            "Reaching the student during the exchange", Category.CONTACT, STUDENT_ROSTER
        ),
        "diet": _student(
            "Meals in the host family; a diet may reveal health or religious belief",
            Category.HEALTH,
            STUDENT_CARE,
        ),
        "allergies": _student("Care and meals during the exchange", Category.HEALTH, STUDENT_CARE),
        "pet_allergy": _student(
            "Care; matching never places the student with pets", Category.HEALTH, STUDENT_CARE
        ),
        "medical_notes": _student(
            "Care during the exchange (conditions, medication); every view is audited",
            Category.HEALTH,
            STUDENT_CARE,
        ),
        "no_pets": _student(
            "Matching: the student's wish for a home without pets", Category.PROFILE
        ),
        "no_smokers": _student(
            "Matching: the student's wish for a home without smokers", Category.PROFILE
        ),
        "interests": _student(
            "Matching and introducing the student to the host family",
            Category.PROFILE,
            f"{STAFF}; the host family the student is placed with",
        ),
        "languages": _student(
            "Matching and introducing the student to the host family",
            Category.PROFILE,
            f"{STAFF}; the host family the student is placed with",
        ),
        "passport_number": _student(
            "Travel: flights, entry to the host country", Category.TRAVEL_DOCUMENT
        ),
        "passport_expiry": _student(
            "Travel: the passport must be valid until the return", Category.TRAVEL_DOCUMENT
        ),
        "visa_status": _student("Travel: ESTA or visa progress", Category.TRAVEL_DOCUMENT),
    },
    "guardians": {
        "name": _student(
            "A parent or legal guardian of a minor: consent, contact",
            Category.IDENTITY,
            STUDENT_ROSTER,
        ),
        "relation": _student(
            "E.g. mother, father, legal guardian", Category.IDENTITY, STUDENT_ROSTER
        ),
        "phone": _student(
            "Reaching the guardian, also in an emergency", Category.CONTACT, STUDENT_ROSTER
        ),
        "email": _student("Reaching the guardian", Category.CONTACT),
    },
    "student_words": {
        "word": _student(
            "The words of the student's names and email, case folded and in other spellings "
            "(Mueller for Müller): how the student list finds a student quickly; rewritten "
            "when the name or email changes",
            Category.IDENTITY,
        ),
    },
    "emergency_contacts": {
        "name": _student("Whom to call in an emergency", Category.IDENTITY, STUDENT_ROSTER),
        "relation": _student("E.g. aunt, neighbour", Category.IDENTITY, STUDENT_ROSTER),
        "phone": _student("Calling in an emergency", Category.CONTACT, STUDENT_ROSTER),
        "email": _student("Reaching the contact", Category.CONTACT),
    },
    "enrolment_events": {
        "reason": _student(
            "Why an enrolment's status changed, typed by staff (e.g. a withdrawal); may "
            "mention people or circumstances",
            Category.FREE_TEXT,
        ),
    },
    "guardian_consents": {
        "given_by": _student("Who gave the consent for the minor (GDPR art. 8)", Category.IDENTITY),
        "withdrawal_note": _student(
            "How or why a consent was withdrawn, typed by staff", Category.FREE_TEXT
        ),
    },
    "import_batches": {
        "filename": _field(
            "The uploaded file's name, to recognise it; may name a school or a person",
            STAFF,
            Category.FREE_TEXT,
            "with its cohort's personal data; a pending import after 30 days",
        ),
        "content": _field(
            "The uploaded CSV text of a school's student list, kept until it is checked and "
            "imported",
            STAFF,
            Category.HEALTH,
            WITH_IMPORT,
            note="holds every student column of the list, including allergies, diet and "
            "medical notes",
        ),
        "result": _field(
            "Counts of an import and the skipped rows with line, student's name and problem",
            STAFF,
            Category.IDENTITY,
            "with its cohort's personal data; a pending import after 30 days",
        ),
    },
    "host_families": {
        "family_name": _family(
            "The family's name: vetting, placements, rosters", Category.IDENTITY, FAMILY_HOME
        ),
    },
    "host_applications": {
        "address_line": _family(
            "Where the student lives: vetting, home visit, rosters, emergency cards",
            Category.CONTACT,
            FAMILY_HOME,
        ),
        "city": _family("See address_line; rosters group by town", Category.CONTACT, FAMILY_HOME),
        "state": _family("See address_line", Category.CONTACT, FAMILY_HOME),
        "postal_code": _family("See address_line", Category.CONTACT, FAMILY_HOME),
        "phone": _family("Reaching the family and the student", Category.CONTACT, FAMILY_HOME),
        "mobile_phone": _family(
            "Reaching the family and the student", Category.CONTACT, FAMILY_HOME
        ),
        "languages": _family("Matching: languages spoken at home", Category.HOUSEHOLD),
        "has_pets": _family("Matching: students allergic to pets", Category.HOUSEHOLD),
        "pets": _family("Which pets live in the home", Category.HOUSEHOLD),
        "smoking_in_home": _family(
            "Matching: students who want a home without smokers", Category.HOUSEHOLD
        ),
        "bedrooms": _family("Vetting: the size of the home", Category.HOUSEHOLD),
        "beds_offered": _family(
            "Capacity: how many students the family can host", Category.HOUSEHOLD
        ),
        "shared_room": _family("Matching: whether students would share a room", Category.HOUSEHOLD),
        "gender_preference": _family("Matching: the family's preference", Category.HOUSEHOLD),
        "diets": _family("Matching: which diets the family can cook for", Category.HOUSEHOLD),
        "high_school": _family(
            "The high school near the home, where the student will go", Category.HOUSEHOLD
        ),
        "school_distance_miles": _family(
            "Vetting: how far the home is from the school", Category.HOUSEHOLD
        ),
        "motivation": _family("Why the family wants to host, in its own words", Category.FREE_TEXT),
        "interests": _family("Matching: the family's interests", Category.PROFILE),
        "background_check_consent": _family(
            "The family's consent to a background check", Category.BACKGROUND_CHECK
        ),
        "background_check_expires_on": _family(
            "When the cleared background check runs out (alerts before a cohort returns); "
            "the check's findings are not stored",
            Category.BACKGROUND_CHECK,
        ),
        "home_visit_by": _family(
            "Who visited the home (a local coordinator)", Category.IDENTITY, STAFF
        ),
        "home_visit_notes": _family(
            "The visitor's notes on the home and household", Category.FREE_TEXT, STAFF
        ),
        "decision_note": _family(
            "Why the application was approved, declined or put on the backup list",
            Category.FREE_TEXT,
            STAFF,
        ),
    },
    "household_members": {
        "name": _family("Who lives in the home (vetting, matching)", Category.HOUSEHOLD),
        "age": _family("Vetting and matching; members may be minors", Category.HOUSEHOLD),
        "relation": _family("E.g. daughter, grandmother, lodger", Category.HOUSEHOLD),
    },
    "family_references": {
        "name": _family(
            "A reference named by the family, contacted during vetting", Category.IDENTITY
        ),
        "relation": _family("How the reference knows the family", Category.IDENTITY),
        "phone": _family("Contacting the reference", Category.CONTACT),
        "email": _family("Contacting the reference", Category.CONTACT),
    },
    "vetting_events": {
        "note": _family(
            "A coordinator's note on a vetting step (references, background check, home "
            "visit, decision)",
            Category.FREE_TEXT,
            STAFF,
        ),
    },
    "placements": {
        "reason": _student("Why a placement was made or moved, typed by staff", Category.FREE_TEXT),
        "override_reason": _student(
            "Why a matching rule was overridden, typed by staff; may mention a student's needs",
            Category.FREE_TEXT,
        ),
        "overridden_rules": _field(
            "Which matching rules were overridden (rule names)",
            STAFF,
            Category.HEALTH,
            WITH_COHORT,
            note="the rule name `pet_allergy` reveals that the student is allergic to pets",
        ),
        "cancel_reason": _student(
            "Why a placement was cancelled, typed by staff", Category.FREE_TEXT
        ),
    },
    "teachers": {
        "name": _field(
            "The supervising teacher's name: rosters, emergency cards, host families",
            f"{STAFF}; the teacher; other teachers of the same cohort; host families of the "
            "students they supervise",
            Category.IDENTITY,
            WITH_TEACHER,
        ),
        "school": _field(
            "The teacher's school", f"{STAFF}; the teacher", Category.SCHOOL, WITH_TEACHER
        ),
        "phone": _field(
            "Reaching the teacher during the exchange",
            f"{STAFF}; the teacher; other teachers of the same cohort; host families of the "
            "students they supervise",
            Category.CONTACT,
            WITH_TEACHER,
        ),
        "languages": _field(
            "Which languages the teacher speaks",
            f"{STAFF}; the teacher",
            Category.PROFILE,
            WITH_TEACHER,
        ),
    },
    "users": {
        "email": _field(
            "Logging in; emails about the account and a family's application",
            f"{ADMIN}; the user",
            Category.ACCOUNT,
            WITH_ACCOUNT,
        ),
        "password_hash": _field(
            "Checking the password (scrypt hash; the password itself is never stored)",
            NOBODY,
            Category.ACCOUNT,
            WITH_ACCOUNT,
        ),
    },
    "login_sessions": {
        "token": _field(
            "One login on one device; the cookie carries it instead of the user id",
            NOBODY,
            Category.ACCOUNT,
            WITH_SESSION,
        ),
    },
    "audit_entries": {
        "ip_address": _field(
            "From where an action was taken (security, misuse)",
            ADMIN,
            Category.NETWORK,
            WITH_AUDIT,
        ),
    },
    "outbox_emails": {
        "recipient": _field(
            "Whom an email goes to (families, staff)", STAFF, Category.CONTACT, WITH_OUTBOX
        ),
        "subject": _field(
            "The email's subject; may name a person", STAFF, Category.FREE_TEXT, WITH_OUTBOX
        ),
        "body": _field(
            "The email's text; may name people and an application's status",
            "the recipient (staff see recipient and subject of failed emails only)",
            Category.FREE_TEXT,
            WITH_OUTBOX,
        ),
        "last_error": _field(
            "Why sending failed; mail servers' messages may quote the address",
            STAFF,
            Category.FREE_TEXT,
            WITH_OUTBOX,
        ),
    },
}

# Columns that hold nothing about a person on their own: ids, foreign keys, statuses, counts,
# timestamps, settings. In a person's row they are still deleted with that row.
_NOT_PERSONAL: dict[str, str] = {
    "students": "id created_at updated_at",
    "guardians": "id student_id position",
    "emergency_contacts": "id student_id",
    "student_words": "student_id",
    "enrolments": (
        "id student_id cohort_id status waitlist_number supervising_teacher_id created_at "
        "status_changed_at"
    ),
    "enrolment_events": "id enrolment_id from_status to_status by_user_id at",
    "enrolment_documents": "id enrolment_id kind received_at received_by_id",
    "guardian_consents": (
        "id enrolment_id guardian_id given_at wording_version recorded_by_id recorded_at "
        "withdrawn_at withdrawn_by_id"
    ),
    "import_batches": "id cohort_id status uploaded_by_id uploaded_at finished_by_id finished_at",
    "host_families": "id user_id created_at last_active_at",
    "host_applications": (
        "id family_id status copied_from_id created_at updated_at submitted_at "
        "references_checked_at references_checked_by_id background_cleared_at "
        "background_cleared_by_id home_visit_on home_visit_recorded_at "
        "home_visit_recorded_by_id decided_at decided_by_id"
    ),
    "household_members": "id application_id",
    "family_references": "id application_id position",
    "vetting_events": "id application_id to_status by_user_id at",
    "application_cohorts": "application_id cohort_id beds_taken",
    "placements": (
        "id cohort_id enrolment_id application_id status placed_by_id placed_at cancelled_at "
        "cancelled_by_id"
    ),
    "teachers": "id user_id created_at",
    "cohort_teachers": "cohort_id teacher_id role assigned_at",
    "users": "id role active locale created_at last_login_at",
    "login_sessions": "user_id created_at",
    # details holds names of fields, columns and formats, never their values.
    "audit_entries": "id at user_id action record_type record_id details",
    "outbox_emails": "id created_at sent_at attempts",
    "programmes": "id name home_city partner_city first_year",
    "cohorts": (
        "id programme_id name direction departure_date return_date enrolment_deadline places "
        "places_taken waitlist_counter students_per_teacher status created_at completed_at "
        "purged_at"
    ),
    # Anonymous: what is left of a purged cohort (school name → number of students).
    "cohort_statistics": "cohort_id year students families schools created_at",
    "settings": "key value updated_at updated_by_id",
    # The partnership's public history.
    "history_events": (
        "id year month day ongoing title_en title_de text_en text_de created_at updated_at"
    ),
}
NOT_PERSONAL: dict[str, tuple[str, ...]] = {t: tuple(c.split()) for t, c in _NOT_PERSONAL.items()}

# What each table is, for the document, in the order it shows them.
TABLES: dict[str, str] = {
    "students": "Students taking part in an exchange (mostly minors).",
    "guardians": "A student's parents or legal guardians (one or two).",
    "emergency_contacts": "Whom to call in an emergency (at least one per student).",
    "student_words": "The words a student is found by in the student list (a search index).",
    "enrolments": "A student in a cohort: status and waitlist place.",
    "enrolment_events": "The history of an enrolment's status.",
    "enrolment_documents": "Which documents were received for an enrolment.",
    "guardian_consents": "A guardian's consent for a minor: who, when, which wording, withdrawn.",
    "import_batches": "Uploaded CSV lists of students.",
    "host_families": "A host family; one login account per family.",
    "host_applications": "A family's application for one season, with its vetting.",
    "household_members": "Who lives in a host family's home.",
    "family_references": "The two references a family names.",
    "vetting_events": "The steps of an application's vetting.",
    "application_cohorts": "Which cohorts a family offers to host, and beds taken.",
    "placements": "A student living with a host family.",
    "teachers": "Supervising teachers.",
    "cohort_teachers": "Which teachers go with which cohort.",
    "users": "Everybody who can log in: staff, teachers, families.",
    "login_sessions": "One login on one device.",
    "audit_entries": "The audit trail: who did or saw what, to which record.",
    "outbox_emails": "Emails waiting to be sent, or sent.",
    "programmes": "Exchange programmes between two cities.",
    "cohorts": "One year's group of students travelling together.",
    "cohort_statistics": "Anonymous statistics kept of a purged cohort.",
    "settings": "Settings an admin changes (retention periods).",
    "history_events": "The partnership's public history.",
}
