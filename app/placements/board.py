"""What the placement board shows: the cohort's unplaced students with the families they
could go to (and the rules each choice would break), the families with free beds, and the
placements by family. Loaded in a few queries, so that the template runs none."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from flask import g, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from app.models import Cohort, Enrolment, HostApplication, Placement
from app.services.enrolment.disclosure import Disclosed
from app.services.placement import placements
from app.services.placement.facts import (
    applications_with_families,
    cohort_families_named,
    cohort_family_facts,
    student_facts,
)
from app.services.placement.placement_rules import (
    MESSAGES,
    SOFT,
    FamilyFacts,
    Rule,
    StudentFacts,
    broken_rules,
)

# A few words per rule, for a family's line in a select.
SHORT = {
    Rule.ENROLMENT_ACTIVE: _l("student holds no place"),
    Rule.FAMILY_APPROVED: _l("not approved"),
    Rule.FAMILY_AVAILABLE: _l("not offered for this cohort"),
    Rule.BACKGROUND_CHECK: _l("background check expires too early"),
    Rule.BEDS: _l("no free bed"),
    Rule.PET_ALLERGY: _l("pets (student is allergic)"),
    Rule.SHARED_ROOM_GENDER: _l("shared room with another gender"),
    Rule.NO_SMOKERS: _l("smokers (student asked for none)"),
    Rule.GENDER_PREFERENCE: _l("prefers another gender"),
    Rule.CONSENT_WITHDRAWN: _l("consent withdrawn"),
}


@dataclass(frozen=True)
class Choice:
    """A family a student could be placed with, and the rules that would break."""

    family: FamilyFacts
    broken: list[Rule]

    @property
    def possible(self) -> bool:
        return all(rule in SOFT for rule in self.broken)

    @property
    def fits(self) -> bool:
        return not self.broken

    @property
    def problems(self) -> str:
        """The broken rules in a few words; each combination translated once per request."""
        cache = g.setdefault("board_problems", {})
        rules = tuple(self.broken)
        if rules not in cache:
            cache[rules] = ", ".join(str(SHORT[rule]) for rule in rules)
        return cache[rules]

    @property
    def place(self) -> str:
        return f"{self.family.name}, {self.family.city}"

    @property
    def label(self) -> str:
        """The family's line in a select: name, town and free beds, made once per request
        (a board offers the same families to every student)."""
        cache = g.setdefault("board_labels", {})
        key = (self.family.application_id, self.family.free_beds)
        if key not in cache:
            beds = ngettext("%(num)d free bed", "%(num)d free beds", self.family.free_beds)
            cache[key] = f"{self.place} · {beds}"
        return cache[key]


@dataclass(frozen=True)
class Options:
    """The families offered to one student, grouped by what placing them there would take.
    Families without a free bed are only counted: in a large cohort they are most of the
    families, and none of them can be chosen."""

    fitting: list[Choice]
    overridable: list[Choice]
    impossible: list[Choice]  # a free bed, but a rule that cannot be overridden
    full: int  # families without a free bed


@dataclass(frozen=True)
class Unplaced:
    enrolment: Enrolment
    choices: Options
    student: Disclosed  # as the consent rule lets the board show them
    consent_withdrawn: bool


@dataclass(frozen=True)
class Placed:
    placement: Placement
    placed_by: str
    overridden: list[str]  # the messages of the rules the coordinator overrode
    student: Disclosed
    consent_withdrawn: bool


@dataclass
class FamilyGroup:
    application: HostApplication
    facts: FamilyFacts
    placed: list[Placed] = field(default_factory=list)


@dataclass(frozen=True)
class Board:
    cohort: Cohort
    unplaced: list[Unplaced]
    families: list[FamilyGroup]  # every approved family of the cohort
    groups: list[FamilyGroup]  # the families with students, in board order

    @property
    def with_free_beds(self) -> list[FamilyGroup]:
        return [group for group in self.families if group.facts.free_beds > 0]

    @property
    def placed_count(self) -> int:
        return sum(len(group.placed) for group in self.groups)

    @property
    def free_beds(self) -> int:
        return sum(group.facts.free_beds for group in self.families)


_OPEN_ID = 987654321  # an id no row has, where id_link puts each row's


def id_link(endpoint: str, key: str, **values) -> Callable[[int], str]:
    """url_for(endpoint, key=id, **values) for many ids: the URL built once, each row's id
    put in its place (url_for costs ~10 µs a call, and a board has three links a student)."""
    before, marker, after = url_for(endpoint, **values, **{key: _OPEN_ID}).partition(str(_OPEN_ID))
    if not marker:  # the id is not in the URL's path
        raise ValueError(endpoint)
    return lambda row_id: f"{before}{int(row_id)}{after}"


@dataclass(frozen=True)
class RowLinks:
    """The links of the board's rows, by id."""

    enrolment: Callable[[int], str]
    move: Callable[[int], str]
    end: Callable[[int], str]

    @classmethod
    def of(cls, cohort: Cohort) -> RowLinks:
        return cls(
            id_link("enrolments.show", "enrolment_id"),
            id_link("placements.move_page", "placement_id", cohort_id=cohort.id),
            id_link("placements.end", "placement_id", cohort_id=cohort.id),
        )


