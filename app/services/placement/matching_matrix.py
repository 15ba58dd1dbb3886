"""The placement rules and the fit score for every student–family pair of a cohort at once,
as numpy matrices (students × families), so that matching scales to thousands of students.

The rules themselves live in placement_rules.broken_rules; the tests check that these matrices
agree with it on every pair."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import numpy as np

from app.services.placement.placement_rules import FamilyFacts, Rule, StudentFacts

# Fit score of a pair: higher is better.
INTEREST_POINTS = 3  # per shared interest …
INTEREST_CAP = 3  # … counting at most this many
LANGUAGE_POINTS = 3  # per shared language other than German …
LANGUAGE_CAP = 2  # … counting at most this many
NOT_COUNTED_LANGUAGES = frozenset({"german", "deutsch"})
DISTANCE_POINTS = 10  # max(0, DISTANCE_POINTS − round(miles)); unknown distance: 0
DIET_POINTS = 5  # the family can cook the student's diet (not for diet "none")
NO_PETS_POINTS = 3  # the student prefers no pets and the family has none
MAX_FIT = (
    INTEREST_POINTS * INTEREST_CAP
    + LANGUAGE_POINTS * LANGUAGE_CAP
    + DISTANCE_POINTS
    + DIET_POINTS
    + NO_PETS_POINTS
)

NO_DIET = "none"
ANY_GENDER = "any"


def _column(items: Sequence[object], attr: str) -> np.ndarray:
    return np.array([bool(getattr(item, attr)) for item in items], dtype=bool)


def _codes(values: Iterable[str], vocabulary: dict[str, int]) -> np.ndarray:
    return np.array([vocabulary.setdefault(v, len(vocabulary)) for v in values], dtype=np.intp)


def _incidence(sets: Sequence[frozenset[str]], vocabulary: dict[str, int]) -> np.ndarray:
    """Rows of 0/1: which words of the vocabulary each set holds (other words are left out)."""
    rows, cols = [], []
    for i, words in enumerate(sets):
        for word in words:
            if word in vocabulary:
                rows.append(i)
                cols.append(vocabulary[word])
    matrix = np.zeros((len(sets), len(vocabulary)), dtype=np.float32)
    matrix[rows, cols] = 1
    return matrix


def overlap(a: Sequence[frozenset[str]], b: Sequence[frozenset[str]]) -> np.ndarray:
    """|a[i] ∩ b[j]| for every i, j, as an integer matrix."""
    shared = frozenset().union(*a) & frozenset().union(*b)  # only these words can count
    vocabulary = {word: k for k, word in enumerate(sorted(shared))}
    product = _incidence(a, vocabulary) @ _incidence(b, vocabulary).T
    return np.rint(product).astype(np.int32)


def broken_matrices(
    students: Sequence[StudentFacts], families: Sequence[FamilyFacts], returns_on: date
) -> dict[Rule, np.ndarray]:
    """For each rule, where placing student i with family j breaks it; the arrays broadcast to
    (students, families) (rules about one side only are a column or a row)."""
    n, m = len(students), len(families)

    def student(attr: str) -> np.ndarray:
        return _column(students, attr).reshape(n, 1)

    def family(attr: str) -> np.ndarray:
        return _column(families, attr).reshape(1, m)

    valid_until = np.array(
        [f.background_valid_until.toordinal() if f.background_valid_until else 0 for f in families],
        dtype=np.int64,
    ).reshape(1, m)
    beds = np.array([f.free_beds for f in families], dtype=np.int64).reshape(1, m)

    genders: dict[str, int] = {}
    gender = _codes((s.gender for s in students), genders)
    preference = _codes((f.gender_preference for f in families), genders).reshape(1, m)
    anyone = np.array([f.gender_preference == ANY_GENDER for f in families], dtype=bool)
    placed = np.zeros((m, len(genders) + 1), dtype=np.int16)  # last column: unknown genders
    for j, f in enumerate(families):
        for g in f.placed_genders:
            placed[j, genders.get(g, len(genders))] = 1
    same = placed[:, gender].T  # 1 where the student's gender is among those placed
    others = placed.sum(axis=1).reshape(1, m) - same  # placed genders other than the student's

    return {
        Rule.ENROLMENT_ACTIVE: ~student("holds_place"),
        Rule.CONSENT_WITHDRAWN: student("consent_withdrawn"),
        Rule.FAMILY_APPROVED: ~family("approved"),
        Rule.FAMILY_AVAILABLE: ~family("available"),
        Rule.BACKGROUND_CHECK: valid_until < returns_on.toordinal(),
        Rule.BEDS: beds < 1,
        Rule.PET_ALLERGY: student("pet_allergy") & family("has_pets"),
        Rule.SHARED_ROOM_GENDER: family("shared_room") & (others > 0),
        Rule.NO_SMOKERS: student("no_smokers") & family("smoking"),
        Rule.GENDER_PREFERENCE: ~anyone.reshape(1, m) & (preference != gender.reshape(n, 1)),
    }


def allowed_from(broken: dict[Rule, np.ndarray], n: int, m: int) -> np.ndarray:
    allowed = np.ones((n, m), dtype=bool)
    for matrix in broken.values():
        allowed &= ~matrix
    return allowed


def allowed_matrix(
    students: Sequence[StudentFacts], families: Sequence[FamilyFacts], returns_on: date
) -> np.ndarray:
    """True where placing student i with family j breaks no rule, hard or soft."""
    broken = broken_matrices(students, families, returns_on)
    return allowed_from(broken, len(students), len(families))


def distance_points(miles: float | None) -> int:
    return 0 if miles is None else max(0, DISTANCE_POINTS - round(miles))


def counted_languages(languages: frozenset[str]) -> frozenset[str]:
    return languages - NOT_COUNTED_LANGUAGES


def fit_matrix(students: Sequence[StudentFacts], families: Sequence[FamilyFacts]) -> np.ndarray:
    """The fit score of every pair, as an integer matrix (students × families)."""
    n, m = len(students), len(families)
    interests = overlap([s.interests for s in students], [f.interests for f in families])
    languages = overlap(
        [counted_languages(s.languages) for s in students],
        [counted_languages(f.languages) for f in families],
    )
    distance = np.array([distance_points(f.distance_miles) for f in families], dtype=np.int32)

    diets = {
        diet: k for k, diet in enumerate(sorted(frozenset().union(*(f.diets for f in families))))
    }
    cooks = _incidence([f.diets for f in families], diets) > 0
    cooks = np.hstack([cooks, np.zeros((m, 1), dtype=bool)])  # last column: nobody cooks it
    diet = np.array([diets.get(s.diet, -1) if s.diet != NO_DIET else -1 for s in students])
    diet_met = cooks[:, diet.astype(np.intp)].T.reshape(n, m)

    no_pets_met = _column(students, "no_pets").reshape(n, 1) & ~_column(families, "has_pets")

    fit = INTEREST_POINTS * np.minimum(interests, INTEREST_CAP)
    fit += LANGUAGE_POINTS * np.minimum(languages, LANGUAGE_CAP)
    fit += distance.reshape(1, m)
    fit += DIET_POINTS * diet_met
    fit += NO_PETS_POINTS * no_pets_met
    return fit.astype(np.int32)
