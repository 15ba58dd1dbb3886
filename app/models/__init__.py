"""The domain's tables, one module per part. Importing this package registers them all."""

from app.models.cohorts import Cohort, CohortStatus, Direction, Programme
from app.models.enrolments import (
    HOLDS_PLACE,
    DocumentKind,
    Enrolment,
    EnrolmentDocument,
    EnrolmentEvent,
    EnrolmentStatus,
    GuardianConsent,
)
from app.models.history import HistoryEvent
from app.models.imports import ImportBatch, ImportStatus
from app.models.students import Diet, EmergencyContact, Gender, Guardian, Student, VisaStatus
from app.models.users import LoginSession, Role, User

__all__ = [
    "HOLDS_PLACE",
    "Cohort",
    "CohortStatus",
    "Diet",
    "Direction",
    "DocumentKind",
    "EmergencyContact",
    "Enrolment",
    "EnrolmentDocument",
    "EnrolmentEvent",
    "EnrolmentStatus",
    "Gender",
    "Guardian",
    "GuardianConsent",
    "HistoryEvent",
    "ImportBatch",
    "ImportStatus",
    "LoginSession",
    "Programme",
    "Role",
    "Student",
    "User",
    "VisaStatus",
]