def choices_for(
    student: StudentFacts, families: Iterable[FamilyFacts], returns_on: date
) -> Options:
    """The families with the rules placing the student there would break: those that fit,
    those needing an override, the impossible ones with a free bed, and how many are full."""
    fitting: list[Choice] = []
    overridable: list[Choice] = []
    impossible: list[Choice] = []
    full = 0
    for family in families:
        if family.free_beds < 1:  # Rule.BEDS, whatever else would break
            full += 1
            continue
        choice = Choice(family, broken_rules(student, family, returns_on))
        if choice.fits:
            fitting.append(choice)
        elif choice.possible:
            overridable.append(choice)
        else:
            impossible.append(choice)
    return Options(fitting, overridable, impossible, full)


def family_name(application: HostApplication) -> str:
    """How the board names a family: its name, or its account's email when it gave none."""
    return application.family.family_name or application.family.user.email


def rule_messages(rules: str | Iterable[Rule]) -> list[str]:
    """The messages of rules given as Rule values or as the stored comma-separated text."""
    if isinstance(rules, str):
        rules = [Rule(value) for value in rules.split(",") if value]
    return [str(MESSAGES[rule]) for rule in rules]


def moves(placement: Placement) -> Options:
    """The families the placed student could move to: the cohort's other approved families,
    with the rules a move there would break (the move's own page; the board lists none, as
    a move is rare and a select per placed student made most of a large board's weight)."""
    cohort = placement.cohort
    others = [
        facts
        for facts in cohort_family_facts(cohort)
        if facts.application_id != placement.application_id
    ]
    student = student_facts(placement.enrolment)
    return choices_for(student, others, cohort.return_date)


def build(cohort: Cohort) -> Board:
    """The board of a cohort as it stands."""
    applications, names = cohort_families_named(cohort)
    active = placements.board_placements(cohort)
    approved = {a.id for a in applications}
    # Families no longer approved still house their students: their facts are read too.
    former = applications_with_families({p.placement.application_id for p in active} - approved)
    genders: dict[int, set[str]] = defaultdict(set)
    for p in active:
        genders[p.placement.application_id].add(p.student.gender.value)
    facts_of = {
        f.application_id: f
        for f in cohort_family_facts(cohort, [*applications, *former], genders, names)
    }
    facts = {a.id: facts_of[a.id] for a in applications}
    families = [FamilyGroup(a, facts[a.id]) for a in applications]
    returns_on = cohort.return_date
    unplaced = [
        Unplaced(
            enrolment,
            choices_for(student_facts(enrolment, withdrawn), facts.values(), returns_on),
            Disclosed(enrolment.student, withdrawn),
            withdrawn,
        )
        for enrolment, withdrawn in placements.board_unplaced(cohort)
    ]
    by_family = {group.application.id: group for group in families}
    for application in former:  # a family that is no longer approved still houses them
        by_family[application.id] = FamilyGroup(application, facts_of[application.id])
    groups: list[FamilyGroup] = []
    for p in active:
        group = by_family[p.placement.application_id]
        if not group.placed:
            groups.append(group)
        group.placed.append(
            Placed(
                p.placement,
                p.placed_by_email,
                rule_messages(p.placement.overridden_rules),
                Disclosed(p.student, p.consent_withdrawn),
                p.consent_withdrawn,
            )
        )
    return Board(cohort, unplaced, families, groups)
