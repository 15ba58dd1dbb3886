"""The domain's tables, one module per part. Importing this package registers them all."""

from app.models.audit import AuditEntry
from app.models.care import (
    ActionKind,
    ConcernAction,
    ConcernCategory,
    ConcernReport,
    ConcernStatus,
    Contact,
    ContactMode,
    ContactWith,
    Severity,
    Wellbeing,
)
from app.models.cohorts import Cohort, CohortStatus, ContactPeriod, Direction, Programme
from app.models.document_files import DocumentFile, ReviewState
from app.models.email_templates import EmailTemplate
from app.models.enrolments import (
    HOLDS_PLACE,
    DocumentKind,
    Enrolment,
    EnrolmentDocument,
    EnrolmentEvent,
    EnrolmentStatus,
    EventReason,
    GuardianConsent,
)
from app.models.families import (
    ApplicationStatus,
    FamilyReference,
    GenderPreference,
    HostApplication,
    HostFamily,
    HouseholdMember,
    VettingEvent,
)
from app.models.guardians import ApplicationDraft, Invitation, StudentAccount
from app.models.history import HistoryEvent
from app.models.imports import ImportBatch, ImportMapping, ImportStatus
from app.models.jobs import Job, JobStatus
from app.models.messages import GroupMessage, MessageDelivery, MessageOptOut
from app.models.notifications import OutboxEmail
from app.models.placements import Placement, PlacementKind, PlacementStatus
from app.models.privacy import CohortStatistics
from app.models.recovery import AccountLink, Attempt, AttemptKind, LinkPurpose
from app.models.reminders import SentReminder
from app.models.searches import SavedSearch
from app.models.settings import Setting
from app.models.students import (
    Diet,
    EmergencyContact,
    Gender,
    Guardian,
    Student,
    StudentWord,
    VisaStatus,
)
from app.models.teachers import CohortTeacher, Teacher, TeacherRole
from app.models.users import LoginSession, Role, User

__all__ = [
    "HOLDS_PLACE",
    "AccountLink",
    "ActionKind",
    "ApplicationDraft",
    "ApplicationStatus",
    "Attempt",
    "AttemptKind",
    "AuditEntry",
    "Cohort",
    "CohortStatistics",
    "CohortStatus",
    "CohortTeacher",
    "ConcernAction",
    "ConcernCategory",
    "ConcernReport",
    "ConcernStatus",
    "Contact",
    "ContactMode",
    "ContactPeriod",
    "ContactWith",
    "Diet",
    "Direction",
    "DocumentFile",
    "DocumentKind",
    "EmailTemplate",
    "EmergencyContact",
    "Enrolment",
    "EnrolmentDocument",
    "EnrolmentEvent",
    "EnrolmentStatus",
    "EventReason",
    "FamilyReference",
    "Gender",
    "GenderPreference",
    "GroupMessage",
    "Guardian",
    "GuardianConsent",
    "HistoryEvent",
    "HostApplication",
    "HostFamily",
    "HouseholdMember",
    "ImportBatch",
    "ImportMapping",
    "ImportStatus",
    "Invitation",
    "Job",
    "JobStatus",
    "LinkPurpose",
    "LoginSession",
    "MessageDelivery",
    "MessageOptOut",
    "OutboxEmail",
    "Placement",
    "PlacementKind",
    "PlacementStatus",
    "Programme",
    "ReviewState",
    "Role",
    "SavedSearch",
    "SentReminder",
    "Setting",
    "Severity",
    "Student",
    "StudentAccount",
    "StudentWord",
    "Teacher",
    "TeacherRole",
    "User",
    "VettingEvent",
    "VisaStatus",
    "Wellbeing",
]
