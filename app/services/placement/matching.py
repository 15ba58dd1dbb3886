"""Placement proposals for a cohort: as many students as the rules allow, each with the family
that fits best overall, and in plain words why — and what a pair gives up.

Pure: plain facts in, plain results out. A pair is proposed only when it breaks no rule at
all; soft rules are for coordinators to override by hand, never for matching."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np
from flask_babel import format_decimal, get_locale, ngettext
from flask_babel import lazy_gettext as _l

from app.models.students import Diet
from app.services.placement.matching_matrix import (
    ANY_GENDER,
    DIET_POINTS,
    DISTANCE_POINTS,
    INTEREST_CAP,
    INTEREST_POINTS,
    LANGUAGE_CAP,
    LANGUAGE_POINTS,
    MAX_FIT,
    NO_DIET,
    NO_PETS_POINTS,
    NOT_COUNTED_LANGUAGES,
    allowed_from,
    broken_matrices,
    counted_languages,
    distance_points,
    fit_matrix,
)
from app.services.placement.placement_rules import (
    MESSAGES,
    FamilyFacts,
    Rule,
    StudentFacts,
    broken_rules,
)

__all__ = [
    "DIET_POINTS",
    "DISTANCE_POINTS",
    "INTEREST_CAP",
    "INTEREST_POINTS",
    "LANGUAGE_CAP",
    "LANGUAGE_POINTS",
    "MAX_FIT",
    "NOT_COUNTED_LANGUAGES",
    "NO_PETS_POINTS",
    "Proposal",
    "ProposedPair",
    "Unplaced",
    "explain",
    "propose",
    "slots",
]

DIET_VALUES = frozenset(d.value for d in Diet)

# Students whose rule and fit matrices are worked out at once: bounds the memory they take.
CHUNK = 256
FIT_TYPE = np.uint8  # a fit is at most MAX_FIT

# Why a family cannot take the student, short enough to follow "Every family breaks a rule:".
RULE_PHRASES = {
    Rule.ENROLMENT_ACTIVE: _l("the student holds no place in this cohort"),
    Rule.CONSENT_WITHDRAWN: _l("the guardians withdrew their consent"),
    Rule.FAMILY_APPROVED: _l("the family is not approved"),
    Rule.FAMILY_AVAILABLE: _l("the family has not offered to host this cohort"),
    Rule.BACKGROUND_CHECK: _l("the background check expires before the return"),
    Rule.BEDS: _l("no free bed"),
    Rule.PET_ALLERGY: _l("allergic to pets and the family has pets"),
    Rule.SHARED_ROOM_GENDER: _l("would share a room with a student of another gender"),
    Rule.NO_SMOKERS: _l("asked for a home without smokers"),
    Rule.GENDER_PREFERENCE: _l("the family prefers a student of another gender"),
}


@dataclass(frozen=True)
class ProposedPair:
    student: StudentFacts
    family: FamilyFacts
    score: int
    reasons: list[str]
    tradeoffs: list[str]


@dataclass(frozen=True)
class Unplaced:
    student: StudentFacts
    # The rule that blocks the most families (consent withdrawn: that one, always);
    # None when beds ran out.
    rule: Rule | None
    message: str


@dataclass(frozen=True)
class Proposal:
    pairs: list[ProposedPair]
    unplaced: list[Unplaced]


def slots(family: FamilyFacts) -> int:
    """How many students matching may propose for the family. A shared room whose family takes
    any gender gets one student at most until a first one is placed (the rules then keep the
    room to that gender), so two students of different genders never share it."""
    beds = max(0, family.free_beds)
    if family.shared_room and family.gender_preference == ANY_GENDER and not family.placed_genders:
        return min(beds, 1)
    return beds


def propose(
    students: Sequence[StudentFacts], families: Sequence[FamilyFacts], returns_on: date
) -> Proposal:
    """The largest placement the rules allow, and among those the one with the best total fit."""
    students, families = list(students), list(families)
    allowed, fit, blocking = _pair_matrices(students, families, returns_on)
    capacity = np.array([slots(f) for f in families], dtype=np.intp)
    placed = _assign(allowed, fit, capacity)

    pairs = []
    for i, j in placed:
        reasons, tradeoffs = _describe(students[i], families[j])
        pairs.append(ProposedPair(students[i], families[j], int(fit[i, j]), reasons, tradeoffs))
    pairs.sort(key=lambda p: (_family_key(p.family), _student_key(p.student)))

    placed_rows = {i for i, _ in placed}
    unplaced = [
        _unplaced(students[i], int(allowed[i].sum()), blocking[i], len(families))
        for i in sorted(
            set(range(len(students))) - placed_rows, key=lambda i: _student_key(students[i])
        )
    ]
    return Proposal(pairs, unplaced)


def _pair_matrices(
    students: list[StudentFacts], families: list[FamilyFacts], returns_on: date
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which pairs break no rule, their fit (small integers), and for each student how many
    families each rule blocks (columns in the order of Rule); worked out for CHUNK students at
    a time, as the rule and fit matrices of all students at once take several times the memory."""
    n, m = len(students), len(families)
    allowed = np.empty((n, m), dtype=bool)
    fit = np.empty((n, m), dtype=FIT_TYPE)
    blocking = np.empty((n, len(Rule)), dtype=np.intp)
    for start in range(0, n, CHUNK):
        part = students[start : start + CHUNK]
        rows = slice(start, start + len(part))
        broken = broken_matrices(part, families, returns_on)
        allowed[rows] = allowed_from(broken, len(part), m)
        for k, rule in enumerate(Rule):
            blocking[rows, k] = np.broadcast_to(broken[rule], (len(part), m)).sum(axis=1)
        fit[rows] = fit_matrix(part, families)
    return allowed, fit, blocking


