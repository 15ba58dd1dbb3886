"""The purge's report: what it deleted (or, in a dry run, would delete), by ids, with the
cohorts it closed; as counts and as lines for the command (privacy_purge)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class CohortLine:
    """One cohort of the report: its name is not personal, the rest are counts."""

    cohort_id: int
    name: str
    due: datetime
    students: int  # who held a place: the statistics
    enrolments: int


@dataclass
class PurgeReport:
    """What the purge deleted (or, in a dry run, would delete)."""

    now: datetime
    dry_run: bool
    cohorts: list[CohortLine] = field(default_factory=list)
    enrolment_ids: list[int] = field(default_factory=list)
    student_ids: list[int] = field(default_factory=list)
    family_ids: list[int] = field(default_factory=list)
    application_ids: list[int] = field(default_factory=list)
    user_ids: list[int] = field(default_factory=list)
    batch_ids: list[int] = field(default_factory=list)
    email_ids: list[int] = field(default_factory=list)
    link_ids: list[int] = field(default_factory=list)
    attempt_ids: list[int] = field(default_factory=list)
    contact_ids: list[int] = field(default_factory=list)
    report_ids: list[int] = field(default_factory=list)  # concern reports, with their actions
    job_ids: list[int] = field(default_factory=list)  # background jobs, with their files
    job_file_ids: list[int] = field(default_factory=list)  # jobs whose file alone is due
    safeguarding_kept: list[int] = field(default_factory=list)  # detached from the enrolment
    audit_entries: int = 0  # scrubbed; 0 in a dry run

    @property
    def empty(self) -> bool:
        return not any(self.counts().values())

    def counts(self) -> dict[str, int]:
        return {
            "cohorts": len(self.cohorts),
            "enrolments": len(self.enrolment_ids),
            "students": len(self.student_ids),
            "contacts": len(self.contact_ids),
            "concern_reports": len(self.report_ids),
            "families": len(self.family_ids),
            "users": len(self.user_ids),
            "import_batches": len(self.batch_ids),
            "emails": len(self.email_ids),
            "account_links": len(self.link_ids),
            "attempts": len(self.attempt_ids),
            "jobs": len(self.job_ids),
            "job_files": len(self.job_file_ids),
        }

    def lines(self) -> list[str]:
        """The report as plain lines (for the command's output)."""
        head = "Would delete" if self.dry_run else "Deleted"
        if self.empty:
            return ["Nothing to purge."]
        out = [
            f"Cohort {c.name} (due {c.due:%Y-%m-%d}): {c.enrolments} enrolment(s), "
            f"{c.students} student(s) kept in the statistics"
            for c in self.cohorts
        ]
        counts = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in self.counts().items())
        out.append(f"{head}: {counts}.")
        if self.safeguarding_kept:
            out.append(
                f"Safeguarding reports kept, detached from the enrolment: "
                f"{len(self.safeguarding_kept)}."
            )
        if not self.dry_run:
            out.append(f"Audit entries unlinked: {self.audit_entries}.")
        return out