def _assign(allowed: np.ndarray, fit: np.ndarray, capacity: np.ndarray) -> list[tuple[int, int]]:
    """(student, family) pairs: most students placed first, then the best total fit; one
    column per bed for linear_sum_assignment, never more beds than students the family may take."""
    # SciPy (~40 MB) is loaded when matching first runs, not by every process of the
    # application (web workers, the jobs worker).
    from scipy.optimize import linear_sum_assignment

    rows = np.flatnonzero(allowed.any(axis=1))
    cols = np.flatnonzero(allowed.any(axis=0) & (capacity > 0))
    if not (rows.size and cols.size):
        return []
    beds = np.minimum(capacity[cols], allowed[:, cols].sum(axis=0))
    bed_col = np.repeat(np.arange(cols.size), beds)  # position in cols of each bed
    cost = _cost_matrix(allowed, fit, rows, cols, bed_col)
    if cost.flags.c_contiguous:
        r, c = linear_sum_assignment(cost)
    else:
        c, r = linear_sum_assignment(cost.T)
    keep = cost[r, c] < 0  # assigned to a forbidden bed means not placed
    return list(zip(rows[r[keep]].tolist(), cols[bed_col[c[keep]]].tolist(), strict=True))


def _cost_matrix(
    allowed: np.ndarray, fit: np.ndarray, rows: np.ndarray, cols: np.ndarray, bed_col: np.ndarray
) -> np.ndarray:
    """Students (rows) × beds: minus (big + fit) where allowed, else 0. It is the one large
    array of matching, so it is laid out as linear_sum_assignment works (float64, C order, no
    more rows than columns: a transposed view when there are more students than beds) and
    the solver makes no copy of it; it is filled a CHUNK of students at a time."""
    big = min(rows.size, bed_col.size) * MAX_FIT + 1  # one more student beats any fit
    shape = (rows.size, bed_col.size)
    cost = np.empty(shape) if shape[0] <= shape[1] else np.empty(shape[::-1]).T
    for start in range(0, rows.size, CHUNK):
        part = np.ix_(rows[start : start + CHUNK], cols)
        per_family = fit[part].astype(np.float64)
        per_family += big
        np.negative(per_family, out=per_family)
        per_family[~allowed[part]] = 0.0
        np.take(per_family, bed_col, axis=1, out=cost[start : start + CHUNK], mode="clip")
    return cost


def explain(
    student: StudentFacts, family: FamilyFacts, returns_on: date
) -> tuple[int, list[str], list[str]]:
    """Score, reasons and trade-offs of one pair, e.g. for a placement made by hand; the rules
    it breaks (soft ones a coordinator overrides) come first among the trade-offs."""
    score = int(fit_matrix([student], [family])[0, 0])
    reasons, tradeoffs = _describe(student, family)
    broken = [str(MESSAGES[rule]) for rule in broken_rules(student, family, returns_on)]
    return score, reasons, broken + tradeoffs


def _student_key(student: StudentFacts) -> tuple[str, int]:
    return student.name.casefold(), student.enrolment_id


def _family_key(family: FamilyFacts) -> tuple[str, int]:
    return family.name.casefold(), family.application_id


def _and(items: list[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return str(_l("%(items)s and %(last)s", items=", ".join(items[:-1]), last=items[-1]))


def _diet_name(diet: str) -> str:
    if diet == Diet.OTHER:
        return str(_l("the student's special diet"))
    return str(Diet(diet).label) if diet in DIET_VALUES else diet


def _miles(miles: float) -> str:
    number = _decimal(round(miles, 1), str(get_locale() or ""))
    # "1 mile", but "0.5 miles" and "1.5 miles": only exactly one takes the singular.
    count = 1 if round(miles, 1) == 1 else 2
    return ngettext(
        "%(miles)s mile from school", "%(miles)s miles from school", count, miles=number
    )


@lru_cache(maxsize=4096)
def _decimal(number: float, locale: str) -> str:
    return format_decimal(number, format="#,##0.#")


def _describe(student: StudentFacts, family: FamilyFacts) -> tuple[list[str], list[str]]:
    """Why the pair fits and what it gives up, in the order of the fit score's parts."""
    reasons: list[str] = []
    tradeoffs: list[str] = []
    shared = sorted(student.interests & family.interests)
    if shared:
        reasons.append(str(_l("shares interests: %(interests)s", interests=", ".join(shared))))
    else:
        tradeoffs.append(str(_l("no shared interests")))
    spoken = sorted(counted_languages(student.languages) & counted_languages(family.languages))
    if spoken:
        names = _and([language.title() for language in spoken])
        reasons.append(str(_l("speaks %(languages)s at home", languages=names)))
    if family.distance_miles is None:
        tradeoffs.append(str(_l("distance to school unknown")))
    elif distance_points(family.distance_miles) > 0:
        reasons.append(_miles(family.distance_miles))
    else:
        tradeoffs.append(_miles(family.distance_miles))
    if student.diet != NO_DIET:
        diet = _diet_name(student.diet)
        if student.diet in family.diets:
            reasons.append(str(_l("can cook %(diet)s", diet=diet)))
        else:
            tradeoffs.append(str(_l("the family cannot cook %(diet)s", diet=diet)))
    if student.no_pets and not family.has_pets:
        reasons.append(str(_l("no pets, as the student wished")))
    elif student.no_pets:
        tradeoffs.append(str(_l("has pets although the student would prefer none")))
    return reasons, tradeoffs


def _unplaced(student: StudentFacts, fitting: int, blocking: np.ndarray, m: int) -> Unplaced:
    if student.consent_withdrawn:  # about the student, not any family: said as it is
        return Unplaced(student, Rule.CONSENT_WITHDRAWN, str(MESSAGES[Rule.CONSENT_WITHDRAWN]))
    if fitting:
        message = ngettext(
            "The family that fits (%(num)d) has no free bed left",
            "Families that fit (%(num)d) have no free bed left",
            fitting,
        )
        return Unplaced(student, None, message)
    if m == 0:
        return Unplaced(student, None, str(_l("There is no family to place the student with")))
    counts = {rule: int(count) for rule, count in zip(Rule, blocking, strict=True)}
    ranked = sorted((rule for rule in counts if counts[rule]), key=lambda r: -counts[r])
    parts = [
        ngettext(
            "%(phrase)s (%(count)d of %(num)d family)",
            "%(phrase)s (%(count)d of %(num)d families)",
            m,
            phrase=RULE_PHRASES[rule],
            count=counts[rule],
        )
        for rule in ranked
    ]
    message = str(_l("Every family breaks a rule: %(rules)s", rules="; ".join(parts)))
    return Unplaced(student, ranked[0], message)
